"""How the product behaves as the corpus grows (issue 5): one run over several corpus sizes.

Per size (the seeds plus generated articles, see ``generate_corpus.py``):

* build time, index size on disk and peak memory of the build (``innoprom-bot build`` in its
  own process, its max RSS);
* ``search`` latency median / p95 / p99 over a fixed recipe of questions — the dev set plus
  the corpus's generated questions whose answer is known — and hit@1 on the generated ones
  (and on the dev set), so speed is never bought with wrong answers;
* the same questions through a plain SQLite FTS5 MATCH in the same process, and the ratio;
* peak memory while serving (a fresh process that opened the index and answered everything);
* answer latency while a rebuild of the same corpus runs in a background thread of the
  serving process (what ``/reload`` does) — and, for comparison, in a child process — and on
  the first answers after the new index is swapped in;
* cold start: ``innoprom-bot ask`` as a new process, start → index open → answer printed.

Prints markdown tables, writes ``benchmarks/out/scale.png`` (latency and build time against
corpus size), ``benchmarks/out/RESULTS.md`` and ``benchmarks/out/scale.json``; ``--publish``
also writes ``benchmarks/RESULTS.md`` and ``benchmarks/scale.png``.  Targets are printed with
PASS/FAIL; timings never fail the run.

    .venv/bin/python benchmarks/bench_scale.py                         # CI smoke: 5,100
    .venv/bin/python benchmarks/bench_scale.py --sizes 5,100,1000,10000 --publish
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BENCH_DIR,
    CLI,
    OUT_DIR,
    ROOT,
    BaselineFTS,
    first_hit_ok,
    load_jsonl,
    machine,
    run_measured,
    self_maxrss_mb,
    summary_ms,
    verdict,
)

COLD_QUESTION = "Сколько было посетителей?"
DEV_SET = ROOT / "eval" / "dev_qa.jsonl"
TARGETS = {
    "build_s": (60.0, 10000),
    "median_ms": (20.0, 10000),
    "p99_ms": (100.0, 10000),
    "serving_rss_mb": (400.0, 10000),
    "cold_start_small_s": (1.5, 5),
    "cold_start_s": (3.0, 10000),
    "reload_p99_ms": (100.0, 10000),
    "reload_rss_mb": (400.0, 10000),
}
# "Sub-linear": the log-log slope of the median latency against the number of articles is
# below 1 (10× the articles cost less than 10× the time).  Printed next to the plain FTS5
# baseline's slope: posting lists grow linearly, a bounded rerank should not.
SUBLINEAR = 1.0

# ============================================================================ serving worker


def _time_all(fn: Any, questions: list[str], rounds: int) -> tuple[list[int], list[list[int]]]:
    clock = time.perf_counter_ns
    samples: list[int] = []
    per_q: list[list[int]] = [[] for _ in questions]
    for _ in range(rounds):
        for i, q in enumerate(questions):
            t0 = clock()
            fn(q)
            dt = clock() - t0
            samples.append(dt)
            per_q[i].append(dt)
    return samples, per_q


def _hit_rate(texts: list[list[str]], cases: list[dict[str, Any]]) -> float | None:
    scored = [first_hit_ok(t, c["expect"]) for t, c in zip(texts, cases, strict=True)
              if c.get("expect")]
    return sum(scored) / len(scored) if scored else None


_CHILD_BUILD = (
    "import sys; from pathlib import Path; from knowledge import build_index; "
    "build_index(Path(sys.argv[1]), Path(sys.argv[2]))"
)


def _reload(mode: str, index: Any, questions: list[str],
            args: argparse.Namespace) -> tuple[dict[str, Any], Any, list[Any]]:
    """Rebuild the corpus (in a ``thread`` or a child ``process``) while answering in this
    thread; then open the new index, swap it in and answer every question once on it."""
    from knowledge import KnowledgeIndex, build_index

    clock = time.perf_counter_ns
    samples: list[int] = []
    builds: list[float] = []
    retired: list[Any] = []
    while True:
        target = args.db.with_name(f"reload-{mode}-{len(builds)}.db")
        started = time.perf_counter()
        errors: list[BaseException] = []
        if mode == "thread":
            finished = threading.Event()

            def run(target: Path = target, finished: threading.Event = finished,
                    errors: list[BaseException] = errors) -> None:
                try:
                    build_index(args.seeds, target)
                except BaseException as exc:  # reported below
                    errors.append(exc)
                finally:
                    finished.set()

            threading.Thread(target=run, name="reload", daemon=True).start()
            is_done = finished.is_set
        else:
            child = subprocess.Popen(  # noqa: S603 - our interpreter
                [sys.executable, "-c", _CHILD_BUILD, str(args.seeds), str(target)]
            )

            def is_done(child: subprocess.Popen[bytes] = child) -> bool:
                return child.poll() is not None

        i = 0
        while not is_done():
            s0 = clock()
            index.search(questions[i % len(questions)])
            samples.append(clock() - s0)
            i += 1
        if errors or (mode == "process" and child.returncode != 0):
            raise RuntimeError(f"rebuild ({mode}) failed: {errors or child.returncode}")
        retired.append(index)
        index = KnowledgeIndex.open(target)  # open + swap, as the service does
        builds.append(time.perf_counter() - started)
        # small corpora rebuild in a blink: repeat until enough answers were timed
        if len(samples) >= 50 or len(builds) >= 5:
            break
    fresh, _ = _time_all(index.search, questions, 1)
    return (
        {
            "mode": mode,
            "rebuilds": len(builds),
            "rebuild_s": statistics.median(builds),
            "answers": summary_ms(samples),
            "after_swap_first_pass": summary_ms(fresh),
            "rss_after_mb": self_maxrss_mb(),
        },
        index,
        retired,
    )


def _reload_service(index: Any, questions: list[str],
                    args: argparse.Namespace) -> tuple[dict[str, Any], Any] | None:
    """``KnowledgeService.reload()`` — exactly what the bot's ``/reload`` runs — while this
    event loop answers questions (``search`` on the loop, as the bot does for ordinary
    questions).  ``None`` when the engine has no such service."""
    try:
        from knowledge.service import KnowledgeService
    except ImportError:
        return None
    import asyncio

    clock = time.perf_counter_ns
    samples: list[int] = []
    target = args.db.with_name("reload-service.db")

    async def run() -> tuple[Any, float]:
        service = KnowledgeService(index, args.seeds, target, close_delay=0)
        started = time.perf_counter()
        task = asyncio.create_task(service.reload())
        i = 0
        while not task.done():
            s0 = clock()
            service.index.search(questions[i % len(questions)])
            samples.append(clock() - s0)
            i += 1
            await asyncio.sleep(0)
        await task
        return service.index, time.perf_counter() - started

    new, elapsed = asyncio.run(run())
    fresh, _ = _time_all(new.search, questions, 1)
    return (
        {
            "mode": "service",
            "rebuilds": 1,
            "rebuild_s": elapsed,
            "answers": summary_ms(samples),
            "after_swap_first_pass": summary_ms(fresh),
            "rss_after_mb": self_maxrss_mb(),
        },
        new,
    )


def serve(args: argparse.Namespace) -> dict[str, Any]:
    """The serving process: open, answer, measure; then rebuild-while-answering, baseline."""
    from knowledge import KnowledgeIndex

    dev = load_jsonl(DEV_SET)
    gen = load_jsonl(args.questions) if args.questions.is_file() else []
    cases = dev + gen
    questions = [c["question"] for c in cases]
    out: dict[str, Any] = {"questions": len(questions), "dev": len(dev), "generated": len(gen)}

    t0 = time.perf_counter()
    index = KnowledgeIndex.open(args.db)
    out["open_ms"] = (time.perf_counter() - t0) * 1000
    first, _ = _time_all(index.search, questions, 1)
    warm, per_q = _time_all(index.search, questions, args.rounds)
    # keep only what is scored: holding every Answer would measure the benchmark's memory
    answers = []
    facts_in_answer = []
    for q in questions:
        a = index.search(q)
        facts_in_answer.append(len(a.agreements) + len(a.people)
                               + sum(len(g.figures) for g in a.figures))
        answers.append((a.answered, [h.text for h in a.hits]))
    texts = [t for _, t in answers]
    out["facts_per_answer"] = {"max": max(facts_in_answer),
                               "median": statistics.median(facts_in_answer)}
    out["first_pass"] = summary_ms(first)
    out["warm"] = summary_ms(warm)
    out["hit1_generated"] = _hit_rate(texts[len(dev):], gen)
    out["hit1_dev"] = _hit_rate(texts[: len(dev)], dev)
    oos = [answered for (answered, _), c in zip(answers, cases, strict=True)
           if c.get("expect_none")]
    out["oos_refused_dev"] = sum(not a for a in oos) / len(oos) if oos else None
    by_kind: dict[str, list[bool]] = {}
    for t, c in zip(texts[len(dev):], gen, strict=True):
        by_kind.setdefault(c.get("kind", "?"), []).append(first_hit_ok(t, c["expect"]))
    out["hit1_by_kind"] = {k: sum(v) / len(v) for k, v in sorted(by_kind.items())}
    out["misses_generated"] = [
        {"id": c["id"], "question": c["question"], "first": (t[0][:160] if t else None)}
        for t, c in zip(texts[len(dev):], gen, strict=True)
        if not first_hit_ok(t, c["expect"])
    ][:20]
    slow = sorted(range(len(questions)), key=lambda i: -statistics.median(per_q[i]))[:8]
    out["slowest"] = [{"question": questions[i], "median_ms": statistics.median(per_q[i]) / 1e6}
                      for i in slow]
    out["serving_rss_mb"] = self_maxrss_mb()

    # ---- answering while the same corpus is rebuilt and swapped in: through the engine's
    # KnowledgeService.reload() (what /reload does), then build_index in a child process and in
    # a thread of this process, for comparison
    if args.reload:
        retired = []
        # the service first: its figures (memory included) must not carry the others' builds
        service = _reload_service(index, questions, args)  # closes the index it replaces
        if service is not None:
            out["reload_service"], index = service
        for mode in ("process", "thread"):
            out[f"reload_{mode}"], index, old = _reload(mode, index, questions, args)
            retired.extend(old)
        out["reload"] = out.get("reload_service", out["reload_thread"])
        for old_index in retired:
            old_index.close()
        for path in args.db.parent.glob("reload-*.db"):
            path.unlink()

    # ---- plain FTS5 baseline in the same process
    t0 = time.perf_counter()
    baseline = BaselineFTS.from_index(args.db)
    out["baseline_build_ms"] = (time.perf_counter() - t0) * 1000
    _time_all(baseline.search, questions, 1)
    bwarm, _ = _time_all(baseline.search, questions, args.rounds)
    out["baseline"] = summary_ms(bwarm)
    btexts = [baseline.search(q) for q in questions]
    out["baseline_hit1_generated"] = _hit_rate(btexts[len(dev):], gen)
    out["baseline_hit1_dev"] = _hit_rate(btexts[: len(dev)], dev)
    index.close()
    return out


# ============================================================================ one size


def _mb(path: Path) -> float:
    return path.stat().st_size / 1024 / 1024


def measure_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    from generate_corpus import generate

    work = args.workdir / f"corpus-{size}"
    work.mkdir(parents=True, exist_ok=True)
    print(f"[{size}] generating …", file=sys.stderr, flush=True)
    manifest = generate(size, work, seed=args.seed, questions=args.questions)
    seeds, db = work / "seeds", work / "index.db"
    db.unlink(missing_ok=True)
    print(f"[{size}] building …", file=sys.stderr, flush=True)
    build = run_measured([CLI, "build", "--seeds", seeds, "--db", db], cwd=ROOT)
    if build.returncode != 0:
        raise RuntimeError(f"build failed at size {size}: {build.stderr[-2000:]}")
    reported = re.search(r"Время:\s*(\d+)\s*мс", build.stdout)
    passages = re.search(r"фрагментов:\s*(\d+)", build.stdout)
    row: dict[str, Any] = {
        "size": size,
        "corpus": manifest,
        "passages": int(passages.group(1)) if passages else None,
        "build_s": build.exit_s,
        "build_reported_s": int(reported.group(1)) / 1000 if reported else None,
        "build_rss_mb": build.maxrss_mb,
        "index_mb": _mb(db),
    }
    print(f"[{size}] serving …", file=sys.stderr, flush=True)
    cmd = [sys.executable, Path(__file__).resolve(), "_serve", "--db", db, "--seeds", seeds,
           "--questions", work / "questions.jsonl", "--rounds", str(args.rounds)]
    if args.reload:
        cmd.append("--reload")
    # cwd: the corpus folder, so `python -m knowledge` / `-c` children cannot pick up the
    # working tree's knowledge/ instead of the engine this interpreter imports
    served = run_measured(cmd, cwd=work)
    if served.returncode != 0:
        raise RuntimeError(f"serving worker failed at size {size}: {served.stderr[-3000:]}")
    row["serve"] = json.loads(served.stdout)
    row["serve_process_rss_mb"] = served.maxrss_mb
    print(f"[{size}] cold start …", file=sys.stderr, flush=True)
    env = dict(os.environ, SEEDS_DIR=str(seeds), INDEX_PATH=str(db))
    run_measured([CLI, "ask", COLD_QUESTION], env=env, cwd=ROOT)  # page cache warm-up
    runs = [run_measured([CLI, "ask", COLD_QUESTION], env=env, cwd=ROOT)
            for _ in range(args.cold_runs)]
    row["cold_start_s"] = statistics.median(r.first_output_s for r in runs)
    row["cold_exit_s"] = statistics.median(r.exit_s for r in runs)
    row["cold_rss_mb"] = max(r.maxrss_mb for r in runs)
    row["cold_rebuilt"] = any("индекс построен" in r.stderr for r in runs)
    if not args.keep:
        db.unlink(missing_ok=True)
    return row


# ============================================================================ report


def _f(value: float | None, fmt: str = "{:.1f}") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return fmt.format(value)


def tables(rows: list[dict[str, Any]]) -> str:
    head1 = ("| articles | passages | distinct words | generate s | build s | build peak RSS MB "
             "| index MB | serving RSS MB | cold start s | cold-start RSS MB |")
    lines = ["**Build, size, memory, cold start**", "", head1,
             "|" + "|".join(["---:"] * (head1.count("|") - 1)) + "|"]
    for r in rows:
        s = r["serve"]
        lines.append(
            f"| {r['size']:,} | {_f(r['passages'], '{:,}')} | "
            f"{r['corpus']['distinct_words']:,} | {r['corpus']['seconds']:.1f} | "
            f"{r['build_s']:.1f} | {r['build_rss_mb']:.0f} | {r['index_mb']:.1f} | "
            f"{s['serving_rss_mb']:.0f} | {r['cold_start_s']:.2f} | {r['cold_rss_mb']:.0f} |"
        )
    head2 = ("| articles | questions | median ms | p95 ms | p99 ms | first-pass p99 ms "
             "| FTS5 median ms | FTS5 p99 ms | ratio (median) | hit@1 gen | FTS5 hit@1 gen "
             "| hit@1 dev |")
    lines += ["", "**Answering**", "", head2,
              "|" + "|".join(["---:"] * (head2.count("|") - 1)) + "|"]
    for r in rows:
        s = r["serve"]
        w, b = s["warm"], s["baseline"]
        ratio = w["median"] / b["median"] if b["median"] else None
        lines.append(
            f"| {r['size']:,} | {s['questions']} | {w['median']:.2f} | {w['p95']:.2f} | "
            f"{w['p99']:.2f} | {s['first_pass']['p99']:.2f} | {b['median']:.3f} | "
            f"{b['p99']:.3f} | {_f(ratio, '{:.2g}×')} | {_f(s['hit1_generated'], '{:.3f}')} | "
            f"{_f(s['baseline_hit1_generated'], '{:.3f}')} | {_f(s['hit1_dev'], '{:.3f}')} |"
        )
    head3 = ("| articles | `/reload` (KnowledgeService): s, answer p99 / max ms, RSS MB "
             "| build_index in a thread: s, p99 / max ms, RSS MB "
             "| build_index in a child process: s, p99 / max ms, RSS MB "
             "| first answers after the swap: p99 / max ms |")
    lines += ["", "**Answering while the index is rebuilt and swapped in**", "", head3,
              "|" + "|".join(["---:"] * (head3.count("|") - 1)) + "|"]

    def cell(x: dict[str, Any]) -> str:
        if not x:
            return "—"
        a = x["answers"]
        return (f"{x['rebuild_s']:.1f} s, {_f(a.get('p99'))} / {_f(a.get('max'))}, "
                f"{x['rss_after_mb']:.0f}")

    for r in rows:
        s = r["serve"]
        sv, th, pr = (s.get(f"reload_{m}", {}) for m in ("service", "thread", "process"))
        sw = (sv or th).get("after_swap_first_pass", {})
        lines.append(f"| {r['size']:,} | {cell(sv)} | {cell(th)} | {cell(pr)} | "
                     f"{_f(sw.get('p99'))} / {_f(sw.get('max'))} |")
    return "\n".join(lines)


def _at(rows: list[dict[str, Any]], size: int) -> dict[str, Any] | None:
    return next((r for r in rows if r["size"] == size), None)


def _slope(rows: list[dict[str, Any]], key: str = "warm") -> tuple[float, int, int] | None:
    """Log-log slope of a median latency between the two largest sizes ≥ 100."""
    big = [r for r in rows if r["size"] >= 100]
    if len(big) < 2:
        return None
    a, b = big[-2], big[-1]
    ya, yb = a["serve"][key]["median"], b["serve"][key]["median"]
    return math.log(yb / ya) / math.log(b["size"] / a["size"]), a["size"], b["size"]


def target_lines(rows: list[dict[str, Any]]) -> list[str]:
    def get(name: str, r: dict[str, Any]) -> float | None:
        s = r["serve"]
        return {
            "build_s": r["build_s"],
            "median_ms": s["warm"]["median"],
            "p99_ms": s["warm"]["p99"],
            "serving_rss_mb": s["serving_rss_mb"],
            "cold_start_small_s": r["cold_start_s"],
            "cold_start_s": r["cold_start_s"],
            "reload_p99_ms": s.get("reload", {}).get("answers", {}).get("p99"),
            "reload_rss_mb": s.get("reload", {}).get("rss_after_mb"),
        }[name]

    labels = {
        "build_s": "build (`innoprom-bot build` wall time)",
        "median_ms": "search median",
        "p99_ms": "search p99",
        "serving_rss_mb": "peak serving memory",
        "cold_start_small_s": "cold start (seeds size)",
        "cold_start_s": "cold start",
        "reload_p99_ms": "answer p99 during `/reload` (KnowledgeService.reload)",
        "reload_rss_mb": "peak memory of the serving process through `/reload`",
    }
    units = {"build_s": "s", "median_ms": "ms", "p99_ms": "ms", "serving_rss_mb": "MB",
             "cold_start_small_s": "s", "cold_start_s": "s", "reload_p99_ms": "ms",
             "reload_rss_mb": "MB"}
    out = ["| target | at | limit | measured | verdict |", "|---|---:|---:|---:|---|"]
    for name, (limit, size) in TARGETS.items():
        r = _at(rows, size)
        value = get(name, r) if r else None
        shown = _f(value, "{:.2f}" if units[name] == "s" else "{:.1f}")
        state = verdict(value, limit) if r else "not measured"
        out.append(f"| {labels[name]} | {size:,} | ≤ {limit:g} {units[name]} | "
                   f"{shown}{' ' + units[name] if value is not None else ''} | {state} |")
    slope = _slope(rows)
    base = _slope(rows, "baseline")
    label = "latency sub-linear in corpus size (log-log slope of the median)"
    if slope and base:
        k, a, b = slope
        out.append(f"| {label} | {a:,}→{b:,} | < {SUBLINEAR:g} | {k:.2f} (plain FTS5: "
                   f"{base[0]:.2f}) | {'PASS' if k < SUBLINEAR else 'FAIL'} |")
    else:
        out.append(f"| {label} | — | < {SUBLINEAR:g} | — | not measured |")
    return out


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["size"] for r in rows]
    med = [r["serve"]["warm"]["median"] for r in rows]
    p99 = [r["serve"]["warm"]["p99"] for r in rows]
    base = [r["serve"]["baseline"]["median"] for r in rows]
    build = [r["build_s"] for r in rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax1.plot(sizes, med, "o-", label="search median")
    ax1.plot(sizes, p99, "s-", label="search p99")
    ax1.plot(sizes, base, "^--", label="plain FTS5 median")
    for mode, style in (("service", "d-."), ("thread", "x:"), ("process", "+:")):
        vals = [r["serve"].get(f"reload_{mode}", {}).get("answers", {}).get("p99") for r in rows]
        if all(v is not None for v in vals):
            name = "/reload" if mode == "service" else f"build in a {mode}"
            ax1.plot(sizes, vals, style, label=f"p99 while rebuilding ({name})")
    ax1.axhline(20, color="grey", lw=0.8, ls="--")
    ax1.axhline(100, color="grey", lw=0.8, ls=":")
    ax1.set(xscale="log", yscale="log", xlabel="articles", ylabel="ms",
            title="Answer latency (targets at 10k: median 20 ms, p99 100 ms)")
    ax1.legend(fontsize=8)
    ax2.plot(sizes, build, "o-", color="tab:red", label="build (process wall time)")
    ax2.axhline(60, color="grey", lw=0.8, ls="--", label="target at 10k: 60 s")
    ax2.set(xscale="log", yscale="log", xlabel="articles", ylabel="s", title="Index build time")
    ax2.legend(fontsize=8)
    for ax in (ax1, ax2):
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def results_md(rows: list[dict[str, Any]], m: dict[str, Any], args: argparse.Namespace,
               plot_name: str) -> str:
    sizes = ",".join(str(r["size"]) for r in rows)
    return "\n".join([
        "# Scale benchmark results",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, "
        f"{m['os']}, Python {m['python']}, SQLite {m['sqlite']}, commit {m['commit']}.",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_scale.py --sizes {sizes} "
        f"--rounds {args.rounds} --publish` "
        f"(generator seed {args.seed}, {args.questions} generated questions per size "
        "plus the dev set).",
        "",
        tables(rows),
        "",
        "**Targets**",
        "",
        *target_lines(rows),
        "",
        f"![latency and build time against corpus size]({plot_name})",
        "",
        "How it is measured: the corpus is the five seeds plus generated articles "
        "(`generate_corpus.py`); the build runs as `innoprom-bot build` in its own process "
        "(wall time, max RSS); latency is `KnowledgeIndex.search` in a fresh serving process, "
        f"{args.rounds} warm rounds over the dev questions and the generated ones after one "
        "first pass; serving RSS is that process's peak after answering everything; the "
        "rebuild figures are answers timed while the same corpus is rebuilt and swapped in — "
        "by the engine's `KnowledgeService.reload()` (what `/reload` runs; answers on the "
        "event loop), by `build_index` in a thread and in a child process — RSS being the "
        "serving process's peak so far; after the swap every question is asked once on the "
        "fresh index (its lazy initialisation is what the first users pay); cold "
        f"start is `innoprom-bot ask` start → answer printed, median of {args.cold_runs} runs "
        "with the OS page cache warm; FTS5 is the same passages' text in an in-memory FTS5 "
        "table, exact words OR-ed, bm25, top 3.",
        "",
    ])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        p = argparse.ArgumentParser()
        p.add_argument("_serve")
        p.add_argument("--db", type=Path, required=True)
        p.add_argument("--seeds", type=Path, required=True)
        p.add_argument("--questions", type=Path, required=True)
        p.add_argument("--rounds", type=int, default=3)
        p.add_argument("--reload", action="store_true")
        print(json.dumps(serve(p.parse_args()), ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,100", help="comma-separated corpus sizes")
    parser.add_argument("--questions", type=int, default=200, help="generated questions/size")
    parser.add_argument("--rounds", type=int, default=3, help="warm rounds per question")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold-start runs (median)")
    parser.add_argument("--seed", type=int, default=2025, help="generator seed")
    parser.add_argument("--no-reload", dest="reload", action="store_false",
                        help="skip the answering-during-rebuild measurement")
    parser.add_argument("--workdir", type=Path, default=OUT_DIR / "work",
                        help="where corpora and indexes are written")
    parser.add_argument("--keep", action="store_true", help="keep the built indexes")
    parser.add_argument("--publish", action="store_true",
                        help="also write benchmarks/RESULTS.md and benchmarks/scale.png")
    parser.add_argument("--json", action="store_true", help="print the raw results as JSON")
    parser.add_argument("--render", type=Path,
                        help="no measuring: re-render the report from a saved scale.json")
    args = parser.parse_args()
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    settings = {k: getattr(args, k) for k in ("rounds", "cold_runs", "seed", "questions")}
    rows: list[dict[str, Any]] = []
    if args.render:  # re-render tables, plot and results from a saved run
        saved = json.loads(args.render.read_text())
        m, rows = saved["machine"], saved["rows"]
        for k, v in saved.get("args", {}).items():
            setattr(args, k, v)
        sizes = []
    else:
        m = machine()
    for size in sizes:
        rows.append(measure_size(size, args))
        (OUT_DIR / "scale.json").write_text(  # partial results survive an interrupted run
            json.dumps({"machine": m, "args": settings, "rows": rows}, ensure_ascii=False,
                       indent=2)
        )
        w = rows[-1]["serve"]["warm"]
        print(f"[{size}] build {rows[-1]['build_s']:.1f} s, median {w['median']:.1f} ms, "
              f"p99 {w['p99']:.1f} ms", file=sys.stderr, flush=True)
    if not args.render:
        (OUT_DIR / "scale.json").write_text(
            json.dumps({"machine": m, "args": settings, "rows": rows}, ensure_ascii=False,
                       indent=2)
        )
    plot(rows, OUT_DIR / "scale.png")
    (OUT_DIR / "RESULTS.md").write_text(results_md(rows, m, args, "scale.png"))
    if args.publish:
        shutil.copyfile(OUT_DIR / "scale.png", BENCH_DIR / "scale.png")
        (BENCH_DIR / "RESULTS.md").write_text(results_md(rows, m, args, "scale.png"))
    if args.json:
        print(json.dumps({"machine": m, "rows": rows}, ensure_ascii=False, indent=2))
        return
    print(f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['date']}\n")
    print(tables(rows))
    print()
    print("\n".join(target_lines(rows)))
    big = rows[-1]["serve"]
    print(f"\nslowest questions at {rows[-1]['size']:,} articles (warm median):")
    for s in big["slowest"][:5]:
        print(f"  {s['median_ms']:8.1f} ms  {s['question']}")
    print(f"\nplot: {OUT_DIR / 'scale.png'}   results: {OUT_DIR / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
