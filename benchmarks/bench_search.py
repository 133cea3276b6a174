"""Speed of the knowledge engine on the seed articles (issue 2, section "Speed").

Builds the index from the seeds into a temporary folder, then measures

* build time (in process, and the ``innoprom-bot build`` process with its peak RSS);
* ``KnowledgeIndex.search`` latency (median / p95 / p99) over every question of every eval
  set, warm, many repetitions; the first, cache-cold pass is reported separately;
* the same questions through a plain SQLite FTS5 MATCH in the same process (exact words,
  ``"w1" OR "w2" …``, bm25, top 3) and the engine/baseline ratio;
* cold start of ``innoprom-bot ask "…"`` (process start → answer printed) and its peak RSS;
* importing aiogram, for comparison (what ``ask`` must not pay).

Timings are reported against the targets with PASS/FAIL but never fail the run.

    .venv/bin/python benchmarks/bench_search.py            # table
    .venv/bin/python benchmarks/bench_search.py --json     # one JSON object
    .venv/bin/python benchmarks/bench_search.py --compare BEFORE AFTER   # two commits

``--compare`` pins both commits (``pin_engine.sh``), starts one serving process per commit
(each builds its own index from the seeds, as its engine writes it) and times the same
questions chunk by chunk in alternation (A, B, B, A, …), so both see the same machine load; it
prints both medians / p99, their ratio and the median of the per-question ratios, in wall time and
in the thread's CPU time (which a busy machine disturbs less).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    CLI,
    ROOT,
    BaselineFTS,
    eval_files,
    first_hit_ok,
    load_jsonl,
    machine,
    run_measured,
    summary_ms,
    verdict,
)

TARGET_MEDIAN_MS = 1.0
TARGET_COLD_S = 1.5
TARGET_RSS_MB = 150.0
COLD_QUESTION = "Сколько было посетителей?"


def _questions(files: list[Path]) -> list[dict[str, Any]]:
    return [{**row, "file": path.name} for path in files for row in load_jsonl(path)]


def _time_calls(
    fn: Any, questions: list[str], rounds: int, clock: Any = time.perf_counter_ns
) -> list[int]:
    samples: list[int] = []
    for _ in range(rounds):
        for q in questions:
            t0 = clock()
            fn(q)
            samples.append(clock() - t0)
    return samples


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from knowledge import KnowledgeIndex, build_index

    files = [Path(f) for f in args.eval] if args.eval else eval_files()
    cases = _questions(files)
    questions = [c["question"] for c in cases]
    result: dict[str, Any] = {"machine": machine(), "questions": len(questions),
                              "eval_files": [f.name for f in files], "rounds": args.rounds}
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        db = Path(tmp) / "index.db"
        t0 = time.perf_counter()
        report = build_index(args.seeds, db)
        build_wall = time.perf_counter() - t0
        result["build"] = {
            "articles": report.articles,
            "passages": report.passages,
            "skipped": len(report.skipped),
            "elapsed_ms": report.elapsed_ms,
            "wall_ms": round(build_wall * 1000, 1),
            "index_bytes": db.stat().st_size,
        }
        proc = run_measured(
            [CLI, "build", "--seeds", args.seeds, "--db", Path(tmp) / "cli.db"], cwd=ROOT
        )
        result["build_cli"] = {"wall_s": round(proc.exit_s, 3),
                               "peak_rss_mb": round(proc.maxrss_mb, 1),
                               "returncode": proc.returncode}

        # ---- engine, in process
        t0 = time.perf_counter()
        index = KnowledgeIndex.open(db)
        open_ms = (time.perf_counter() - t0) * 1000
        first_pass = _time_calls(index.search, questions, 1)
        warm = _time_calls(index.search, questions, args.rounds)
        answers = [index.search(q) for q in questions]
        per_question = sorted(
            zip(questions, first_pass, strict=True), key=lambda x: -x[1]
        )[:5]

        # ---- plain FTS5 baseline, same process, same passages
        t0 = time.perf_counter()
        baseline = BaselineFTS.from_index(db)
        baseline_build_ms = (time.perf_counter() - t0) * 1000
        _time_calls(baseline.search, questions, 1)
        base_warm = _time_calls(baseline.search, questions, args.rounds)
        base_answers = [baseline.search(q) for q in questions]

        answerable = [(i, c) for i, c in enumerate(cases) if c.get("expect")]
        hit_engine = sum(
            first_hit_ok([h.text for h in answers[i].hits], c["expect"]) for i, c in answerable
        )
        hit_base = sum(first_hit_ok(base_answers[i], c["expect"]) for i, c in answerable)
        eng = summary_ms(warm)
        base = summary_ms(base_warm)
        result["search"] = {
            "open_ms": round(open_ms, 2),
            "warm": eng,
            "first_pass": summary_ms(first_pass),
            "slowest_first_pass": [{"question": q, "ms": round(ns / 1e6, 2)}
                                   for q, ns in per_question],
            "hit@1": round(hit_engine / max(len(answerable), 1), 4),
            "answerable": len(answerable),
        }
        result["baseline"] = {
            "table_build_ms": round(baseline_build_ms, 2),
            "warm": base,
            "hit@1": round(hit_base / max(len(answerable), 1), 4),
        }
        result["ratio"] = {
            "median": eng["median"] / base["median"] if base["median"] else None,
            "p99": eng["p99"] / base["p99"] if base["p99"] else None,
        }
        index.close()

        # ---- cold start of the CLI: process start → answer printed
        env = dict(os.environ, SEEDS_DIR=str(args.seeds), INDEX_PATH=str(db))
        run_measured([CLI, "ask", COLD_QUESTION], env=env, cwd=ROOT)  # page cache warm-up
        runs = [run_measured([CLI, "ask", COLD_QUESTION], env=env, cwd=ROOT)
                for _ in range(args.cold_runs)]
        rebuilt = any("индекс построен" in r.stderr for r in runs)
        result["cold_start"] = {
            "question": COLD_QUESTION,
            "runs": len(runs),
            "answer_printed_s": statistics.median(r.first_output_s for r in runs),
            "exit_s": statistics.median(r.exit_s for r in runs),
            "min_s": min(r.first_output_s for r in runs),
            "max_s": max(r.first_output_s for r in runs),
            "peak_rss_mb": max(r.maxrss_mb for r in runs),
            "returncodes": sorted({r.returncode for r in runs}),
            "rebuilt_index": rebuilt,
        }

    # ---- imports for comparison
    py = sys.executable
    imports: dict[str, Any] = {}
    probes = [("python -c pass", "pass"), ("import knowledge", "import knowledge")]
    if not args.no_aiogram:
        probes.append(("import aiogram", "import aiogram"))
    for label, code in probes:
        runs = [run_measured([py, "-c", code], cwd=ROOT) for _ in range(args.import_runs)]
        imports[label] = {
            "wall_s": statistics.median(r.exit_s for r in runs),
            "peak_rss_mb": max(r.maxrss_mb for r in runs),
            "ok": all(r.returncode == 0 for r in runs),
        }
    result["imports"] = imports
    result["targets"] = {
        "search_median_ms": {"target": TARGET_MEDIAN_MS, "value": eng["median"],
                             "verdict": verdict(eng["median"], TARGET_MEDIAN_MS)},
        "cold_start_s": {"target": TARGET_COLD_S,
                         "value": result["cold_start"]["answer_printed_s"],
                         "verdict": verdict(result["cold_start"]["answer_printed_s"],
                                            TARGET_COLD_S)},
        "peak_rss_mb": {"target": TARGET_RSS_MB, "value": result["cold_start"]["peak_rss_mb"],
                        "verdict": verdict(result["cold_start"]["peak_rss_mb"], TARGET_RSS_MB)},
    }
    return result


def render(r: dict[str, Any]) -> str:
    m = r["machine"]
    s, b = r["search"], r["baseline"]
    cs = r["cold_start"]
    t = r["targets"]
    rows: list[tuple[str, str, str, str]] = [
        (f"build, in process ({r['build']['articles']} articles, "
         f"{r['build']['passages']} passages)", f"{r['build']['elapsed_ms']:.0f} ms", "", ""),
        ("build, `innoprom-bot build` process", f"{r['build_cli']['wall_s']:.2f} s, "
         f"{r['build_cli']['peak_rss_mb']:.0f} MB", "", ""),
        ("index open (in process)", f"{s['open_ms']:.1f} ms", "", ""),
        ("search median (warm)", f"{s['warm']['median']:.3f} ms", f"≤ {TARGET_MEDIAN_MS:g} ms",
         t["search_median_ms"]["verdict"]),
        ("search p95 / p99 (warm)", f"{s['warm']['p95']:.3f} / {s['warm']['p99']:.3f} ms", "", ""),
        ("search first pass median / p99", f"{s['first_pass']['median']:.3f} / "
         f"{s['first_pass']['p99']:.3f} ms", "", ""),
        ("FTS5 baseline median / p99", f"{b['warm']['median']:.3f} / {b['warm']['p99']:.3f} ms",
         "", ""),
        ("ratio engine / baseline (median, p99)",
         f"{r['ratio']['median']:.1f}× / {r['ratio']['p99']:.1f}×", "", ""),
        ("hit@1 engine / baseline (answerable)", f"{s['hit@1']:.3f} / {b['hit@1']:.3f}", "", ""),
        ("cold start `ask` (start → answer printed)", f"{cs['answer_printed_s']:.3f} s",
         f"≤ {TARGET_COLD_S:g} s", t["cold_start_s"]["verdict"]),
        ("cold start `ask` (start → exit)", f"{cs['exit_s']:.3f} s", "", ""),
        ("peak RSS `ask` process", f"{cs['peak_rss_mb']:.0f} MB", f"≤ {TARGET_RSS_MB:g} MB",
         t["peak_rss_mb"]["verdict"]),
    ]
    for label, v in r["imports"].items():
        state = "" if v["ok"] else " (failed)"
        rows.append((f"`{label}` process", f"{v['wall_s']:.2f} s, {v['peak_rss_mb']:.0f} MB"
                     f"{state}", "", ""))
    w0 = max(len(x[0]) for x in rows)
    w1 = max(len(x[1]) for x in rows)
    w2 = max(len(x[2]) for x in rows)
    lines = [
        f"bench_search: {r['questions']} questions ({', '.join(r['eval_files'])}), "
        f"{r['rounds']} warm rounds",
        f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, SQLite {m['sqlite']}, "
        f"{m['date']}",
        "",
        f"{'figure':<{w0}}  {'value':<{w1}}  {'target':<{w2}}  verdict",
        f"{'-' * w0}  {'-' * w1}  {'-' * w2}  -------",
    ]
    lines += [f"{a:<{w0}}  {b_:<{w1}}  {c:<{w2}}  {d}".rstrip() for a, b_, c, d in rows]
    lines.append("")
    lines.append("slowest questions (first pass):")
    lines += [f"  {x['ms']:8.2f} ms  {x['question']}" for x in s["slowest_first_pass"]]
    if cs["rebuilt_index"]:
        lines.append("note: `ask` rebuilt the index during the cold-start runs")
    return "\n".join(lines)


def worker(args: argparse.Namespace) -> None:
    """A serving process for ``--compare``: builds, warms up, then for each ``START END``
    line read from stdin times those questions once and answers with the samples (ns)."""
    from knowledge import KnowledgeIndex, build_index

    questions = [c["question"] for c in _questions(eval_files())]
    with tempfile.TemporaryDirectory(prefix="bench-worker-") as tmp:
        db = Path(tmp) / "index.db"
        build_index(args.seeds, db)
        with KnowledgeIndex.open(db) as index:
            _time_calls(index.search, questions, 2)  # warm: caches and the page cache
            print(json.dumps({"ready": len(questions)}), flush=True)
            for line in sys.stdin:
                start, end = map(int, line.split())
                chunk = questions[start:end]
                # wall time, then this thread's CPU time (what a busy machine disturbs less)
                wall = _time_calls(index.search, chunk, 1)
                cpu = _time_calls(index.search, chunk, 1, time.thread_time_ns)
                print(json.dumps([wall, cpu]), flush=True)


COMPARE_CHUNK = 50


def compare(args: argparse.Namespace) -> dict[str, Any]:
    """Two pinned commits timed in one run: the questions in chunks of 50, each chunk by
    one engine then the other (the order flips every chunk), so load drifts hit both."""
    revs = list(args.compare)
    pythons = []
    for rev in revs:
        out = subprocess.run(
            ["bash", str(ROOT / "benchmarks" / "pin_engine.sh"), rev],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )
        pythons.append(out.stdout.strip().splitlines()[-1])
    procs = [
        subprocess.Popen(
            [py, str(Path(__file__).resolve()), "--worker", "--seeds", str(args.seeds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd="/",
        )
        for py in pythons
    ]
    total = 0
    per_question: list[dict[int, list[int]]] = [{} for _ in procs]
    per_question_cpu: list[dict[int, list[int]]] = [{} for _ in procs]
    try:
        for proc in procs:
            assert proc.stdout is not None
            total = json.loads(proc.stdout.readline())["ready"]
        flip = False
        for _ in range(args.rounds):
            for start in range(0, total, COMPARE_CHUNK):
                end = min(start + COMPARE_CHUNK, total)
                flip = not flip
                for k in (range(len(procs)) if flip else reversed(range(len(procs)))):
                    proc = procs[k]
                    assert proc.stdin is not None and proc.stdout is not None
                    proc.stdin.write(f"{start} {end}\n")
                    proc.stdin.flush()
                    wall, cpu = json.loads(proc.stdout.readline())
                    for i, ns in enumerate(wall, start):
                        per_question[k].setdefault(i, []).append(ns)
                    for i, ns in enumerate(cpu, start):
                        per_question_cpu[k].setdefault(i, []).append(ns)
    finally:
        for proc in procs:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=60)
    result: dict[str, Any] = {"machine": machine(), "rounds": args.rounds, "engines": []}
    for rev, timings, cpu in zip(revs, per_question, per_question_cpu, strict=True):
        short = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.strip()
        result["engines"].append({
            "rev": short,
            "warm": summary_ms([ns for q in sorted(timings) for ns in timings[q]]),
            "cpu": summary_ms([ns for q in sorted(cpu) for ns in cpu[q]]),
        })
    result["ratio"] = {}
    for kind, series in (("warm", per_question), ("cpu", per_question_cpu)):
        a, b = (e[kind] for e in result["engines"][:2])
        # per question: the median of its rounds, second engine over first
        paired = [
            statistics.median(series[1][q]) / statistics.median(series[0][q])
            for q in series[0]
        ]
        result["ratio"][kind] = {"median": b["median"] / a["median"],
                                 "p99": b["p99"] / a["p99"],
                                 "paired_median": statistics.median(paired)}
    return result


def render_compare(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"bench_search --compare: {r['rounds']} alternating rounds per engine",
        f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['date']}",
        "",
        "clock      engine    samples  median ms  p95 ms   p99 ms",
    ]
    for kind, label in (("warm", "wall"), ("cpu", "thread CPU")):
        for e in r["engines"]:
            w = e[kind]
            lines.append(f"{label:<10} {e['rev']:<9} {w['n']:>7}  {w['median']:>9.3f}  "
                         f"{w['p95']:>6.3f}  {w['p99']:>7.3f}")
        ratio = r["ratio"][kind]
        lines.append(f"{label}: second / first: median {ratio['median']:.3f}×, p99 "
                     f"{ratio['p99']:.3f}×, per-question median {ratio['paired_median']:.3f}×")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="seed articles")
    parser.add_argument("--eval", nargs="*", help="eval JSONL files (default: eval/*.jsonl)")
    parser.add_argument("--rounds", type=int, default=20, help="warm repetitions per question")
    parser.add_argument("--cold-runs", type=int, default=7, help="cold-start runs (median)")
    parser.add_argument("--import-runs", type=int, default=3, help="runs per import probe")
    parser.add_argument("--no-aiogram", action="store_true", help="skip the aiogram probe")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"),
                        help="time two commits' engines against each other (both pinned)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.seeds = args.seeds.resolve()
    if args.worker:
        worker(args)
        return
    if args.compare:
        result = compare(args)
        print(json.dumps(result, ensure_ascii=False, indent=2) if args.json
              else render_compare(result))
        return
    result = measure(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render(result))


if __name__ == "__main__":
    main()
