"""Typo repair against the corpus: the closest word of similar length, the more frequent on
a tie («росии» → «россии», not «росли»)."""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ..lexicon import known_forms

__all__ = ["Spelling"]


class Spelling:
    """Corpus spellings bucketed by first letter and length (loaded on first use)."""

    def __init__(self, surface_df: Callable[[], dict[str, int]]) -> None:
        self._load = surface_df
        self._surfaces: dict[tuple[str, int], list[str]] | None = None
        self._surface_df: dict[str, int] = {}

    def _buckets(self) -> dict[tuple[str, int], list[str]]:
        if self._surfaces is None:
            # by first letter and length: a typo keeps the first letter and about the length
            buckets: dict[tuple[str, int], list[str]] = {}
            frequency = self._load()
            for w in sorted(set(frequency) | known_forms()):
                buckets.setdefault((w[:1], len(w)), []).append(w)
            self._surfaces = buckets
            self._surface_df = frequency
        return self._surfaces

    def correct(self, word: str, min_score: int) -> str | None:
        """Closest corpus word for a misspelt one (rapidfuzz over words of similar length);
        among equally close ones the more frequent wins."""
        surfaces = self._buckets()
        first, size = word[:1], len(word)
        choices = [w for n in range(size - 3, size + 4) for w in surfaces.get((first, n), ())]
        if not choices:
            return None
        found: list[tuple[str, float]]
        if len(word) <= 5:
            # a short word may differ by one letter at most: «каие» → «какие», not «ждлоп» →
            # «ждало»; closeness is the negated edit distance
            found = [
                (str(f[0]), -float(f[1]))
                for f in process.extract(
                    word, choices, scorer=OSA.distance, score_cutoff=1, limit=20
                )
            ]
        else:
            found = [
                (str(f[0]), float(f[1]))
                for f in process.extract(
                    word, choices, scorer=fuzz.ratio, score_cutoff=min_score, limit=20
                )
            ]
        best = max((f[1] for f in found), default=None)
        tied = [w for w, score in found if score == best]
        if not tied:
            return None
        return max(tied, key=lambda w: (self._surface_df.get(w, 0), w))
