"""One reader of written numbers, for questions, passages and extracted figures.

A text may hold a digit string of any length (a pasted hash, a hostile question, a table
flattened into one line).  Such a string is not a quantity anyone asks about, and converting
it would fail (``int()`` refuses more than 4,300 digits, ``float()`` of a long one is infinity
and ``int(inf)`` raises), so numbers longer than :data:`MAX_DIGITS` are not read at all, and a
value is returned only when it is finite.
"""

from __future__ import annotations

import math

__all__ = ["MAX_DIGITS", "read_number"]

# Digits on either side of the decimal separator; longer runs are not read as numbers
# (a phone number has 12, an IBAN's digits ~30; a float carries 17 anyway).
MAX_DIGITS = 30


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
