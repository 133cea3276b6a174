"""Facts stage: the figures and agreements that go with an answer, and the figure checks the
ranking uses («сколько компаний» needs a figure that counts companies)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from ..analysis import entity_token
from ..lexicon import lexicon
from ..models import Agreement, Figure, FigureGroup
from ..normalize import lemma, parse, stem, words
from .lexical import (
    agreement_vocabulary,
    asks_agreement,
    entity_adjectives,
    is_number,
    narrowing_words,
    pos,
    query_lemmas,
)
from .query import Query
from .store import Store

__all__ = ["Facts", "count_nouns", "figure_fit", "wanted_words"]


class Facts:
    """Agreements and figures of one index."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def agreements(self, passage_ids: Iterable[int] | None = None) -> tuple[Agreement, ...]:
        """Agreements extracted from the articles (optionally only from some passages)."""
        store = self._store
        sql = "SELECT kind, parties, subject, sentence, article_id, regions FROM agreements"
        rows = store.query_in(sql, "passage_id", passage_ids)
        return tuple(
            Agreement(
                kind=r[0],
                parties=tuple(json.loads(r[1] or "[]")),
                subject=r[2] or "",
                sentence=r[3],
                source=store.sources[r[4]],
                regions=tuple((r[5] or "").split()),
            )
            for r in rows
        )

    def figures(self, passage_ids: Iterable[int] | None = None) -> tuple[Figure, ...]:
        """Key figures (optionally only those stated in some passages)."""
        store = self._store
        sql = (
            "SELECT value, display, counts, category, sentence, article_id, qualifier, regions"
            " FROM figures"
        )
        rows = store.query_in(sql, "passage_id", passage_ids)
        return tuple(
            Figure(
                value=r[0],
                display=r[1],
                counts=r[2],
                category=r[3],
                sentence=r[4],
                source=store.sources[r[5]],
                qualifier=r[6] or "",
                regions=tuple((r[7] or "").split()),
            )
            for r in rows
        )

    # ------------------------------------------------------------------ for an answer

    def for_answer(self, query: Query, ids: list[int]) -> tuple[FigureGroup, ...]:
        """Figures that count what a «сколько» question asks about, from every source among
        the passages that answer it."""
        if "count" not in query.cues:
            return ()
        wanted = wanted_words(query)
        groups: dict[str, list[tuple[float, Figure]]] = {}
        for figure in self.figures(ids):
            fit = figure_fit(figure.display, figure.counts, wanted)
            if fit is None:
                continue
            groups.setdefault(figure.category, []).append((fit, figure))
        result = []
        for category, items in groups.items():
            items.sort(key=lambda x: (-x[0], x[1].source.date or date.max))
            best = items[0][0]
            figs = tuple(f for fit, f in items if fit >= best)[:6]
            result.append((best, FigureGroup(category, category, figs)))
        result.sort(key=lambda g: (-g[0], -len(g[1].figures)))
        return tuple(g for _, g in result[:2])

    def agreements_for_answer(
        self, query: Query, ids: list[int], ambient: frozenset[str]
    ) -> tuple[Agreement, ...]:
        """Agreements reported in the passages that answer an agreements question."""
        # unasked, agreements are shown for a region the question names — not for Russia or
        # Belarus, which nearly every passage names
        named = [t.entity for t in query.terms if t.entity and t.entity not in ambient]
        if not asks_agreement(query) and not named:
            return ()
        agreements = self.agreements(ids)
        if not agreements:
            return ()
        vocab = agreement_vocabulary()
        specific = [t for t in query.terms if t.lemma not in vocab and not t.entity]
        entity_keys = {t.entity for t in query.terms if t.entity}
        picked = []
        for a in agreements:
            text_lemmas = {lemma(w) for w in words(" ".join(a.parties) + " " + a.subject)}
            text_stems = {stem(w) for w in words(" ".join(a.parties) + " " + a.subject)}
            region_tokens = {entity_token(k) for k in a.regions}
            hit_terms = [
                t for t in specific
                if t.lemma in text_lemmas or t.stem in text_stems or t.synonyms & text_lemmas
            ]
            if entity_keys and not entity_keys & region_tokens and not hit_terms:
                continue
            if specific and not hit_terms and not entity_keys & region_tokens:
                continue
            picked.append(a)
        return tuple(picked)

    # ------------------------------------------------------------------ for the ranking

    def counted_passages(
        self, query: Query, ids: list[int]
    ) -> tuple[set[int] | None, set[int]]:
        """Passages holding a figure that counts what the question counts (``None`` when no
        candidate counts it at all), and all passages holding some figure."""
        wanted: set[str] = set()
        for t in query.terms:
            if not t.entity and not is_number(t.lemma) and pos(t) == "NOUN":
                wanted |= {t.lemma} | t.synonyms | t.alternatives | t.related
        if not wanted or not ids:
            return None, set()
        marks = ",".join("?" * len(ids))
        rows = self._store.query(
            f"SELECT passage_id, counts, category FROM figures WHERE passage_id IN ({marks})",
            ids,
        )
        found = {
            pid
            for pid, counts, category in rows
            # «сколько квадратов» is answered by an area, whatever noun the figure names
            if (count_nouns(counts) | {lemma(category)}) & wanted
        }
        return found or None, {r[0] for r in rows}

    def figure_fits(self, passage_ids: set[int], wanted: set[str]) -> dict[int, float]:
        """How exactly the figures in these passages count what the question asks about."""
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        fits: dict[int, float] = {}
        for pid, display, counts in self._store.query(
            f"SELECT passage_id, display, counts FROM figures WHERE passage_id IN ({marks})",
            list(passage_ids),
        ):
            fit = figure_fit(display, counts, wanted)
            if fit is not None:
                fits[pid] = max(fits.get(pid, -9.0), fit)
        return fits


def wanted_words(query: Query) -> set[str]:
    """What a figure may say and still count what was asked: the question's words, their
    synonyms and the adjectives of the places it names."""
    wanted = query_lemmas(query)
    wanted |= {a for t in query.terms if t.entity for a in entity_adjectives(t.entity)}
    return wanted


def figure_fit(display: str, counts: str, wanted: set[str]) -> float | None:
    """How exactly a figure counts what was asked: words shared with the question, minus
    narrowing words it did not ask for («белорусских», «из Беларуси»).  ``None`` when the
    figure counts something else."""
    nouns = count_nouns(counts)
    if not nouns & wanted:
        return None
    # only nouns and adjectives qualify a count; verbs of the clause say nothing about it
    lemmas = {
        lemma(w)
        for w in words(f"{display} {counts}")
        if parse(w).tag.POS in ("NOUN", "ADJF", "PRTF")
    } - nouns
    extra = {x for x in lemmas if x in narrowing_words()} - wanted
    return 1 + len(lemmas & wanted) - 0.5 * len(extra)


@lru_cache(maxsize=8192)
def count_nouns(counts: str) -> frozenset[str]:
    """What a figure counts: its head noun («площадь экспозиции» → площадь), and for a
    unit noun the thing after it too («наименований товаров» → наименование, товар)."""
    nouns = [lemma(w) for w in words(counts) if parse(w).tag.POS == "NOUN"]
    if not nouns:
        return frozenset()
    if nouns[0] in lexicon().unit_nouns:
        return frozenset(nouns[:2])
    return frozenset(nouns[:1])
