"""Linguistic analysis shared by the index build and the questions.

Both sides go through the same steps: ``normalize()``, colloquial spellings, lemmas and stems,
abbreviation expansion and gazetteer entities, so a question and a passage always meet in one
vocabulary.  ``sentence_features`` is what the build stores about each sentence (index terms,
entities, answer-type flags); the question side is ``knowledge.search.question``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .answer_types import Sentence, detect
from .lexicon import gazetteer, lexicon, word_list
from .normalize import lemma, normalize, normalize_word, parse, stem
from .numbers import number_tokens

__all__ = [
    "SentenceFeatures",
    "entity_token",
    "grammar_positions",
    "is_function_word",
    "person_token",
    "raw_tokens",
    "sentence_features",
]

_WORD = re.compile(r"[a-zа-я]+|[0-9]+")
_RAW_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+|[0-9]+")
# Function words carry no topic, whatever the stop list forgot.
_FUNCTION = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})


@lru_cache(maxsize=200_000)
def is_function_word(word: str) -> bool:
    """Prepositions, conjunctions, particles, interjections and pronouns."""
    return not word.isdigit() and parse(word).tag.POS in _FUNCTION


@lru_cache(maxsize=4096)
def entity_token(key: str) -> str:
    """The index token standing for a gazetteer entity, whatever form the text used."""
    return "ent" + re.sub(r"[^a-z0-9а-я]", "", key.lower())


def person_token(name: str) -> str:
    """The index token standing for a person, from the stem of their surname."""
    parts = _WORD.findall(normalize(name))
    return "prs" + (stem(parts[-1]) if parts else "")


def _colloquial(word: str) -> list[str]:
    replacement = lexicon().colloquial.get(word)
    if replacement is None:
        return [word]
    return _WORD.findall(normalize(replacement))


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """What the index stores about one sentence."""

    lemmas: tuple[str, ...]
    stems: tuple[str, ...]
    entities: tuple[str, ...]
    flags: tuple[str, ...]  # the answer types it holds (``answer_types``), in registry order
    anaphoric: bool


def grammar_positions(words: list[str]) -> set[int]:
    """Positions inside grammar phrases: compound prepositions («по итогам», «в рамках»,
    «на полях») and greetings («добрый день»).

    Their nouns (итог, рамка, поле, день) are grammar here, not topic, on both sides.
    """
    inside: set[int] = set()
    by_first = _grammar_index()
    for i, word in enumerate(words):
        for phrase in by_first.get(word, ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                inside.update(range(i, i + len(phrase)))
                break
    return inside


@lru_cache(maxsize=1)
def _grammar_index() -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in lexicon().grammar_phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return {k: tuple(v) for k, v in index.items()}


def raw_tokens(text: str) -> list[tuple[str, str]]:
    """(original, normalised) word pairs, colloquial spellings resolved."""
    return [
        (raw, word)
        for raw in _RAW_WORD.findall(text.replace("ё", "е").replace("Ё", "Е"))
        for word in _colloquial(normalize_word(raw))
    ]


def sentence_features(text: str) -> SentenceFeatures:
    """Index terms, entities and answer-type flags of one sentence."""
    pairs = raw_tokens(text)
    words = [w for _, w in pairs]
    lemmas = [lemma(w) for w in words]
    stems = [stem(w) for w in words]
    index_lemmas, index_stems = _index_terms(words, lemmas, stems)
    gaz = gazetteer()
    found = [k for _, _, k in gaz.find(lemmas, stems)]
    # a capital stands for its country too: «в Эр-Рияде» is about Saudi Arabia
    parents = [gaz.entries[k].parent for k in found if gaz.entries[k].parent]
    entities = tuple(dict.fromkeys([*found, *(p for p in parents if p)]))
    index_lemmas.extend(entity_token(k) for k in entities)
    index_lemmas.extend(number_tokens(text))
    return SentenceFeatures(
        lemmas=tuple(index_lemmas),
        stems=tuple(index_stems),
        entities=entities,
        flags=detect(Sentence(text, pairs, words, lemmas, entities)),
        # «Это предприятие…», «По его словам…», «Среди них…», «Там будут…»: the sentence
        # leans on the one before it
        anaphoric=any(lem in word_list("anaphora") for lem in lemmas[:3]),
    )


def _index_terms(
    words: list[str], lemmas: list[str], stems: list[str]
) -> tuple[list[str], list[str]]:
    """The content words' lemmas (with abbreviations expanded) and stems."""
    lex = lexicon()
    index_lemmas: list[str] = []
    index_stems: list[str] = []
    grammar = grammar_positions(words)
    for i, (word, lem, st) in enumerate(zip(words, lemmas, stems, strict=True)):
        if lem in lex.stopwords or word in lex.stopwords or is_function_word(word):
            continue
        if i in grammar:
            continue
        index_lemmas.append(lem)
        index_stems.append(st)
        index_lemmas.extend(lex.abbreviations.get(lem, ()))
    return index_lemmas, index_stems
