"""What a conversation costs on top of search (issue 13): ≤ 0.5 ms per answer.

Builds the index from the seeds into a temporary folder and replays the dialogue sets
(``eval/dialogues_*.jsonl`` by default).  For every turn after the first, with the context the
previous turns left (as the bot would have kept it), it times in the same process, interleaved:

* ``converse(index, message, previous)`` — understanding the message against the previous turn,
  then searching (what an answer with context costs);
* ``index.search(question as understood)`` — the plain search of the very same question;
* ``resolve(previous, message)`` alone, and the plain search of the message as typed (what
  the bot did before conversations);
* the bot's own part: reading and writing the turn in aiogram's ``MemoryStorage`` (and in
  Redis with ``--redis-url``).

The cost of context is ``converse()`` timed on the same index with its searches answered from
a dictionary filled beforehand (the new message unread, as it is in a running bot): exactly
what a conversation adds to the search (with the presentation of the answer, which
``converse`` does for every turn and the bot did for every answer anyway: about 0.08 ms of
the median).  As a cross-check, per turn, the median of ``converse`` minus the median of
the plain search of the same question (noisy on a busy machine: the difference of two
figures ten times larger).  Printed against the target, never failing.

    .venv/bin/python benchmarks/bench_dialogue.py
    .venv/bin/python benchmarks/bench_dialogue.py --redis-url redis://127.0.0.1:6379/0 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import ROOT, machine, percentile, summary_ms, verdict  # noqa: E402

TARGET_OVERHEAD_MS = 0.5


def _turns(files: list[Path]) -> list[list[str]]:
    from knowledge.evaluate import load_dialogues

    return [[t.question for t in d.turns] for f in files for d in load_dialogues(f)]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from knowledge import KnowledgeIndex, build_index, followup
    from knowledge.dialogue import converse
    from knowledge.followup import Turn, resolve

    files = [Path(f) for f in args.dialogues] if args.dialogues else sorted(
        (ROOT / "eval").glob("dialogues_*.jsonl")
    )
    dialogues = _turns(files)
    result: dict[str, Any] = {"machine": machine(), "files": [f.name for f in files],
                              "rounds": args.rounds}
    with tempfile.TemporaryDirectory(prefix="bench-dialogue-") as tmp:
        db = Path(tmp) / "index.db"
        build_index(args.seeds, db)
        index = KnowledgeIndex.open(db)
        index.warm_up()
        persons = index.vocabulary.persons
        # the context each later turn meets, as the conversation leaves it
        cases: list[tuple[Turn, str, str]] = []
        for turns in dialogues:
            previous: Turn | None = None
            for text in turns:
                exchange = converse(index, text, previous)
                if previous is not None:
                    cases.append((previous, text, exchange.resolution.question))
                previous = exchange.turn
        asked = [q for _, _, q in cases] + [p.question for p, _, _ in cases]
        answered = _SearchedAlready(index, asked)
        clock = time.perf_counter_ns
        samples: dict[str, list[list[int]]] = {
            k: [[] for _ in cases] for k in ("converse", "search", "resolve", "typed", "added")
        }
        for _ in range(args.rounds):
            for n, (previous, text, understood) in enumerate(cases):
                # a new message is read for the first time (its words' lemmas may be cached,
                # as in a running bot); the previous question was read at the previous turn
                followup._tokens.cache_clear()
                followup._analysed.pop((text, id(persons)), None)
                t0 = clock()
                converse(index, text, previous)
                t1 = clock()
                index.search(understood)
                followup._tokens.cache_clear()
                followup._analysed.pop((text, id(persons)), None)
                t2 = clock()
                resolve(previous, text, persons)
                t3 = clock()
                index.search(text)
                t4 = clock()
                followup._tokens.cache_clear()
                followup._analysed.pop((text, id(persons)), None)
                t5 = clock()
                converse(answered, text, previous)  # type: ignore[arg-type]
                t6 = clock()
                samples["added"][n].append(t6 - t5)
                samples["converse"][n].append(t1 - t0)
                samples["search"][n].append(t2 - t1)
                samples["resolve"][n].append(t3 - t2)
                samples["typed"][n].append(t4 - t3)
        index.close()
    flat = {k: [s for per in v for s in per] for k, v in samples.items()}
    pairs = list(zip(samples["converse"], samples["search"], strict=True))
    overhead = [(statistics.median(c) - statistics.median(s)) / 1e6 for c, s in pairs]
    # the fastest of the rounds: what a quiet machine pays (a busy one adds noise to both)
    overhead_min = [(min(c) - min(s)) / 1e6 for c, s in pairs]
    result["turns"] = len(cases)
    result["latency_ms"] = {k: summary_ms(v) for k, v in flat.items()}
    added = result["latency_ms"]["added"]
    result["added_ms"] = {
        "median": added["median"],
        "p99": added["p99"],
        "verdict": verdict(added["median"], TARGET_OVERHEAD_MS),
    }
    result["overhead_ms"] = {
        "median": percentile(overhead, 50),
        "p99": percentile(overhead, 99),
        "best_of_rounds_median": percentile(overhead_min, 50),
        "best_of_rounds_p99": percentile(overhead_min, 99),
    }
    result["load_average"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    result["storage_ms"] = asyncio.run(_storage(args, cases[0][0] if cases else None))
    return result


class _SearchedAlready:
    """The index with every search answered from a dictionary filled beforehand, so timing
    ``converse`` on it times exactly what a conversation adds to the search."""

    def __init__(self, index: Any, questions: list[str]) -> None:
        self._index = index
        self._answers = {q: index.search(q) for q in questions}

    def search(self, question: str) -> Any:
        found = self._answers.get(question)
        return found if found is not None else self._index.search(question)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)


async def _storage(args: argparse.Namespace, turn: Any) -> dict[str, dict[str, float]]:
    """Reading and writing a turn through aiogram's FSM context, as the bot does."""
    from aiogram.fsm.context import FSMContext
    from aiogram.fsm.storage.base import BaseStorage, StorageKey
    from aiogram.fsm.storage.memory import MemoryStorage

    from bot.config import Secret, Settings
    from bot.dialogue import recall, remember
    from bot.storage import ResilientStorage, build_storage

    if turn is None:
        return {}
    storages: dict[str, BaseStorage] = {"memory": MemoryStorage()}
    if args.redis_url:
        storages["redis"] = build_storage(Settings(redis_url=Secret(args.redis_url)))
    found: dict[str, dict[str, float]] = {}
    for name, inner in storages.items():
        storage = ResilientStorage(inner)
        state = FSMContext(storage, StorageKey(bot_id=1, chat_id=7, user_id=7))
        times: list[int] = []
        for _ in range(args.rounds * 20):
            t0 = time.perf_counter_ns()
            await recall(state)
            await remember(state, turn)
            times.append(time.perf_counter_ns() - t0)
        await storage.close()
        found[name] = summary_ms(times)
    return found


def render(r: dict[str, Any]) -> str:
    lat = r["latency_ms"]
    lines = [
        f"bench_dialogue: {r['turns']} later turns of {', '.join(r['files'])}, "
        f"{r['rounds']} rounds; {r['machine']['cpu']}, {r['machine']['cores']} cores, "
        f"commit {r['machine']['commit']}",
        "",
        f"{'per answer':<52} {'median':>9} {'p99':>9}",
    ]
    names = {
        "converse": "converse(): understand + search (with context)",
        "search": "search(the question as understood)",
        "added": "converse() minus its searches (what context adds)",
        "resolve": "resolve() alone",
        "typed": "search(the message as typed, no context)",
    }
    for key, label in names.items():
        lines.append(f"{label:<52} {lat[key]['median']:>7.3f}ms {lat[key]['p99']:>7.3f}ms")
    for name, figures in r["storage_ms"].items():
        label = f"FSM recall + remember ({name})"
        lines.append(f"{label:<52} {figures['median']:>7.3f}ms {figures['p99']:>7.3f}ms")
    o, a = r["overhead_ms"], r["added_ms"]
    lines += [
        "",
        f"cost of context per answer (converse() with its searches answered from a cache, new "
        f"message unread): median {a['median']:.3f} ms, p99 {a['p99']:.3f} ms — target ≤ "
        f"{TARGET_OVERHEAD_MS} ms (median): {a['verdict']}",
        f"cross-check, converse − search of the same question per turn: median "
        f"{o['median']:.3f} ms (fastest rounds {o['best_of_rounds_median']:.3f} ms); load "
        f"average {r['load_average']:.1f} on {r['machine']['cores']} cores",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="seed articles")
    parser.add_argument("--dialogues", nargs="*", help="dialogue JSONL files")
    parser.add_argument("--rounds", type=int, default=20, help="repetitions per turn")
    parser.add_argument("--redis-url", help="also time the turn's round trip through Redis")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure(args)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
