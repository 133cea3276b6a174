"""Word-level helpers every stage of the search shares: entity kinds, cached lemmas and stems
of passages, parts of speech of question terms, the agreement vocabulary."""

from __future__ import annotations

from functools import lru_cache

from ..analysis import SentenceFeatures, entity_token, sentence_features
from ..lexicon import gazetteer, lexicon, word_list
from ..normalize import lemma, morph, parse, stem, words
from .query import Query, Term

__all__ = [
    "agreement_vocabulary",
    "asks_agreement",
    "clause_features",
    "entity_adjectives",
    "entity_kind",
    "is_number",
    "kinds_of",
    "may_be_plural",
    "narrowing_words",
    "places_of",
    "pos",
    "query_lemmas",
    "restrictive_adjectives",
    "surname_stem",
    "text_lemmas",
    "text_stems",
]



@lru_cache(maxsize=1)
def _entity_kinds() -> dict[str, str]:
    return {entity_token(k): e.kind for k, e in gazetteer().entries.items()}


def entity_kind(token: str) -> str:
    """The gazetteer kind (country, city, …) of an entity token, "" for none."""
    return _entity_kinds().get(token, "")


def kinds_of(lemmas: str) -> frozenset[str]:
    """Kinds of the entities among a passage's index lemmas (space-separated)."""
    return frozenset(entity_kind(x) for x in lemmas.split() if x.startswith("ent"))


@lru_cache(maxsize=4096)
def entity_adjectives(token: str) -> frozenset[str]:
    """The adjectives of an entity («смоленский» for Смоленская область)."""
    for key, entry in gazetteer().entries.items():
        if entity_token(key) == token:
            return frozenset(entry.adjectives)
    return frozenset()


def places_of(query: Query) -> list[str]:
    """The places (not people) a question names."""
    return [t.entity for t in query.terms if t.entity and t.known and t.entity.startswith("ent")]


@lru_cache(maxsize=50_000)
def text_stems(text: str) -> frozenset[str]:
    """Stems of a text's words (cached)."""
    return frozenset(stem(w) for w in words(text))


@lru_cache(maxsize=50_000)
def text_lemmas(text: str) -> tuple[str, ...]:
    """Lemmas of a passage in order (cached: the same passages come up again and again)."""
    return tuple(lemma(w) for w in words(text))


@lru_cache(maxsize=8192)
def clause_features(text: str) -> SentenceFeatures:
    """``sentence_features`` of a clause cut from a sentence (cached)."""
    return sentence_features(text)


@lru_cache(maxsize=50_000)
def surname_stem(name: str) -> str:
    """The stem of a person's last word (their surname)."""
    parts = words(name)
    return stem(parts[-1]) if parts else ""


@lru_cache(maxsize=5_000)
def may_be_plural(word: str) -> bool:
    """«страны» may be plural (a list is asked for), «страна» may not."""
    return any(p.tag.number == "plur" for p in morph().parse(word))


def is_number(token: str) -> bool:
    """True for a number token (``n14000``)."""
    return token[:1] == "n" and token[1:2].isdigit()


def pos(term: Term) -> str:
    """The part of speech of a question term as typed."""
    return str(parse(term.surface).tag.POS)


@lru_cache(maxsize=1)
def restrictive_adjectives() -> frozenset[str]:
    """Adjectives that narrow what a noun covers: order/time and origin (белорусских)."""
    adjectives = {a for e in gazetteer().entries.values() for a in e.adjectives}
    return frozenset(adjectives | word_list("narrowing_adjectives"))


@lru_cache(maxsize=1)
def narrowing_words() -> frozenset[str]:
    """Origin adjectives, ordinals and single-word place names."""
    names = set()
    for entry in gazetteer().entries.values():
        for spelling in entry.spellings:
            parts = words(spelling)
            if len(parts) == 1:
                names.add(lemma(parts[0]))
    return restrictive_adjectives() | frozenset(names)


@lru_cache(maxsize=1)
def agreement_vocabulary() -> frozenset[str]:
    """Words of a question about agreements: signing verbs and agreement nouns (not the
    words that also name other things: план, программа, сотрудничество …)."""
    lex = lexicon()
    vocab = set(lex.signing_verbs)
    for seq, _ in lex.agreement_kinds:
        vocab.update(seq)
    vocab.update(word_list("agreement_question_words"))
    return frozenset(vocab - word_list("not_agreement_question_words"))


def asks_agreement(query: Query) -> bool:
    """True when a question uses the agreement vocabulary."""
    vocab = agreement_vocabulary()
    return any(t.lemma in vocab for t in query.terms)


def query_lemmas(query: Query) -> set[str]:
    """Every lemma a question's terms stand for (with synonyms and related words)."""
    result: set[str] = set()
    for t in query.terms:
        result.add(t.lemma)
        result |= t.synonyms
        result |= t.related
    return result
