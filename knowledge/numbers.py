"""Reading numbers the way Russian writes them: «14 тыс.», «14 000», «14000», «двадцати
тысяч» — one canonical index token each (``n14000``), so a question and an article meet; and
one reader of a written number's value, for questions, passages and extracted figures.

A text may hold a digit string of any length (a pasted hash, a hostile question, a table
flattened into one line).  Such a string is not a quantity anyone asks about, and converting
it would fail (``int()`` refuses more than 4,300 digits, ``float()`` of a long one is infinity
and ``int(inf)`` raises), so numbers longer than :data:`MAX_DIGITS` are not read at all, and a
value is returned only when it is finite.
"""

from __future__ import annotations

import math
import re

from .normalize import lemma, normalize

__all__ = ["MAX_DIGITS", "SCALES", "SPELLED_NUMBERS", "number_tokens", "read_number"]

# Digits on either side of the decimal separator; longer runs are not read as numbers
# (a phone number has 12, an IBAN's digits ~30; a float carries 17 anyway).
MAX_DIGITS = 30
_WORD = re.compile(r"[a-zа-я]+|[0-9]+")
_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](\d+))?"
    r"(?:\s*(тыс|тысяч[а-я]*|млн|миллион[а-я]*|млрд|миллиард[а-я]*)(?![а-я]))?"
)
SPELLED_NUMBERS = {
    "ноль": 0, "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12,
    "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16,
    "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80,
    "девяносто": 90, "сто": 100, "двести": 200, "триста": 300, "четыреста": 400,
    "пятьсот": 500, "шестьсот": 600, "семьсот": 700, "восемьсот": 800, "девятьсот": 900,
}  # fmt: skip
SCALES = {"тысяча": 1_000, "тыс": 1_000, "миллион": 1_000_000, "млн": 1_000_000,
          "миллиард": 1_000_000_000, "млрд": 1_000_000_000}  # fmt: skip


_MONTH_PREFIXES = (
    "январ", "феврал", "март", "апрел", "мая", "май", "июн", "июл", "август", "сентябр",
    "октябр", "ноябр", "декабр", "год",
)  # fmt: skip


def number_tokens(text: str) -> list[str]:
    """Canonical tokens for the numbers in ``text``: «14 тыс.», «14 000», «14000» → ``n14000``.

    Spelled-out numbers («двадцати тысяч») are read too, so a question and an article meet
    whatever way each writes the number.
    """
    low = normalize(text)
    tokens = []
    for m in _NUMBER.finditer(low):
        follower = low[m.end() : m.end() + 12].lstrip()
        if follower.startswith(_MONTH_PREFIXES) and not m.group(3):
            continue  # «30 сентября» is a date, not a quantity of 30
        scale = m.group(3)
        factor = SCALES.get(lemma(scale), SCALES.get(scale[:3], 1)) if scale else 1
        value = read_number(m.group(1), m.group(2) or "", factor)
        if value is None:
            continue  # a digit string too long to be a quantity
        tokens.append(_num_token(value))
    words = _WORD.findall(low)
    total = 0
    current = 0
    seen = False
    for w in [*words, ""]:
        lem = lemma(w) if w else ""
        if lem in SPELLED_NUMBERS:
            current += SPELLED_NUMBERS[lem]
            seen = True
        elif seen and lem in SCALES:
            total += max(current, 1) * SCALES[lem]
            current = 0
        elif seen:
            tokens.append(_num_token(float(total + current)))
            total = current = 0
            seen = False
    return tokens


def _num_token(value: float) -> str:
    return f"n{int(value)}" if value == int(value) else f"n{value:g}".replace(".", "p")


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
