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
from functools import lru_cache

from .lexicon import gazetteer, lexicon
from .normalize import is_known_word, lemma, normalize, parse, stem

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
_MONTHS = frozenset(
    {
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    }
)
_ANAPHORA = frozenset(
    {"это", "этот", "он", "она", "оно", "они", "там", "такой", "данный", "тот", "его", "их", "ее"}
)
_PROPER = ("Name", "Surn", "Patr", "Geox", "Orgn", "Trad")
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


def entity_token(key: str) -> str:
    """The index token standing for a gazetteer entity, whatever form the text used."""
    return "ent" + re.sub(r"[^a-z0-9]", "", key.lower())


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
    has_person: bool
    has_place: bool
    has_speech: bool
    anaphoric: bool


def _raw_tokens(text: str) -> list[tuple[str, str]]:
    """(original, normalised) word pairs, colloquial spellings resolved."""
    pairs: list[tuple[str, str]] = []
    for raw in _RAW_WORD.findall(text.replace("ё", "е").replace("Ё", "Е")):
        for word in _colloquial(normalize(raw)):
            pairs.append((raw, word))
    return pairs


def _is_date_number(words: list[str], lemmas: list[str], i: int) -> bool:
    word = words[i]
    nxt = lemmas[i + 1] if i + 1 < len(lemmas) else ""
    if nxt in _MONTHS or nxt == "год":
        return True
    if len(word) == 4 and word.startswith(("19", "20")):
        return True
    prev = lemmas[i - 1] if i else ""
    return prev in ("по", "с") and nxt in _MONTHS


def sentence_features(text: str) -> SentenceFeatures:
    """Index terms, entities and answer-type flags of one sentence."""
    lex = lexicon()
    pairs = _raw_tokens(text)
    words = [w for _, w in pairs]
    lemmas = [lemma(w) for w in words]
    stems = [stem(w) for w in words]
    index_lemmas: list[str] = []
    index_stems: list[str] = []
    for word, lem, st in zip(words, lemmas, stems, strict=True):
        if lem in lex.stopwords or word in lex.stopwords:
            continue
        index_lemmas.append(lem)
        index_stems.append(st)
        index_lemmas.extend(lex.abbreviations.get(lem, ()))
    entities = tuple(dict.fromkeys(k for _, _, k in gazetteer().find(lemmas, stems)))
    index_lemmas.extend(entity_token(k) for k in entities)
    has_number = any(
        w.isdigit() and not _is_date_number(words, lemmas, i) for i, w in enumerate(words)
    )
    has_date = any(lem in _MONTHS for lem in lemmas) or any(
        w.isdigit() and len(w) == 4 and w.startswith("20") for w in words
    )
    has_person = any(lem in lex.role_heads for lem in lemmas) or _has_name(pairs)
    has_place = bool(entities)
    has_speech = (
        any(lem in _SPEECH for lem in lemmas)
        and ("что" in words or any(q in text for q in "«\"“"))
    ) or text.rstrip().endswith(":")
    first = [lem for lem in lemmas[:3]]
    anaphoric = bool(first) and (
        first[0] in _ANAPHORA or (first[0] == "среди" and len(first) > 1 and first[1] in _ANAPHORA)
    )
    return SentenceFeatures(
        lemmas=tuple(index_lemmas),
        stems=tuple(index_stems),
        entities=entities,
        has_number=has_number,
        has_date=has_date,
        has_person=has_person,
        has_place=has_place,
        has_speech=has_speech,
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
    ) -> None:
        self.passages = max(passages, 1)
        self._lemma_df = lru_cache(maxsize=50_000)(lemma_df)
        self._stem_df = lru_cache(maxsize=50_000)(stem_df)
        self._correct = correct

    def lemma_df(self, value: str) -> int:
        """Passages containing the lemma (or entity token)."""
        return self._lemma_df(value)

    def stem_df(self, value: str) -> int:
        """Passages containing the stem."""
        return self._stem_df(value)

    def correct(self, word: str, min_score: int) -> str | None:
        """Closest corpus spelling of a word, if one is close enough."""
        return self._correct(word, min_score)

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
            lemmas.extend(term.synonyms)
            lemmas.extend(term.related)
            stems.append(term.stem)
        return list(dict.fromkeys(lemmas)), list(dict.fromkeys(stems))


def _segment(word: str, vocab: Vocabulary) -> list[str] | None:
    """Split a run-together word («гдепройдет») into two known words, if possible."""
    lex = lexicon()
    best: tuple[int, list[str]] | None = None
    for cut in range(2, len(word) - 1):
        left, right = word[:cut], word[cut:]
        left_ok = left in lex.stopwords or (
            len(left) > 2 and is_known_word(left) and vocab.knows(left)
        )
        right_ok = right in lex.stopwords or (
            len(right) > 2 and (is_known_word(right) or vocab.knows(right))
        )
        if left_ok and right_ok:
            score = min(len(left), len(right))
            if best is None or score > best[0]:
                best = (score, [left, right])
    return best[1] if best else None


def _fix_word(word: str, vocab: Vocabulary, corrections: dict[str, str]) -> list[str]:
    """Typo correction and segmentation of one normalised question word."""
    lex = lexicon()
    if word.isdigit() or len(word) < 3 or word in lex.stopwords:
        return [word]
    in_corpus = vocab.knows(word)
    if in_corpus or lemma(word) in lex.vocabulary or word in lex.vocabulary:
        return [word]
    known = is_known_word(word)
    proper = any(g in parse(word).tag for g in _PROPER)
    if known and not proper:
        return [word]
    if len(word) >= 4:
        fixed = vocab.correct(word, 90 if known else 78)
        if fixed and fixed != word:
            corrections[word] = fixed
            return [fixed]
    if not known and len(word) >= 6:
        parts = _segment(word, vocab)
        if parts:
            corrections[word] = " ".join(parts)
            return parts
    return [word]


def _find_cues(lemmas: list[str]) -> tuple[set[str], set[int]]:
    cues_map = lexicon().cues
    found: set[str] = set()
    used: set[int] = set()
    longest = max((len(k) for k in cues_map), default=1)
    i = 0
    while i < len(lemmas):
        for size in range(min(longest, len(lemmas) - i), 0, -1):
            cue = cues_map.get(tuple(lemmas[i : i + size]))
            if cue:
                found.add(cue)
                used.update(range(i, i + size))
                i += size
                break
        else:
            i += 1
    return found, used


def analyze_question(text: str, vocab: Vocabulary) -> Query:
    """Turn a user's question into weighted terms, cues and entities."""
    lex = lexicon()
    corrections: dict[str, str] = {}
    words: list[str] = []
    for _, word in _raw_tokens(text[:1000]):
        words.extend(_fix_word(word, vocab, corrections))
    lemmas = [lemma(w) for w in words]
    stems = [stem(w) for w in words]
    cues, cue_positions = _find_cues(lemmas)
    wants_speech = any(lem in _SPEECH for lem in lemmas)
    spans = gazetteer().find(lemmas, stems)
    covered: set[int] = set()
    entities: list[str] = []
    unknown_entities: list[str] = []
    terms: list[Term] = []
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
    for i, (word, lem, st) in enumerate(zip(words, lemmas, stems, strict=True)):
        if i in covered or lem in lex.stopwords or word in lex.stopwords or lem in seen:
            continue
        if i in cue_positions and lem in lex.stopwords:
            continue
        if len(word) == 1 and not word.isdigit():
            continue
        seen.add(lem)
        expansions = lex.abbreviations.get(lem, ())
        synonyms = set(lex.synonyms.get(lem, frozenset())) | set(expansions)
        related = set(lex.related.get(lem, frozenset()))
        df = max(vocab.lemma_df(lem), vocab.stem_df(st))
        present = [vocab.lemma_df(s) for s in synonyms | related]
        present = [d for d in present if d > 0]
        if df:
            weight = _idf(n, df)
        elif present:
            weight = _idf(n, max(present))
        else:
            weight = max_weight
        known = df > 0 or bool(present)
        tag = parse(word).tag
        latin = word.isascii() and word.isalpha()
        specific = not word.isdigit() and (
            latin or any(g in tag for g in _PROPER) or not is_known_word(word)
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
            )
        )
    return Query(
        text=text,
        terms=tuple(terms),
        cues=frozenset(cues),
        entities=tuple(entities),
        unknown_entities=tuple(unknown_entities),
        corrections=corrections,
        wants_speech=wants_speech,
    )


def _idf(n: int, df: int) -> float:
    import math

    return math.log(1.0 + (n + 1) / (df + 0.5))
