"""Repairing the words of a question: Latin typing, typos, missing spaces and compounds the
dictionary lacks («гдепройдет», «kto gubernator», «нацэкспозиции»)."""

from __future__ import annotations

import re
from functools import cache

from ..lexicon import lexicon
from ..normalize import is_known_word, lemma, parse
from .query import Vocabulary

__all__ = [
    "LATIN_APOSTROPHE",
    "PROPER",
    "fix_word",
    "reads_latin",
    "russian_word",
    "transliterations",
]

# grammemes of names, places and organisations
PROPER = ("Name", "Surn", "Patr", "Geox", "Orgn", "Trad")


def _segment(word: str, vocab: Vocabulary) -> list[str] | None:
    """Split run-together words («гдепройдет», «сколькопосетителейбыло») into known words:
    the split with the fewest parts, then the most even one; at most four parts."""
    if len(word) > 48:
        return None
    lex = lexicon()

    def ok(part: str) -> bool:
        return part in lex.stopwords or (
            len(part) > 2 and (is_known_word(part) or vocab.knows(part))
        )

    @cache
    def best(start: int) -> tuple[int, int, tuple[str, ...]] | None:
        # (parts, -shortest part, parts) for word[start:]
        if start == len(word):
            return (0, 0, ())
        found: tuple[int, int, tuple[str, ...]] | None = None
        for end in range(start + 2, len(word) + 1):
            part = word[start:end]
            if not ok(part):
                continue
            rest = best(end)
            if rest is None or rest[0] >= 4:
                continue
            shortest = min(len(part), -rest[1]) if rest[2] else len(part)
            option = (rest[0] + 1, -shortest, (part, *rest[2]))
            if found is None or option[:2] < found[:2]:
                found = option
        return found

    result = best(0)
    return list(result[2]) if result and result[0] > 1 else None


def fix_word(
    word: str, vocab: Vocabulary, corrections: dict[str, str], budget: list[int]
) -> list[str]:
    """Typo correction and segmentation of one normalised question word.

    ``budget`` counts the expensive repairs left for this question (fuzzy matching over the
    vocabulary): a page of gibberish must not cost more than a few typos."""
    lex = lexicon()
    if word.isascii() and word.isalpha() and len(word) < 40:
        spellings = transliterations(word)
        known_spellings = [c for c in spellings if c in lex.stopwords or vocab.knows(c)] or [
            c for c in spellings if len(c) > 2 and is_known_word(c)
        ]
        if known_spellings:
            corrections[word] = known_spellings[0]
            return fix_word(known_spellings[0], vocab, corrections, budget)
        if len(word) >= 5 and budget[0] > 0:
            # no reading is a word: a Latin-typed typo («iniciative», «ploshad») — repair the
            # likeliest reading, then the one ending in a soft sign, like any misspelt word
            soft = [c for c in spellings[1:] if c.endswith("ь")][:1]
            for reading in [spellings[0], *soft]:
                repaired = fix_word(reading, vocab, corrections, budget)
                if repaired != [reading]:
                    corrections[word] = " ".join(repaired)
                    return repaired
    if word.isdigit() or len(word) < 3 or word in lex.stopwords:
        return [word]
    in_corpus = vocab.knows(word)
    if in_corpus or lemma(word) in lex.vocabulary or word in lex.vocabulary:
        return [word]
    known = is_known_word(word)
    proper = any(g in parse(word).tag for g in PROPER)
    if known and not proper or budget[0] <= 0:
        return [word]
    budget[0] -= 1
    if len(word) >= 4:
        # short words need a closer match: «ждлоп» is not a typo of «ждало»
        fixed = vocab.correct(word, 90 if known else 78)
        if fixed and fixed != word:
            corrections[word] = fixed
            return [fixed]
    if not known and len(word) >= 8 and vocab.names_organisation(word):
        return [word]  # not «гродно станкозавод»: the plant's name, spelt out by search
    if not known and len(word) >= 8:
        compound = _interfix_compound(word, vocab)
        if compound:
            corrections[word] = " ".join(compound)
            return compound
    if not known and len(word) >= 6:
        parts = _segment(word, vocab)
        if parts:
            corrections[word] = " ".join(parts)
            return parts
        head = _compound_head(word, vocab)
        if head:
            corrections[word] = head
            return [head]
    return [word]


def russian_word(word: str, vocab: Vocabulary) -> bool:
    """A Russian word: in the dictionary, in the articles or a stop word («в», «и»)."""
    return word in lexicon().stopwords or is_known_word(word) or vocab.knows(word)


def reads_latin(word: str, vocab: Vocabulary) -> bool:
    """A Latin-typed word that means something: a transliterated Russian word or a name the
    articles use in Latin letters."""
    if vocab.knows(word):
        return True
    return any(
        c in lexicon().stopwords or vocab.knows(c) or len(c) > 2 and is_known_word(c)
        for c in transliterations(word)
    )


def _interfix_compound(word: str, vocab: Vocabulary) -> list[str] | None:
    """A compound joined by a linking vowel: «лифтостроители» → лифт + строители,
    «газопровод» → газ + провод (the left part a word the corpus or the lexicon knows)."""
    lex = lexicon()
    for cut in range(3, len(word) - 4):
        if word[cut] not in "ое":
            continue
        left, right = word[:cut], word[cut + 1 :]
        if not is_known_word(right):
            continue
        if vocab.knows(left) or lemma(left) in lex.vocabulary or vocab.lemma_df(lemma(left)):
            return [left, right]
    return None


def _compound_head(word: str, vocab: Vocabulary) -> str | None:
    """The head of a Russian compound the dictionary lacks: «нацэкспозиции» → экспозиции,
    «инфопартнёр» → партнёр (the right-hand element carries the meaning)."""
    lex = lexicon()
    for cut in range(2, len(word) - 4):
        right = word[cut:]
        if is_known_word(right) and (vocab.knows(right) or lemma(right) in lex.vocabulary):
            return right
    return None


_TRANSLIT = str.maketrans(
    {
        "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
        "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
        "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс",
        "y": "ы", "z": "з",
    }
)  # fmt: skip
_DIGRAPHS = (("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
             ("ts", "ц"), ("yu", "ю"), ("ya", "я"), ("yo", "е"), ("ye", "е"))  # fmt: skip


LATIN_APOSTROPHE = re.compile(r"(?<=[A-Za-z])['’](?=[A-Za-z])")
_ENDINGS = {"yi": "ый", "ii": "ий", "yy": "ый"}
_LATIN_ENDINGS = re.compile(r"(?:yi|ii|yy)$")
_SOFT_C = re.compile(r"c(?=[eiy])")
_SOFTENED = frozenset("бвдзлмнпрстфц")
_Y_AFTER_VOWEL = re.compile(r"(?<=[aeiouyаеиоуыэюяё])y")


def transliterations(word: str) -> list[str]:
    """Cyrillic readings of a Latin-spelt Russian word, likeliest first: «innoprom» →
    иннопром, «smolenskoy» → смоленской, «sleduyushchiy» → следующий, «er» → ер / эр."""
    word = _LATIN_ENDINGS.sub(lambda m: _ENDINGS[m.group(0)], word)
    word = _SOFT_C.sub("ц", word)  # «iniciativa», «centr»
    for latin, cyrillic in _DIGRAPHS:
        word = word.replace(latin, cyrillic)
    # a «y» left after a vowel is «й» («-oy», «-iy», «-yy»); elsewhere «ы» («vystavka»)
    readings = [_Y_AFTER_VOWEL.sub("й", word), word]
    result: list[str] = []
    for reading in readings:
        cyrillic = reading.translate(_TRANSLIT)
        result.append(cyrillic)
        if cyrillic.startswith("е"):
            result.append("э" + cyrillic[1:])  # «ekspozitsiya», «er-riyad»
    # the soft sign has no letter of its own: «skolko» → сколько, «oblast» → область
    first = result[0]
    result += [
        first[: i + 1] + "ь" + first[i + 1 :]
        for i, letter in enumerate(first)
        if letter in _SOFTENED
    ]
    return list(dict.fromkeys(result))

