"""Evaluation over JSONL question sets: hit@1, hit@3, MRR and out-of-scope refusals."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .models import Answer
from .normalize import normalize

__all__ = ["SEALED_MANIFEST", "EvalCase", "EvalReport", "evaluate", "is_sealed", "load_cases"]

# A question set listed in this file (next to it, one file name per line) is sealed: it was
# written by someone who saw only the articles and nobody may read its misses until the work
# it judges is done, so evaluation reports only its aggregate figures.
SEALED_MANIFEST = "sealed.txt"


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One question with the substrings a correct snippet contains (or none expected)."""

    id: str
    question: str
    expect: tuple[str, ...] = ()
    expect_none: bool = False
    # out of scope, but about something the articles do mention (a detail they do not give)
    hard: bool = False


@dataclass(frozen=True, slots=True)
class EvalMiss:
    """A question the engine got wrong, with what it returned."""

    case: EvalCase
    answered: bool
    rank: int | None
    first: str


@dataclass(frozen=True)
class EvalReport:
    """Summary figures of one evaluation run."""

    answerable: int
    out_of_scope: int
    hit1: float
    hit3: float
    mrr: float
    oos_refused: float
    misses: tuple[EvalMiss, ...] = field(default=())
    # answerable questions the engine declined, as a share of the answerable ones
    declined: float = 0.0
    hard_oos: int = 0
    hard_refused: float = 0.0
    sealed: bool = False

    def as_dict(self) -> dict[str, object]:
        """The figures as a JSON-friendly dict (misses included)."""
        return {
            "answerable": self.answerable,
            "out_of_scope": self.out_of_scope,
            "hit@1": round(self.hit1, 4),
            "hit@3": round(self.hit3, 4),
            "mrr": round(self.mrr, 4),
            "oos_refused": round(self.oos_refused, 4),
            "declined": round(self.declined, 4),
            "hard_oos": self.hard_oos,
            "hard_refused": round(self.hard_refused, 4),
            "sealed": self.sealed,
            "misses": [
                {
                    "id": m.case.id,
                    "question": m.case.question,
                    "answered": m.answered,
                    "rank": m.rank,
                    "first": m.first,
                }
                for m in self.misses
            ],
        }


def load_cases(path: Path) -> list[EvalCase]:
    """Read a JSONL file of ``{"id", "question", "expect": [...]}`` / ``"expect_none"``."""
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        cases.append(
            EvalCase(
                id=str(item.get("id", n)),
                question=str(item["question"]),
                expect=tuple(item.get("expect", ())),
                expect_none=bool(item.get("expect_none", False)),
                hard=bool(item.get("hard", False)),
            )
        )
    return cases


def is_sealed(path: Path) -> bool:
    """Whether ``path`` is listed in the ``sealed.txt`` manifest of its folder."""
    manifest = path.parent / SEALED_MANIFEST
    if not manifest.is_file():
        return False
    names = {line.strip() for line in manifest.read_text(encoding="utf-8").splitlines()}
    return path.name in names


def _rank(answer: Answer, expect: Iterable[str]) -> int | None:
    wanted = [normalize(e) for e in expect]
    for i, hit in enumerate(answer.hits, start=1):
        text = normalize(hit.text)
        if any(w and w in text for w in wanted):
            return i
    return None


def evaluate(
    cases: Iterable[EvalCase], ask: Callable[[str], Answer], *, sealed: bool = False
) -> EvalReport:
    """Run every case through ``ask`` and compute the figures.

    :param sealed: report aggregates only (no misses) — for a sealed question set.
    """
    answerable = oos = hit1 = hit3 = refused = declined = hard = hard_refused = 0
    rr = 0.0
    misses: list[EvalMiss] = []
    for case in cases:
        answer = ask(case.question)
        first = answer.hits[0].text if answer.hits else ""
        if case.expect_none:
            oos += 1
            hard += case.hard
            if not answer.answered:
                refused += 1
                hard_refused += case.hard
            else:
                misses.append(EvalMiss(case, True, None, first))
            continue
        answerable += 1
        declined += not answer.answered
        rank = _rank(answer, case.expect) if answer.answered else None
        if rank == 1:
            hit1 += 1
        if rank is not None and rank <= 3:
            hit3 += 1
        if rank is not None:
            rr += 1.0 / rank
        if rank != 1:
            misses.append(EvalMiss(case, answer.answered, rank, first))
    return EvalReport(
        answerable=answerable,
        out_of_scope=oos,
        hit1=hit1 / answerable if answerable else 0.0,
        hit3=hit3 / answerable if answerable else 0.0,
        mrr=rr / answerable if answerable else 0.0,
        oos_refused=refused / oos if oos else 0.0,
        misses=() if sealed else tuple(misses),
        declined=declined / answerable if answerable else 0.0,
        hard_oos=hard,
        hard_refused=hard_refused / hard if hard else 0.0,
        sealed=sealed,
    )
