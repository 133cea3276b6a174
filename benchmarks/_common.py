"""Shared helpers of the benchmark scripts: statistics, scoring, subprocess measurement,
the plain-FTS5 baseline and a description of the machine.

Nothing here imports the knowledge engine at module level, so the scripts that only need
these helpers (and the serving subprocesses) stay as light as possible.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
OUT_DIR = BENCH_DIR / "out"
VENV_BIN = Path(sys.executable).parent
CLI = VENV_BIN / "innoprom-bot"

# ----------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100) of a non-empty sequence."""
    if not values:
        return float("nan")
    data = sorted(values)
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def summary_ms(samples_ns: Sequence[int]) -> dict[str, float]:
    """Median, p95, p99, max and mean of nanosecond samples, in milliseconds."""
    ms = [s / 1e6 for s in samples_ns]
    if not ms:
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "p99": float("nan"),
                "max": float("nan"), "mean": float("nan")}
    return {
        "n": len(ms),
        "median": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms),
        "mean": sum(ms) / len(ms),
    }


# ----------------------------------------------------------------------------- scoring

_QUOTES = str.maketrans("", "", '«»"“”„')
_DASHES = re.compile(r"[–—−]")
_SPACES = re.compile(r"\s+")


def norm(text: str) -> str:
    """The evaluation's normalisation (issue 2): lower case, ё→е, no «»"“”„, dashes → -,
    whitespace collapsed.  Implemented here, independently of the engine."""
    text = text.lower().replace("ё", "е").translate(_QUOTES)
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text).strip()


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Lines of a JSONL file as dicts (blank lines skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def eval_files() -> list[Path]:
    """Every question set of the project (dialogue sets are not questions one by one)."""
    from knowledge.evaluate import is_dialogue_file

    return [p for p in sorted((ROOT / "eval").glob("*.jsonl")) if not is_dialogue_file(p)]


def first_hit_ok(texts: Sequence[str], expect: Iterable[str]) -> bool:
    """hit@1: one of the expected substrings is in the first text."""
    if not texts:
        return False
    first = norm(texts[0])
    return any(norm(e) in first for e in expect)


# ----------------------------------------------------------------------------- processes


@dataclass(frozen=True)
class ProcResult:
    """A finished child process: timings (seconds), peak RSS (MB), output."""

    first_output_s: float
    exit_s: float
    maxrss_mb: float
    returncode: int
    stdout: str
    stderr: str


# A tiny launcher between us and the measured command.  Linux charges a child the peak RSS of
# the address space it was forked from (``ru_maxrss`` keeps the pre-``exec`` high-water mark),
# so a command spawned straight from this — large — process would report *our* memory.  The
# launcher (``python -I -S``, ~9 MB) spawns the command, waits for it with ``os.wait4`` and
# writes its rusage and the spawn instant (CLOCK_MONOTONIC, shared by all processes) to a pipe.
_LAUNCHER = """\
import os, sys, time
fd = int(sys.argv[1])
t = time.monotonic()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, st, ru = os.wait4(pid, 0)
os.write(fd, f"{ru.ru_maxrss} {os.waitstatus_to_exitcode(st)} {t!r}".encode())
"""


def run_measured(
    cmd: Sequence[str | os.PathLike[str]],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin_text: str | None = None,
) -> ProcResult:
    """Run a command and measure it: wall time from its spawn to its first byte of output
    (the answer, with ``PYTHONUNBUFFERED=1``), wall time to its exit, and its own peak RSS
    (see ``_LAUNCHER`` for why a launcher process sits in between)."""
    full_env = dict(os.environ if env is None else env)
    full_env["PYTHONUNBUFFERED"] = "1"
    report_r, report_w = os.pipe()
    try:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and scripts
            [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(report_w), *map(str, cmd)],
            stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
            cwd=cwd,
            pass_fds=(report_w,),
        )
    finally:
        os.close(report_w)
    if stdin_text is not None and proc.stdin is not None:
        proc.stdin.write(stdin_text.encode())
        proc.stdin.close()
    assert proc.stdout is not None and proc.stderr is not None
    first: float | None = None
    out = bytearray()
    fd = proc.stdout.fileno()
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        if first is None:
            first = time.monotonic()
        out += chunk
    err = proc.stderr.read()
    proc.wait()
    ended = time.monotonic()
    with os.fdopen(report_r, "rb") as report:
        fields = report.read().decode().split()
    proc.stdout.close()
    proc.stderr.close()
    if len(fields) != 3:
        raise RuntimeError(f"launcher failed for {cmd!r}: {err.decode(errors='replace')}")
    maxrss_kb, returncode, spawned = int(fields[0]), int(fields[1]), float(fields[2])
    return ProcResult(
        first_output_s=(first if first is not None else ended) - spawned,
        exit_s=ended - spawned,
        maxrss_mb=maxrss_kb / 1024.0,
        returncode=returncode,
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
    )


def self_maxrss_mb() -> float:
    """Peak RSS of this process so far (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    """Current RSS of this process, from /proc (0 where /proc is unavailable)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


# ----------------------------------------------------------------------------- baseline

_WORD = re.compile(r"[0-9a-zа-я]+")


class BaselineFTS:
    """The plain SQLite FTS5 baseline of issue 2: the index's passage texts in an in-memory
    FTS5 table (``unicode61``, diacritics removed so ё = е), queried with the question's exact
    words as ``"w1" OR "w2" …`` ordered by bm25 rank, top 3."""

    def __init__(self, texts: Iterable[tuple[int, str]]) -> None:
        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.execute(
            "CREATE VIRTUAL TABLE base USING fts5(text, tokenize='unicode61 remove_diacritics 2')"
        )
        self.conn.executemany("INSERT INTO base(rowid, text) VALUES (?, ?)", texts)
        self.conn.commit()

    @classmethod
    def from_index(cls, db_path: Path) -> BaselineFTS:
        """Baseline table built from ``SELECT id, text FROM passages`` of a built index."""
        src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            rows = src.execute("SELECT id, text FROM passages").fetchall()
        finally:
            src.close()
        return cls(rows)

    @staticmethod
    def match_expr(question: str) -> str:
        words = dict.fromkeys(_WORD.findall(question.lower().replace("ё", "е")))
        return " OR ".join(f'"{w}"' for w in words)

    def search(self, question: str, limit: int = 3) -> list[str]:
        expr = self.match_expr(question)
        if not expr:
            return []
        rows = self.conn.execute(
            "SELECT text FROM base WHERE base MATCH ? ORDER BY rank LIMIT ?", (expr, limit)
        ).fetchall()
        return [r[0] for r in rows]


# ----------------------------------------------------------------------------- machine


def machine() -> dict[str, Any]:
    """CPU model, cores, memory, Python, SQLite, OS and the date, for the results."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    commit = None
    with contextlib.suppress(OSError):
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True, text=True, check=False,
        ).stdout.strip() or None
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "knowledge", "bot"],  # noqa: S607
            capture_output=True, text=True, check=False,
        ).stdout.strip()
        if commit and dirty:
            commit += " + uncommitted changes in knowledge/ or bot/"
    import importlib.util

    spec = importlib.util.find_spec("knowledge")
    engine = str(Path(spec.origin).parent) if spec and spec.origin else "?"
    pinned = re.search(r"innoprom-engine-([0-9a-f]+)", engine)
    if pinned:  # benchmarks/pin_engine.sh
        commit = f"{pinned.group(1)} (engine pinned by pin_engine.sh)"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": f"{platform.system()} {platform.release()}",
        "commit": commit,
        "engine": engine,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def verdict(value: float | None, target: float) -> str:
    """PASS/FAIL of a figure against an upper-bound target (``—`` when not measured)."""
    if value is None or value != value:  # None or NaN
        return "—"
    return "PASS" if value <= target else "FAIL"
