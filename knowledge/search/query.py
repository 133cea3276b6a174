"""What a question looks like after analysis (``Query`` of ``Term``s), and the corpus
statistics the analysis consults (``Vocabulary``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..normalize import lemma, stem

__all__ = ["Query", "Term", "Vocabulary"]


class Vocabulary:
    """Corpus statistics the question analysis needs (document frequencies, spellings)."""

    def __init__(
        self,
        passages: int,
        lemma_df: Callable[[str], int],
        stem_df: Callable[[str], int],
        correct: Callable[[str, int], str | None],
        persons: dict[str, str] | None = None,
        stems_with_prefix: Callable[[str], list[str]] | None = None,
        names_organisation: Callable[[str], bool] | None = None,
    ) -> None:
        self.passages = max(passages, 1)
        # whether a word is an organisation's name made of stumps («Гродностанкозавод»)
        self.names_organisation = names_organisation or (lambda word: False)
        # surname stem → person token, for the people the articles name
        self.persons = persons or {}
        self._lemma_df = lru_cache(maxsize=50_000)(lemma_df)
        self._stem_df = lru_cache(maxsize=50_000)(stem_df)
        self._correct = correct
        self._stems_with_prefix = stems_with_prefix or (lambda prefix: [])

    def lemma_df(self, value: str) -> int:
        """Passages containing the lemma (or entity token)."""
        return self._lemma_df(value)

    def stem_df(self, value: str) -> int:
        """Passages containing the stem."""
        return self._stem_df(value)

    def correct(self, word: str, min_score: int) -> str | None:
        """Closest corpus spelling of a word, if one is close enough."""
        return self._correct(word, min_score)

    def derived(self, stem_: str) -> frozenset[str]:
        """Corpus stems of the same root: longer ones starting with this stem, and shorter
        ones (≥ 5 letters) this stem starts with."""
        found = {s for s in self._stems_with_prefix(stem_) if len(s) - len(stem_) <= 4}
        found |= {stem_[:n] for n in range(5, len(stem_)) if self.stem_df(stem_[:n])}
        found.discard(stem_)
        return frozenset(found)

    def knows(self, word: str) -> bool:
        """True when the corpus has the word's lemma or stem."""
        return self.lemma_df(lemma(word)) > 0 or self.stem_df(stem(word)) > 0


@dataclass(frozen=True, slots=True)
class Term:
    """One content term of a question."""

    surface: str
    lemma: str
    stem: str
    weight: float
    synonyms: frozenset[str] = frozenset()
    related: frozenset[str] = frozenset()
    entity: str | None = None
    known: bool = True
    specific: bool = False
    variants: frozenset[str] = frozenset()
    alternatives: frozenset[str] = frozenset()
    phrase: tuple[str, ...] = ()
    derived: frozenset[str] = frozenset()
    # the noun a «какой …?» question asks about: «по каким направлениям», «какие товары»
    focus: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A question after analysis."""

    text: str
    terms: tuple[Term, ...]
    cues: frozenset[str]
    entities: tuple[str, ...]
    unknown_entities: tuple[str, ...]
    corrections: dict[str, str] = field(default_factory=dict)
    wants_speech: bool = False
    strong_cues: frozenset[str] = frozenset()

    @property
    def unknown_specific(self) -> tuple[Term, ...]:
        """Unknown names, places or organisations: the question is about something else."""
        return tuple(t for t in self.terms if not t.known and t.specific)

    def fts_tokens(self) -> tuple[list[str], list[str]]:
        """Lemma and stem tokens for the FTS candidate query."""
        lemmas: list[str] = []
        stems: list[str] = []
        for term in self.terms:
            if term.entity:
                lemmas.append(term.entity)
                continue
            lemmas.append(term.lemma)
            lemmas.extend(term.phrase)
            lemmas.extend(term.alternatives)
            lemmas.extend(term.synonyms)
            lemmas.extend(term.related)
            stems.append(term.stem)
            stems.extend(term.derived)
        return list(dict.fromkeys(lemmas)), list(dict.fromkeys(stems))

