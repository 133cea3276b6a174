"""Scoring stage: one number per candidate unit, computed from its ``UnitFeatures`` alone.

The weights are named, so a learned model can replace them (or the whole function) without
touching the stages that compute the features.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from ..answer_types import BONUS
from .features import LIST_CAP, UnitFeatures
from .store import Row

__all__ = ["WEIGHTS", "Unit", "Weights", "rank_key", "score"]


@dataclass(frozen=True, slots=True)
class Weights:
    """What each feature adds to (or takes from) a unit's coverage."""

    answer_type: Mapping[str, float] = field(default_factory=lambda: dict(BONUS))
    undated: float = 0.15  # «По итогам 2024 года» is a weaker «когда» than a date
    person: float = 0.25
    listed: float = 0.1  # for five named things of the asked kind (a fifth for each)
    role_stated: float = 0.15
    verified: float = 0.5
    unsatisfied: float = 1.0  # a unit without the required kind of value ranks last
    modifier: float = 0.15
    best_figure: float = 0.15


WEIGHTS = Weights()


class Unit(NamedTuple):
    """A candidate unit with its features and score."""

    rows: tuple[Row, ...]
    texts: tuple[str, ...]
    features: UnitFeatures
    score: float


def score(f: UnitFeatures, w: Weights = WEIGHTS) -> float:
    """Today's score: coverage plus the answer-type and evidence bonuses, minus the cost of
    a second sentence; the second look's adjustments on top (in this order: the floats are
    summed exactly as they always were)."""
    (
        coverage, _, answer_types, undated, person, listed, role_stated, verified, satisfied,
        pair_penalty, _, _, modifier, best_figure,
    ) = f  # fmt: skip
    bonus = sum(w.answer_type[c] for c in answer_types)
    if undated:
        bonus -= w.undated
    if person:
        bonus += w.person
    if listed >= 0:
        bonus += w.listed * listed / LIST_CAP
    if role_stated:
        bonus += w.role_stated
    if verified:
        bonus += w.verified
    total = coverage + bonus - pair_penalty - (0.0 if satisfied else w.unsatisfied)
    if not modifier and not best_figure:
        return total
    adjust = 0.0
    if modifier:
        adjust -= w.modifier
    if best_figure:
        adjust += w.best_figure
    return total + adjust if adjust else total


def rank_key(unit: Unit) -> tuple[float, float, int]:
    """Best score first; on a tie the better coverage, then the earlier passage."""
    return (-unit.score, -unit.features.coverage, unit.rows[0].id)
