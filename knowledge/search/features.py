"""Features stage: what a candidate snippet has of what the question asks, as named values.

A candidate is a sentence found by FTS5, alone or with the sentence before or after it (news
text often puts the subject in one sentence and the figure in the next: «Это предприятие …»).
Each such unit gets a ``UnitFeatures`` record — term coverage, the answer types it holds,
entity and person matches, list and role evidence, the neighbour's part — from which the
scoring stage computes its score and the decision stage whether to answer at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..answer_types import ANSWER_TYPES, REQUIRED
from ..lexicon import category_kinds, word_list
from .lexical import (
    agreement_vocabulary,
    asks_agreement,
    entity_kind,
    may_be_plural,
    places_of,
    pos,
    restrictive_adjectives,
    text_lemmas,
)
from .query import Query, Term
from .snippets import MAX_SNIPPET, clipped, fit_context
from .store import Row

__all__ = [
    "Candidate",
    "Plan",
    "UnitFeatures",
    "describe_units",
    "match",
    "modifier_nouns",
    "plan_for",
    "required_types",
    "term_weight",
    "unrequested_modifier",
]

# Verbs are paraphrased far more often than nouns; they weigh less.
POS_WEIGHT = {"VERB": 0.6, "INFN": 0.6, "PRTF": 0.6, "PRTS": 0.6, "GRND": 0.6, "ADVB": 0.5}
# …and an adjective narrows its noun, the noun is what the question is about.
ADJECTIVE_WEIGHT = 0.75
# …and the noun a «какой …?» asks about is what the answer must be about.
FOCUS_WEIGHT = 1.5
# a place every article names (the host city, the two countries) weighs less
AMBIENT_WEIGHT = 0.3
# a sentence of an article about Vitebsk is about Vitebsk, named or not
ARTICLE_ENTITY = 0.6
# a sentence naming a person of the place a «кто <verb> <place>?» asks about
PERSON_OF_PLACE_MATCH = 0.85
_PARAPHRASED_POS = frozenset(POS_WEIGHT)
_VERB_POS = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND"})
# a list question: how many named things of the asked kind count at most
LIST_CAP = 5
# «в какой стране …» is answered by a sentence naming a country (read once: every term is
# matched against every candidate passage)
_CATEGORY_KINDS = category_kinds()


class UnitFeatures(NamedTuple):
    """Everything the score and the decision are computed from, for one candidate unit."""

    coverage: float  # weighted share of the question's terms the unit matches
    content: float  # …of what it asks about (its words other than names of places, people)
    answer_types: tuple[str, ...]  # answer types asked and held, in the question's cue order
    undated: bool  # a date is asked and held, but no day («по итогам 2024 года»)
    person: bool  # names the person a role question turned out to be about
    listed: int  # a list question: things of the asked kind named (≤ 5); -1: not a list question
    role_stated: bool  # holds a passage stating the role of a person the question names
    verified: bool  # holds a passage where the people index says the role is stated
    satisfied: bool  # holds the kind of value a strong cue requires (сколько → a number …)
    pair_penalty: float  # two sentences cost a little more than one
    neighbour: float  # the weight of the neighbour sentence's words (0: a sentence alone)
    neighbour_gain: float  # coverage the neighbour adds to the sentence alone (0: unknown)
    modifier: bool = False  # second look: narrowed by a modifier the question did not ask for
    best_figure: bool = False  # second look: holds the figure counting exactly what was asked

    def as_dict(self) -> dict[str, float]:
        """The features as named floats (one per answer type), for models and reports."""
        values = {
            "coverage": self.coverage,
            "content": self.content,
            "undated": float(self.undated),
            "person": float(self.person),
            "listed": float(self.listed),
            "role_stated": float(self.role_stated),
            "verified": float(self.verified),
            "satisfied": float(self.satisfied),
            "pair_penalty": self.pair_penalty,
            "neighbour": self.neighbour,
            "neighbour_gain": self.neighbour_gain,
            "modifier": float(self.modifier),
            "best_figure": float(self.best_figure),
        }
        values.update({f"type_{t.name}": float(t.name in self.answer_types) for t in ANSWER_TYPES})
        return values


# A unit of one or more consecutive sentences (rows, the texts shown) with its features.
Candidate = tuple[tuple[Row, ...], tuple[str, ...], UnitFeatures]


class Plan(NamedTuple):
    """What the features need to know about a question, worked out once per question (a
    tuple: the unit loop unpacks it in one step)."""

    terms: tuple[Term, ...]
    weights: list[float]
    total: float
    content_idx: list[int]
    content_total: float
    cue_order: tuple[str, ...]  # the answer types asked for, in the order bonuses add up
    wanted_flags: frozenset[str]
    required: frozenset[str]
    list_kinds: frozenset[str]
    person_of_place: bool
    strict_entities: tuple[str, ...]
    counted_ok: set[int] | None
    counting: set[int]
    role_ids: set[int]
    verified: set[int]
    boost: frozenset[str]


def term_weight(term: Term) -> float:
    """How much a term of the question counts (before the ambient discount)."""
    if term.entity:
        return term.weight * 1.2
    if not term.known:
        return term.weight  # already set by how much an unknown word of its kind matters
    if term.focus:
        return term.weight * FOCUS_WEIGHT
    kind = pos(term)
    if kind in ("ADJF", "ADJS"):
        return term.weight * ADJECTIVE_WEIGHT
    return term.weight * POS_WEIGHT.get(kind, 1.0)


def match(term: Term, row: Row) -> float:
    """How well a passage matches one term: 1 for the word itself, less for a synonym, a
    related word, another form of the root; an entity of the article counts part way.

    (Called for every term and candidate passage: ``isdisjoint`` tests overlap without
    building the intersection.)"""
    if term.entity:
        if term.entity in row.lemmas:
            return 1.0
        return ARTICLE_ENTITY if term.entity in row.article_regions else 0.0
    lemmas = row.lemmas
    kinds = _CATEGORY_KINDS.get(term.lemma)
    if kinds and not kinds.isdisjoint(row.kinds):
        # «в какой стране …» is answered by a sentence naming a country
        return 1.0 if term.focus else 0.85
    if term.lemma in lemmas or term.stem in row.stems:
        return 1.0
    if not term.alternatives.isdisjoint(lemmas):
        return 0.95
    if term.phrase and all(w in lemmas for w in term.phrase):
        return 0.95
    if not term.synonyms.isdisjoint(lemmas):
        return 0.85
    if "agreement" in row.flags and term.lemma in agreement_vocabulary():
        # the passage reports an agreement, whatever words it uses («стороны определили…»)
        return 0.85
    if (
        not term.related.isdisjoint(lemmas)
        or not term.variants.isdisjoint(row.stems)
        or not term.derived.isdisjoint(row.stems)
    ):
        return 0.7
    return 0.0


def required_types(query: Query) -> frozenset[str]:
    """The answer types a snippet must hold at all (a strong «сколько», «когда» …)."""
    required = query.strong_cues & REQUIRED
    counted = {t.lemma for t in query.terms if t.focus}
    if "count" in required and counted and counted <= word_list("time_units"):
        # «сколько дней длилась выставка» is answered by its dates
        required = (required - {"count"}) | {"date"}
    return required


def plan_for(
    query: Query,
    ambient: frozenset[str],
    counted: tuple[set[int] | None, set[int]],
    role_passages: dict[str, set[int]],
    stated: Sequence[int],
    boost: frozenset[str],
) -> Plan:
    """The per-question part of the features.

    :param counted: passages with a figure counting what is asked (``None``: no candidate
        counts it) and passages with any figure (``Facts.counted_passages``).
    :param stated: passages where a verified role question's answer is stated.
    :param boost: surname stems of the people a role question is about.
    """
    terms = query.terms
    weights = [term_weight(t) * (AMBIENT_WEIGHT if t.entity in ambient else 1.0) for t in terms]
    # what the question asks about: its words other than names, minus unknown verbs
    # (a verb the articles never use is most likely a paraphrase, not a new topic)
    content_idx = [
        i
        for i, t in enumerate(terms)
        if not t.entity and (t.known or pos(t) not in _PARAPHRASED_POS)
    ]
    cues = set(query.cues)
    if query.wants_speech:
        cues.add("speech")
    if asks_agreement(query) and "count" not in cues:
        cues.add("agreement")
    role_ids: set[int] = set()
    if "person" in cues:
        for t in terms:
            if t.entity and t.entity in role_passages:
                role_ids |= role_passages[t.entity]
    return Plan(
        terms=terms,
        weights=weights,
        total=sum(weights) or 1.0,
        content_idx=content_idx,
        content_total=sum(weights[i] for i in content_idx),
        cue_order=tuple(cues),
        wanted_flags=frozenset(cues | {"agreement", "person"}),
        required=required_types(query),
        list_kinds=_list_kinds(query),
        person_of_place=_person_of_place(query, content_idx),
        strict_entities=tuple(
            t.entity for t in terms if t.entity and t.known and t.entity not in ambient
        ),
        counted_ok=counted[0],
        counting=counted[1],
        role_ids=role_ids,
        verified=set(stated),
        boost=boost,
    )


def _list_kinds(query: Query) -> frozenset[str]:
    """«какие страны участвовали?»: the kinds of entity a list question asks to name."""
    return frozenset().union(
        *(
            category_kinds()[t.lemma]
            for t in query.terms
            if t.focus and t.lemma in category_kinds() and may_be_plural(t.surface)
        )
    )


def _person_of_place(query: Query, content_idx: list[int]) -> bool:
    """«кто представлял Кубу?», «кто приехал из Ирана?»: only a verb beside a place — a
    sentence naming a person of that place answers it, whatever its verb."""
    return (
        "person" in query.strong_cues
        and bool(places_of(query))
        and not any(t.entity and not t.entity.startswith("ent") for t in query.terms)
        and bool(content_idx)
        and all(pos(query.terms[i]) in _VERB_POS for i in content_idx)
    )


def describe_units(plan: Plan, ids: Sequence[int], rows: dict[int, Row]) -> list[Candidate]:
    """Every unit of every candidate passage (alone, with the sentence before, with the one
    after) that may answer, with its features."""
    terms = plan.terms
    vectors: dict[int, list[float]] = {}  # each passage's term matches, worked out once
    found: list[Candidate] = []
    for pid in ids:
        row = rows.get(pid)
        if row is None:
            continue
        own = vectors.get(pid)
        if own is None:
            own = vectors[pid] = [match(t, row) for t in terms]
        alone = -1.0
        for unit_rows, texts, matches, penalty, factor in _options(plan, row, own, rows, vectors):
            features = _describe(plan, row, unit_rows, matches, penalty, factor, alone)
            if features is None:
                continue
            if factor == 0.0:
                alone = features.coverage
            found.append((unit_rows, texts, features))
    return found


_Option = tuple[tuple[Row, ...], tuple[str, ...], list[float], float, float]


def _options(
    plan: Plan,
    row: Row,
    own: list[float],
    rows: dict[int, Row],
    vectors: dict[int, list[float]],
) -> list[_Option]:
    """The sentence alone, and with each neighbour worth showing: (rows, texts shown, term
    matches, the cost of two sentences, the weight of the neighbour's words)."""
    options: list[_Option] = [((row,), (row.text,), own, 0.0, 0.0)]
    for other, first in ((rows.get(row.id - 1), False), (rows.get(row.id + 1), True)):
        if other is None or other.article_id != row.article_id:
            continue
        theirs = vectors.get(other.id)
        if theirs is None:
            theirs = vectors[other.id] = [match(t, other) for t in plan.terms]
        # a neighbour is only worth scoring if it adds a word or a kind of answer
        adds_flag = bool((other.flags - row.flags) & plan.wanted_flags)
        adds_words = any(o > m for o, m in zip(theirs, own, strict=True))
        if not adds_flag and not adds_words:
            continue
        leaning = (other if first else row).anaphoric
        factor = _partner_factor(leaning, other.paragraph == row.paragraph)
        room = MAX_SNIPPET - len(row.text) - 1
        # a neighbour that supplies words of the question is shown whole; one that only
        # gives context may be cut to a clause
        shown = fit_context(other.text, room, tail=not first)
        if not shown:
            continue
        if shown != other.text and adds_words:
            # score the neighbour by the part that is actually shown
            cut = clipped(other, shown)
            theirs = [match(t, cut) for t in plan.terms]
        pair = (row, other) if first else (other, row)
        options.append(
            (
                pair,
                (row.text, shown) if first else (shown, row.text),
                [max(m, factor * o) for m, o in zip(own, theirs, strict=True)],
                _penalty(*pair),
                factor,
            )
        )
    return options


def _describe(
    plan: Plan,
    row: Row,
    unit_rows: tuple[Row, ...],
    matches: list[float],
    penalty: float,
    factor: float,
    alone: float,
) -> UnitFeatures | None:
    """The features of one unit; ``None`` when it is not about a region the question names.

    ``alone`` is the coverage of the candidate sentence alone (-1 when it was not a unit):
    what a neighbour adds is measured against it."""
    (
        _, weights, total, content_idx, content_total, cue_order, _, required, list_kinds,
        person_of_place, strict, _, _, role_ids, verified, boost,
    ) = plan  # fmt: skip
    flags = unit_rows[0].flags.union(*(r.flags for r in unit_rows[1:]))
    if person_of_place and "person" in flags:
        matches = [
            max(m, PERSON_OF_PLACE_MATCH) if i in content_idx else m
            for i, m in enumerate(matches)
        ]
    # a region the question names must be what the snippet (or its article) is about
    if strict and any(
        e not in row.article_regions and all(e not in r.lemmas for r in unit_rows)
        for e in strict
    ):
        return None
    satisfied = required <= flags
    if satisfied and "count" in required:
        satisfied = _counted(plan, unit_rows)
    coverage = sum(w * m for w, m in zip(weights, matches, strict=True)) / total
    content = (
        sum(weights[i] * matches[i] for i in content_idx) / content_total
        if content_total
        else 1.0
    )
    # tuple.__new__ straight away: NamedTuple's own __new__ is a Python function, and this
    # runs for every candidate unit (the fields in their declared order)
    return tuple.__new__(
        UnitFeatures,
        (
            coverage,
            content,
            tuple([c for c in cue_order if c in flags]) if cue_order else (),
            "date" in cue_order and "date" in flags and "day" not in flags,
            bool(boost) and any(r.stems & boost for r in unit_rows),
            _listed(plan, unit_rows) if list_kinds else -1,
            bool(role_ids) and any(r.id in role_ids for r in unit_rows),
            bool(verified) and any(r.id in verified for r in unit_rows),
            satisfied,
            penalty,
            factor,
            coverage - alone if factor and alone >= 0.0 else 0.0,
            False,
            False,
        ),
    )


def _listed(plan: Plan, unit_rows: tuple[Row, ...]) -> int:
    """How many places of the kind a list question asks for a unit names (at most 5)."""
    named = {
        x
        for r in unit_rows
        for x in r.lemmas
        if x.startswith("ent") and entity_kind(x) in plan.list_kinds
    }
    return min(len(named), LIST_CAP)


def _counted(plan: Plan, unit_rows: tuple[Row, ...]) -> bool:
    """Whether a unit holding a number answers a «сколько»: it holds a figure counting what
    is asked, if the articles count that thing anywhere among the candidates («сколько
    компаний …» needs companies counted); if nothing counts it, a number will do unless
    every number in the unit is known to count something else («10 документов»)."""
    if plan.counted_ok is not None:
        return any(r.id in plan.counted_ok for r in unit_rows)
    return not all(r.id in plan.counting for r in unit_rows if "count" in r.flags)


def _partner_factor(leans_back: bool, same_paragraph: bool) -> float:
    """How much a neighbour sentence's words count for a hit: fully when one sentence leans
    on the other («Это предприятие …»), less across a paragraph break."""
    if leans_back:
        return 1.0
    return 0.85 if same_paragraph else 0.7


def _penalty(first: Row, second: Row) -> float:
    """Two sentences cost a little more than one, unless the second leans on the first
    (then showing both is better than showing either)."""
    if second.anaphoric or first.text.rstrip().endswith(":"):
        return 0.0
    return 0.04


# ---------------------------------------------------------------------------- second look


def modifier_nouns(query: Query) -> dict[str, set[str]]:
    """The nouns a question asks about that a snippet must not narrow unasked (the noun a
    «какой …?» asks about is answered by its modifier — «какого завода» → «Минского
    автомобильного завода» — so only the other nouns count)."""
    focus = {x for t in query.terms if t.focus for x in {t.lemma} | t.synonyms}
    return {
        t.lemma: ({t.lemma} | t.synonyms) - focus
        for t in query.terms
        if not t.entity and not t.focus and pos(t) == "NOUN"
    }


def unrequested_modifier(text: str, nouns: dict[str, set[str]], wanted: set[str]) -> bool:
    """True when a noun the question asks about is narrowed by a modifier it did not ask for:
    «сколько компаний» vs «200 белорусских компаний», «где прошла выставка» vs «Следующая
    выставка пройдёт …»."""
    restrictive = restrictive_adjectives()
    lemmas = text_lemmas(text)
    asked = set().union(*nouns.values())
    for i, lem in enumerate(lemmas):
        if lem not in asked:
            continue
        for j in range(max(0, i - 2), i):
            if lemmas[j] in restrictive and lemmas[j] not in wanted:
                return True
    return False
