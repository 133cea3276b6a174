"""What one article would add to the index, without building one: for previews and digests.

The newsroom in the chat shows an admin what the bot read from a forwarded post, a pasted text
or a web page before anything is saved, and tells subscribers what a new article brings.  Both
come from here, from the very analysis a build runs on each article
(:func:`knowledge.index.analyse_article`): the preview shows what the index would hold, not an
approximation of it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .index import _Analysed, analyse_article
from .lexicon import gazetteer
from .models import Agreement, Figure, Person, SkippedFile, Source
from .seeds import Article, load_article

__all__ = ["ArticlePreview", "preview_article", "preview_bytes"]

# Lead sentences of a digest: one or two, never more than this many characters together.
LEAD_CHARS = 400
_LOCAL_KINDS = ("ru_subject", "by_oblast", "by_city")


@dataclass(frozen=True, slots=True)
class ArticlePreview:
    """One article as the index would read it: metadata, size and the facts found in it."""

    article_id: str
    origin: str
    title: str
    date: date | None
    agency: str | None
    url: str | None
    outlet: str | None
    sentences: int
    chars: int
    lead: tuple[str, ...]
    agreements: tuple[Agreement, ...]
    people: tuple[Person, ...]
    regions: tuple[str, ...]
    countries: tuple[str, ...]
    figures: tuple[Figure, ...]

    @property
    def source(self) -> Source:
        """The article as a source line names it (agency, date, title)."""
        return Source(self.article_id, self.title, self.agency, self.date)


def preview_bytes(name: str, data: bytes) -> ArticlePreview | SkippedFile:
    """Validate an article file's bytes like an upload and preview it (or say why not)."""
    article = load_article(name, data)
    if isinstance(article, SkippedFile):
        return article
    analysed = analyse_article(article)
    if isinstance(analysed, str):
        return SkippedFile(name, analysed)
    return preview_article(article, analysed)


def preview_article(article: Article, analysed: _Analysed | None = None) -> ArticlePreview:
    """Sentences, lead, agreements, people, regions and figures of one parsed article.

    :param analysed: the article's analysis when the caller has it already (an upload check
        runs it); otherwise it runs here.
    :raises ValueError: (its message in Russian) when the article cannot be analysed.
    """
    if analysed is None:
        result = analyse_article(article)
        if isinstance(result, str):
            raise ValueError(result)
        analysed = result
    rows, facts, region_counts = analysed
    source = Source(article.id, article.title, article.agency, article.date)
    entries = gazetteer().entries

    def name_of(key: str | None) -> str | None:
        return entries[key].name if key and key in entries else key

    agreements = tuple(
        Agreement(
            kind=row["kind"],
            parties=tuple(json.loads(row["parties"])),
            subject=row["subject"],
            sentence=row["sentence"],
            source=source,
            regions=tuple(row["regions"].split()),
        )
        for row in facts.agreements
    )
    people: dict[str, Person] = {}
    for row in facts.people:
        known = people.get(row["name"])
        if known is None or len(row["role"]) > len(known.role):
            people[row["name"]] = Person(
                name=row["name"],
                role=row["role"],
                organisation=row["organisation"],
                region=name_of(row["region"]),
                sentence=row["sentence"],
                source=source,
            )
    figures = tuple(
        Figure(
            value=row["value"],
            display=row["display"],
            counts=row["counts"],
            category=row["category"],
            sentence=row["sentence"],
            source=source,
            qualifier=row["qualifier"],
            regions=tuple(row["regions"].split()),
        )
        for row in facts.figures
    )
    sentences = [row["text"] for row in rows]
    return ArticlePreview(
        article_id=article.id,
        origin=article.origin,
        title=article.title,
        date=article.date,
        agency=article.agency,
        url=article.url,
        outlet=article.outlet,
        sentences=len(sentences),
        chars=len(article.text),
        lead=_lead(sentences, article.title),
        agreements=agreements,
        people=tuple(people.values()),
        regions=_names(region_counts, _LOCAL_KINDS),
        countries=_names(region_counts, ("country",)),
        figures=figures,
    )


def _names(counts: Counter[str], kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Display names of the regions (or countries) mentioned, most mentioned first."""
    entries = gazetteer().entries
    names: dict[str, None] = {}
    for key, _ in counts.most_common():
        entry = entries.get(key)
        if entry is not None and entry.kind in kinds:
            names.setdefault(entry.name)
    return tuple(names)


def _lead(sentences: list[str], title: str) -> tuple[str, ...]:
    """The first one or two sentences after the headline, within ``LEAD_CHARS``."""
    stem = title.rstrip("…").strip()
    body = [s for s in sentences if s.strip()]
    if body and stem and body[0].startswith(stem):
        body = body[1:] or body
    lead: list[str] = []
    size = 0
    for sentence in body[:2]:
        if lead and size + len(sentence) > LEAD_CHARS:
            break
        lead.append(sentence if len(sentence) <= LEAD_CHARS else sentence[: LEAD_CHARS - 1] + "…")
        size += len(sentence)
    return tuple(lead)
