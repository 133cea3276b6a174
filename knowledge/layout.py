"""Questions typed with the wrong keyboard layout switched on.

«ult ,eltn cktle.ofz dscnfdrf» is «где будет следующая выставка» typed on QWERTY: every key
is right, the layout is not.  Such a message is re-read key by key on the Russian layout
when that reading is made of Russian words and the Latin one is not; real Latin names and
abbreviations («BelAZ», «IT», «RT») read as nothing Russian and stay as typed.  Latin letters
meant as Russian («kakaya ploshad») are transliteration, which the question analysis reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

__all__ = ["from_wrong_layout"]

_CHUNK = re.compile(r"\S+")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_RUSSIAN_WORD = re.compile(r"[а-яё]+")
_LATIN_WORD = re.compile(r"[a-z]+")
# Below this many letters a re-read word proves nothing («cn» → «ст»); it follows the rest.
EVIDENCE_LETTERS = 3


@lru_cache(maxsize=1)
def _table() -> dict[int, int]:
    text = resources.files("knowledge").joinpath("data", "keyboard.json").read_text("utf-8")
    data = json.loads(text)
    return str.maketrans(data["qwerty"], data["jcuken"])


def _reads(chunk: str, known: Callable[[str], bool], pattern: re.Pattern[str]) -> bool | None:
    """Whether every word of ``chunk`` is ``known`` (``None``: too short to tell)."""
    found = pattern.findall(chunk.lower())
    if not found or sum(map(len, found)) < EVIDENCE_LETTERS:
        return None
    return all(known(w) for w in found)


def from_wrong_layout(
    text: str,
    russian: Callable[[str], bool],
    latin: Callable[[str], bool],
) -> str | None:
    """``text`` with its Latin-typed chunks re-read on the Russian layout, or ``None`` when
    the message was not typed with the wrong layout.

    :param russian: whether a Cyrillic word is a Russian word (dictionary or corpus).
    :param latin: whether a Latin word reads as something meant (a transliterated Russian
        word, a known name or abbreviation).
    """
    if not _LATIN.search(text):
        return None
    table = _table()
    evidence = against = 0
    readings: dict[str, str] = {}
    for chunk in dict.fromkeys(_CHUNK.findall(text)):
        if not _LATIN.search(chunk) or _CYRILLIC.search(chunk):
            continue
        reread = chunk.translate(table)
        as_russian = _reads(reread, russian, _RUSSIAN_WORD)
        as_latin = _reads(chunk, latin, _LATIN_WORD)
        if as_russian and not as_latin:
            evidence += 1
        elif as_latin and not as_russian:
            against += 1
        if as_russian or (as_russian is None and not as_latin):
            readings[chunk] = reread
    if not evidence or evidence <= against:
        return None
    return _CHUNK.sub(lambda m: readings.get(m.group(0), m.group(0)), text)
