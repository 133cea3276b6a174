"""Evaluation over JSONL question sets: hit@1, hit@3, MRR and out-of-scope refusals.

Dialogue sets (one ``{"id", "turns": [...]}`` per line) are scored turn by turn through the
same conversation the bot keeps: follow-up hit@1, and for complete questions asked mid-way the
share answered exactly as they would be without any context.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .followup import KINDS, STANDALONE, Turn
from .models import Answer
from .normalize import normalize

if TYPE_CHECKING:
    from .dialogue import Exchange

__all__ = [
    "SEALED_MANIFEST",
    "Dialogue",
    "DialogueReport",
    "DialogueTurn",
    "EvalCase",
    "EvalReport",
    "evaluate",
    "evaluate_dialogues",
    "is_dialogue_file",
    "is_sealed",
    "load_cases",
    "load_dialogues",
]

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


# ---------------------------------------------------------------- dialogues


@dataclass(frozen=True, slots=True)
class DialogueTurn:
    """One message of a dialogue: the question, what a correct answer contains (or that none
    exists), and for later turns the kind of follow-up it is («standalone»: a complete new
    question) and how its writer understood it."""

    question: str
    expect: tuple[str, ...] = ()
    expect_none: bool = False
    kind: str | None = None
    understood: str = ""


@dataclass(frozen=True, slots=True)
class Dialogue:
    """A conversation of a few turns."""

    id: str
    turns: tuple[DialogueTurn, ...]


@dataclass(frozen=True, slots=True)
class DialogueMiss:
    """A turn answered wrongly, with how it was understood and what came first."""

    dialogue: str
    number: int
    turn: DialogueTurn
    understood: str
    answered: bool
    rank: int | None
    first: str
    # a complete question whose answer changed because of the context
    hijacked: bool = False


@dataclass(frozen=True)
class DialogueReport:
    """Figures of one dialogue set."""

    dialogues: int
    turns: int
    first_answerable: int
    first_hit1: float
    followups: int
    followup_hit1: float
    followup_hit3: float
    followup_oos: int
    followup_oos_refused: float
    standalone: int
    standalone_same: float
    by_kind: dict[str, tuple[int, float]]
    misses: tuple[DialogueMiss, ...] = ()
    sealed: bool = False
    # answerable follow-ups whose previous turn was answered right, and their hit@1: what the
    # understanding itself gets right when it is not misled by a wrong earlier answer
    followups_after_right: int = 0
    followup_hit1_after_right: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """The figures as a JSON-friendly dict (misses included unless sealed)."""
        return {
            "dialogues": self.dialogues,
            "turns": self.turns,
            "first_answerable": self.first_answerable,
            "first_hit@1": round(self.first_hit1, 4),
            "followups": self.followups,
            "followup_hit@1": round(self.followup_hit1, 4),
            "followup_hit@3": round(self.followup_hit3, 4),
            "followup_oos": self.followup_oos,
            "followup_oos_refused": round(self.followup_oos_refused, 4),
            "followups_after_right": self.followups_after_right,
            "followup_hit@1_after_right": round(self.followup_hit1_after_right, 4),
            "standalone": self.standalone,
            "standalone_same": round(self.standalone_same, 4),
            "by_kind": {
                k: {"turns": n, "hit@1": round(h, 4)} for k, (n, h) in self.by_kind.items()
            },
            "sealed": self.sealed,
            "misses": [
                {
                    "id": m.dialogue,
                    "turn": m.number,
                    "question": m.turn.question,
                    "kind": m.turn.kind,
                    "understood": m.understood,
                    "answered": m.answered,
                    "rank": m.rank,
                    "first": m.first,
                    "hijacked": m.hijacked,
                }
                for m in self.misses
            ],
        }


def is_dialogue_file(path: Path) -> bool:
    """Whether a JSONL file holds dialogues (its first record has ``turns``)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(item, dict) and "turns" in item
    return False


def load_dialogues(path: Path) -> list[Dialogue]:
    """Read a JSONL file of ``{"id", "turns": [{"question", "expect"|"expect_none", "kind",
    "understood"}]}``."""
    dialogues = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        dialogues.append(dialogue_from_json(item, str(n)))
    return dialogues


def dialogue_from_json(item: dict[str, object], default_id: str = "") -> Dialogue:
    """One dialogue record (see :func:`load_dialogues`).

    :raises ValueError: when the record has no turns or a turn has no question.
    """
    raw_turns = item.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise ValueError("a dialogue needs a non-empty list of turns")
    turns = []
    for raw in raw_turns:
        if not isinstance(raw, dict) or not isinstance(raw.get("question"), str):
            raise ValueError("every turn needs a question")
        kind = raw.get("kind")
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown kind of turn: {kind!r}")
        turns.append(
            DialogueTurn(
                question=raw["question"],
                expect=tuple(str(e) for e in raw.get("expect", ())),
                expect_none=bool(raw.get("expect_none", False)),
                kind=kind,
                understood=str(raw.get("understood", "")),
            )
        )
    return Dialogue(str(item.get("id", default_id)), tuple(turns))


def _same(a: Answer, b: Answer) -> bool:
    return replace(a, question="") == replace(b, question="")


def evaluate_dialogues(
    dialogues: Iterable[Dialogue],
    converse: Callable[[str, Turn | None], Exchange],
    ask: Callable[[str], Answer],
    *,
    sealed: bool = False,
) -> DialogueReport:
    """Run every dialogue through ``converse`` (each turn after the turn it kept), score it.

    Follow-ups (later turns not marked «standalone») are scored by hit@1 / hit@3 on the
    snippets the reply shows first, out-of-scope ones by refusal; a «standalone» turn counts
    as right when its answer is exactly ``ask(question)``, the answer without any context.
    """
    n_dialogues = n_turns = first_n = first_hit = 0
    fu_n = fu_hit1 = fu_hit3 = fu_oos = fu_refused = 0
    st_n = st_same = after_n = after_hit = 0
    kinds: dict[str, list[int]] = {}
    misses: list[DialogueMiss] = []
    for dialogue in dialogues:
        n_dialogues += 1
        previous: Turn | None = None
        previous_right = True
        for number, turn in enumerate(dialogue.turns, start=1):
            n_turns += 1
            exchange = converse(turn.question, previous)
            previous = exchange.turn
            shown = exchange.shown
            rank = _rank(shown, turn.expect) if shown.answered and turn.expect else None
            was_right, previous_right = previous_right, (
                not shown.answered if turn.expect_none else rank == 1
            )
            if number == 1 or turn.kind is None:
                if not turn.expect_none:
                    first_n += 1
                    first_hit += rank == 1
                continue
            if turn.kind == STANDALONE:
                st_n += 1
                same = _same(exchange.answer, ask(turn.question)) and exchange.start == 0
                st_same += same
                if not same:
                    misses.append(_miss(dialogue.id, number, turn, exchange, rank, hijacked=True))
                continue
            tally = kinds.setdefault(turn.kind, [0, 0])
            tally[0] += 1
            if turn.expect_none:
                fu_oos += 1
                refused = not shown.answered
                fu_refused += refused
                tally[1] += refused
                if not refused:
                    misses.append(_miss(dialogue.id, number, turn, exchange, rank))
                continue
            fu_n += 1
            fu_hit1 += rank == 1
            after_n += was_right
            after_hit += was_right and rank == 1
            fu_hit3 += rank is not None and rank <= 3
            tally[1] += rank == 1
            if rank != 1:
                misses.append(_miss(dialogue.id, number, turn, exchange, rank))
    return DialogueReport(
        dialogues=n_dialogues,
        turns=n_turns,
        first_answerable=first_n,
        first_hit1=first_hit / first_n if first_n else 0.0,
        followups=fu_n,
        followup_hit1=fu_hit1 / fu_n if fu_n else 0.0,
        followup_hit3=fu_hit3 / fu_n if fu_n else 0.0,
        followup_oos=fu_oos,
        followup_oos_refused=fu_refused / fu_oos if fu_oos else 0.0,
        standalone=st_n,
        standalone_same=st_same / st_n if st_n else 0.0,
        by_kind={k: (n, ok / n if n else 0.0) for k, (n, ok) in sorted(kinds.items())},
        misses=() if sealed else tuple(misses),
        sealed=sealed,
        followups_after_right=after_n,
        followup_hit1_after_right=after_hit / after_n if after_n else 0.0,
    )


def _miss(
    dialogue: str,
    number: int,
    turn: DialogueTurn,
    exchange: Exchange,
    rank: int | None,
    *,
    hijacked: bool = False,
) -> DialogueMiss:
    shown = exchange.shown
    first = shown.hits[0].text if shown.hits else ""
    return DialogueMiss(
        dialogue,
        number,
        turn,
        exchange.resolution.understood,
        shown.answered,
        rank,
        first,
        hijacked,
    )
