"""Key figures: a number with what it counts, as each article states it («более 500
компаний», «20 тыс. кв. м», «186,4 млн долларов», «из них 23 были представлены …»)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .extract import has_grammeme, sentence_regions
from .lexicon import lexicon, months
from .normalize import lemma, normalize, parse
from .numbers import number_value

__all__ = ["RawFigure", "extract_figures"]


@dataclass(frozen=True, slots=True)
class RawFigure:
    """A number with what it counts."""

    value: float
    display: str
    counts: str
    category: str
    qualifier: str
    sentence: str
    regions: tuple[str, ...]


_NUMBER = re.compile(
    r"(?P<num>\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?P<mult>\s*(?:тыс\.?|тысяч[а-я]*|млн\.?|миллион[а-я]*|млрд\.?|миллиард[а-я]*)(?![а-я]))?"
)
_UNIT = re.compile(
    r"^\s*(?:(?P<pct>%|процент[а-я]*)"
    r"|(?P<area>кв\.?\s*м\.?|квадратн[а-я]+ метр[а-я]*|гектар[а-я]*|га\b)"
    r"|(?P<money>(?:бел\.?\s*)?руб(?:\.|л[а-я]*)|доллар[а-я]* ?(?:США)?|долл\.|евро|юан[а-я]*|"
    r"российск[а-я]+ рубл[а-я]+|белорусск[а-я]+ рубл[а-я]+))",
    re.IGNORECASE,
)


def extract_figures(sentences: list[str]) -> list[RawFigure]:
    """Numbers with what they count, from the sentences of one article."""
    figures: list[RawFigure] = []
    for sentence in sentences:
        # what the last figure counted: «73 региона …, из них 23 …»
        previous: tuple[str, str] | None = None
        for m in _NUMBER.finditer(sentence):
            figure, counted = _figure(sentence, m, previous)
            if figure is not None:
                figures.append(figure)
                if counted:
                    previous = (figure.counts, figure.category)
    return figures


@lru_cache(maxsize=1)
def _months_genitive() -> frozenset[str]:
    return frozenset(m.genitive for m in months())


def _not_a_count(m: re.Match[str], before: str, after: str) -> bool:
    """A part of a word or a code, a date, a year, an hour, a place in a ranking, a range."""
    if before and (before[-1].isalnum() or before.endswith((".", "-"))):
        return True
    next_word = re.match(r"\s*([А-Яа-яЁё]+)", after)
    nw = next_word.group(1).lower() if next_word else ""
    if nw in _months_genitive() or lemma(nw) in ("год", "час", "минута", "место"):
        return True
    num = m.group("num")
    if len(num) == 4 and num.startswith(("19", "20")) and not m.group("mult"):
        return True
    return bool(re.search(r"\d\s*[-–—]\s*$", before) or re.match(r"\s*[-–—]\s*\d", after))


def _qualifier(before: str) -> str:
    """«более», «около», «не менее» … right before the number."""
    low_before = before.lower().rstrip()
    for q in lexicon().figure_qualifiers:
        if low_before.endswith(" " + q) or low_before == q:
            return q
    return ""


def _figure(
    sentence: str, m: re.Match[str], previous: tuple[str, str] | None
) -> tuple[RawFigure | None, bool]:
    """The figure at one number (or ``None``), and whether what it counts is what a later
    «из них» refers to."""
    before = sentence[: m.start()]
    after = sentence[m.end() :]
    if _not_a_count(m, before, after):
        return None, False
    value = number_value(m.group("num"), m.group("mult"))
    if value is None:
        return None, False  # a digit string too long to be a quantity
    qualifier = _qualifier(before)
    unit = _UNIT.match(after)
    rest = after[unit.end() :] if unit else after
    if unit:
        counts, category = _measured(unit, rest, before)
    else:
        noun = _counted_noun(rest)
        if noun is None and re.search(r"\bиз\s+них\s*$", before) and previous:
            # «73 региона …, из них 23 были представлены со стендами»
            clause = re.match(r"[^,.;]*", after)
            extra = clause.group(0).strip() if clause else ""
            scope = f"из них {m.group('num')}" + (f" {extra}" if extra else "")
            regions = tuple(dict.fromkeys(k for _, _, k in sentence_regions(sentence)))
            figure = RawFigure(
                value, scope[:80], previous[0], previous[1], qualifier, sentence, regions
            )
            return figure, False
        if noun is None:
            if re.match(r"\s*из\s+них", rest):
                noun = _last_plural_noun(before)
            elif re.match(r"\s*из\s", rest):
                noun = previous
        if noun is None:
            return None, False
        counts, category = noun
    if not counts:
        return None, False
    display = _display(sentence, m, unit, counts, rest)
    if qualifier:
        display = f"{qualifier} {display}"
    regions = tuple(dict.fromkeys(k for _, _, k in sentence_regions(sentence)))
    figure = RawFigure(value, display, counts, category, qualifier, sentence, regions)
    return figure, not before.rstrip().lower().endswith(" из")


def _measured(unit: re.Match[str], rest: str, before: str) -> tuple[str, str]:
    """What a percentage, an area or a sum measures, and its category."""
    if unit.group("pct"):
        return _measure_after(rest, before), "доля"
    if unit.group("area"):
        return _measure_before(before) or "площадь", "площадь"
    return _measure_before(before) or "сумма", "деньги"


def _display(
    sentence: str, m: re.Match[str], unit: re.Match[str] | None, counts: str, rest: str
) -> str:
    """The figure as shown: the number with its unit, or with what it counts and the scope
    that narrows it («более 190 компаний из Беларуси», «290 предприятий из 23 субъектов»)."""
    number = sentence[m.start() : m.end()].strip()
    if unit:
        return sentence[m.start() : m.end() + unit.end()].strip()
    if re.match(r"\s*из\s+них", rest):
        return f"{number} из них"
    display = f"{number} {counts}"
    skip = 0 if _counted_noun(rest) is None else len(counts.split())
    tail = rest.split(None, skip)[-1] if skip else rest
    scope = _scope(tail)
    return f"{display} {scope}" if scope else display


def _scope(text: str) -> str:
    """A narrowing «из …» phrase right after a count: «из 25 регионов», «из Беларуси»."""
    m = re.match(r"\s*из\s+(\d+\s+)?([^,.;:]*)", text)
    if not m:
        return ""
    kept: list[str] = []
    for word in m.group(2).split()[:3]:
        tag = parse(normalize(word)).tag
        if kept and ("VERB" in tag or "PRTS" in tag or "CONJ" in tag or "PREP" in tag):
            break
        kept.append(word)
    if len(kept) == len(m.group(2).split()) and re.match(r",\s*[А-ЯЁ]", text[m.end() :]):
        return ""  # «из России, Беларуси, Узбекистана …»: an enumeration, not a narrowing
    return " ".join(["из", (m.group(1) or "").strip(), *kept]).replace("  ", " ").strip()


def _counted_noun(rest: str) -> tuple[str, str] | None:
    """The noun right after a number (skipping adjectives): «200 белорусских компаний»."""
    lex = lexicon()
    words = re.findall(r"[А-Яа-яЁё-]+|[^\sА-Яа-яЁё]", rest[:80])
    adjectives: list[str] = []
    for n, word in enumerate(words[:4]):
        if not word[:1].isalpha():
            return None
        low = normalize(word)
        p = parse(low)
        if "ADJF" in p.tag or "PRTF" in p.tag or "NUMR" in p.tag:
            adjectives.append(low)
            continue
        if "NOUN" in p.tag:
            lem = lemma(low)
            if lem in lex.stopwords:
                return None
            category = lex.categories.get(lem, lem)
            label = " ".join([*adjectives, low])
            # «400 наименований товаров»: the genitive after the noun says what is counted
            nxt = words[n + 1] if n + 1 < len(words) else ""
            if nxt[:1].isalpha() and lem in lex.unit_nouns:
                label = f"{label} {normalize(nxt)}"
            return label, category
        return None
    return None


def _last_plural_noun(before: str) -> tuple[str, str] | None:
    lex = lexicon()
    for word in reversed(re.findall(r"[А-Яа-яЁё]+", before)):
        p = parse(word.lower())
        if "NOUN" in p.tag and "plur" in p.tag:
            lem = lemma(word.lower())
            return lem, lex.categories.get(lem, lem)
    return None


def _measure_before(before: str) -> str | None:
    measures = lexicon().measures
    words = re.findall(r"[А-Яа-яЁё]+", before)
    for k in range(len(words) - 1, -1, -1):
        lem = lemma(words[k].lower())
        if lem in measures:
            genitive = []
            for w in words[k + 1 : k + 4]:
                if len(w) < 3 or not has_grammeme(w.lower(), "gent"):
                    break
                genitive.append(w)
            return " ".join([lem, *genitive]).strip()
    return None


def _measure_after(rest: str, before: str) -> str:
    """«64 % экспорта мясомолочной продукции» names what the share is of; «рост на 14,7% к
    уровню прошлого года» does not, so the measure is looked up before the number."""
    words = re.findall(r"[А-Яа-яЁё]+", rest)[:3]
    if words and has_grammeme(words[0].lower(), "gent") and "PREP" not in parse(
        words[0].lower()
    ).tag:
        return " ".join(w.lower() for w in words[:3])
    return _measure_before(before) or "доля"
