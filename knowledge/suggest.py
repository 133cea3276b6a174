"""«Did you mean»: only names that resemble what was typed.

The engine's region look-up offers its closest known regions for a name it does not know, and
«closest» may still be far: «Атлантида» scored 67 against «Астана» (a spelling of Казахстан),
since short words share letters by chance.  A suggestion here has to look like the typed word
the way a typo does: the same first letter and most letters in place (rapidfuzz ratio ≥ 75,
«Минкс» → Минск, «Витепск» → Витебская), or the same first three letters and half the rest
(«Смолвиль» → Смоленская).  Region names in the gazetteer count with all their spellings
(cities, adjectives, short forms).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from .lexicon import gazetteer
from .models import Region, RegionMatch
from .normalize import words

__all__ = ["region_suggestions", "resembles", "resembling_regions"]

TYPO_LIKENESS = 75
PREFIX_LIKENESS = 50


def resembles(typed: str, name: str) -> bool:
    """Whether ``typed`` looks like a misspelling of ``name`` (one word each, normalised)."""
    if not typed or not name:
        return False
    likeness = fuzz.ratio(typed, name)
    if typed[0] == name[0] and likeness >= TYPO_LIKENESS:
        return True
    return len(typed) >= 3 and typed[:3] == name[:3] and likeness >= PREFIX_LIKENESS


def _spelling_words(region: Region) -> list[str]:
    entry = gazetteer().entries.get(region.key)
    spellings = entry.spellings if entry else (region.name,)
    generic = gazetteer().generic_words  # «область», «республика»: no help telling regions apart
    return [w for s in spellings for w in words(s) if len(w) > 2 and w not in generic]


def resembling_regions(typed: str, regions: Sequence[Region]) -> tuple[Region, ...]:
    """The regions among ``regions`` whose name (any spelling) resembles a word of ``typed``."""
    generic = gazetteer().generic_words
    typed_words = [w for w in words(typed) if len(w) > 2 and w not in generic]
    return tuple(
        region
        for region in regions
        if any(resembles(t, w) for t in typed_words for w in _spelling_words(region))
    )


def region_suggestions(typed: str, match: RegionMatch) -> RegionMatch:
    """A failed region look-up with only the suggestions that resemble what was typed.

    A real region the articles never mention (``known_elsewhere``) keeps its list: there the
    suggestions are the regions of its kind the articles do cover, not look-alikes.
    """
    if match.region is not None or match.known_elsewhere:
        return match
    return RegionMatch(None, resembling_regions(typed, match.suggestions))
