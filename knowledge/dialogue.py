"""A conversation, turn by turn: a message is understood against the previous turn
(:func:`knowledge.followup.resolve`), answered, presented (:func:`knowledge.present.present`:
each statement once) and what the next message may refer to is returned as a small
:class:`~knowledge.followup.Turn` for the caller to keep.

Pages are pages of the presentation: the snippets a turn keeps as shown are the presented ones
(with the hits merged into or dropped before them), and «ещё» goes on from the presented
snippet after the last one shown — as the «Ещё» button does.

The bot keeps the turn in aiogram's FSM storage, the console chat and the CLI in a variable;
the evaluation of dialogue sets goes through the same :func:`converse`.  Small talk
(«спасибо», «привет»; :func:`knowledge.intents.small_talk`) never reaches :func:`converse`: the
callers answer it in kind and leave the turn they keep as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .followup import (
    DETAIL,
    MAX_MENTIONS,
    MORE,
    NEXT,
    PERSON,
    Mention,
    Resolution,
    Turn,
    asks_for_person,
    names_in,
    resolve,
)
from .models import Answer, Hit
from .normalize import stem, words
from .present import Presentation, present
from .search import KnowledgeIndex

__all__ = ["PAGE", "Exchange", "converse", "shown_ids"]

# snippets a reply shows at once (the bot shows two in groups)
PAGE = 3
# people an answer names that a «он/она» in the next message may stand for
ANSWER_PEOPLE = 2
# paragraphs one «подробнее» reads on
READ_ON = 2


@dataclass(frozen=True, slots=True)
class Exchange:
    """One answered message: how it was understood, the answer and its presentation, the
    first presented snippet to show (past the ones shown already, after «ещё») and the turn
    to keep for the next message."""

    resolution: Resolution
    answer: Answer
    start: int
    turn: Turn
    presentation: Presentation

    @property
    def shown(self) -> Answer:
        """The answer from the first snippet to show on (after «ещё»: the hits behind the
        presented snippets from ``start``)."""
        if not self.start:
            return self.answer
        hits = self.answer.hits
        return replace(
            self.answer, hits=tuple(hits[s.rank] for s in self.presentation.snippets[self.start :])
        )


def shown_ids(shown: Presentation, start: int, count: int) -> tuple[int, ...]:
    """The passages a page of ``shown`` stands for: every hit before the first snippet of the
    next page (the hits between the snippets shown were merged into one of them or dropped as
    saying what they say), or every hit when the page is the last."""
    if not shown.snippets[start : start + count]:
        return ()
    rest = shown.snippets[start + count :]
    end = rest[0].rank if rest else len(shown.answer.hits)
    return tuple(h.passage_id for h in shown.answer.hits[:end])


def converse(
    index: KnowledgeIndex, text: str, previous: Turn | None, *, page: int = PAGE
) -> Exchange:
    """Answer ``text`` as the next message after ``previous`` (``None``: a first message).

    :param page: how many snippets the reply shows (their passages kept as the turn's
        answer ids).
    """
    resolution = resolve(previous, text, index.vocabulary.persons)
    if resolution.kind == MORE and previous is not None:
        return _go_on(index, resolution, previous, page)
    answer = index.search(resolution.question)
    if resolution.more == NEXT and previous is not None:
        # «а что ещё подписали?»: past the snippets shown already, if there are others
        fresh = tuple(h for h in answer.hits if h.passage_id not in previous.answer_ids)
        if fresh:
            answer = replace(answer, hits=fresh)
    mentions = resolution.mentions
    if asks_for_person(resolution.question):
        mentions = _with_answer_people(index, mentions, answer)
    shown = present(answer, page)
    turn = Turn(resolution.question, mentions, shown_ids(shown, 0, page))
    return Exchange(resolution, answer, 0, turn, shown)


def _go_on(
    index: KnowledgeIndex, resolution: Resolution, previous: Turn, page: int
) -> Exchange:
    """«ещё»: the presented snippets after the ones shown.  «подробнее», or «ещё» with no
    snippet left: the article read on from the best snippet shown — its paragraph and the
    next one, then the two after those, and so on."""
    answer = index.search(previous.question)
    turn = previous
    shown = present(answer, page)
    if not answer.answered:
        return Exchange(resolution, answer, 0, turn, shown)
    seen = set(previous.answer_ids)
    positions = [i for i, s in enumerate(shown.snippets) if s.passage_id in seen]
    start = max(positions) + 1 if positions else 0
    if resolution.more != DETAIL and start < len(shown.snippets):
        ids = (*previous.answer_ids, *shown_ids(shown, start, page))
        turn = replace(previous, answer_ids=tuple(dict.fromkeys(ids)))
        return Exchange(resolution, answer, start, turn, shown)
    best = previous.answer_ids[0] if previous.answer_ids else answer.hits[0].passage_id
    found = index.continuation(best, previous.read + READ_ON)
    paragraphs = found[0].split("\n")[previous.read :] if found else []
    if not found or not paragraphs:
        # nothing more to read: the reply says so
        nothing = replace(answer, hits=(), figures=(), agreements=(), people=())
        return Exchange(resolution, nothing, 0, turn, _read_on(nothing, page))
    hit_positions = [i for i, hit in enumerate(answer.hits) if hit.passage_id in seen]
    score = answer.hits[hit_positions[0]].score if hit_positions else answer.hits[0].score
    hit = Hit("\n".join(paragraphs), found[1], score, best)
    read_on = replace(answer, hits=(hit,), figures=(), agreements=(), people=())
    turn = replace(previous, read=previous.read + len(paragraphs))
    return Exchange(resolution, read_on, 0, turn, _read_on(read_on, page))


def _read_on(answer: Answer, page: int) -> Presentation:
    """The article read on, as it is: no verdict (the first answer gave it) and no fact lines."""
    return replace(present(answer, page), verdict=None, figures=())


def _with_answer_people(
    index: KnowledgeIndex, mentions: tuple[Mention, ...], answer: Answer
) -> tuple[Mention, ...]:
    """The question's names and the people its answer names (its facts, else its first
    snippet): after «Кто губернатор Смоленской области?», «а что он сказал?» is about the
    governor the answer named."""
    known = {m.key for m in mentions}
    people: list[Mention] = []
    for person in answer.people:
        parts = words(person.name)
        if parts:
            people.append(Mention(PERSON, "prs" + stem(parts[-1]), person.name))
    if answer.answered and answer.hits:
        named = names_in(answer.hits[0].text, index.vocabulary.persons)
        people += [m for m in named if m.kind == PERSON]
    new = list({p.key: p for p in reversed(people) if p.key not in known}.values())[::-1]
    return (*mentions, *new[:ANSWER_PEOPLE])[:MAX_MENTIONS]
