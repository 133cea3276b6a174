"""The index file opened read-only: every SQL query of the search, and the parsed passages.

One connection (``check_same_thread=False``) behind a lock; articles, their sources and the
ambient entities are read once at open; parsed passages (``Row``) are cached, since the index
never changes under a reader.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .. import schema
from ..analysis import entity_token, person_token
from ..models import Source
from .lexical import kinds_of

__all__ = ["AMBIENT_SHARE", "ROW_CACHE", "IndexUnavailable", "Row", "Store"]

ROW_CACHE = 50_000
# Entities mentioned in at least this share of articles (the host city, the two countries)
# are ambient: a snippet need not repeat them.
AMBIENT_SHARE = 0.75


class IndexUnavailable(RuntimeError):
    """The index file is missing or not a valid index."""


@dataclass(frozen=True, slots=True)
class Row:
    """One passage (a sentence) as the search sees it."""

    id: int
    article_id: str
    seq: int
    paragraph: int
    text: str
    lemmas: frozenset[str]
    stems: frozenset[str]
    flags: frozenset[str]  # the answer types it holds (count, date, person, …)
    anaphoric: bool
    article_regions: frozenset[str]
    kinds: frozenset[str] = frozenset()  # kinds of the entities named (country, city, …)


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class Store:
    """SQL access to one index file; thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise IndexUnavailable(f"index not found: {self.path}")
        try:
            self._conn = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            self._conn.execute("PRAGMA query_only=1")
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
            schema.probe_tables(self._conn)  # a damaged table fails here, not in a user's question
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error, AttributeError):
                self._conn.close()
            raise IndexUnavailable(f"not a valid index: {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._check_layout()
        self.meta: dict[str, Any] = {k: json.loads(v) for k, v in meta.items()}
        self.sources: dict[str, Source] = {}
        self.article_sizes: dict[str, tuple[int, int]] = {}
        self._article_regions: dict[str, frozenset[str]] = {}
        for row in self._conn.execute(
            "SELECT id, title, agency, date, passages, chars, regions FROM articles"
            " ORDER BY date, id"
        ):
            self.sources[row[0]] = Source(row[0], row[1], row[2], _parse_date(row[3]))
            self.article_sizes[row[0]] = (row[4], row[5])
            self._article_regions[row[0]] = frozenset(
                entity_token(k) for k in (row[6] or "").split()
            )
        n_articles = max(len(self.sources), 1)
        self.ambient = frozenset(
            entity_token(key)
            for key, articles in self._conn.execute("SELECT key, articles FROM regions")
            if articles / n_articles >= AMBIENT_SHARE
        )
        self._row_cache: dict[int, Row] = {}
        # passages where a person's role is stated: the answer to «кто такой X?»
        self.role_passages: dict[str, set[int]] = {}
        for name, ids in self._conn.execute("SELECT name, role_passages FROM people"):
            self.role_passages.setdefault(person_token(name), set()).update(
                int(i) for i in (ids or "").split()
            )

    def _check_layout(self) -> None:
        """The index must have every table and column of ``knowledge.schema`` (an index
        written by another version is rebuilt by ``load_index``, never half read)."""
        present = {
            table.name: frozenset(
                str(c[1]) for c in self._conn.execute(f"PRAGMA table_info({table.name})")
            )
            for table in schema.TABLES
        }
        missing = schema.missing_columns(present)
        if missing:
            raise IndexUnavailable(
                f"index of another version: {self.path} lacks {', '.join(missing[:5])}"
            )

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def problem(self) -> str | None:
        """What is wrong with this open index (a file truncated or overwritten under it), or
        ``None`` when every table reads and SQLite's ``quick_check`` passes."""
        try:
            with self._lock:
                schema.probe_tables(self._conn)
                (check,) = self._conn.execute("PRAGMA quick_check(1)").fetchone()
        except sqlite3.Error as exc:
            return str(exc)
        return None if check == "ok" else str(check)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one SQL statement."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def query_in(
        self, sql: str, column: str, ids: Iterable[int] | None
    ) -> list[tuple[Any, ...]]:
        """``sql`` (a plain SELECT) for all rows, or only rows whose ``column`` is in ``ids``."""
        if ids is None:
            return self.query(sql + " ORDER BY id")
        chosen = list(dict.fromkeys(ids))
        if not chosen:
            return []
        marks = ",".join("?" * len(chosen))
        return self.query(f"{sql} WHERE {column} IN ({marks}) ORDER BY id", chosen)

    # ------------------------------------------------------------------ vocabulary

    def lemma_df(self, term: str) -> int:
        """Passages holding the lemma (or entity / person / number token)."""
        rows = self.query("SELECT df FROM lemma_df WHERE term = ?", (term,))
        return int(rows[0][0]) if rows else 0

    def stem_df(self, term: str) -> int:
        """Passages holding the stem."""
        rows = self.query("SELECT df FROM stem_df WHERE term = ?", (term,))
        return int(rows[0][0]) if rows else 0

    def stems_with_prefix(self, prefix: str) -> list[str]:
        """Up to 20 corpus stems starting with ``prefix``."""
        rows = self.query(
            "SELECT term FROM stem_df WHERE term > ? AND term < ? LIMIT 20",
            (prefix, prefix + "\uffff"),
        )
        return [r[0] for r in rows]

    def surface_df(self) -> dict[str, int]:
        """Every surface word of the corpus with the number of passages holding it."""
        return dict(self.query("SELECT word, df FROM surface_df"))

    def person_names(self) -> list[str]:
        """Names of the extracted people."""
        return [r[0] for r in self.query("SELECT name FROM people")]

    # ------------------------------------------------------------------ passages

    def fts(self, match: str, limit: int) -> list[int]:
        """Passage ids of an FTS5 query over lemmas and stems, best bm25 first."""
        rows = self.query(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        )
        return [r[0] for r in rows]

    def rows(self, ids: Iterable[int]) -> dict[int, Row]:
        """Passages by id; parsed rows are kept (the index never changes under us)."""
        wanted = list(dict.fromkeys(ids))
        result = {i: self._row_cache[i] for i in wanted if i in self._row_cache}
        missing = [i for i in wanted if i not in result]
        if missing:
            fresh = self._load_rows(missing)
            if len(self._row_cache) > ROW_CACHE:
                self._row_cache.clear()
            self._row_cache.update(fresh)
            result.update(fresh)
        return result

    def _load_rows(self, ids: list[int]) -> dict[int, Row]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {
            r[0]: Row(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                frozenset(r[5].split()),
                frozenset(r[6].split()),
                frozenset(r[7].split()),
                bool(r[8]),
                self._article_regions.get(r[1], frozenset()),
                kinds_of(r[5]),
            )
            for r in self.query(
                "SELECT id, article_id, seq, paragraph, text, lemmas, stems, flags, anaphoric"
                f" FROM passages WHERE id IN ({marks})",
                ids,
            )
        }

    def paragraph(self, passage_id: int) -> tuple[str, str, int] | None:
        """(article id, text, paragraph number) of the paragraph holding a passage."""
        rows = self.query(
            "SELECT article_id, paragraph FROM passages WHERE id = ?", (passage_id,)
        )
        if not rows:
            return None
        article_id, paragraph = rows[0]
        return article_id, self.paragraph_text(article_id, paragraph), paragraph

    def paragraphs(self, article_id: str, first: int, count: int) -> list[tuple[int, str]]:
        """(paragraph number, sentence) of ``count`` paragraphs of an article from ``first``,
        in reading order."""
        return [
            (int(r[0]), str(r[1]))
            for r in self.query(
                "SELECT paragraph, text FROM passages WHERE article_id = ? AND paragraph >= ?"
                " AND paragraph < ? ORDER BY paragraph, seq",
                (article_id, first, first + count),
            )
        ]

    def paragraph_text(self, article_id: str, paragraph: int) -> str:
        """The sentences of one paragraph of an article, joined ("" past the last one)."""
        texts = self.query(
            "SELECT text FROM passages WHERE article_id = ? AND paragraph = ? ORDER BY seq",
            (article_id, paragraph),
        )
        return " ".join(t[0] for t in texts)
