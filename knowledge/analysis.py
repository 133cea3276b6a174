"""Linguistic analysis shared by the index build and the questions.

Both sides go through the same steps: ``normalize()``, colloquial spellings, lemmas and stems,
abbreviation expansion and gazetteer entities, so a question and a passage always meet in one
vocabulary.  ``sentence_features`` is what the build stores about each sentence (index terms,
entities, answer-type flags); the question side is ``knowledge.search.question``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import gazetteer, lexicon
from .normalize import lemma, normalize, normalize_word, parse, stem
from .numbers import SPELLED_NUMBERS, number_tokens

__all__ = [
    "ACCORDING",
    "MONTHS",
    "SPEECH_VERBS",
    "SentenceFeatures",
    "entity_token",
    "grammar_positions",
    "is_function_word",
    "person_token",
    "raw_tokens",
    "sentence_features",
]

_WORD = re.compile(r"[a-zа-я]+|[0-9]+")
_RAW_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+|[0-9]+")
# month lemmas in calendar order
MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
_MONTHS = frozenset(MONTHS)
_ANAPHORA = frozenset(
    {"это", "этот", "он", "она", "оно", "они", "там", "такой", "данный", "тот", "его", "их", "ее"}
)
ACCORDING = re.compile(r"\bпо (?:его |ее |их |)(?:словам|мнению|данным|оценке|информации)\b")
# Function words carry no topic, whatever the stop list forgot.
_FUNCTION = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})


@lru_cache(maxsize=200_000)
def is_function_word(word: str) -> bool:
    """Prepositions, conjunctions, particles, interjections and pronouns."""
    return not word.isdigit() and parse(word).tag.POS in _FUNCTION
SPEECH_VERBS = frozenset(
    lemma(w)
    for w in (
        "рассказать",
        "сказать",
        "заявить",
        "отметить",
        "подчеркнуть",
        "добавить",
        "сообщить",
        "поделиться",
        "подытожить",
        "говорить",
        "пояснить",
        "обратиться",
        "проинформировать",
    )
)


_ADDRESS = re.compile(
    r"\b(?:ул\.|улиц[а-я]*|проспект[а-я]*|пр-т|переул[а-я]*|шоссе|бульвар[а-я]*|пл\.)\s*\S",
    re.IGNORECASE,
)
_RELATIVE_DAY = re.compile(
    r"\b(?:перв|втор|трет|последн|заключительн)[а-я]*\s+д(?:ень|ня|не)\b|\b(?:накануне|вчера|завтра)\b",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(
    r"\b(?:ОАО|ООО|ЗАО|АО|ПАО|СООО|ОДО)\b|(?:компания|предприятие|холдинг)\s+[«\"]"
)
_TIME = re.compile(r"\b(?:[01]?\d|2[0-3])[:.][0-5]\d\b|\b\d{1,2}\s+час")
@lru_cache(maxsize=4096)
def entity_token(key: str) -> str:
    """The index token standing for a gazetteer entity, whatever form the text used."""
    return "ent" + re.sub(r"[^a-z0-9а-я]", "", key.lower())


def person_token(name: str) -> str:
    """The index token standing for a person, from the stem of their surname."""
    parts = _WORD.findall(normalize(name))
    return "prs" + (stem(parts[-1]) if parts else "")


def _colloquial(word: str) -> list[str]:
    replacement = lexicon().colloquial.get(word)
    if replacement is None:
        return [word]
    return _WORD.findall(normalize(replacement))


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """What the index stores about one sentence."""

    lemmas: tuple[str, ...]
    stems: tuple[str, ...]
    entities: tuple[str, ...]
    has_number: bool
    has_date: bool
    has_day: bool
    has_person: bool
    has_place: bool
    has_speech: bool
    has_time: bool
    has_quote: bool
    has_address: bool
    anaphoric: bool


def grammar_positions(words: list[str]) -> set[int]:
    """Positions inside grammar phrases: compound prepositions («по итогам», «в рамках»,
    «на полях») and greetings («добрый день»).

    Their nouns (итог, рамка, поле, день) are grammar here, not topic, on both sides.
    """
    inside: set[int] = set()
    by_first = _grammar_index()
    for i, word in enumerate(words):
        for phrase in by_first.get(word, ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                inside.update(range(i, i + len(phrase)))
                break
    return inside


@lru_cache(maxsize=1)
def _grammar_index() -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in lexicon().grammar_phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return {k: tuple(v) for k, v in index.items()}


def raw_tokens(text: str) -> list[tuple[str, str]]:
    """(original, normalised) word pairs, colloquial spellings resolved."""
    return [
        (raw, word)
        for raw in _RAW_WORD.findall(text.replace("ё", "е").replace("Ё", "Е"))
        for word in _colloquial(normalize_word(raw))
    ]


def _is_date_number(words: list[str], lemmas: list[str], i: int) -> bool:
    word = words[i]
    nxt = lemmas[i + 1] if i + 1 < len(lemmas) else ""
    if nxt in _MONTHS or nxt == "год":
        return True
    if len(word) == 4 and word.startswith(("19", "20")):
        return True
    after = lemmas[i + 2] if i + 2 < len(lemmas) else ""
    after2 = lemmas[i + 3] if i + 3 < len(lemmas) else ""
    # «с 8 по 10 февраля», «8-10 февраля»
    return nxt in ("по", "и") and after.isdigit() and after2 in _MONTHS


def sentence_features(text: str) -> SentenceFeatures:
    """Index terms, entities and answer-type flags of one sentence."""
    lex = lexicon()
    pairs = raw_tokens(text)
    words = [w for _, w in pairs]
    lemmas = [lemma(w) for w in words]
    stems = [stem(w) for w in words]
    index_lemmas: list[str] = []
    index_stems: list[str] = []
    grammar = grammar_positions(words)
    for i, (word, lem, st) in enumerate(zip(words, lemmas, stems, strict=True)):
        if lem in lex.stopwords or word in lex.stopwords or is_function_word(word):
            continue
        if i in grammar:
            continue
        index_lemmas.append(lem)
        index_stems.append(st)
        index_lemmas.extend(lex.abbreviations.get(lem, ()))
    gaz = gazetteer()
    found = [k for _, _, k in gaz.find(lemmas, stems)]
    # a capital stands for its country too: «в Эр-Рияде» is about Saudi Arabia
    parents = [gaz.entries[k].parent for k in found if gaz.entries[k].parent]
    entities = tuple(dict.fromkeys([*found, *(p for p in parents if p)]))
    index_lemmas.extend(entity_token(k) for k in entities)
    index_lemmas.extend(number_tokens(text))
    has_number = any(
        w.isdigit() and not _is_date_number(words, lemmas, i) for i, w in enumerate(words)
    ) or any(SPELLED_NUMBERS.get(lem, 0) > 1 for lem in lemmas)  # «семь соглашений», not «один из»
    has_date = (
        any(lem in _MONTHS for lem in lemmas)
        or any(w.isdigit() and len(w) == 4 and w.startswith("20") for w in words)
        or bool(_RELATIVE_DAY.search(text))
    )
    # «кто подписал?» is answered by people and by organisations alike
    has_person = (
        any(lem in lex.role_heads for lem in lemmas)
        or _has_name(pairs)
        or bool(_ORGANISATION.search(text))
    )
    has_day = any(lem in _MONTHS for lem in lemmas) or bool(_RELATIVE_DAY.search(text))
    has_place = bool(entities)
    has_speech = (
        any(lem in SPEECH_VERBS for lem in lemmas)
        and ("что" in words or any(q in text for q in '«"“'))
    ) or text.rstrip().endswith(":") or bool(ACCORDING.search(normalize(text)))
    # «Это предприятие…», «По его словам…», «Среди них…», «Там будут…»: the sentence leans
    # on the one before it
    anaphoric = any(lem in _ANAPHORA for lem in lemmas[:3])
    return SentenceFeatures(
        lemmas=tuple(index_lemmas),
        stems=tuple(index_stems),
        entities=entities,
        has_number=has_number,
        has_date=has_date,
        has_day=has_day,
        has_person=has_person,
        has_place=has_place,
        has_speech=has_speech,
        has_time=bool(_TIME.search(text)),
        has_quote=any(q in text for q in '«"“„'),
        has_address=bool(_ADDRESS.search(text)),
        anaphoric=anaphoric,
    )


def _has_name(pairs: list[tuple[str, str]]) -> bool:
    for i in range(len(pairs) - 1):
        raw, word = pairs[i]
        nxt_raw = pairs[i + 1][0]
        if raw[:1].isupper() and nxt_raw[:1].isupper() and "Name" in parse(word).tag:
            return True
    return False
