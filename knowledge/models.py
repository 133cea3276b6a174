"""Frozen value objects returned by the knowledge library.

Everything the bot and the CLI show is built from these; none of them knows about Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .lexicon import months

__all__ = [
    "Agreement",
    "Answer",
    "ArticleInfo",
    "BuildReport",
    "Figure",
    "FigureGroup",
    "Hit",
    "IndexInfo",
    "Person",
    "Region",
    "RegionMatch",
    "RegionReport",
    "SkippedFile",
    "Source",
]

def russian_date(value: date) -> str:
    """``date(2025, 9, 29)`` → ``"29 сентября 2025"``."""
    return f"{value.day} {months()[value.month - 1].genitive} {value.year}"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a snippet or a fact comes from: one article."""

    article_id: str
    title: str
    agency: str | None
    date: date | None

    def label(self) -> str:
        """Short human reference: ``ТАСС, 1 октября 2025``; an article that names neither
        agency nor date is referred to by the start of its title."""
        parts = [p for p in (self.agency, russian_date(self.date) if self.date else None) if p]
        if parts:
            return ", ".join(parts)
        title = self.title if len(self.title) <= 40 else self.title[:38].rsplit(" ", 1)[0] + "…"
        return f"статья «{title}»"


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """One indexed article as listed by ``/sources``."""

    source: Source
    passages: int
    chars: int


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A seed file that was not indexed, with the reason in Russian."""

    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked snippet: one or two sentences of an article."""

    text: str
    source: Source
    score: float
    passage_id: int


@dataclass(frozen=True, slots=True)
class Agreement:
    """An agreement, contract or joint venture reported as signed or agreed at the show."""

    kind: str
    parties: tuple[str, ...]
    subject: str
    sentence: str
    source: Source
    regions: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line: kind, parties and subject."""
        head = self.kind[:1].upper() + self.kind[1:]
        if self.parties:
            head += ": " + ", ".join(self.parties)
        return f"{head} — {self.subject}" if self.subject else head


@dataclass(frozen=True, slots=True)
class Person:
    """A person named in the articles with their role."""

    name: str
    role: str
    organisation: str | None
    region: str | None
    sentence: str
    source: Source


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with what it counts, as one source states it."""

    value: float
    display: str
    counts: str
    category: str
    sentence: str
    source: Source
    qualifier: str = ""
    regions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FigureGroup:
    """Figures for the same thing from several sources, to show side by side."""

    category: str
    label: str
    figures: tuple[Figure, ...]

    @property
    def disagree(self) -> bool:
        """True when the sources give different values."""
        return len({f.value for f in self.figures}) > 1


@dataclass(frozen=True, slots=True)
class Region:
    """A Russian federal subject, a Belarusian oblast, Minsk or a country."""

    key: str
    name: str
    kind: str
    mentions: int = 0


@dataclass(frozen=True, slots=True)
class RegionMatch:
    """Result of looking a region up by a user's spelling."""

    region: Region | None
    suggestions: tuple[Region, ...] = ()
    known_elsewhere: str | None = None


@dataclass(frozen=True, slots=True)
class RegionReport:
    """Everything the index holds about one region."""

    region: Region
    people: tuple[Person, ...]
    agreements: tuple[Agreement, ...]
    figures: tuple[Figure, ...]
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to a question: ranked hits and facts, or a reasoned decline."""

    question: str
    answered: bool
    hits: tuple[Hit, ...] = ()
    figures: tuple[FigureGroup, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    people: tuple[Person, ...] = ()
    decline_reason: str | None = None
    unknown_terms: tuple[str, ...] = ()
    topics: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did: counts, skipped files with reasons, timing."""

    index_path: str
    articles: int
    passages: int
    facts: dict[str, int]
    skipped: tuple[SkippedFile, ...]
    elapsed_ms: float
    fingerprint: str


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """Summary of an open index (for /start, /help and start-up logs)."""

    engine: str  # fingerprint of the code and language data that built it (knowledge.schema)
    articles: int
    passages: int
    facts: dict[str, int]
    latest_date: date | None
    built_at: str
    fingerprint: str
    skipped: tuple[SkippedFile, ...]
