"""Question analysis stage: a user's question → weighted terms, cues and entities.

``analyze_question`` runs the named steps of ``STEPS`` over a ``Draft`` of the question, in
order: read it (on the right keyboard layout) and its words, repairing them; find the cue
phrases (сколько → a number, когда → a date), read the numbers, notice reported speech, turn
demonyms into their regions, find places, then make terms of the people, the places, the
other words and the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..analysis import entity_token, grammar_positions, is_function_word, raw_tokens
from ..answer_types import ACCORDING, speech_verbs
from ..layout import from_wrong_layout
from ..lexicon import gazetteer, lexicon, word_list
from ..normalize import is_known_word, lemma, normalize, parse, stem
from ..numbers import number_tokens, scales, spelled_numbers
from .query import Query, Term, Vocabulary
from .repair import LATIN_APOSTROPHE, PROPER, fix_word, reads_latin, russian_word
from .wordforms import (
    alternative_lemmas,
    aspect_partners,
    deverbal_nouns,
    lemma_prefix_variants,
    prefix_variants,
)

__all__ = ["STEPS", "Draft", "analyze_question", "find_cues"]

MAX_QUESTION_CHARS = 400
MAX_QUESTION_WORDS = 40
MAX_REPAIRS = 6
UNKNOWN_NOUN_WEIGHT = 1.5
UNKNOWN_VERB_WEIGHT = 0.5
UNKNOWN_ADJECTIVE_WEIGHT = 0.8
_PARAPHRASED = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND", "ADVB", "PRED", "COMP"})
_VERBAL = ("VERB", "INFN", "GRND", "PRTF", "PRTS")


@dataclass
class Draft:
    """A question being analysed: what the steps read and add."""

    text: str
    vocab: Vocabulary
    words: list[str] = field(default_factory=list)
    lemmas: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    grammar: set[int] = field(default_factory=set)  # words of grammar phrases («по итогам»)
    cues: dict[str, bool] = field(default_factory=dict)  # cue → strong
    cue_positions: set[int] = field(default_factory=set)
    numbers: list[str] = field(default_factory=list)
    wants_speech: bool = False
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # places (start, end, key)
    covered: set[int] = field(default_factory=set)  # words already part of a term
    terms: list[Term] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    unknown_entities: list[str] = field(default_factory=list)

    def query(self) -> Query:
        """The finished analysis."""
        return Query(
            text=self.text,
            terms=tuple(self.terms),
            cues=frozenset(self.cues),
            strong_cues=frozenset(c for c, strong in self.cues.items() if strong),
            entities=tuple(self.entities),
            unknown_entities=tuple(self.unknown_entities),
            corrections=self.corrections,
            wants_speech=self.wants_speech,
        )


def read_layout(d: Draft) -> None:
    """The question as far as a question goes (a 4 KB message is read only that far, so a
    hostile text cannot make the search slow), re-read on the Russian keyboard layout when it
    was typed with the Latin one on («ult ,eltn cktle.ofz» → «где будет следующая»)."""
    d.text = d.text[:MAX_QUESTION_CHARS]
    relaid = from_wrong_layout(
        d.text, lambda w: russian_word(w, d.vocab), lambda w: reads_latin(w, d.vocab)
    )
    if relaid is not None:
        d.corrections[d.text] = relaid
        d.text = relaid


def read_words(d: Draft) -> None:
    """Words of the question, typos repaired and run-together words split («ch'ey»,
    «obl'ast»: an apostrophe inside a Latin-typed word stands for the soft sign)."""
    budget = [MAX_REPAIRS]
    d.text = LATIN_APOSTROPHE.sub("", d.text)
    for _, word in raw_tokens(d.text)[:MAX_QUESTION_WORDS]:
        d.words.extend(fix_word(word, d.vocab, d.corrections, budget))
    d.lemmas = [lemma(w) for w in d.words]
    d.stems = [stem(w) for w in d.words]
    d.grammar = grammar_positions(d.words)


def read_cues(d: Draft) -> None:
    """What kind of answer is wanted: «сколько» → a number, «когда» → a date …"""
    d.cues, d.cue_positions = find_cues(d.lemmas, d.grammar)


def read_numbers(d: Draft) -> None:
    """The numbers of the question, in the index's tokens («14 тыс.» → n14000)."""
    d.numbers = number_tokens(" ".join(d.words))


def read_speech(d: Draft) -> None:
    """«что сказал …», «по словам …»: a quote is wanted."""
    d.wants_speech = any(lem in speech_verbs() for lem in d.lemmas) or bool(
        ACCORDING.search(normalize(d.text))
    )


def read_demonyms(d: Draft) -> None:
    """«смоляне», «витебчане»: a demonym stands for its region."""
    gaz = gazetteer()
    related = lexicon().related
    for i, lem in enumerate(d.lemmas):
        if parse(d.words[i]).tag.POS != "NOUN":
            continue
        for target in sorted(related.get(lem, ())):
            if (target,) in gaz.by_lemmas and (lem,) not in gaz.by_lemmas:
                d.lemmas[i], d.stems[i] = target, stem(target)
                break


def read_places(d: Draft) -> None:
    """Regions, countries and cities named in any case form."""
    d.spans = gazetteer().find(d.lemmas, d.stems)


def person_terms(d: Draft) -> None:
    """People the articles name, by surname (with a first name before it, if any)."""
    vocab, words = d.vocab, d.words
    taken = {i for s0, e0, _ in d.spans for i in range(s0, e0)}
    for i, st in enumerate(d.stems):
        token = vocab.persons.get(st)
        if token is None or i in taken or len(words[i]) < 4:
            continue
        start = i - 1 if i > 0 and "Name" in parse(words[i - 1]).tag else i
        d.covered.update(range(start, i + 1))
        df = vocab.lemma_df(token)
        d.terms.append(
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


def place_terms(d: Draft) -> None:
    """The places; one the articles never mention makes the question unanswerable."""
    n = d.vocab.passages
    for start, end, key in d.spans:
        d.covered.update(range(start, end))
        token = entity_token(key)
        df = d.vocab.lemma_df(token)
        (d.entities if df else d.unknown_entities).append(key)
        d.terms.append(
            Term(
                surface=" ".join(d.words[start:end]),
                lemma=token,
                stem=token,
                weight=_idf(n, df) if df else _idf(n, 0),
                entity=token,
                known=df > 0,
                specific=True,
            )
        )


def word_terms(d: Draft) -> None:
    """Terms of the other content words (not grammar, cue frames, numbers or stop words)."""
    lex = lexicon()
    seen: set[str] = set()
    focus_at = _focus_position(d.words, d.lemmas)
    for i, (word, lem, st) in enumerate(zip(d.words, d.lemmas, d.stems, strict=True)):
        if i in d.grammar:
            continue
        if i in d.covered or lem in lex.stopwords or word in lex.stopwords or lem in seen:
            continue
        if is_function_word(word):
            continue
        if i in d.cue_positions and (lem in lex.stopwords or lem in lex.frame_words):
            # «в каком городе», «какие даты», «сколько стоит»: the frame of the question
            # says what kind of answer is wanted, not what it is about
            continue
        if word.isdigit() and len(word) == 4 and word.startswith(("19", "20")):
            pass  # a year names an edition or a period: «в 2026 году» must match «2026»
        elif word.isdigit() or lemma(word) in spelled_numbers() or (lem in scales() and d.numbers):
            continue
        if len(word) == 1:
            continue
        seen.add(lem)
        d.terms.append(_word_term(d, word, lem, st, focus=i == focus_at))


def number_terms(d: Draft) -> None:
    """The numbers, as terms of their own."""
    n = d.vocab.passages
    for token in d.numbers:
        df = d.vocab.lemma_df(token)
        d.terms.append(
            Term(token, token, token, _idf(n, df) if df else 1.0, known=df > 0, specific=False)
        )


STEPS: tuple[Callable[[Draft], None], ...] = (
    read_layout,
    read_words,
    read_cues,
    read_numbers,
    read_speech,
    read_demonyms,
    read_places,
    person_terms,
    place_terms,
    word_terms,
    number_terms,
)


def analyze_question(text: str, vocab: Vocabulary) -> Query:
    """Turn a user's question into weighted terms, cues and entities."""
    draft = Draft(text, vocab)
    for step in STEPS:
        step(draft)
    return draft.query()


# ---------------------------------------------------------------------------- one word


@dataclass(frozen=True, slots=True)
class _Meanings:
    """What a word may stand for besides itself."""

    alternatives: frozenset[str]
    phrase: tuple[str, ...]
    synonyms: set[str]
    related: set[str]


def _meanings(word: str, lem: str, vocab: Vocabulary) -> _Meanings:
    lex = lexicon()
    alternatives = (alternative_lemmas(word) | aspect_partners(lem)) - {lem}
    if parse(word).tag.POS in _VERBAL:
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
    return _Meanings(alternatives, phrase, synonyms, related)


def _word_term(d: Draft, word: str, lem: str, st: str, focus: bool) -> Term:
    """The term of one content word: its meanings, how common it is, its weight."""
    vocab = d.vocab
    meanings = _meanings(word, lem, vocab)
    alternatives, phrase = meanings.alternatives, meanings.phrase
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
        df = max(vocab.stem_df(x) for x in derived)
    if not df and phrase and all(vocab.lemma_df(w) for w in phrase):
        df = min(vocab.lemma_df(w) for w in phrase)
    present = [vocab.lemma_df(s) for s in meanings.synonyms | meanings.related]
    present = [x for x in present if x > 0]
    known = df > 0 or bool(present)
    lex = lexicon()
    return Term(
        surface=word,
        lemma=lem,
        stem=st,
        weight=_weight(d, word, tag, df, present),
        synonyms=frozenset(s for s in meanings.synonyms if s != lem),
        related=frozenset(meanings.related),
        known=known,
        # names, places and organisations the articles never mention make the question
        # unanswerable; an unknown ordinary word only weighs heavily
        specific=not word.isdigit() and (
            any(g in tag for g in PROPER) or lem in lex.abbreviations and not known
        ),
        variants=prefix_variants(st) if tag.POS in _PARAPHRASED else frozenset(),
        alternatives=frozenset(alternatives),
        phrase=tuple(phrase),
        derived=derived,
        focus=focus,
    )


def _weight(d: Draft, word: str, tag: object, df: int, present: list[int]) -> float:
    """Rarer words weigh more; a word the articles never use weighs by what it is."""
    n = d.vocab.passages
    max_weight = _idf(n, 0)
    pos = getattr(tag, "POS", None)
    if df:
        return _idf(n, df)
    if present:
        return _idf(n, max(present))
    if pos in _PARAPHRASED and is_known_word(word) and "person" not in d.cues:
        # verbs and adverbs are paraphrased all the time; an unknown one says little —
        # except in «кто модерировал …?», where the verb is the whole question
        return UNKNOWN_VERB_WEIGHT * max_weight
    if pos in ("ADJF", "ADJS") and is_known_word(word):
        # an unknown modifier («последние слова») narrows, it rarely changes the topic
        return UNKNOWN_ADJECTIVE_WEIGHT * max_weight
    # a thing the articles never name (погода, парковка): the question is elsewhere
    return UNKNOWN_NOUN_WEIGHT * max_weight


# ---------------------------------------------------------------------------- cues, focus


def _focus_position(words: list[str], lemmas: list[str]) -> int | None:
    """Position of the noun right after «какой/который/чей» (adjectives skipped)."""
    for i, lem in enumerate(lemmas):
        if lem not in word_list("wh_determiners"):
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


def find_cues(
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


def _idf(n: int, df: int) -> float:
    return math.log(1.0 + (n + 1) / (df + 0.5))
