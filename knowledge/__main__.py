"""``python -m knowledge build SEEDS DB [--workers N]``: build an index in its own process.

Prints the build report as one JSON object (or, on failure, ``{"error": ..., "skipped":
[...]}`` with exit code 1).  The bot runs big reloads this way, so a long build never takes
the serving process's CPU or interpreter lock.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from .index import BuildError, build_index


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build an index and print the report as JSON")
    build.add_argument("seeds", type=Path)
    build.add_argument("db", type=Path)
    build.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        report = build_index(args.seeds, args.db, workers=args.workers)
    except BuildError as exc:
        skipped = [asdict(s) for s in exc.skipped]
        json.dump({"error": str(exc), "skipped": skipped}, sys.stdout, ensure_ascii=False)
        return 1
    json.dump(asdict(report), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
