"""A conversation, turn by turn: a message is understood against the previous turn
(:func:`knowledge.followup.resolve`), answered, and what the next message may refer to is
returned as a small :class:`~knowledge.followup.Turn` for the caller to keep.

The bot keeps the turn in aiogram's FSM storage, the console chat and the CLI in a variable;
the evaluation of dialogue sets goes through the same :func:`converse`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .followup import DETAIL, MAX_MENTIONS, MORE, PERSON, Mention, Resolution, Turn, resolve
from .models import Answer, Hit
from .normalize import stem, words
from .search import KnowledgeIndex

__all__ = ["PAGE", "Exchange", "converse"]

# snippets a reply shows at once (the bot shows two in groups)
PAGE = 3
# people an answer names that a «он/она» in the next message may stand for
ANSWER_PEOPLE = 2


@dataclass(frozen=True, slots=True)
class Exchange:
    """One answered message: how it was understood, the answer, the first snippet to show
    (past the ones shown already, after «ещё») and the turn to keep for the next message."""

    resolution: Resolution
    answer: Answer
    start: int
    turn: Turn

    @property
    def shown(self) -> Answer:
        """The answer from the first snippet to show on."""
        if not self.start:
            return self.answer
        return replace(self.answer, hits=self.answer.hits[self.start :])


def converse(
    index: KnowledgeIndex, text: str, previous: Turn | None, *, page: int = PAGE
) -> Exchange:
    """Answer ``text`` as the next message after ``previous`` (``None``: a first message).

    :param page: how many snippets the reply shows (kept as the turn's answer ids).
    """
    resolution = resolve(previous, text, index.vocabulary.persons)
    start = 0
    if resolution.kind == MORE and previous is not None:
        answer, start = _go_on(index, previous, resolution.more == DETAIL)
        earlier = previous.answer_ids
    else:
        answer = index.search(resolution.question)
        earlier = ()
    shown = tuple(h.passage_id for h in answer.hits[start : start + page])
    mentions = resolution.mentions
    if resolution.kind != MORE:
        mentions = _with_answer_people(mentions, answer)
    turn = Turn(
        resolution.question,
        mentions,
        tuple(dict.fromkeys([*earlier, *shown])),
    )
    return Exchange(resolution, answer, start, turn)


def _go_on(index: KnowledgeIndex, previous: Turn, detail: bool) -> tuple[Answer, int]:
    """«ещё»: the snippets after the ones shown; «подробнее» (or nothing left to show): the
    paragraph around the best snippet shown, as the article tells it."""
    answer = index.search(previous.question)
    if not answer.answered:
        return answer, 0
    seen = set(previous.answer_ids)
    positions = [i for i, hit in enumerate(answer.hits) if hit.passage_id in seen]
    start = max(positions) + 1 if positions else 0
    if not detail and start < len(answer.hits):
        return answer, start
    best = previous.answer_ids[0] if previous.answer_ids else answer.hits[0].passage_id
    context = index.context(best)
    if context is None:
        return answer, min(start, len(answer.hits))
    paragraph, source = context
    score = answer.hits[positions[0]].score if positions else answer.hits[0].score
    hit = Hit(paragraph, source, score, best)
    return replace(answer, hits=(hit,), figures=(), agreements=(), people=()), 0


def _with_answer_people(mentions: tuple[Mention, ...], answer: Answer) -> tuple[Mention, ...]:
    """The question's names and the people its answer names: after «Кто губернатор
    Смоленской области?», «а что он сказал?» is about the governor the answer named."""
    people = []
    for person in answer.people[:ANSWER_PEOPLE]:
        parts = words(person.name)
        if parts:
            people.append(Mention(PERSON, "prs" + stem(parts[-1]), person.name))
    known = {m.key for m in mentions}
    return (*mentions, *(p for p in people if p.key not in known))[:MAX_MENTIONS]
