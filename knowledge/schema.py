"""The index file's layout, shared by the writer (``knowledge.index``) and the reader
(``knowledge.search.store``), and the fingerprint that says which code built an index.

An index is stale when the build-side code (``knowledge.index`` and every module of the
package it imports, found by reading their imports) or the language data
(``knowledge/data/*``) differ from the ones that built it: build and query must read text
alike, and nobody has to remember to bump a number.
"""

from __future__ import annotations

import ast
import hashlib
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = [
    "AGREEMENTS",
    "ARTICLES",
    "FIGURES",
    "FTS_COLUMNS",
    "FTS_TOKENIZER",
    "LEMMA_DF",
    "META",
    "PASSAGES",
    "PEOPLE",
    "REGIONS",
    "STEM_DF",
    "SURFACE_DF",
    "TABLES",
    "Table",
    "build_modules",
    "engine_fingerprint",
    "missing_columns",
    "probe_tables",
]


@dataclass(frozen=True, slots=True)
class Table:
    """One table: its columns (name → Python type, as sqlite-utils maps them) and key."""

    name: str
    columns: dict[str, type]
    pk: str
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The column names in table order."""
        return tuple(self.columns)

    def values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        """A row's values in column order (a missing one is NULL: an INTEGER PRIMARY KEY
        left NULL is numbered by SQLite in insertion order)."""
        return tuple(row.get(c) for c in self.columns)


ARTICLES = Table(
    "articles",
    {"id": str, "title": str, "date": str, "agency": str, "text": str, "fingerprint": str,
     "passages": int, "chars": int, "regions": str},
    pk="id",
)  # fmt: skip
PASSAGES = Table(
    "passages",
    {"id": int, "article_id": str, "seq": int, "paragraph": int, "text": str, "lemmas": str,
     "stems": str, "entities": str, "flags": str, "anaphoric": int},
    pk="id",
    indexes=(("article_id", "seq"),),
)  # fmt: skip
PEOPLE = Table(
    "people",
    {"id": int, "name": str, "role": str, "organisation": str, "region": str, "sentence": str,
     "article_id": str, "passage_id": int, "role_passages": str},
    pk="id",
    indexes=(("passage_id",),),
)  # fmt: skip
AGREEMENTS = Table(
    "agreements",
    {"id": int, "kind": str, "parties": str, "subject": str, "sentence": str,
     "article_id": str, "regions": str, "passage_id": int},
    pk="id",
    indexes=(("passage_id",),),
)  # fmt: skip
FIGURES = Table(
    "figures",
    {"id": int, "value": float, "display": str, "counts": str, "category": str,
     "qualifier": str, "sentence": str, "article_id": str, "regions": str, "passage_id": int},
    pk="id",
    indexes=(("passage_id",),),
)  # fmt: skip
REGIONS = Table(
    "regions",
    {"key": str, "name": str, "kind": str, "mentions": int, "articles": int},
    pk="key",
)
LEMMA_DF = Table("lemma_df", {"term": str, "df": int}, pk="term")
STEM_DF = Table("stem_df", {"term": str, "df": int}, pk="term")
SURFACE_DF = Table("surface_df", {"word": str, "df": int}, pk="word")
META = Table("meta", {"key": str, "value": str}, pk="key")
TABLES = (
    ARTICLES, PASSAGES, PEOPLE, AGREEMENTS, FIGURES, REGIONS, LEMMA_DF, STEM_DF, SURFACE_DF, META
)  # fmt: skip
# the full-text index over the passages' index terms
FTS_COLUMNS = ("lemmas", "stems")
FTS_TOKENIZER = "unicode61 remove_diacritics 0"


def probe_tables(conn: sqlite3.Connection) -> None:
    """Read a row of every table and run a full-text query: a missing table, a damaged page
    on the way or a broken FTS table («vtable constructor failed») raises here.

    :raises sqlite3.DatabaseError: what the damage looks like to SQLite.
    """
    for name in (*(t.name for t in TABLES), f"{PASSAGES.name}_fts"):
        conn.execute(f"SELECT * FROM [{name}] LIMIT 1").fetchall()
    conn.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1", ('"выставка"',)
    ).fetchall()


def missing_columns(present: dict[str, frozenset[str]]) -> list[str]:
    """``table.column`` of every column the layout has and an index (``present``: table →
    its columns) lacks."""
    return [
        f"{table.name}.{column}"
        for table in TABLES
        for column in table.columns
        if column not in present.get(table.name, frozenset())
    ]


@lru_cache(maxsize=1)
def build_modules() -> tuple[str, ...]:
    """The package's modules the build runs: ``index`` and, transitively, every module of
    ``knowledge`` it imports (read from their ``import`` statements, not listed by hand)."""
    package = resources.files("knowledge")
    seen: set[str] = set()
    todo = ["index"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.level != 1:
                continue
            if node.module:
                todo.append(node.module.split(".")[0])
            else:  # from . import a, b
                todo.extend(alias.name for alias in node.names)
    return tuple(sorted(seen))


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """A hash of the build-side code and the language data (see the module's docstring)."""
    package = resources.files("knowledge")
    digest = hashlib.sha256()
    for name in build_modules():
        digest.update(f"{name}.py\0".encode() + (package / f"{name}.py").read_bytes())
    data = package / "data"
    for name in sorted(entry.name for entry in data.iterdir() if entry.name.endswith(".json")):
        digest.update(f"data/{name}\0".encode() + (data / name).read_bytes())
    return digest.hexdigest()[:20]
