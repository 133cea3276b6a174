"""Golden answers: the engine's outputs for every known question, recorded once and diffed.

A refactoring of the search must not change a single answer.  This script builds the seed
index and the index of ``tests/fixtures/unseen`` in a temporary folder, asks every question of
``eval/*.jsonl`` and ``tests/fixtures/unseen/questions.jsonl`` against both (one process, the
object ``innoprom-bot ask --json`` prints, plus the analysed question, the decline reason and
the «Источник» paragraph of the first hit), plays the dialogue sets turn by turn through
``converse``, and adds ``/region`` for every region (and a misspelt and an unknown spelling),
``/agreements`` and ``/sources``.  The sets named in ``eval/sealed.txt`` are left out: their
questions must not show up in a diff anybody reads.

    python scripts/golden.py            # diff against the recorded file (exit 1 on a change)
    python scripts/golden.py --record   # (re)write the recorded file — only on purpose

The recorded file is xz-compressed JSONL (13 MB of text, 0.2 MB stored).

The output is deterministic for a fixed ``PYTHONHASHSEED`` (set to 0 by the script itself):
some scores are sums over sets of strings, whose order follows string hashes.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "answers.jsonl.xz"
SEEDS = ROOT / "seeds"
UNSEEN = ROOT / "tests" / "fixtures" / "unseen"
HASH_SEED = "0"


def _plain(value: Any) -> Any:
    """JSON-ready form of dataclasses, sets and dates (sets sorted: no hash order leaks)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sets() -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    """(id, question) of every question, (id, turns) of every dialogue; sealed sets out."""
    listed = ROOT / "eval" / "sealed.txt"
    sealed = set(listed.read_text(encoding="utf-8").split()) if listed.exists() else set()
    files = [p for p in sorted((ROOT / "eval").glob("*.jsonl")) if p.name not in sealed]
    questions, dialogues = [], []
    for path in [*files, UNSEEN / "questions.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            if "turns" in case:
                turns = [t["question"] for t in case["turns"]]
                dialogues.append((f"{path.name}:{case['id']}", turns))
            else:
                questions.append((f"{path.name}:{case['id']}", case["question"]))
    return questions, dialogues


def _typo(name: str) -> str:
    """A deterministic misspelling: two letters after the third swapped."""
    return name[:3] + name[4:5] + name[3:4] + name[5:] if len(name) > 5 else name + "а"


def _conversations(
    name: str, index: Any, dialogues: list[tuple[str, list[str]]]
) -> Iterator[dict[str, Any]]:
    """Each dialogue as ``innoprom-bot ask --json`` plays it: turn by turn in context."""
    from bot.cli import _talk, exchange_json

    total = index.info.facts.get("agreements")
    for did, turns in dialogues:
        for n, (text, said) in enumerate(zip(turns, _talk(index, turns), strict=True)):
            yield {
                "index": name,
                "id": f"{did}:{n}",
                "ask": exchange_json(text, said, total),
                "turn": None if isinstance(said, frozenset) else _plain(said.turn),
            }


def _records(name: str, index: Any, questions: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    from bot.cli import answer_json
    from knowledge.reply import (
        agreements_reply,
        plain,
        region_reply,
        region_unknown_reply,
        sources_reply,
    )

    total = index.info.facts.get("agreements")
    for qid, question in questions:
        answer = index.search(question)
        context = index.context(answer.hits[0].passage_id) if answer.hits else None
        yield {
            "index": name,
            "id": qid,
            "ask": answer_json(answer, total),
            "decline": [answer.decline_reason, list(answer.unknown_terms), list(answer.topics)],
            "passages": [h.passage_id for h in answer.hits],
            "context": [context[0], context[1].article_id] if context else None,
            "query": _plain(index.analyze(question)),
        }
    from knowledge.suggest import region_suggestions

    for region in index.regions():
        for spelling in (region.name, _typo(region.name), region.name.lower()):
            match = index.find_region(spelling)
            shown = region_suggestions(spelling, match)  # what /region shows
            report = index.region_report(match.region.key) if match.region else None
            yield {
                "index": name,
                "id": f"region:{region.key}:{spelling}",
                "match": _plain(match),
                "reply": plain(region_reply(report) if report else region_unknown_reply(
                    spelling, shown)),
                "report": _plain(report),
            }
    for spelling in ("Марс", "Смаленская", "Тьмутаракань", "", "Рязанская область"):
        match = index.find_region(spelling)
        yield {"index": name, "id": f"find_region:{spelling}", "match": _plain(match)}
    agreements = index.agreements()
    pages = agreements_reply(agreements)[1]
    yield {
        "index": name,
        "id": "agreements",
        "items": _plain(agreements),
        "reply": [plain(agreements_reply(agreements, page)[0]) for page in range(pages)],
    }
    articles = index.sources()
    info = index.info
    yield {
        "index": name,
        "id": "sources",
        "items": _plain(articles),
        "reply": plain(sources_reply(articles, info)),
        "info": [info.articles, info.passages, info.facts, _plain(info.latest_date),
                 _plain(info.skipped)],
        "people": _plain(index.people()),
        "figures": _plain(index.figures()),
    }


def generate() -> list[str]:
    """Every golden line, freshly computed by this checkout's engine."""
    from knowledge import KnowledgeIndex, build_index

    questions, dialogues = _sets()
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        unseen = Path(tmp) / "unseen"
        unseen.mkdir()
        for path in sorted(UNSEEN.glob("*.txt")):
            shutil.copy(path, unseen / path.name)
        for name, folder in (("seeds", SEEDS), ("unseen", unseen)):
            db = Path(tmp) / f"{name}.db"
            build_index(folder, db)
            with KnowledgeIndex.open(db) as index:
                lines.extend(
                    json.dumps(record, ensure_ascii=False, sort_keys=True)
                    for record in _records(name, index, questions)
                )
                lines.extend(
                    json.dumps(record, ensure_ascii=False, sort_keys=True)
                    for record in _conversations(name, index, dialogues)
                )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help=f"rewrite {GOLDEN.name}")
    parser.add_argument("--output", type=Path, help="also write the fresh lines here")
    parser.add_argument("--show", type=int, default=20, help="changed lines to show")
    args = parser.parse_args()
    if os.environ.get("PYTHONHASHSEED") != HASH_SEED:
        env = {**os.environ, "PYTHONHASHSEED": HASH_SEED}
        return subprocess.call([sys.executable, *sys.argv], env=env)
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    lines = generate()
    elapsed = time.perf_counter() - started
    text = "\n".join(lines) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    if args.record:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))
        print(f"golden: recorded {len(lines)} lines in {elapsed:.1f} s → {GOLDEN}")
        return 0
    recorded = lzma.decompress(GOLDEN.read_bytes()).decode("utf-8").splitlines()
    if recorded == lines:
        print(f"golden: {len(lines)} lines identical ({elapsed:.1f} s)")
        return 0
    old = {_key(line): line for line in recorded}
    new = {_key(line): line for line in lines}
    changed = [k for k in old if k in new and old[k] != new[k]]
    print(
        f"golden: CHANGED {len(changed)}, missing {len(old.keys() - new.keys())}, "
        f"new {len(new.keys() - old.keys())} of {len(recorded)} lines ({elapsed:.1f} s)"
    )
    for key in changed[: args.show]:
        print(f"--- {key}")
        a = json.dumps(json.loads(old[key]), ensure_ascii=False, indent=1).splitlines()
        b = json.dumps(json.loads(new[key]), ensure_ascii=False, indent=1).splitlines()
        for line in difflib.unified_diff(a, b, lineterm="", n=1):
            if not line.startswith(("---", "+++")):
                print("   ", line)
    return 1


def _key(line: str) -> str:
    record = json.loads(line)
    return f"{record['index']} {record['id']}"


if __name__ == "__main__":
    sys.exit(main())
