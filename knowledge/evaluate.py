"""Evaluation over JSONL question sets: hit@1, hit@3, MRR and out-of-scope refusals."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .models import Answer
from .normalize import normalize

__all__ = ["EvalCase", "EvalReport", "evaluate", "load_cases"]


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One question with the substrings a correct snippet contains (or none expected)."""

    id: str
    question: str
    expect: tuple[str, ...] = ()
    expect_none: bool = False


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

    def as_dict(self) -> dict[str, object]:
        """The figures as a JSON-friendly dict (misses included)."""
        return {
            "answerable": self.answerable,
            "out_of_scope": self.out_of_scope,
            "hit@1": round(self.hit1, 4),
            "hit@3": round(self.hit3, 4),
            "mrr": round(self.mrr, 4),
            "oos_refused": round(self.oos_refused, 4),
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
            )
        )
    return cases


def _rank(answer: Answer, expect: Iterable[str]) -> int | None:
    wanted = [normalize(e) for e in expect]
    for i, hit in enumerate(answer.hits, start=1):
        text = normalize(hit.text)
        if any(w and w in text for w in wanted):
            return i
    return None


def evaluate(cases: Iterable[EvalCase], ask: Callable[[str], Answer]) -> EvalReport:
    """Run every case through ``ask`` and compute the figures."""
    answerable = oos = hit1 = hit3 = refused = 0
    rr = 0.0
    misses: list[EvalMiss] = []
    for case in cases:
        answer = ask(case.question)
        first = answer.hits[0].text if answer.hits else ""
        if case.expect_none:
            oos += 1
            if not answer.answered:
                refused += 1
            else:
                misses.append(EvalMiss(case, True, None, first))
            continue
        answerable += 1
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
        misses=tuple(misses),
    )
