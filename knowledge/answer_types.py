"""The answer types: what a question can ask for and a passage can hold, declared once.

Each type is declared here with

* its **cue**: the question words that ask for it are data (``lexicon.json`` →
  ``question_cues``, keyed by the type's name; «speech» is asked by the speech verbs below,
  «agreement» by the agreement vocabulary);
* its **detector**: a test of one sentence at build time — the index stores the names of the
  types a passage holds in its one ``flags`` column («agreement» comes from the extracted
  agreements instead);
* its **bonus**: what a snippet holding it gains when the question asks for it;
* whether it is **required**: a strong cue («сколько», «когда», «во сколько», «где
  находится») needs that kind of value in the answer at all.

Adding a type is one entry here (and its cue words in the lexicon).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import lexicon, months, word_list
from .normalize import lemma, normalize, parse
from .numbers import spelled_numbers

__all__ = [
    "ACCORDING",
    "ANSWER_TYPES",
    "BONUS",
    "REQUIRED",
    "AnswerType",
    "Sentence",
    "detect",
    "ordered",
    "speech_verbs",
]

ACCORDING = re.compile(r"\bпо (?:его |ее |их |)(?:словам|мнению|данным|оценке|информации)\b")
_ADDRESS = re.compile(
    r"\b(?:ул\.|улиц[а-я]*|проспект[а-я]*|пр-т|переул[а-я]*|шоссе|бульвар[а-я]*|пл\.)\s*\S",
    re.IGNORECASE,
)
_RELATIVE_DAY = re.compile(
    r"\b(?:перв|втор|трет|последн|заключительн)[а-я]*\s+д(?:ень|ня|не)\b"
    r"|\b(?:накануне|вчера|завтра)\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b(?:[01]?\d|2[0-3])[:.][0-5]\d\b|\b\d{1,2}\s+час")


@lru_cache(maxsize=1)
def speech_verbs() -> frozenset[str]:
    """«что сказал …», «рассказал, что …»: verbs of reported speech (lemmas)."""
    return frozenset(lemma(w) for w in word_list("speech_verbs"))


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence as the detectors read it."""

    text: str
    pairs: list[tuple[str, str]]  # (as written, normalised) word pairs
    words: list[str]
    lemmas: list[str]
    entities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnswerType:
    """One kind of answer."""

    name: str
    bonus: float  # added to a snippet holding it when the question asks for it
    detector: Callable[[Sentence], bool] | None  # None: set from the extracted facts
    required: bool = False  # a strong cue for it needs that kind of value in the answer
    asked: bool = True  # False: a qualifier of another type, never asked for by itself


@lru_cache(maxsize=1)
def _months() -> frozenset[str]:
    return frozenset(m.lemma for m in months())


def _is_date_number(s: Sentence, i: int) -> bool:
    word, lemmas = s.words[i], s.lemmas
    nxt = lemmas[i + 1] if i + 1 < len(lemmas) else ""
    if nxt in _months() or nxt == "год":
        return True
    if len(word) == 4 and word.startswith(("19", "20")):
        return True
    after = lemmas[i + 2] if i + 2 < len(lemmas) else ""
    after2 = lemmas[i + 3] if i + 3 < len(lemmas) else ""
    # «с 8 по 10 февраля», «8-10 февраля»
    return nxt in ("по", "и") and after.isdigit() and after2 in _months()


def has_count(s: Sentence) -> bool:
    """A number that is not a date or a year; a spelled count («семь соглашений», not
    «один из»)."""
    return any(
        w.isdigit() and not _is_date_number(s, i) for i, w in enumerate(s.words)
    ) or any(spelled_numbers().get(lem, 0) > 1 for lem in s.lemmas)


def has_date(s: Sentence) -> bool:
    """A month, a year of this century or a relative day («в первый день»)."""
    return (
        any(lem in _months() for lem in s.lemmas)
        or any(w.isdigit() and len(w) == 4 and w.startswith("20") for w in s.words)
        or bool(_RELATIVE_DAY.search(s.text))
    )


def has_day(s: Sentence) -> bool:
    """A day: a month named, or a relative day."""
    return any(lem in _months() for lem in s.lemmas) or bool(_RELATIVE_DAY.search(s.text))


@lru_cache(maxsize=1)
def _organisation() -> re.Pattern[str]:
    """An organisation named by its legal form (the lexicon's legal forms) or as «компания
    «…»»."""
    forms = "|".join(map(re.escape, lexicon().legal_forms))
    return re.compile(rf"\b(?:{forms})\b|(?:компания|предприятие|холдинг)\s+[«\"]")


def has_person(s: Sentence) -> bool:
    """«кто подписал?» is answered by people and by organisations alike: a post, a first
    name and surname, an organisation's legal form or «компания «…»»."""
    return (
        any(lem in lexicon().role_heads for lem in s.lemmas)
        or _has_name(s.pairs)
        or bool(_organisation().search(s.text))
    )


def _has_name(pairs: list[tuple[str, str]]) -> bool:
    for i in range(len(pairs) - 1):
        raw, word = pairs[i]
        nxt_raw = pairs[i + 1][0]
        if raw[:1].isupper() and nxt_raw[:1].isupper() and "Name" in parse(word).tag:
            return True
    return False


def has_place(s: Sentence) -> bool:
    """A region, country or city of the gazetteer."""
    return bool(s.entities)


def has_speech(s: Sentence) -> bool:
    """Reported speech: a speech verb with «что» or a quote, a colon at the end, «по
    словам …»."""
    return (
        (
            any(lem in speech_verbs() for lem in s.lemmas)
            and ("что" in s.words or any(q in s.text for q in '«"“'))
        )
        or s.text.rstrip().endswith(":")
        or bool(ACCORDING.search(normalize(s.text)))
    )


def has_time(s: Sentence) -> bool:
    """A time of day: «10:00», «в 15 часов»."""
    return bool(_TIME.search(s.text))


def has_quote(s: Sentence) -> bool:
    """A quoted name or title."""
    return any(q in s.text for q in '«"“„')


def has_address(s: Sentence) -> bool:
    """A street address."""
    return bool(_ADDRESS.search(s.text))


ANSWER_TYPES = (
    AnswerType("count", 0.2, has_count, required=True),
    AnswerType("date", 0.2, has_date, required=True),
    AnswerType("time", 0.2, has_time, required=True),
    AnswerType("person", 0.12, has_person),
    AnswerType("place", 0.08, has_place),
    AnswerType("speech", 0.1, has_speech),
    AnswerType("name", 0.08, has_quote),
    AnswerType("address", 0.2, has_address, required=True),
    AnswerType("agreement", 0.3, None),
    # a day and month, not only a year: a «когда» answered by «по итогам 2024 года» is
    # weaker (see ``Weights.undated``)
    AnswerType("day", 0.0, has_day, asked=False),
)
BONUS = {t.name: t.bonus for t in ANSWER_TYPES if t.asked}
REQUIRED = frozenset(t.name for t in ANSWER_TYPES if t.required)
_ORDER = {t.name: n for n, t in enumerate(ANSWER_TYPES)}


def detect(sentence: Sentence) -> tuple[str, ...]:
    """The answer types a sentence holds, in registry order."""
    return tuple(t.name for t in ANSWER_TYPES if t.detector is not None and t.detector(sentence))


def ordered(names: Iterable[str]) -> tuple[str, ...]:
    """Answer-type names in registry order, each once."""
    return tuple(sorted(set(names), key=_ORDER.__getitem__))
