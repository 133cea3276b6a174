"""The search pipeline, stage by stage: a question in, an ``Answer`` out.

    analyze_question (question)         what is asked: terms, cues, entities
    Decision: before_search (decision)  nothing to look for, or something never mentioned
    People.for_roles (people)           «кто губернатор X?» checked against the people
    candidates (candidates)             FTS5 within a postings budget
    describe_units (features)           each candidate alone and with a neighbour, described
    score (scoring)                     one number per unit, from its features
    second look (here)                  the leading units: unasked modifiers, exact figures
    decide (decision)                   answer or decline, which units to show
    with_continuation (snippets)        the sentence a hit leans on
    Facts (facts)                       figures and agreements from the answering passages
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import person_token
from ..models import Answer, Hit
from ..normalize import stem, words
from .candidates import candidates
from .decision import Decision, before_search, decide
from .facts import Facts, wanted_words
from .features import (
    describe_units,
    modifier_nouns,
    plan_for,
    required_types,
    unrequested_modifier,
)
from .people import People
from .query import Query, Vocabulary
from .question import analyze_question
from .regions import Regions
from .scoring import Unit, rank_key, score
from .snippets import with_continuation
from .store import Store

__all__ = ["MAX_STATED", "REFINE", "Engine", "answer", "rank"]

# passages where a verified role is stated that join the candidates (at most)
MAX_STATED = 10
# The second look reorders this many leading units.
REFINE = 12


@dataclass(frozen=True, slots=True)
class Engine:
    """The parts of one open index the stages work with."""

    store: Store
    vocabulary: Vocabulary
    people: People
    facts: Facts
    regions: Regions


def analyze(engine: Engine, question: str) -> Query:
    """The analysed question, with organisations named by stumps spelled out."""
    return engine.people.spell_out_organisations(analyze_question(question, engine.vocabulary))


def answer(engine: Engine, question: str, limit: int) -> Answer:
    """Answer a question with ranked, sourced snippets and facts, or decline."""
    question = question.strip()
    query = analyze(engine, question)
    topics = engine.regions.topics()
    declined = before_search(query)
    if declined is not None:
        return _declined(question, declined, topics)
    people_asked = engine.people.for_roles(query)
    if people_asked is not None and not people_asked:
        return _declined(question, Decision(False, "no_person"), topics)
    boost = frozenset(stem(words(p.name)[-1]) for p in (people_asked or ()) if words(p.name))
    units = rank(engine, query, boost)
    decision = decide(query, units, limit)
    if not decision.answered:
        return _declined(question, decision, topics)
    sources = engine.store.sources
    hits = tuple(
        Hit(" ".join(unit.texts), sources[unit.rows[0].article_id], round(unit.score, 4),
            unit.rows[0].id)
        for unit in (units[n] for n in decision.shown)
    )
    relevant = [r.id for n in decision.relevant for r in units[n].rows]
    return Answer(
        question,
        True,
        hits=hits,
        figures=engine.facts.for_answer(query, relevant),
        agreements=engine.facts.agreements_for_answer(query, relevant, engine.store.ambient),
        people=people_asked or engine.people.named_in(query),
        topics=topics,
    )


def _declined(question: str, decision: Decision, topics: tuple[str, ...]) -> Answer:
    return Answer(
        question,
        False,
        decline_reason=decision.reason,
        unknown_terms=decision.unknown_terms,
        topics=topics,
    )


def rank(engine: Engine, query: Query, boost: frozenset[str] = frozenset()) -> list[Unit]:
    """The candidate units, best first, one per passage (a passage in a better unit is not
    shown again), each with the sentence that continues it."""
    store = engine.store
    ids = candidates(query, engine.vocabulary, store.fts)
    # a verified role question knows where the answer is stated: those passages compete
    # even if full-text retrieval ranked them out (in a big corpus it often does)
    stated = sorted(
        {i for p in engine.people.names_by_stem(boost) for i in store.role_passages.get(
            person_token(p), set())}
    )[:MAX_STATED]
    ids = list(dict.fromkeys([*ids, *stated]))
    if not ids:
        return []
    neighbours = [i + d for i in ids for d in (-1, 1)]
    rows = store.rows([*ids, *neighbours])
    counted = (
        engine.facts.counted_passages(query, [*ids, *neighbours])
        if "count" in required_types(query)
        else (None, set())
    )
    plan = plan_for(query, store.ambient, counted, store.role_passages, stated, boost)
    # (tuple.__new__: NamedTuple's own __new__ is a Python function, slow for every unit)
    new = tuple.__new__
    units = [new(Unit, (r, t, f, score(f))) for r, t, f in describe_units(plan, ids, rows)]
    units.sort(key=rank_key)
    units = _second_look(engine.facts, query, units)
    chosen: list[Unit] = []
    used: set[int] = set()
    for unit in units:
        if used.intersection([r.id for r in unit.rows]):
            continue
        shown, texts = with_continuation(unit.rows, unit.texts, rows.get(unit.rows[-1].id + 1))
        if len(shown) > len(unit.rows):
            unit = unit._replace(rows=shown, texts=texts)
        used |= {r.id for r in unit.rows}
        chosen.append(unit)
    return chosen


def _second_look(facts: Facts, query: Query, units: list[Unit]) -> list[Unit]:
    """The leading units looked at again: modifiers the question did not ask for, and for
    «сколько» questions the figure that counts exactly what was asked."""
    head = units[:REFINE]
    if not head:
        return units
    wanted = wanted_words(query)
    nouns = modifier_nouns(query)
    fits: dict[int, float] = {}
    if "count" in query.cues:
        fits = facts.figure_fits({r.id for u in head for r in u.rows}, wanted)
    best_fit = max(fits.values(), default=None)
    refined = []
    for unit in head:
        modifier = bool(nouns) and unrequested_modifier(" ".join(unit.texts), nouns, wanted)
        best = best_fit is not None and max(
            (fits.get(r.id, -9.0) for r in unit.rows), default=-9.0
        ) >= best_fit
        if modifier or best:
            features = unit.features._replace(modifier=modifier, best_figure=best)
            unit = unit._replace(features=features, score=score(features))
        refined.append(unit)
    refined.sort(key=rank_key)
    return refined + units[REFINE:]
