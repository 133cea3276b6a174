"""Russian as a person writes it: counts that agree with their nouns, words as typed.

pymorphy3 inflects: ``count(24, "страна")`` → «24 страны», ``count(5, "статья")`` → «5 статей»,
``count(3, "статья", "datv")`` → «3 статьям».  A figure lifted out of its sentence keeps the case
the sentence gave it («из 24 стран», «на 70 стендах»); ``agree_display`` puts it back into the
form it takes on a line of its own («24 страны», «70 стендов»), and leaves alone what is right
as it stands («более 14 тыс. человек»: «более» governs the genitive).
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from .normalize import morph, normalize, words

__all__ = [
    "agree",
    "agree_display",
    "count",
    "disagreeing_numerals",
    "reply_data",
    "typed_forms",
]

# A count and the words after it: «24 стран мира», «1 000 человек»; a fraction («2,5 тыс.») is
# left alone (its noun is genitive singular whatever the number).
_DISPLAY = re.compile(
    r"^(?P<lead>(?:[а-яё]+\s+){0,2}?)(?P<num>\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?![.,]\d)"
    r"\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_NUMERAL = re.compile(r"(?<![\d.,:/-])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?![.,:/-]?\d)\s+([а-яё]+)")


@cache
def reply_data(name: str) -> Any:
    """A language data file of the reply layer (``knowledge/data/reply/<name>.json``).

    Kept apart from the index's language data: changing how replies are worded must not make
    every index stale.
    """
    folder = resources.files("knowledge").joinpath("data", "reply")
    return json.loads(folder.joinpath(f"{name}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _governors() -> frozenset[str]:
    """Words after which a count takes the genitive («более 24 стран», «из 5 статей»)."""
    return frozenset(reply_data("russian")["case_governors"])


@lru_cache(maxsize=1)
def _ordinal_nouns() -> frozenset[str]:
    """Nouns after which a number is an ordinal: «1 октября», «2025 года»."""
    return frozenset(reply_data("russian")["ordinal_nouns"])


def _needed(n: int, case: str) -> frozenset[str]:
    """The grammemes a noun takes after the number ``n`` in ``case``."""
    last, last_two = n % 10, n % 100
    if last == 1 and last_two != 11:
        return frozenset({"sing", case})
    if case in ("nomn", "accs") and 2 <= last <= 4 and not 12 <= last_two <= 14:
        return frozenset({"sing", "gent"})
    return frozenset({"plur", "gent" if case in ("nomn", "accs") else case})


def _as_typed(word: str, template: str) -> str:
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=8192)
def agree(n: int, word: str, case: str = "nomn") -> str:
    """``word`` (a noun in any form) in the form it takes after the number ``n``."""
    parses = [p for p in morph().parse(word.lower()) if "NOUN" in p.tag]
    if not parses:
        return word
    needed = _needed(n, case)
    if any(needed <= p.tag.grammemes for p in parses):
        return word
    base = parses[0].inflect({"sing", case}) or parses[0].inflect({case}) or parses[0]
    agreed = base.make_agree_with_number(n)
    return _as_typed(agreed.word, word) if agreed is not None else word


def count(n: int, word: str, case: str = "nomn") -> str:
    """``count(24, "страна")`` → «24 страны»."""
    return f"{n} {agree(n, word, case)}"


def _adjective(n: int, word: str, noun_gender: str | None) -> str:
    parses = [p for p in morph().parse(word.lower()) if {"ADJF"} & p.tag.grammemes]
    if not parses:
        return word
    needed = _needed(n, "nomn")
    if "sing" in needed and "nomn" in needed:
        wanted = {"sing", "nomn", noun_gender} if noun_gender else {"sing", "nomn"}
    else:
        wanted = {"plur", "gent"}
    if any(wanted <= p.tag.grammemes for p in parses):
        return word
    form = parses[0].inflect(wanted)
    return _as_typed(form.word, word) if form is not None else word


@lru_cache(maxsize=8192)
def agree_display(display: str) -> str:
    """A figure as it reads on a line of its own: «24 стран» → «24 страны»."""
    m = _DISPLAY.match(display)
    if not m:
        return display
    lead = m.group("lead").strip().lower()
    if lead and (lead.split()[-1] in _governors() or lead in _governors()):
        return display
    n = int(re.sub(r"\D", "", m.group("num")))
    rest = m.group("rest").split(" ")
    adjectives: list[int] = []
    for i, token in enumerate(rest[:4]):
        bare = token.strip(',.;:»"')
        if not bare.isalpha():
            return display
        tags = morph().parse(bare.lower())[0].tag
        if "NOUN" in tags:
            agreed = agree(n, bare)
            gender = next((g for g in ("masc", "femn", "neut") if g in tags), None)
            rest[i] = token.replace(bare, agreed)
            for j in adjectives:
                rest[j] = _adjective(n, rest[j], gender)
            head = display[: m.start("rest")]
            return head + " ".join(rest)
        if {"ADJF"} & tags.grammemes or "PRTF" in tags:
            adjectives.append(i)
            continue
        return display
    return display


def disagreeing_numerals(text: str) -> list[str]:
    """«N noun» pairs in ``text`` whose noun does not agree with the number, e.g. «24 стран»
    standing on its own.  A count after a word that governs its case («из 24 стран», «более 5
    статей», «по 3 статьям») is not judged."""
    found = []
    for m in _NUMERAL.finditer(text):
        before = text[: m.start()].rstrip()
        previous = words(before[-30:])[-1:] if before and before[-1].isalpha() else []
        if previous and previous[0] in _governors():
            continue
        if before.endswith(("№", "#")):
            continue
        n = int(re.sub(r"\D", "", m.group(1)))
        word = m.group(2)
        parses = [p for p in morph().parse(word.lower()) if "NOUN" in p.tag]
        if not parses or any(p.normal_form in _ordinal_nouns() for p in parses):
            continue
        if any(
            _needed(n, case) <= p.tag.grammemes for p in parses for case in ("nomn", "accs")
        ):
            continue
        found.append(m.group(0))
    return found


def typed_forms(terms: tuple[str, ...], question: str) -> tuple[str, ...]:
    """Terms the analysis lower-cased (or cut into pieces) as the user typed them.

    «лукашенко» → «Лукашенко» when the question says «Лукашенко»; «манту», «ров» → «Мантуров»
    when both are pieces of one typed word.  A term found nowhere stays as it is.
    """
    typed = re.findall(r"[\w-]+", question)
    out: list[str] = []
    for term in terms:
        norm = normalize(term)
        exact = [w for w in typed if normalize(w) == norm]
        inside = [w for w in typed if norm and norm in normalize(w)]
        form = (exact or inside or [term])[0]
        if form not in out:
            out.append(form)
    return tuple(out)
