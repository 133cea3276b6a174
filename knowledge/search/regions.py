"""Regions: the list the articles mention, lookup by any spelling, and the /region report."""

from __future__ import annotations

from rapidfuzz import fuzz

from ..analysis import entity_token
from ..lexicon import gazetteer
from ..models import Hit, Region, RegionMatch, RegionReport
from ..normalize import lemma, normalize, stem, words
from .facts import Facts
from .people import People
from .store import Row, Store

__all__ = ["SUGGEST_SIMILARITY", "Regions"]

# «Марс» must not suggest «Беларусь»: a suggestion has to look like what was typed
SUGGEST_SIMILARITY = 65
# …and a misspelling is taken for a region from this likeness on
ACCEPT_SIMILARITY = 85
_KIND_ORDER = {"ru_subject": 0, "by_oblast": 0, "by_city": 1, "country": 2}


class Regions:
    """The regions of one index."""

    def __init__(self, store: Store, people: People, facts: Facts) -> None:
        self._store = store
        self._people = people
        self._facts = facts
        self._regions: tuple[Region, ...] | None = None

    def all(self) -> tuple[Region, ...]:
        """Regions and countries the articles mention, most mentioned first."""
        if self._regions is None:
            rows = self._store.query("SELECT key, name, kind, mentions FROM regions")
            items = [Region(r[0], r[1], r[2], r[3]) for r in rows]
            items.sort(key=lambda r: (_KIND_ORDER.get(r.kind, 3), -r.mentions, r.name))
            self._regions = tuple(items)  # the index never changes under us
        return self._regions

    def topics(self) -> tuple[str, ...]:
        """What a decline suggests asking about: the most mentioned regions."""
        return tuple([r.name for r in self.all() if r.kind != "country"][:6])

    def find(self, text: str) -> RegionMatch:
        """Look a region up by any spelling: case forms, adjectives, cities, typos."""
        known = {r.key: r for r in self.all()}
        tokens = words(text)[:20]
        if not tokens:
            return RegionMatch(None, tuple(known.values())[:6])
        lemmas = [lemma(w) for w in tokens]
        stems = [stem(w) for w in tokens]
        spans = gazetteer().find(lemmas, stems)
        for _, _, key in spans:
            if key in known:
                return RegionMatch(known[key])
        if spans:
            entry = gazetteer().entries[spans[0][2]]
            # a real region the articles never mention: offer the best-covered ones of its kind
            same_kind = tuple(r for r in known.values() if r.kind == entry.kind)[:3]
            return RegionMatch(None, same_kind, known_elsewhere=entry.name)
        # typos: compare with every spelling of the regions the index knows
        scored = sorted(((_resembles(text, r), r) for r in known.values()), key=lambda x: -x[0])
        suggestions = tuple(r for s, r in scored[:3] if s >= SUGGEST_SIMILARITY)
        if suggestions and _similar(text, suggestions[0]) >= ACCEPT_SIMILARITY:
            return RegionMatch(suggestions[0], suggestions[1:3])
        return RegionMatch(None, suggestions)

    def report(self, key: str, limit: int = 5) -> RegionReport | None:
        """People, agreements, figures and passages concerning one region."""
        region = next((r for r in self.all() if r.key == key), None)
        if region is None:
            return None
        people = tuple(p for p in self._people.all() if p.region == region.name)
        names = {region.name} | {p.name for p in people}
        agreements = tuple(
            a
            for a in self._facts.agreements(self._ids_mentioning("agreements", key))
            if key in a.regions or names & set(a.parties)
        )
        figures = self._facts.figures(self._ids_mentioning("figures", key))
        figures = tuple(f for f in figures if key in f.regions)
        token = entity_token(key)
        passages = self._store.rows(self._store.fts(f'lemmas : "{token}"', 40))
        ranked = sorted(passages.values(), key=lambda r: (-_region_focus(r, token), r.id))
        sources = self._store.sources
        hits = tuple(
            Hit(r.text, sources[r.article_id], round(_region_focus(r, token), 3), r.id)
            for r in ranked[:limit]
        )
        if region.kind == "country":
            figures = figures[:8]
        return RegionReport(region, people, agreements, figures, hits)

    def _ids_mentioning(self, table: str, key: str) -> list[int]:
        """Passage ids of a fact table's rows that concern a region."""
        rows = self._store.query(
            f"SELECT passage_id FROM {table} WHERE ' ' || regions || ' ' LIKE ?",
            (f"% {key} %",),
        )
        return [r[0] for r in rows if r[0] is not None]


def _region_focus(row: Row, token: str) -> float:
    """How much a passage is about a region: facts and names weigh more than a mention."""
    score = 1.0
    score += 0.3 * len(row.flags & {"agreement", "person", "count"})
    score -= 0.002 * len(row.text)
    return score + (0.2 if token in row.lemmas else 0.0)


def _similar(text: str, region: Region) -> float:
    """How close a user's spelling is to any spelling of a region (names, cities, adjectives,
    each word of them): «Смаленская» → Смоленская область."""
    generic = gazetteer().generic_words
    typed = normalize(text)
    typed_words = [w for w in words(typed) if len(w) > 3 and w not in generic] or [typed]
    entry = gazetteer().entries.get(region.key)
    spellings = list(entry.spellings) if entry else [region.name]
    best = 0.0
    for spelling in spellings:
        norm = normalize(spelling)
        best = max(best, fuzz.WRatio(typed, norm))
        for word in words(norm):
            if len(word) > 3 and word not in generic:
                best = max(best, *(fuzz.ratio(t, word) for t in typed_words))
    return best


def _resembles(text: str, region: Region) -> float:
    """Looser likeness for suggestions: spelling plus a shared beginning, which is what
    Russian place names keep under typos («Смолвиль» ~ Смоленская, «Марс» ≁ Беларусь)."""
    generic = gazetteer().generic_words
    typed = [w for w in words(text) if len(w) > 2 and w not in generic]
    entry = gazetteer().entries.get(region.key)
    best = 0.0
    for spelling in entry.spellings if entry else (region.name,):
        for word in words(spelling):
            if len(word) <= 2 or word in generic:
                continue
            for t in typed:
                score = fuzz.ratio(t, word) + (15 if t[:3] == word[:3] else 0)
                best = max(best, score)
    return best
