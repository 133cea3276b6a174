"""Word formation for question terms: other readings of an ambiguous word, the other aspect
of a verb, its nouns, its prefixed forms — candidates the corpus then confirms or not."""

from __future__ import annotations

from functools import lru_cache

from ..normalize import morph

__all__ = [
    "alternative_lemmas",
    "aspect_partners",
    "deverbal_nouns",
    "lemma_prefix_variants",
    "prefix_variants",
]


@lru_cache(maxsize=50_000)
def alternative_lemmas(word: str) -> frozenset[str]:
    """Other plausible dictionary forms of an ambiguous word: «банки» → банк, банка."""
    totals: dict[str, float] = {}
    for p in morph().parse(word):
        if p.tag.POS in ("NOUN", "VERB", "INFN", "ADJF"):
            form = str(p.normal_form).replace("ё", "е")
            totals[form] = totals.get(form, 0.0) + p.score
    return frozenset(form for form, score in totals.items() if score >= 0.1)


_PREFIXES = (
    "за", "по", "при", "на", "вы", "с", "о", "об", "про", "под", "пере", "до", "от", "раз",
    "рас", "из", "ис", "в", "во", "у", "недо", "пре",
)  # fmt: skip


def aspect_partners(verb: str) -> frozenset[str]:
    """The other aspect by suffix: выступать ↔ выступить, подписывать ↔ подписать,
    показывать ↔ показать (candidates; the corpus or the lexicon decides which exist)."""
    if len(verb) < 6 or not verb.endswith("ть"):
        return frozenset()
    found: set[str] = set()
    if verb.endswith(("ывать", "ивать")):
        found |= {verb[:-5] + "ать", verb[:-5] + "ить"}
    elif verb.endswith("ать"):
        found.add(verb[:-3] + "ить")
    elif verb.endswith("ить"):
        found.add(verb[:-3] + "ать")
    return frozenset(found)


_NOMINALISATIONS = (
    ("овать", ("ование",)),
    ("ывать", ("ывание",)),
    ("ивать", ("ивание",)),
    ("ать", ("ание", "ательство")),
    ("ять", ("яние",)),
    ("ить", ("ение", "ительство", "ка")),
    ("еть", ("ение",)),
    ("ыть", ("ытие",)),
    ("уть", ("утие",)),
)


def deverbal_nouns(verb: str) -> frozenset[str]:
    """The nouns Russian makes of a verb, as candidates: строить → строение, строительство;
    подписать → подписание; открыть → открытие (the corpus decides which exist)."""
    base = verb[:-2] if verb.endswith(("ться", "тись")) else verb
    for ending, suffixes in _NOMINALISATIONS:
        if base.endswith(ending) and len(base) > len(ending) + 1:
            root = base[: -len(ending)]
            return frozenset(root + s for s in suffixes)
    return frozenset()


def lemma_prefix_variants(verb: str) -> frozenset[str]:
    """Verbs differing by a prefix: «вести» → провести, привести, … (to test in the corpus)."""
    if len(verb) < 4 or not verb.isalpha():
        return frozenset()
    found = {p + verb for p in _PREFIXES}
    found |= {verb[len(p) :] for p in _PREFIXES if verb.startswith(p) and len(verb) - len(p) >= 4}
    found.discard(verb)
    return frozenset(found)


def prefix_variants(stem_: str) -> frozenset[str]:
    """Stems differing by a verbal prefix: планир ↔ запланир, участв ↔ поучаств."""
    if len(stem_) < 4 or not stem_.isalpha():
        return frozenset()
    found = {p + stem_ for p in _PREFIXES}
    for p in _PREFIXES:
        if stem_.startswith(p) and len(stem_) - len(p) >= 4:
            found.add(stem_[len(p) :])
    found.discard(stem_)
    return frozenset(found)

