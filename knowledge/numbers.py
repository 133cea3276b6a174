"""Reading numbers the way Russian writes them — one reader for the index tokens and the
extracted figures alike: «14 тыс.», «14 000», «14000», «двадцати тысяч» → 14000.

The words are data (``lexicon.json``: ``numbers.spelled``, ``figures.multipliers``,
``months``); a number followed by a month («30 сентября») is a date, not a quantity.

A text may hold a digit string of any length (a pasted hash, a hostile question, a table
flattened into one line).  Such a string is not a quantity anyone asks about, and converting
it would fail (``int()`` refuses more than 4,300 digits, ``float()`` of a long one is infinity
and ``int(inf)`` raises), so numbers longer than :data:`MAX_DIGITS` are not read at all, and a
value is returned only when it is finite.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .lexicon import lexicon, months
from .normalize import lemma, normalize

__all__ = [
    "MAX_DIGITS",
    "number_tokens",
    "number_value",
    "read_number",
    "scale_of",
    "scales",
    "spelled_numbers",
]

# Digits on either side of the decimal separator; longer runs are not read as numbers
# (a phone number has 12, an IBAN's digits ~30; a float carries 17 anyway).
MAX_DIGITS = 30

_WORD = re.compile(r"[a-zа-я]+|[0-9]+")
_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](\d+))?"
    r"(?:\s*(тыс|тысяч[а-я]*|млн|миллион[а-я]*|млрд|миллиард[а-я]*)(?![а-я]))?"
)


def spelled_numbers() -> dict[str, int]:
    """Numbers spelled out, by lemma: «семь» → 7."""
    return lexicon().spelled_numbers


def scales() -> dict[str, int]:
    """Scale words by lemma and as written: «тыс» → 1000, «миллион» → 1000000."""
    return lexicon().multipliers


def scale_of(word: str) -> int:
    """What a scale word as written multiplies by («тыс.», «тысяч», «млн», «миллиардов»);
    1 for a word that is none."""
    w = word.strip().lower().rstrip(".")
    table = scales()
    return table.get(w) or table.get(lemma(w)) or table.get(w[:3], 1)


def number_value(digits: str, scale: str | None) -> float | None:
    """A figure's value: «186,4» and «млн» → 186400000.0 (``None``: too long to be one)."""
    whole, _, fraction = digits.replace(",", ".").partition(".")
    return read_number(whole, fraction, scale_of(scale) if scale else 1)


def read_number(whole: str, fraction: str = "", factor: float = 1) -> float | None:
    """The value of a written number, or ``None`` when it is too long to be one.

    :param whole: the integer digits, possibly grouped by spaces («14 000»).
    :param fraction: the digits after the decimal separator, if any.
    :param factor: a scale word's multiplier («тыс.» → 1,000).
    """
    digits = whole.replace(" ", "").replace("\u00a0", "")
    if not digits or len(digits) > MAX_DIGITS or len(fraction) > MAX_DIGITS:
        return None
    value = float(f"{digits}.{fraction}") if fraction else float(digits)
    if factor != 1:
        value *= factor
    return value if math.isfinite(value) else None


@lru_cache(maxsize=1)
def _date_followers() -> tuple[str, ...]:
    """Beginnings of the words that make a number a date: the months in any case form
    («сентябр…», «мая»), and «год»."""
    found: list[str] = []
    for month in months():
        stem = month.lemma[:-1] if month.lemma.endswith("ь") else month.lemma
        found.append(stem)
        if not month.genitive.startswith(stem):
            found.append(month.genitive)  # «мая» is no form of «май…»
    return (*found, "год")


def number_tokens(text: str) -> list[str]:
    """Canonical tokens for the numbers in ``text``: «14 тыс.», «14 000», «14000» → ``n14000``.

    Spelled-out numbers («двадцати тысяч») are read too, so a question and an article meet
    whatever way each writes the number.
    """
    low = normalize(text)
    tokens = []
    for m in _NUMBER.finditer(low):
        follower = low[m.end() : m.end() + 12].lstrip()
        if follower.startswith(_date_followers()) and not m.group(3):
            continue  # «30 сентября» is a date, not a quantity of 30
        scale = m.group(3)
        value = read_number(m.group(1), m.group(2) or "", scale_of(scale) if scale else 1)
        if value is None:
            continue  # a digit string too long to be a quantity
        tokens.append(_num_token(value))
    return tokens + _spelled_tokens(_WORD.findall(low))


def _spelled_tokens(words: list[str]) -> list[str]:
    """Tokens of the numbers spelled out in words: «двадцать пять тысяч» → n25000."""
    spelled, table = spelled_numbers(), scales()
    tokens = []
    total = 0
    current = 0
    seen = False
    for w in [*words, ""]:
        lem = lemma(w) if w else ""
        if lem in spelled:
            current += spelled[lem]
            seen = True
        elif seen and lem in table:
            total += max(current, 1) * table[lem]
            current = 0
        elif seen:
            tokens.append(_num_token(float(total + current)))
            total = current = 0
            seen = False
    return tokens


def _num_token(value: float) -> str:
    return f"n{int(value)}" if value == int(value) else f"n{value:g}".replace(".", "p")
