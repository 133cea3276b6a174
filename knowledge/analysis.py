"""Linguistic analysis of sentences (at build time) and questions (at query time).

Both sides go through the same steps: ``normalize()``, colloquial spellings, lemmas and stems,
abbreviation expansion and gazetteer entities, so a question and a passage always meet in one
vocabulary.  Questions additionally get typo correction against the corpus vocabulary, word
segmentation for missing spaces, and question-type cues (сколько → number, когда → date, …).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .layout import from_wrong_layout
from .lexicon import gazetteer, lexicon
from .normalize import is_known_word, lemma, normalize, normalize_word, parse, stem
from .numbers import read_number

__all__ = [
    "Query",
    "SentenceFeatures",
    "Term",
    "Vocabulary",
    "analyze_question",
    "entity_token",
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
MAX_QUESTION_CHARS = 400
MAX_QUESTION_WORDS = 40
MAX_REPAIRS = 6
UNKNOWN_NOUN_WEIGHT = 1.5
UNKNOWN_VERB_WEIGHT = 0.5
UNKNOWN_ADJECTIVE_WEIGHT = 0.8
_ACCORDING = re.compile(r"\bпо (?:его |ее |их |)(?:словам|мнению|данным|оценке|информации)\b")
_PROPER = ("Name", "Surn", "Patr", "Geox", "Orgn", "Trad")
_PARAPHRASED = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND", "ADVB", "PRED", "COMP"})
# Function words carry no topic, whatever the stop list forgot.
_FUNCTION = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})


@lru_cache(maxsize=200_000)
def is_function_word(word: str) -> bool:
    """Prepositions, conjunctions, particles, interjections and pronouns."""
    return not word.isdigit() and parse(word).tag.POS in _FUNCTION
_SPEECH = frozenset(
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


_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](\d+))?"
    r"(?:\s*(тыс|тысяч[а-я]*|млн|миллион[а-я]*|млрд|миллиард[а-я]*)(?![а-я]))?"
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
_SPELLED = {
    "ноль": 0, "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12,
    "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16,
    "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80,
    "девяносто": 90, "сто": 100, "двести": 200, "триста": 300, "четыреста": 400,
    "пятьсот": 500, "шестьсот": 600, "семьсот": 700, "восемьсот": 800, "девятьсот": 900,
}  # fmt: skip
_SCALE = {"тысяча": 1_000, "тыс": 1_000, "миллион": 1_000_000, "млн": 1_000_000,
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
        factor = _SCALE.get(lemma(scale), _SCALE.get(scale[:3], 1)) if scale else 1
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
        if lem in _SPELLED:
            current += _SPELLED[lem]
            seen = True
        elif seen and lem in _SCALE:
            total += max(current, 1) * _SCALE[lem]
            current = 0
        elif seen:
            tokens.append(_num_token(float(total + current)))
            total = current = 0
            seen = False
    return tokens


def _num_token(value: float) -> str:
    return f"n{int(value)}" if value == int(value) else f"n{value:g}".replace(".", "p")


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


def _in_grammar_phrases(words: list[str]) -> set[int]:
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


def _raw_tokens(text: str) -> list[tuple[str, str]]:
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
    pairs = _raw_tokens(text)
    words = [w for _, w in pairs]
    lemmas = [lemma(w) for w in words]
    stems = [stem(w) for w in words]
    index_lemmas: list[str] = []
    index_stems: list[str] = []
    grammar = _in_grammar_phrases(words)
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
    ) or any(_SPELLED.get(lem, 0) > 1 for lem in lemmas)  # «семь соглашений», not «один из»
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
        any(lem in _SPEECH for lem in lemmas)
        and ("что" in words or any(q in text for q in '«"“'))
    ) or text.rstrip().endswith(":") or bool(_ACCORDING.search(normalize(text)))
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


class Vocabulary:
    """Corpus statistics the question analysis needs (document frequencies, spellings)."""

    def __init__(
        self,
        passages: int,
        lemma_df: Callable[[str], int],
        stem_df: Callable[[str], int],
        correct: Callable[[str, int], str | None],
        persons: dict[str, str] | None = None,
        stems_with_prefix: Callable[[str], list[str]] | None = None,
        names_organisation: Callable[[str], bool] | None = None,
    ) -> None:
        self.passages = max(passages, 1)
        # whether a word is an organisation's name made of stumps («Гродностанкозавод»)
        self.names_organisation = names_organisation or (lambda word: False)
        # surname stem → person token, for the people the articles name
        self.persons = persons or {}
        self._lemma_df = lru_cache(maxsize=50_000)(lemma_df)
        self._stem_df = lru_cache(maxsize=50_000)(stem_df)
        self._correct = correct
        self._stems_with_prefix = stems_with_prefix or (lambda prefix: [])

    def lemma_df(self, value: str) -> int:
        """Passages containing the lemma (or entity token)."""
        return self._lemma_df(value)

    def stem_df(self, value: str) -> int:
        """Passages containing the stem."""
        return self._stem_df(value)

    def correct(self, word: str, min_score: int) -> str | None:
        """Closest corpus spelling of a word, if one is close enough."""
        return self._correct(word, min_score)

    def derived(self, stem_: str) -> frozenset[str]:
        """Corpus stems of the same root: longer ones starting with this stem, and shorter
        ones (≥ 5 letters) this stem starts with."""
        found = {s for s in self._stems_with_prefix(stem_) if len(s) - len(stem_) <= 4}
        found |= {stem_[:n] for n in range(5, len(stem_)) if self.stem_df(stem_[:n])}
        found.discard(stem_)
        return frozenset(found)

    def knows(self, word: str) -> bool:
        """True when the corpus has the word's lemma or stem."""
        return self.lemma_df(lemma(word)) > 0 or self.stem_df(stem(word)) > 0


@dataclass(frozen=True, slots=True)
class Term:
    """One content term of a question."""

    surface: str
    lemma: str
    stem: str
    weight: float
    synonyms: frozenset[str] = frozenset()
    related: frozenset[str] = frozenset()
    entity: str | None = None
    known: bool = True
    specific: bool = False
    variants: frozenset[str] = frozenset()
    alternatives: frozenset[str] = frozenset()
    phrase: tuple[str, ...] = ()
    derived: frozenset[str] = frozenset()
    # the noun a «какой …?» question asks about: «по каким направлениям», «какие товары»
    focus: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A question after analysis."""

    text: str
    terms: tuple[Term, ...]
    cues: frozenset[str]
    entities: tuple[str, ...]
    unknown_entities: tuple[str, ...]
    corrections: dict[str, str] = field(default_factory=dict)
    wants_speech: bool = False
    strong_cues: frozenset[str] = frozenset()

    @property
    def unknown_specific(self) -> tuple[Term, ...]:
        """Unknown names, places or organisations: the question is about something else."""
        return tuple(t for t in self.terms if not t.known and t.specific)

    def fts_tokens(self) -> tuple[list[str], list[str]]:
        """Lemma and stem tokens for the FTS candidate query."""
        lemmas: list[str] = []
        stems: list[str] = []
        for term in self.terms:
            if term.entity:
                lemmas.append(term.entity)
                continue
            lemmas.append(term.lemma)
            lemmas.extend(term.phrase)
            lemmas.extend(term.alternatives)
            lemmas.extend(term.synonyms)
            lemmas.extend(term.related)
            stems.append(term.stem)
            stems.extend(term.derived)
        return list(dict.fromkeys(lemmas)), list(dict.fromkeys(stems))


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


def _fix_word(
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
            return _fix_word(known_spellings[0], vocab, corrections, budget)
        if len(word) >= 5 and budget[0] > 0:
            # no reading is a word: a Latin-typed typo («iniciative», «ploshad») — repair the
            # likeliest reading, then the one ending in a soft sign, like any misspelt word
            soft = [c for c in spellings[1:] if c.endswith("ь")][:1]
            for reading in [spellings[0], *soft]:
                repaired = _fix_word(reading, vocab, corrections, budget)
                if repaired != [reading]:
                    corrections[word] = " ".join(repaired)
                    return repaired
    if word.isdigit() or len(word) < 3 or word in lex.stopwords:
        return [word]
    in_corpus = vocab.knows(word)
    if in_corpus or lemma(word) in lex.vocabulary or word in lex.vocabulary:
        return [word]
    known = is_known_word(word)
    proper = any(g in parse(word).tag for g in _PROPER)
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


def _russian_word(word: str, vocab: Vocabulary) -> bool:
    """A Russian word: in the dictionary, in the articles or a stop word («в», «и»)."""
    return word in lexicon().stopwords or is_known_word(word) or vocab.knows(word)


def _reads_latin(word: str, vocab: Vocabulary) -> bool:
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


_LATIN_APOSTROPHE = re.compile(r"(?<=[A-Za-z])['’](?=[A-Za-z])")
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


_WH_DETERMINERS = frozenset({"какой", "каков", "который", "чей", "сколько"})


def _focus_position(words: list[str], lemmas: list[str]) -> int | None:
    """Position of the noun right after «какой/который/чей» (adjectives skipped)."""
    for i, lem in enumerate(lemmas):
        if lem not in _WH_DETERMINERS:
            continue
        for j in range(i + 1, min(i + 4, len(words))):
            pos = parse(words[j]).tag.POS
            if pos == "NOUN":
                return j
            if pos not in ("ADJF", "PRTF", "NUMR"):
                break
    return None


@lru_cache(maxsize=1)
def _longest_cue() -> int:
    return max((len(k) for k in lexicon().cues), default=1)


def _find_cues(
    lemmas: list[str], skip: set[int] | None = None
) -> tuple[dict[str, bool], set[int]]:
    """Question-type cues (longest phrase first) → whether each is strong, and their words.

    Positions in ``skip`` (grammar phrases such as «в том числе») are not cues."""
    cues_map = lexicon().cues
    found: dict[str, bool] = {}
    used: set[int] = set(skip or ())
    longest = _longest_cue()
    i = 0
    while i < len(lemmas):
        if i in (skip or ()):
            i += 1
            continue
        for size in range(min(longest, len(lemmas) - i), 0, -1):
            cue = cues_map.get(tuple(lemmas[i : i + size]))
            if cue:
                name, strong = cue
                found[name] = found.get(name, False) or strong
                used.update(range(i, i + size))
                i += size
                break
        else:
            i += 1
    return found, used - set(skip or ())


def analyze_question(text: str, vocab: Vocabulary) -> Query:
    """Turn a user's question into weighted terms, cues and entities."""
    lex = lexicon()
    corrections: dict[str, str] = {}
    budget = [MAX_REPAIRS]
    words: list[str] = []
    # a question is a sentence or two; a 4 KB message is read only as far as a question goes,
    # so a hostile text cannot make the search slow
    # «ch'ey», «obl'ast»: an apostrophe inside a Latin-typed word stands for the soft sign
    text = text[:MAX_QUESTION_CHARS]
    relaid = from_wrong_layout(
        text, lambda w: _russian_word(w, vocab), lambda w: _reads_latin(w, vocab)
    )
    if relaid is not None:
        # «ult ,eltn cktle.ofz» was typed with the Latin layout on: «где будет следующая»
        corrections[text] = relaid
        text = relaid
    text = _LATIN_APOSTROPHE.sub("", text)
    for _, word in _raw_tokens(text)[:MAX_QUESTION_WORDS]:
        words.extend(_fix_word(word, vocab, corrections, budget))
    lemmas = [lemma(w) for w in words]
    stems = [stem(w) for w in words]
    cues, cue_positions = _find_cues(lemmas, _in_grammar_phrases(words))
    numbers = number_tokens(" ".join(words))
    wants_speech = any(lem in _SPEECH for lem in lemmas) or bool(
        _ACCORDING.search(normalize(text))
    )
    # «смоляне», «витебчане»: a demonym stands for its region
    gaz = gazetteer()
    for i, lem in enumerate(lemmas):
        if parse(words[i]).tag.POS != "NOUN":
            continue
        for target in sorted(lex.related.get(lem, ())):
            if (target,) in gaz.by_lemmas and (lem,) not in gaz.by_lemmas:
                lemmas[i], stems[i] = target, stem(target)
                break
    spans = gazetteer().find(lemmas, stems)
    terms: list[Term] = []
    covered: set[int] = set()
    taken = {i for s0, e0, _ in spans for i in range(s0, e0)}
    for i, st in enumerate(stems):
        token = vocab.persons.get(st)
        if token is None or i in taken or len(words[i]) < 4:
            continue
        start = i - 1 if i > 0 and "Name" in parse(words[i - 1]).tag else i
        covered.update(range(start, i + 1))
        df = vocab.lemma_df(token)
        terms.append(
            Term(
                surface=" ".join(words[start : i + 1]),
                lemma=token,
                stem=token,
                weight=_idf(vocab.passages, df) if df else _idf(vocab.passages, 0),
                entity=token,
                known=df > 0,
                specific=True,
            )
        )
    entities: list[str] = []
    unknown_entities: list[str] = []
    n = vocab.passages
    max_weight = _idf(n, 0)
    for start, end, key in spans:
        covered.update(range(start, end))
        token = entity_token(key)
        df = vocab.lemma_df(token)
        if df:
            entities.append(key)
        else:
            unknown_entities.append(key)
        terms.append(
            Term(
                surface=" ".join(words[start:end]),
                lemma=token,
                stem=token,
                weight=_idf(n, df) if df else max_weight,
                entity=token,
                known=df > 0,
                specific=True,
            )
        )
    seen: set[str] = set()
    focus_at = _focus_position(words, lemmas)
    grammar = _in_grammar_phrases(words)
    for i, (word, lem, st) in enumerate(zip(words, lemmas, stems, strict=True)):
        if i in grammar:
            continue
        if i in covered or lem in lex.stopwords or word in lex.stopwords or lem in seen:
            continue
        if is_function_word(word):
            continue
        if i in cue_positions and (lem in lex.stopwords or lem in lex.frame_words):
            # «в каком городе», «какие даты», «сколько стоит»: the frame of the question
            # says what kind of answer is wanted, not what it is about
            continue
        if word.isdigit() and len(word) == 4 and word.startswith(("19", "20")):
            pass  # a year names an edition or a period: «в 2026 году» must match «2026»
        elif word.isdigit() or lemma(word) in _SPELLED or (lem in _SCALE and numbers):
            continue
        if len(word) == 1:
            continue
        seen.add(lem)
        alternatives = (_alternative_lemmas(word) | aspect_partners(lem)) - {lem}
        if parse(word).tag.POS in ("VERB", "INFN", "GRND", "PRTF", "PRTS"):
            # «кто будет строить» ~ «по строительству»: the verb's noun, if the corpus has it
            alternatives |= {n for n in deverbal_nouns(lem) if vocab.lemma_df(n)}
        expansions = lex.abbreviations.get(lem) or lex.abbreviations.get(word, ())
        # «сп» → совместное предприятие: a phrase, met only when all of it is there
        phrase = tuple(w for w in expansions if w not in lex.stopwords)
        phrase = phrase if len(phrase) > 1 else ()
        single = expansions if not phrase else ()
        synonyms = set(lex.synonyms.get(lem, frozenset())) | set(single)
        for partner in aspect_partners(lem):
            synonyms |= lex.synonyms.get(partner, frozenset())
        related = set(lex.related.get(lem, frozenset()))
        df = max(vocab.lemma_df(lem), vocab.stem_df(st))
        if not df and alternatives:
            df = max(vocab.lemma_df(a) for a in alternatives)
        tag = parse(word).tag
        if not df and tag.POS in _PARAPHRASED:
            # «вёл переговоры» ~ «провёл переговоры»: the same verb with another prefix
            prefixed = [v for v in lemma_prefix_variants(lem) if vocab.lemma_df(v)]
            if prefixed:
                alternatives = alternatives | frozenset(prefixed)
                df = max(vocab.lemma_df(v) for v in prefixed)
        derived = vocab.derived(st) if not df and len(st) >= 5 else frozenset()
        if derived:
            # «тормоза» ~ «тормозные», «лифтовики» ~ «лифтового»: one root, another suffix
            df = max(vocab.stem_df(d) for d in derived)
        if not df and phrase and all(vocab.lemma_df(w) for w in phrase):
            df = min(vocab.lemma_df(w) for w in phrase)
        present = [vocab.lemma_df(s) for s in synonyms | related]
        present = [d for d in present if d > 0]
        if df:
            weight = _idf(n, df)
        elif present:
            weight = _idf(n, max(present))
        elif tag.POS in _PARAPHRASED and is_known_word(word) and "person" not in cues:
            # (but in «кто модерировал …?» the verb is the whole question)
            # verbs and adverbs are paraphrased all the time; an unknown one says little —
            # except in «кто модерировал …?», where the verb is the whole question
            weight = UNKNOWN_VERB_WEIGHT * max_weight
        elif tag.POS in ("ADJF", "ADJS") and is_known_word(word):
            # an unknown modifier («последние слова») narrows, it rarely changes the topic
            weight = UNKNOWN_ADJECTIVE_WEIGHT * max_weight
        else:
            # a thing the articles never name (погода, парковка): the question is elsewhere
            weight = UNKNOWN_NOUN_WEIGHT * max_weight
        known = df > 0 or bool(present)
        # names, places and organisations the articles never mention make the question
        # unanswerable; an unknown ordinary word only weighs heavily
        specific = not word.isdigit() and (
            any(g in tag for g in _PROPER) or lem in lex.abbreviations and not known
        )
        terms.append(
            Term(
                surface=word,
                lemma=lem,
                stem=st,
                weight=weight,
                synonyms=frozenset(s for s in synonyms if s != lem),
                related=frozenset(related),
                known=known,
                specific=specific,
                variants=prefix_variants(st) if tag.POS in _PARAPHRASED else frozenset(),
                alternatives=frozenset(alternatives),
                phrase=tuple(phrase),
                derived=derived,
                focus=i == focus_at,
            )
        )
    for token in numbers:
        df = vocab.lemma_df(token)
        terms.append(
            Term(token, token, token, _idf(n, df) if df else 1.0, known=df > 0, specific=False)
        )
    return Query(
        text=text,
        terms=tuple(terms),
        cues=frozenset(cues),
        strong_cues=frozenset(c for c, strong in cues.items() if strong),
        entities=tuple(entities),
        unknown_entities=tuple(unknown_entities),
        corrections=corrections,
        wants_speech=wants_speech,
    )


@lru_cache(maxsize=50_000)
def _alternative_lemmas(word: str) -> frozenset[str]:
    """Other plausible dictionary forms of an ambiguous word: «банки» → банк, банка."""
    from .normalize import morph

    totals: dict[str, float] = {}
    for p in morph().parse(word):
        if p.tag.POS in ("NOUN", "VERB", "INFN", "ADJF"):
            form = str(p.normal_form).replace("ё", "е")
            totals[form] = totals.get(form, 0.0) + p.score
    return frozenset(form for form, score in totals.items() if score >= 0.1)


_PREFIXES = (
    "за", "по", "при", "на", "вы", "с", "о", "об", "про", "под", "пере", "до", "от", "раз",
    "рас", "из", "ис", "в", "во", "у", "недо", "пре",
)  # fmt: skip


def aspect_partners(verb: str) -> frozenset[str]:
    """The other aspect by suffix: выступать ↔ выступить, подписывать ↔ подписать,
    показывать ↔ показать (candidates; the corpus or the lexicon decides which exist)."""
    if len(verb) < 6 or not verb.endswith("ть"):
        return frozenset()
    found: set[str] = set()
    if verb.endswith(("ывать", "ивать")):
        found |= {verb[:-5] + "ать", verb[:-5] + "ить"}
    elif verb.endswith("ать"):
        found.add(verb[:-3] + "ить")
    elif verb.endswith("ить"):
        found.add(verb[:-3] + "ать")
    return frozenset(found)


_NOMINALISATIONS = (
    ("овать", ("ование",)),
    ("ывать", ("ывание",)),
    ("ивать", ("ивание",)),
    ("ать", ("ание", "ательство")),
    ("ять", ("яние",)),
    ("ить", ("ение", "ительство", "ка")),
    ("еть", ("ение",)),
    ("ыть", ("ытие",)),
    ("уть", ("утие",)),
)


def deverbal_nouns(verb: str) -> frozenset[str]:
    """The nouns Russian makes of a verb, as candidates: строить → строение, строительство;
    подписать → подписание; открыть → открытие (the corpus decides which exist)."""
    base = verb[:-2] if verb.endswith(("ться", "тись")) else verb
    for ending, suffixes in _NOMINALISATIONS:
        if base.endswith(ending) and len(base) > len(ending) + 1:
            root = base[: -len(ending)]
            return frozenset(root + s for s in suffixes)
    return frozenset()


def lemma_prefix_variants(verb: str) -> frozenset[str]:
    """Verbs differing by a prefix: «вести» → провести, привести, … (to test in the corpus)."""
    if len(verb) < 4 or not verb.isalpha():
        return frozenset()
    found = {p + verb for p in _PREFIXES}
    found |= {verb[len(p) :] for p in _PREFIXES if verb.startswith(p) and len(verb) - len(p) >= 4}
    found.discard(verb)
    return frozenset(found)


def prefix_variants(stem_: str) -> frozenset[str]:
    """Stems differing by a verbal prefix: планир ↔ запланир, участв ↔ поучаств."""
    if len(stem_) < 4 or not stem_.isalpha():
        return frozenset()
    found = {p + stem_ for p in _PREFIXES}
    for p in _PREFIXES:
        if stem_.startswith(p) and len(stem_) - len(p) >= 4:
            found.add(stem_[len(p) :])
    found.discard(stem_)
    return frozenset(found)


def _idf(n: int, df: int) -> float:
    import math

    return math.log(1.0 + (n + 1) / (df + 0.5))
