"""Language data: stop words, synonyms, abbreviations, cues, roles and the gazetteer.

The data lives in ``knowledge/data/*.json``; this module loads it once and lemmatises every
entry with the same ``normalize()``/``lemma()`` used for articles and questions, so data can be
written in ordinary Russian.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from .normalize import lemma, stem, words

__all__ = [
    "Gazetteer",
    "GazetteerEntry",
    "Lexicon",
    "Month",
    "category_kinds",
    "dotted_names",
    "gazetteer",
    "known_forms",
    "lexicon",
    "months",
    "word_list",
]


@lru_cache(maxsize=8)
def _load(name: str) -> Any:
    """A data file, parsed once per process (the accessors below only read it)."""
    text = resources.files("knowledge").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def _lemmas(phrase: str) -> tuple[str, ...]:
    return tuple(lemma(w) for w in words(phrase))


@lru_cache(maxsize=1)
def dotted_names() -> tuple[str, ...]:
    """Names with a period inside («ИННОПРОМ. Беларусь») that must not end a sentence."""
    return tuple(_load("lexicon.json").get("dotted_names", []))


@dataclass(frozen=True, slots=True)
class Month:
    """A month: its lemma («сентябрь») and the genitive a date uses («29 сентября»)."""

    lemma: str
    genitive: str


@lru_cache(maxsize=1)
def months() -> tuple[Month, ...]:
    """The twelve months in calendar order (read without the rest of the lexicon)."""
    return tuple(Month(*pair) for pair in _load("lexicon.json")["months"]["names"])


@lru_cache(maxsize=64)
def word_list(name: str) -> frozenset[str]:
    """One of the small word lists of ``lexicon.json`` → ``words``, as written."""
    return frozenset(_load("lexicon.json")["words"][name])


@lru_cache(maxsize=1)
def category_kinds() -> dict[str, frozenset[str]]:
    """Question nouns → the gazetteer kinds of the places that answer them («страна» →
    country)."""
    raw = _load("lexicon.json")["category_kinds"]["kinds"]
    return {noun: frozenset(kinds) for noun, kinds in raw.items()}


@dataclass(frozen=True)
class Lexicon:
    """Lemmatised language data used by analysis, extraction and search."""

    stopwords: frozenset[str]
    colloquial: dict[str, str]
    cues: dict[tuple[str, ...], tuple[str, bool]]
    synonyms: dict[str, frozenset[str]]
    related: dict[str, frozenset[str]]
    abbreviations: dict[str, tuple[str, ...]]
    agencies: dict[str, str]
    role_heads: frozenset[str]
    role_modifiers: frozenset[str]
    governor_roles: frozenset[str]
    regional_heads: frozenset[str]
    oblast_words: frozenset[str]
    agreement_kinds: tuple[tuple[tuple[str, ...], str], ...]
    signing_verbs: frozenset[str]
    planned_words: frozenset[str]
    background_words: frozenset[str]
    figure_qualifiers: tuple[str, ...]
    multipliers: dict[str, int]
    units: dict[str, str]
    categories: dict[str, str]
    measures: frozenset[str]
    unit_nouns: frozenset[str] = field(default=frozenset())
    frame_words: frozenset[str] = field(default=frozenset())
    grammar_phrases: tuple[tuple[str, ...], ...] = ()
    vocabulary: frozenset[str] = field(default=frozenset())
    spelled_numbers: dict[str, int] = field(default_factory=dict)
    legal_forms: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, loaded and lemmatised once per process."""
    raw = _load("lexicon.json")
    stop = {lemma(w) for w in raw["stopwords"]} | set(raw["stopwords"])
    try:
        thesaurus = _load("thesaurus.json")
    except FileNotFoundError:  # pragma: no cover - the file ships with the package
        thesaurus = {"groups": [], "related": {}}
    groups = [*raw["synonyms"], *thesaurus["groups"]]
    related = _related(raw["related"], thesaurus["related"])
    abbreviations = {lemma(k): _lemmas(v) for k, v in raw["abbreviations"].items()}
    abbreviations.update({k: _lemmas(v) for k, v in raw["abbreviations"].items()})
    cues = _cues(raw["question_cues"])
    roles = raw["roles"]
    agreements = raw["agreements"]
    figures = raw["figures"]
    return Lexicon(
        stopwords=frozenset(stop),
        colloquial=dict(raw["colloquial"]),
        cues=cues,
        synonyms=_synonyms(groups),
        related=related,
        abbreviations=abbreviations,
        agencies=dict(raw["agencies"]),
        role_heads=frozenset(lemma(w) for w in roles["heads"]) | frozenset(roles["heads"]),
        role_modifiers=frozenset(lemma(w) for w in roles["modifiers"]),
        governor_roles=frozenset(lemma(w) for w in roles["governor_like"]),
        regional_heads=frozenset(lemma(w) for w in roles.get("regional_heads", [])),
        oblast_words=frozenset(lemma(w) for w in roles["oblast_like"]),
        agreement_kinds=tuple((_lemmas(k), v) for k, v in agreements["kinds"]),
        signing_verbs=frozenset(lemma(w) for w in agreements["verbs"]),
        planned_words=frozenset(lemma(w) for w in agreements["planned"]),
        background_words=frozenset(lemma(w) for w in agreements["background"]),
        figure_qualifiers=tuple(figures["qualifiers"]),
        multipliers={lemma(k): v for k, v in figures["multipliers"].items()}
        | dict(figures["multipliers"]),
        units={lemma(k): v for k, v in figures["units"].items()} | dict(figures["units"]),
        categories=dict(figures["categories"]),
        measures=frozenset(lemma(w) for w in figures["measures"]),
        unit_nouns=frozenset(lemma(w) for w in figures.get("unit_nouns", [])),
        frame_words=frozenset(lemma(w) for w in raw.get("frame_words", [])),
        grammar_phrases=tuple(
            sorted({tuple(words(p)) for p in raw.get("grammar_phrases", [])}, key=len,
                   reverse=True)
        ),
        vocabulary=_vocabulary(raw, stop, groups, related, abbreviations, cues),
        spelled_numbers=dict(raw["numbers"]["spelled"]),
        legal_forms=tuple(raw["legal_forms"]["forms"]),
    )


def _cues(raw: dict[str, dict[str, list[str]]]) -> dict[tuple[str, ...], tuple[str, bool]]:
    """Phrase lemmas → (answer type, strong); a strong cue requires that kind of value in
    the answer."""
    cues: dict[tuple[str, ...], tuple[str, bool]] = {}
    for strength in ("weak", "strong"):
        for cue, phrases in raw[strength].items():
            for phrase in phrases:
                cues[_lemmas(phrase)] = (cue, strength == "strong")
    return cues


def _synonyms(groups: list[list[str]]) -> dict[str, frozenset[str]]:
    synonyms: dict[str, set[str]] = {}
    for group in groups:
        lemmas = {lemma(w) for w in group for w in words(w)}
        for item in lemmas:
            synonyms.setdefault(item, set()).update(lemmas - {item})
    return {k: frozenset(v) for k, v in synonyms.items()}


def _related(*sources: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    related: dict[str, set[str]] = {}
    for source in sources:
        for k, v in source.items():
            related.setdefault(lemma(k), set()).update(lemma(x) for x in v if x)
    return {k: frozenset(v) for k, v in related.items()}


def _vocabulary(
    raw: dict[str, Any],
    stop: set[str],
    groups: list[list[str]],
    related: dict[str, frozenset[str]],
    abbreviations: dict[str, tuple[str, ...]],
    cues: dict[tuple[str, ...], tuple[str, bool]],
) -> frozenset[str]:
    """Every word the engine understands (typo-correction targets among them)."""
    vocabulary = set(stop)
    for group in groups:
        vocabulary.update(lemma(w) for w in group)
    vocabulary.update(related)
    vocabulary.update(abbreviations)
    # the words that frame a question or name a post are understood too (and so are typo
    # targets: «должнсть» → должность)
    vocabulary.update(lemma(w) for w in raw["frame_words"])
    vocabulary.update(w for phrase in cues for w in phrase)
    vocabulary.update(lemma(w) for w in raw["roles"]["heads"])
    return frozenset(vocabulary)


@lru_cache(maxsize=50_000)
def role_head(role: str) -> str:
    """The lemma that names a post («генеральный директор» → «директор»), "" when none."""
    lex = lexicon()
    for w in words(role):
        lem = lemma(w)
        if lem in lex.role_modifiers and lem not in lex.role_heads:
            continue
        return lem
    return ""


@lru_cache(maxsize=1)
def known_forms() -> frozenset[str]:
    """Every inflected form of the lexicon's words, as typo-correction targets.

    A misspelt everyday word («посетитилей», «каие») is corrected towards a word the engine
    understands even when the articles never use that exact form.
    """
    from .normalize import morph

    lex = lexicon()
    forms: set[str] = set()
    for item in lex.vocabulary:
        if not item or not item.isalpha():
            continue
        forms.add(item)
        for parse in morph().parse(item)[:1]:
            forms.update(str(f.word).replace("ё", "е") for f in parse.lexeme)
    return frozenset(f for f in forms if len(f) > 2)


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """A region or country of the gazetteer."""

    key: str
    name: str
    kind: str
    country: str
    adjectives: tuple[str, ...]
    parent: str | None = None
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    """Finds regions and countries in lemmatised text, in any case form."""

    entries: dict[str, GazetteerEntry]
    by_lemmas: dict[tuple[str, ...], str]
    by_stems: dict[tuple[str, ...], str]
    max_len: int
    first_lemmas: frozenset[str] = frozenset()
    first_stems: frozenset[str] = frozenset()
    # lemmas that turn a place adjective into an oblast/subject name: «Витебского облисполкома»
    oblast_markers: frozenset[str] = frozenset()
    # words many region names share («область», «республика»): not what tells regions apart
    generic_words: frozenset[str] = frozenset()

    def find(
        self, lemmas: list[str], stems: list[str], surfaces: list[str] | None = None
    ) -> list[tuple[int, int, str]]:
        """Return ``(start, end, key)`` for every mention, longest match first."""
        found: list[tuple[int, int, str]] = []
        i = 0
        n = len(lemmas)
        starts_l, starts_s = self.first_lemmas, self.first_stems
        while i < n:
            # most words start no name at all: skip them without building any key
            if lemmas[i] not in starts_l and stems[i] not in starts_s:
                i += 1
                continue
            match: tuple[int, str] | None = None
            for size in range(min(self.max_len, n - i), 0, -1):
                key = self.by_lemmas.get(tuple(lemmas[i : i + size]))
                if key is None:
                    key = self.by_stems.get(tuple(stems[i : i + size]))
                if key is not None:
                    match = (size, key)
                    break
            if match is None:
                i += 1
                continue
            size, key = match
            # «<прилагательное> облисполком/областной» names the oblast, not its capital.
            if i + size < n and lemmas[i + size] in self.oblast_markers:
                area = self.by_lemmas.get((*lemmas[i : i + size], "область"))
                if area is not None:
                    key = area
                    size += 1
            found.append((i, i + size, key))
            i += size
        return found


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer of Russian subjects, Belarusian oblasts and countries."""
    try:
        raw = _load("gazetteer.json")
    except FileNotFoundError:  # pragma: no cover - the file ships with the package
        raw = {"entries": []}
    entries: dict[str, GazetteerEntry] = {}
    by_lemmas: dict[tuple[str, ...], str] = {}
    by_stems: dict[tuple[str, ...], str] = {}
    priority: dict[tuple[str, ...], int] = {}
    order = {"by_oblast": 0, "ru_subject": 0, "by_city": 1, "country": 2}
    for item in raw["entries"]:
        adjectives = tuple(" ".join(_lemmas(a)) for a in item.get("adjectives", []))
        entry = GazetteerEntry(
            item["key"],
            item["name"],
            item["kind"],
            item.get("country", ""),
            adjectives,
            spellings=tuple(
                dict.fromkeys(
                    [item["name"], *item.get("names", []), *item.get("cities", []), *adjectives]
                )
            ),
        )
        entries[entry.key] = entry
        phrases = [item["name"], *item.get("names", [])]
        cities = list(item.get("cities", []))
        if entry.kind == "country":
            # a foreign capital is its own entity: «в Ташкенте» is not «в Узбекистане», and a
            # question about Tashkent must not be answered from a sentence about Uzbekistan
            for city in cities:
                city_key = f"{entry.key}@{'-'.join(words(city))}"
                entries[city_key] = GazetteerEntry(
                    city_key, city, "city", entry.country, (), parent=entry.key
                )
                _register(city, city_key, 1, by_lemmas, by_stems, priority)
            cities = []
        rank = order.get(entry.kind, 3)
        for phrase in [*phrases, *cities]:
            _register(phrase, entry.key, rank, by_lemmas, by_stems, priority)
        for adj in adjectives:
            # hyphenated adjectives (ханты-мансийский) arrive as several tokens
            by_lemmas.setdefault(tuple(adj.split()), entry.key)
    max_len = max((len(k) for k in by_lemmas), default=1)
    return Gazetteer(
        entries,
        by_lemmas,
        by_stems,
        max_len,
        frozenset(k[0] for k in by_lemmas),
        frozenset(k[0] for k in by_stems),
        frozenset(raw.get("oblast_markers", ())),
        frozenset(raw.get("generic_words", ())),
    )


def _register(
    phrase: str,
    key: str,
    rank: int,
    by_lemmas: dict[tuple[str, ...], str],
    by_stems: dict[tuple[str, ...], str],
    priority: dict[tuple[str, ...], int],
) -> None:
    toks = words(phrase)
    if not toks:
        return
    key_l = tuple(lemma(t) for t in toks)
    key_s = tuple(stem(t) for t in toks)
    if key_l not in by_lemmas or rank < priority[key_l]:
        by_lemmas[key_l] = key
        priority[key_l] = rank
    # stems are a fallback for case forms pymorphy lemmatises oddly; short stems
    # («на» from «НАО», «дел» from «Дели») would match ordinary words
    if (len(key_s) == 1 and len(key_s[0]) >= 6) or (
        len(key_s) > 1 and max(len(x) for x in key_s) >= 4 and sum(map(len, key_s)) >= 6
    ):
        by_stems.setdefault(key_s, key)
