"""The answer types: what a question can ask for and a passage can hold, declared once.

A question raises an answer type through its cue words (``lexicon.json`` →
``question_cues``, data), a passage holds one when the type's detector finds it in the
sentence at build time (stored as one ``flags`` column of the index), and a snippet that
holds what was asked gets the type's bonus.  A *required* type, raised by a strong cue
(«сколько», «когда», «во сколько», «где находится»), must be held by the answer at all.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ANSWER_TYPES", "BONUS", "REQUIRED", "AnswerType"]


@dataclass(frozen=True, slots=True)
class AnswerType:
    """One kind of answer."""

    name: str
    bonus: float  # added to a snippet holding it when the question asks for it
    required: bool = False  # a strong cue for it needs that kind of value in the answer
    asked: bool = True  # False: a qualifier of another type, never asked for by itself


ANSWER_TYPES = (
    AnswerType("count", 0.2, required=True),
    AnswerType("date", 0.2, required=True),
    AnswerType("time", 0.2, required=True),
    AnswerType("person", 0.12),
    AnswerType("place", 0.08),
    AnswerType("speech", 0.1),
    AnswerType("name", 0.08),
    AnswerType("address", 0.2, required=True),
    AnswerType("agreement", 0.3),
    # a day and month («29 сентября», «в первый день»), not only a year: a «когда» answered
    # by «по итогам 2024 года» is weaker
    AnswerType("day", 0.0, asked=False),
)
BONUS = {t.name: t.bonus for t in ANSWER_TYPES if t.asked}
REQUIRED = frozenset(t.name for t in ANSWER_TYPES if t.required)
