"""Text normalisation shared by index build and query time.

One ``normalize()`` for both sides, so a question and a passage are compared in the same
vocabulary: lower case, ``ё`` → ``е``, typographic quotes dropped, dashes unified, whitespace
collapsed.  On top of it ``analyze()`` turns text into tokens carrying a pymorphy3 lemma and a
Snowball stem (surnames and unknown words lemmatise inconsistently across cases; stems do not).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

__all__ = [
    "Token",
    "analyze",
    "is_known_word",
    "lemma",
    "morph",
    "normalize",
    "normalize_word",
    "parse",
    "stem",
    "words",
]

_QUOTES = str.maketrans("", "", "«»\"“”„‟‹›'`")
_DASHES = re.compile(r"[‐‑‒–—―−]")
_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile(
    r"[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\x00-\x08\x0b-\x1f\x7f]"
)
# A word: a run of letters or digits.  Hyphenated compounds (план-график, эр-рияд, рт-развитие)
# become their parts, so «план график», «Эр-Рияд» and «Рияд» all meet in the index.
_WORD = re.compile(r"[a-zа-я]+|[0-9]+")


def normalize(text: str) -> str:
    """Lower-case, ``ё``→``е``, drop quotes, unify dashes and collapse whitespace.

    This is exactly the normalisation the evaluation applies to both expectations and
    snippets, and the first step of tokenisation for index and questions alike.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = text.lower().replace("ё", "е")
    text = text.translate(_QUOTES)
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """``normalize()`` for one word, cached: the same words recur all through a corpus."""
    return normalize(word)


def words(text: str) -> list[str]:
    """Normalised word tokens of ``text``."""
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=1)
def morph() -> Any:
    """The process-wide pymorphy3 analyser (loaded lazily: ~0.1 s, ~15 MB)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("russian")


@lru_cache(maxsize=200_000)
def parse(word: str) -> Any:
    """Most probable pymorphy3 parse of a normalised word."""
    return morph().parse(word)[0]


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Dictionary form of a normalised word; digits and latin words are returned as they are."""
    if not word or not ("а" <= word[0] <= "я" or "а" <= word[-1] <= "я"):
        return word
    return str(parse(word).normal_form).replace("ё", "е")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of a normalised word (stable across the case forms of surnames)."""
    if not word or not ("а" <= word[0] <= "я"):
        return word
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=200_000)
def is_known_word(word: str) -> bool:
    """True when the Russian dictionary knows ``word`` (so it is not a typo)."""
    if not word or not ("а" <= word[0] <= "я"):
        return False
    return bool(morph().word_is_known(word))


@dataclass(frozen=True, slots=True)
class Token:
    """One word of normalised text with its lemma and stem."""

    text: str
    lemma: str
    stem: str
    pos: int


def analyze(text: str) -> list[Token]:
    """Tokenise ``text`` into words with lemmas and stems (positions count words)."""
    return [Token(w, lemma(w), stem(w), i) for i, w in enumerate(words(text))]
