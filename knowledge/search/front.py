"""``KnowledgeIndex``: the read-only index as the bot and the CLI use it.

A thin front over the stages (``pipeline`` runs them for a question): it opens the store,
wires the parts together and keeps the public API — search, facts, regions, sources, the
«Источник» paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ..analysis import person_token
from ..models import (
    Agreement,
    Answer,
    ArticleInfo,
    Figure,
    IndexInfo,
    Person,
    Region,
    RegionMatch,
    RegionReport,
    SkippedFile,
    Source,
)
from . import pipeline, snippets
from .facts import Facts
from .people import People
from .query import Query, Vocabulary
from .regions import Regions
from .spelling import Spelling
from .store import IndexUnavailable, Store

__all__ = ["IndexUnavailable", "KnowledgeIndex"]


class KnowledgeIndex:
    """A built index opened read-only.  Thread-safe; cheap to query."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        store = Store(self.path)
        people = People(store)
        facts = Facts(store)
        self._spelling = Spelling(store.surface_df)
        persons = {}
        for name in store.person_names():
            token = person_token(name)
            if len(token) > 6:
                persons[token[3:]] = token
        counts = store.meta.get("counts", {})
        self.vocabulary = Vocabulary(
            passages=int(counts.get("passages", 1)),
            lemma_df=store.lemma_df,
            stem_df=store.stem_df,
            correct=self._spelling.correct,
            persons=persons,
            stems_with_prefix=store.stems_with_prefix,
            names_organisation=lambda word: bool(people.organisation_phrase(word)),
        )
        self._store = store
        self._engine = pipeline.Engine(
            store, self.vocabulary, people, facts, Regions(store, people, facts)
        )

    @classmethod
    def open(cls, path: Path | str) -> KnowledgeIndex:
        """Open an index file read-only."""
        return cls(Path(path))

    def close(self) -> None:
        """Close the database connection."""
        self._store.close()

    def problem(self) -> str | None:
        """What is wrong with this open index (a file truncated or overwritten under it), or
        ``None`` when every table reads and SQLite's ``quick_check`` passes."""
        return self._store.problem()

    def __enter__(self) -> KnowledgeIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm_up(self) -> None:
        """Load what the first questions would otherwise pay for: the people index and the
        spelling vocabulary (up to a second on a big corpus).  A long-running server calls
        this before serving; a one-off ``ask`` does not need to."""
        self._engine.people.with_words()
        self._spelling.correct("прогрев", 100)
        self.search("Сколько было посетителей?")

    # ------------------------------------------------------------------ info

    @property
    def info(self) -> IndexInfo:
        """Counts and dates for /start, /help and logs."""
        meta = self._store.meta
        counts = meta.get("counts", {})
        dates = [s.date for s in self._store.sources.values() if s.date]
        return IndexInfo(
            engine=str(meta.get("engine", "")),
            articles=int(counts.get("articles", 0)),
            passages=int(counts.get("passages", 0)),
            facts={k: int(counts.get(k, 0)) for k in ("agreements", "people", "figures")},
            latest_date=max(dates) if dates else None,
            built_at=str(meta.get("built_at", "")),
            fingerprint=str(meta.get("fingerprint", "")),
            skipped=tuple(SkippedFile(s["name"], s["reason"]) for s in meta.get("skipped", [])),
        )

    def sources(self) -> tuple[ArticleInfo, ...]:
        """Every indexed article, newest first (articles without a date last)."""
        sizes = self._store.article_sizes
        items = [
            ArticleInfo(src, *sizes[src.article_id]) for src in self._store.sources.values()
        ]
        items.sort(key=lambda a: (a.source.date is None, -(a.source.date or date.min).toordinal(),
                                  a.source.article_id))
        return tuple(items)

    def source(self, article_id: str) -> Source | None:
        """The source of one article."""
        return self._store.sources.get(article_id)

    # ------------------------------------------------------------------ search

    def analyze(self, question: str) -> Query:
        """The analysed form of a question (terms, cues, entities, corrections)."""
        return pipeline.analyze(self._engine, question)

    def search(self, question: str, limit: int = 9) -> Answer:
        """Answer a question with ranked, sourced snippets and facts, or decline."""
        return pipeline.answer(self._engine, question, limit)

    def context(self, passage_id: int) -> tuple[str, Source] | None:
        """The paragraph around a passage (for the «Источник» button)."""
        return snippets.context(self._store, passage_id)

    def continuation(self, passage_id: int, paragraphs: int = 2) -> tuple[str, Source] | None:
        """The paragraph around a passage and the ones after it, as the article goes on
        («подробнее» in a conversation); paragraphs are separated by a line break."""
        return snippets.continuation(self._store, passage_id, paragraphs)

    # ------------------------------------------------------------------ facts

    def agreements(self, passage_ids: Iterable[int] | None = None) -> tuple[Agreement, ...]:
        """Agreements extracted from the articles (optionally only from some passages)."""
        return self._engine.facts.agreements(passage_ids)

    def figures(self, passage_ids: Iterable[int] | None = None) -> tuple[Figure, ...]:
        """Key figures (optionally only those stated in some passages)."""
        return self._engine.facts.figures(passage_ids)

    def people(self) -> tuple[Person, ...]:
        """Every person extracted from the articles."""
        return self._engine.people.all()

    # ------------------------------------------------------------------ regions

    def regions(self) -> tuple[Region, ...]:
        """Regions and countries the articles mention, most mentioned first."""
        return self._engine.regions.all()

    def find_region(self, text: str) -> RegionMatch:
        """Look a region up by any spelling: case forms, adjectives, cities, typos."""
        return self._engine.regions.find(text)

    def region_report(self, key: str, limit: int = 5) -> RegionReport | None:
        """People, agreements, figures and passages concerning one region."""
        return self._engine.regions.report(key, limit)
