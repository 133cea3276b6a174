"""Each stage of the search on small hand-made inputs: no index, no seed articles."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from knowledge.analysis import entity_token, sentence_features
from knowledge.search import question
from knowledge.search.candidates import POSTINGS_BUDGET, match_expression
from knowledge.search.decision import before_search, decide
from knowledge.search.features import UnitFeatures, describe_units, match, plan_for
from knowledge.search.query import Query, Term, Vocabulary
from knowledge.search.scoring import WEIGHTS, Unit, score
from knowledge.search.snippets import MAX_SNIPPET, fit_context, with_continuation
from knowledge.search.store import Row

SMOLENSK = entity_token("ru-smolensk")


def vocabulary(dfs: dict[str, int], passages: int = 1000) -> Vocabulary:
    """Corpus statistics made up for a test."""
    return Vocabulary(
        passages=passages,
        lemma_df=lambda term: dfs.get(term, 0),
        stem_df=lambda term: 0,
        correct=lambda word, score: None,
    )


def row(pid: int, text: str, article: str = "a1", paragraph: int = 0, **changes: object) -> Row:
    """A passage as the build would store it (its features computed from its text)."""
    f = sentence_features(text)
    made = Row(
        pid, article, pid, paragraph, text, frozenset(f.lemmas), frozenset(f.stems),
        frozenset(f.flags), f.anaphoric, frozenset(),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def term(lemma: str, weight: float = 1.0, **extra: object) -> Term:
    return Term(surface=lemma, lemma=lemma, stem=lemma[:-1], weight=weight, **extra)  # type: ignore[arg-type]


_PLAIN = UnitFeatures(
    coverage=0.8, content=0.8, answer_types=(), undated=False, person=False, listed=-1,
    role_stated=False, verified=False, satisfied=True, pair_penalty=0.0, neighbour=0.0,
    neighbour_gain=0.0,
)  # fmt: skip


def features(**values: object) -> UnitFeatures:
    """A unit's features: a plain, satisfied 0.8-coverage unit with ``values`` changed."""
    return _PLAIN._replace(**values)


# ---------------------------------------------------------------------------- question


def test_question_analysis_is_a_list_of_named_steps() -> None:
    """Layout, words, cues, numbers, places, then terms: each step a function of its own."""
    names = [step.__name__ for step in question.STEPS]
    assert names[:2] == ["read_layout", "read_words"] and names[-1] == "number_terms"
    assert {"read_cues", "read_places", "person_terms", "word_terms"} <= set(names)


def test_question_terms_cues_and_places() -> None:
    """A strong «сколько», content words weighted by rarity, a region as an entity term."""
    vocab = vocabulary({"посетитель": 50, "выставка": 300, SMOLENSK: 20})
    query = question.analyze_question("Сколько было посетителей на выставке в Смоленске?", vocab)
    assert query.strong_cues == {"count"}
    weights = {t.lemma: t.weight for t in query.terms}
    assert weights["посетитель"] > weights["выставка"]  # the rarer word weighs more
    assert SMOLENSK in weights and query.entities == ("ru-smolensk",)
    assert "быть" not in weights  # a stop word is no term


def test_question_numbers_and_unknown_places() -> None:
    """«14 тыс.» is one number term; a real place the corpus never names is unknown."""
    vocab = vocabulary({"посетитель": 5, "n14000": 2})
    query = question.analyze_question("Правда, что в Омске было 14 тыс. посетителей?", vocab)
    assert [t.lemma for t in query.terms if t.lemma.startswith("n1")] == ["n14000"]
    assert query.unknown_entities == ("ru-omsk",)
    assert before_search(query) is not None and before_search(query).reason == "unknown_entity"


# ---------------------------------------------------------------------------- candidates


def test_candidates_take_rare_words_first_within_the_budget() -> None:
    """The rarest words join the MATCH first; a common one only if fewer than two joined."""
    rare, common = term("тормоз"), term("выставка")
    query = Query("?", (common, rare), frozenset(), (), ())
    vocab = vocabulary({"тормоз": 3, "выставка": POSTINGS_BUDGET * 2}, passages=10**6)
    match_ = match_expression(query, vocab)
    assert match_ == 'lemmas : ("тормоз" OR "выставка")'  # two at least, rarest first
    third = term("станок")
    query = Query("?", (common, rare, third), frozenset(), (), ())
    vocab = vocabulary({"тормоз": 3, "станок": 5, "выставка": POSTINGS_BUDGET * 2})
    assert match_expression(query, vocab) == 'lemmas : ("тормоз" OR "станок")'
    assert match_expression(Query("?", (term("марс"),), frozenset(), (), ()), vocab) is None


# ---------------------------------------------------------------------------- features


def test_match_grades_words_synonyms_and_article_entities() -> None:
    """The word itself 1, a synonym 0.85, a place only the article is about 0.6."""
    passage = row(1, "Посетители осмотрели тормозные системы.")
    assert match(term("посетитель"), passage) == 1.0
    assert match(term("гость", synonyms=frozenset({"посетитель"})), passage) == 0.85
    assert match(term("самолет"), passage) == 0.0
    place = Term(SMOLENSK, SMOLENSK, SMOLENSK, 1.0, entity=SMOLENSK)
    assert match(place, passage) == 0.0
    assert match(place, replace(passage, article_regions=frozenset({SMOLENSK}))) == 0.6


def test_a_neighbour_that_names_the_subject_joins_the_unit() -> None:
    """«Это предприятие выпускает 300 лифтов» leans on the sentence naming the plant: the
    pair covers the question, the sentence alone does not."""
    rows = {
        1: row(1, "Могилевский завод лифтового машиностроения привез новую модель."),
        2: row(2, "Это предприятие выпускает 300 лифтов в год."),
    }
    query = Query(
        "Сколько лифтов выпускает завод?",
        (term("лифт", 2.0), term("завод", 1.0)),
        frozenset({"count"}), (), (), strong_cues=frozenset({"count"}),
    )
    plan = plan_for(query, frozenset(), (None, set()), {}, [], frozenset())
    units = {tuple(r.id for r in rows_): f for rows_, _, f in describe_units(plan, [2], rows)}
    alone, pair = units[(2,)], units[(1, 2)]
    assert alone.coverage == pytest.approx(2 / 3)
    assert pair.coverage == 1.0 and pair.neighbour == 1.0  # it leans back: counts fully
    assert pair.neighbour_gain == pytest.approx(1 / 3)
    assert pair.answer_types == ("count",) and pair.satisfied


# ---------------------------------------------------------------------------- scoring


def test_score_is_computed_from_the_features_alone() -> None:
    """Coverage plus the answer-type and evidence bonuses, minus the costs."""
    f = features(coverage=0.7, answer_types=("count", "person"), person=True, pair_penalty=0.04)
    assert score(f) == 0.7 + (0.2 + 0.12 + 0.25) - 0.04
    assert score(f._replace(satisfied=False)) == pytest.approx(score(f) - 1.0)
    assert score(f._replace(modifier=True)) == pytest.approx(score(f) - 0.15)
    assert score(features(listed=5)) == pytest.approx(0.9)
    # the weights are named: a learned model can replace them
    assert score(f, replace(WEIGHTS, person=0.0)) == pytest.approx(score(f) - 0.25)
    named = f.as_dict()
    assert named["type_count"] == 1.0 and named["type_date"] == 0.0
    assert all(isinstance(v, float) and math.isfinite(v) for v in named.values())


# ---------------------------------------------------------------------------- decision


def _unit(score_: float, **values: object) -> Unit:
    return Unit((row(1, "Текст."),), ("Текст.",), features(**values), score_)


def test_decision_declines_weak_and_valueless_answers() -> None:
    """Too little of the question covered: «weak»; covered, but without the number asked
    for: «no_value»; nothing found: «weak»."""
    query = Query("?", (term("посетитель"), term("марс", known=False)), frozenset(), (), ())
    weak = decide(query, [_unit(0.5, coverage=0.4)], limit=3)
    assert (weak.answered, weak.reason, weak.unknown_terms) == (False, "weak", ("марс",))
    assert decide(query, [_unit(0.5, satisfied=False)], 3).reason == "no_value"
    assert decide(query, [], 3).reason == "weak"
    assert before_search(Query("", (), frozenset(), (), ())).reason == "empty"  # type: ignore[union-attr]


def test_decision_shows_the_units_near_the_best() -> None:
    """Hits after the first keep 60 % of the best score and cover enough; at most ``limit``."""
    query = Query("?", (term("посетитель"),), frozenset(), (), ())
    ranked = [_unit(1.0), _unit(0.7), _unit(0.65, content=0.2), _unit(0.61), _unit(0.5)]
    decision = decide(query, ranked, limit=9)
    assert decision.answered and decision.shown == (0, 1)  # the third covers too little
    assert decide(query, ranked, limit=1).shown == (0,)
    assert decision.relevant == (0, 1, 2, 3, 4)


# ---------------------------------------------------------------------------- snippets


def test_context_sentence_is_cut_to_a_clause() -> None:
    """A long neighbour shown as context keeps a clause: its end before the hit, its start
    after it."""
    text = "На стенде региона, который открыл губернатор, представлены разработки предприятий."
    assert fit_context(text, 200, tail=True) == text
    assert fit_context(text, 70, tail=True) == (
        "…который открыл губернатор, представлены разработки предприятий."
    )
    assert fit_context(text, 60, tail=True) == "…представлены разработки предприятий."
    assert fit_context(text, 60, tail=False) == "На стенде региона, который открыл губернатор…"
    assert fit_context(text, 30, tail=False) is None


def test_a_hit_keeps_the_sentence_that_leans_on_it() -> None:
    """«Среди них …» after a hit is shown with it, if the snippet stays short."""
    first = row(1, "На выставке работали делегации.")
    nxt = row(2, "Среди них были гости из Омана.")
    shown = ((first, nxt), (first.text, nxt.text))
    assert with_continuation((first,), (first.text,), nxt) == shown
    other = row(3, "Погода была хорошей.")
    assert with_continuation((first,), (first.text,), other) == ((first,), (first.text,))
    long = row(2, "Среди них " + "очень " * (MAX_SNIPPET // 6) + "многие.")
    assert with_continuation((first,), (first.text,), long) == ((first,), (first.text,))
