"""Where the time and the memory go: cProfile / tracemalloc of ``search`` or of a build.

    .venv/bin/python benchmarks/profile_search.py --db benchmarks/out/work/corpus-10000/index.db \
        --questions eval/dev_qa.jsonl benchmarks/out/work/corpus-10000/questions.jsonl
    .venv/bin/python benchmarks/profile_search.py --db … --memory      # allocation sites, RSS
    .venv/bin/python benchmarks/profile_search.py --build benchmarks/out/work/corpus-1000/seeds

Prints the functions with the most cumulative and own time (engine code and SQLite calls),
the slowest questions with their time split by the engine's phases, or — with ``--memory`` —
the allocation sites holding the most memory after answering.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, current_rss_mb, load_jsonl, self_maxrss_mb  # noqa: E402

# The stages of knowledge/search/ (module, attribute, label); rank holds candidates, features,
# scoring and the second look.
PHASES = (
    ("knowledge.search.pipeline", "analyze", "question"),
    ("knowledge.search.people", "People.for_roles", "people"),
    ("knowledge.search.pipeline", "rank", "rank"),
    ("knowledge.search.pipeline", "candidates", "  candidates"),
    ("knowledge.search.pipeline", "describe_units", "  features"),
    ("knowledge.search.pipeline", "score", "  scoring"),
    ("knowledge.search.pipeline", "_second_look", "  second look"),
    ("knowledge.search.pipeline", "decide", "decision"),
    ("knowledge.search.facts", "Facts.for_answer", "facts: figures"),
    ("knowledge.search.facts", "Facts.agreements_for_answer", "facts: agreements"),
    ("knowledge.search.people", "People.named_in", "people named"),
    ("knowledge.search.regions", "Regions.topics", "regions: topics"),
)


def _stats(prof: cProfile.Profile, top: int) -> str:
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.strip_dirs()
    st.sort_stats("cumulative").print_stats(top)
    st.sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def _phase_timer() -> dict[str, float]:
    """Wrap the search's stage functions to time each of them (for this process)."""
    import importlib

    spent: dict[str, float] = defaultdict(float)
    for module_name, attribute, label in PHASES:
        owner: Any = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        fn = getattr(owner, name, None)
        if fn is None:
            continue

        def wrapped(*a: Any, __fn: Any = fn, __label: str = label, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return __fn(*a, **kw)
            finally:
                spent[__label] += time.perf_counter() - t0

        setattr(owner, name, wrapped)
    return spent


def profile_search(args: argparse.Namespace) -> None:
    from knowledge import KnowledgeIndex

    files = args.questions or [ROOT / "eval" / "dev_qa.jsonl"]
    questions = [r["question"] for f in files for r in load_jsonl(Path(f))]
    questions = questions[: args.limit] if args.limit else questions
    if args.memory:
        import tracemalloc

        rss0 = current_rss_mb()
        tracemalloc.start(12)
        index = KnowledgeIndex.open(args.db)
        after_open = tracemalloc.take_snapshot()
        rss_open = current_rss_mb()
        for q in questions:
            index.search(q)
        snap = tracemalloc.take_snapshot()
        traced, peak = tracemalloc.get_traced_memory()
        print(f"RSS: start {rss0:.0f} MB, after open {rss_open:.0f} MB, after "
              f"{len(questions)} questions {current_rss_mb():.0f} MB, "
              f"peak {self_maxrss_mb():.0f} MB")
        print(f"traced Python memory: now {traced / 2**20:.1f} MB, peak {peak / 2**20:.1f} MB\n")
        print("held after answering, by line (growth since open):")
        for stat in snap.compare_to(after_open, "lineno")[: args.top]:
            print(f"  {stat.size_diff / 2**20:8.2f} MB  {stat.count_diff:9d} blocks  "
                  f"{stat.traceback[0]}")
        print("\nheld after answering, by call stack (top 5):")
        for stat in snap.statistics("traceback")[:5]:
            print(f"  {stat.size / 2**20:.2f} MB in {stat.count} blocks")
            for line in stat.traceback.format()[-12:]:
                print("    " + line)
        return

    index = KnowledgeIndex.open(args.db)
    t0 = time.perf_counter()
    warmup = questions if args.warmup < 0 else questions[: args.warmup]
    for q in warmup:
        index.search(q)  # lazy initialisation and caches out of the way
    if warmup:
        print(f"warm-up: {len(warmup)} questions in {time.perf_counter() - t0:.2f} s "
              "(includes the index's lazy initialisation)")
    spent_total = _phase_timer()
    per_question = []
    prof = cProfile.Profile()
    for q in questions:
        before = dict(spent_total)
        t0 = time.perf_counter()
        prof.enable()
        index.search(q)
        prof.disable()
        elapsed = time.perf_counter() - t0
        split = {k: spent_total[k] - before.get(k, 0.0) for k in spent_total}
        per_question.append((elapsed, q, split))
    total = sum(e for e, _, _ in per_question)
    print(f"{len(questions)} questions, {total:.2f} s under cProfile "
          f"({1000 * total / len(questions):.1f} ms each on average)\n")
    print("time by stage (share of all search time; rank includes the indented ones):")
    for _, _, name in PHASES:
        if name in spent_total:
            share = 100 * spent_total[name] / total
            print(f"  {name:<20} {spent_total[name]:8.2f} s  {share:5.1f} %")
    print("\nslowest questions, by phase (ms):")
    for elapsed, q, split in sorted(per_question, reverse=True)[: args.slowest]:
        parts = ", ".join(f"{k} {1000 * v:.0f}" for k, v in split.items() if v >= 0.0005)
        print(f"  {1000 * elapsed:8.1f}  {q}\n            {parts}")
    print()
    print(_stats(prof, args.top))


def profile_build(args: argparse.Namespace) -> None:
    from knowledge import build_index

    with tempfile.TemporaryDirectory() as tmp:
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        import inspect

        extra = {}
        if "workers" in inspect.signature(build_index).parameters:
            extra["workers"] = args.workers  # the worker processes are not profiled
        report = build_index(args.build, Path(tmp) / "index.db", **extra)
        prof.disable()
        print(f"build: {report.articles} articles, {report.passages} passages, "
              f"{time.perf_counter() - t0:.1f} s under cProfile, "
              f"peak RSS {self_maxrss_mb():.0f} MB\n")
    print(_stats(prof, args.top))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a built index")
    parser.add_argument("--questions", nargs="*", type=Path, help="JSONL question files")
    parser.add_argument("--limit", type=int, default=0, help="first N questions only")
    parser.add_argument("--top", type=int, default=25, help="rows of each listing")
    parser.add_argument("--slowest", type=int, default=8, help="slowest questions to list")
    parser.add_argument("--warmup", type=int, default=-1,
                        help="questions asked before profiling (default all; 0 = profile cold)")
    parser.add_argument("--memory", action="store_true", help="tracemalloc instead of cProfile")
    parser.add_argument("--build", type=Path, help="profile building this seeds folder")
    parser.add_argument("--workers", type=int, default=1,
                        help="build worker processes, where the engine supports them")
    args = parser.parse_args()
    if args.build:
        profile_build(args)
    elif args.db:
        profile_search(args)
    else:
        parser.error("give --db INDEX or --build SEEDS")


if __name__ == "__main__":
    main()
