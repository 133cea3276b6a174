"""Size limits of the knowledge library: no module over 500 lines, no function over 60.

    python scripts/check_size.py          # list what is over; exit 1 if anything is

Lines of a function are counted from its ``def`` (decorators excluded) to its last line,
docstring and comments included: what a reader has to hold in mind at once.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def oversized(folder: Path = ROOT / "knowledge") -> list[str]:
    """Human-readable lines naming every module and function over the limits."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(folder.parent)
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{name}: {lines} lines (module limit {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    found.append(
                        f"{name}:{node.lineno} {node.name}: {size} lines "
                        f"(function limit {MAX_FUNCTION_LINES})"
                    )
    return found


def main() -> int:
    found = oversized()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
