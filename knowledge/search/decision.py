"""Decision stage: answer or decline, and which units to show.

Some questions are declined before any search (nothing to look for, a place or name the
articles never mention, «сколько» of nothing); the rest after ranking, from the best units'
features: too little of the question covered, or none of the passages that speak of it holds
the number / date / time asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..lexicon import gazetteer
from .features import UnitFeatures
from .lexical import is_number
from .query import Query

__all__ = [
    "MIN_CONTENT",
    "MIN_COVERAGE",
    "RELATIVE_FLOOR",
    "Decision",
    "Scored",
    "before_search",
    "decide",
]

# Below this share of the question's weight covered by the best snippet, the answer is "no".
MIN_COVERAGE = 0.55
# …and below this share of what the question asks about (its words other than names of
# places and people): «Какой товарооборот Ульяновской области?» needs «товарооборот».
MIN_CONTENT = 0.5
# Hits after the first must keep at least this share of the best score.
RELATIVE_FLOOR = 0.6


class Scored(Protocol):
    """A ranked unit as the decision sees it."""

    @property
    def features(self) -> UnitFeatures: ...

    @property
    def score(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Decision:
    """Answer (with the units to show) or decline (with the reason)."""

    answered: bool
    reason: str | None = None  # empty, unknown_entity, no_value, no_person, weak
    unknown_terms: tuple[str, ...] = ()
    shown: tuple[int, ...] = ()  # positions of the units shown, best first
    relevant: tuple[int, ...] = ()  # positions of the units the facts come from


def before_search(query: Query) -> Decision | None:
    """A decline the question alone decides, or ``None`` to go on searching."""
    if not query.terms:
        return Decision(False, "empty")
    if query.unknown_entities:
        names = tuple(gazetteer().entries[k].name for k in query.unknown_entities)
        return Decision(False, "unknown_entity", names)
    unknown = query.unknown_specific
    if unknown:
        return Decision(False, "unknown_entity", tuple(t.surface for t in unknown))
    counted = [t for t in query.terms if not t.entity and not is_number(t.lemma)]
    if "count" in query.strong_cues and not counted:
        # «сколько лет Крутому?», «сколько будет 17*23»: nothing the articles count
        return Decision(False, "no_value")
    return None


def _good(f: UnitFeatures) -> bool:
    return f.coverage >= MIN_COVERAGE and f.content >= MIN_CONTENT


def decide(query: Query, ranked: Sequence[Scored], limit: int) -> Decision:
    """Answer from the ranked units (best first), or decline."""
    good = [
        u
        for u in ranked
        if u.features.coverage >= MIN_COVERAGE and u.features.content >= MIN_CONTENT
    ]
    if good and not good[0].features.satisfied:
        # the articles speak of it, but none of those passages gives the number / date /
        # time asked for (unsatisfied units rank last, so good[0] is the best there is)
        return Decision(False, "no_value")
    if not ranked or not _good(ranked[0].features):
        return Decision(False, "weak", tuple(t.surface for t in query.terms if not t.known))
    best = ranked[0].score
    shown: list[int] = []
    for n, unit in enumerate(ranked):
        if len(shown) >= limit:
            break
        if shown and (unit.score < best * RELATIVE_FLOOR or not _good(unit.features)):
            break
        shown.append(n)
    # facts come from the passages that answer the question, not from the whole corpus
    relevant = tuple(
        n
        for n, u in enumerate(ranked)
        if u.features.coverage >= MIN_COVERAGE and u.features.satisfied
    )
    return Decision(True, shown=tuple(shown), relevant=relevant)
