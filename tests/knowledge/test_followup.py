"""The follow-up resolver on its own: a message and the previous turn in, the question to
search out (no index needed: the gazetteer, pymorphy3 and the data file do the reading)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.followup import (
    ELLIPSIS,
    MORE,
    PERSON,
    PRONOUN,
    STANDALONE,
    SWAP,
    Mention,
    Turn,
    find_mentions,
    resolve,
)

PERSONS = {"субботин": "prsсубботин", "анохин": "prsанохин"}
CENTRE = "что за торговый центр в смоленске хотят открыть?"


def turn(question: str, *extra: Mention) -> Turn:
    """The turn a question leaves behind (its names, plus any its answer named)."""
    return Turn(question, (*find_mentions(question, PERSONS), *extra), (1, 2, 3))


@pytest.mark.parametrize(
    ("previous", "message"),
    [
        ("Что подписали БЕЛАЗ и ИнДев?", "Сколько было посетителей?"),
        ("Сколько было посетителей?", "Кто такой Субботин?"),
        ("Когда проходила выставка?", "А какая была площадь экспозиции?"),
        ("Что показала Смоленская область?", "Что сказал Субботин губернаторам России?"),
        ("Кто губернатор Смоленской области?", "Расскажи о соглашениях"),
        ("Когда проходила выставка?", "Сколько компаний участвует в этой выставке?"),
        ("Кто губернатор Смоленской области?", "Что сказал Субботин и где он работает?"),
        ("Сколько было посетителей?", "Какие планы в этом году?"),
        ("Когда проходила выставка?", "спасибо"),
    ],
)
def test_a_complete_question_stays_itself(previous: str, message: str) -> None:
    """Context never hijacks a message that stands on its own."""
    found = resolve(turn(previous), message, PERSONS)
    assert found.kind == STANDALONE
    assert found.question == message
    assert not found.used_context and found.understood == ""


def test_without_a_previous_turn_nothing_is_resolved() -> None:
    """The first message of a conversation is always on its own."""
    found = resolve(None, "а где?", PERSONS)
    assert (found.kind, found.question) == (STANDALONE, "а где?")


def test_an_ellipsis_takes_the_previous_topic() -> None:
    """«а где именно, в каком городе?» after a question about the dates."""
    found = resolve(turn("Подскажите, когда проходила выставка?"), "а где именно, в каком городе?")
    assert found.kind == ELLIPSIS
    assert found.question == "Где именно, в каком городе проходила выставка?"
    assert found.understood == found.question


def test_a_bare_question_word_takes_the_previous_topic() -> None:
    """«а когда?» carries the previous question's names and words, not its question word."""
    found = resolve(turn("Что показала Смоленская область?"), "а когда?")
    assert found.kind == ELLIPSIS
    assert found.question.startswith("Когда")
    assert "Смоленская область" in found.question and "Что" not in found.question
    assert [m.key for m in found.mentions] == ["ru-smolensk"]


def test_a_pronoun_stands_for_the_previous_topic() -> None:
    """«а кто его подписал?»: «его» is the centre the previous question was about."""
    found = resolve(turn(CENTRE), "а кто его подписал?")
    assert found.kind == PRONOUN
    assert found.question.startswith("Кто подписал")
    assert "торговый центр в смоленске" in found.question
    assert " его " not in found.question


def test_a_pronoun_stands_for_a_person_the_answer_named() -> None:
    """After «Кто губернатор …?» answered with Анохин, «он» is Анохин."""
    previous = turn(
        "Кто губернатор Смоленской области?", Mention(PERSON, "prsанохин", "Василий Анохин")
    )
    found = resolve(previous, "а с кем он встретился?", PERSONS)
    assert found.kind == PRONOUN
    assert found.question == "С кем Василий Анохин встретился?"


def test_a_pronoun_agrees_with_its_name() -> None:
    """«она» after a question about an oblast is the oblast; «там» is its place."""
    previous = turn("Что показала Смоленская область?")
    assert "Смоленская область" in resolve(previous, "а что она привезла?").question
    there = resolve(previous, "кто там губернатор?")
    assert there.kind == PRONOUN and "Смоленская область" in there.question


def test_a_demonstrative_points_back_to_the_noun_asked_about() -> None:
    """«этот центр» after a question about the centre."""
    found = resolve(turn(CENTRE), "где будет этот центр?")
    assert found.kind == PRONOUN
    assert "этот" not in found.question and "смоленске" in found.question


@pytest.mark.parametrize(
    ("previous", "message", "expected"),
    [
        (
            "Сколько компаний из России участвовало?",
            "а из Казахстана?",
            "Сколько компаний из Казахстана участвовало?",
        ),
        (
            "Сколько компаний из России участвовало?",
            "а сколько из Беларуси?",
            "Сколько компаний из Беларуси участвовало?",
        ),
        ("Что показала Смоленская область?", "а Витебская?", "Что показала Витебская?"),
        ("Что подписали БЕЛАЗ и ИнДев?", "а Герофарм?", "Что подписали Герофарм?"),
        # a noun or a phrase instead of the one the previous question asked about
        ("сколько было посетителей", "а компаний", "Сколько было компаний?"),
        (
            "сколько российских регионов участвовало",
            "а белорусских компаний",
            "Сколько белорусских компаний участвовало?",
        ),
        ("Что сказал Русских про станки?", "а про Полесье?", "Что сказал Русских про Полесье?"),
        (
            "Сколько соглашений реализует Витебская область с Россией?",
            "а документов на уровне райисполкомов?",
            "Сколько документов на уровне райисполкомов реализует Витебская область с Россией?",
        ),
    ],
)
def test_a_swapped_name_asks_the_previous_question_again(
    previous: str, message: str, expected: str
) -> None:
    """A name of the kind the previous question named replaces it (all of them); a noun
    replaces the thing asked about, a phrase the phrase with the same preposition."""
    found = resolve(turn(previous), message, PERSONS)
    assert found.kind == SWAP
    assert found.question == expected


def test_a_name_of_a_new_kind_is_added_not_swapped() -> None:
    """«а сколько из России?» after a question without a place narrows it."""
    found = resolve(turn("Сколько было посетителей?"), "а сколько из России?")
    assert found.kind == ELLIPSIS
    assert "России" in found.question and "посетителей" in found.question


@pytest.mark.parametrize(
    ("message", "more"),
    [
        ("подробнее", "detail"),
        ("а подробнее?", "detail"),
        ("расскажи подробнее о нём", "detail"),
        ("ещё", "next"),
        ("а ещё?", "next"),
        ("что ещё?", "next"),
    ],
)
def test_more_continues_the_previous_answer(message: str, more: str) -> None:
    """«подробнее» / «ещё»: the previous question again, to be continued."""
    previous = turn("Какие соглашения подписали?")
    found = resolve(previous, message)
    assert (found.kind, found.more) == (MORE, more)
    assert found.question == previous.question
    assert found.understood.endswith("какие соглашения подписали?")


def test_a_turn_survives_the_storage_and_garbage_does_not() -> None:
    """Turns go through JSON; a record of another shape is no context at all."""
    kept = Turn("Когда?", (Mention(PERSON, "prsанохин", "Анохин"),), (3, 4), read=2)
    assert Turn.from_dict(kept.as_dict()) == kept
    for garbage in (
        None,
        [],
        {},
        {"question": 42},
        {"question": "  "},
        {"question": "Когда?", "answer_ids": ["1"]},
        {"question": "Когда?", "answer_ids": [True]},
        {"question": "Когда?", "mentions": [["alien", "k", "t"]]},
        {"question": "Когда?", "mentions": "Анохин"},
        {"question": "Когда?", "read": "2"},
    ):
        assert Turn.from_dict(garbage) is None, garbage


@settings(max_examples=150, deadline=None)
@given(
    previous=st.text(max_size=120),
    message=st.text(max_size=200),
)
def test_any_text_resolves_to_a_bounded_question(previous: str, message: str) -> None:
    """Hostile or random text on either side never raises and never grows without bound."""
    previous_turn = Turn(previous) if previous.strip() else None
    found = resolve(previous_turn, message, PERSONS)
    assert found.kind in (STANDALONE, ELLIPSIS, PRONOUN, SWAP, MORE)
    assert len(found.question) <= len(message) + 2 * len(previous) + 10
    if found.kind == STANDALONE:
        assert found.question == message


def test_a_question_word_about_the_same_thing_takes_the_previous_topic() -> None:
    """«а что это за центр?» names nothing the previous question did not: it asks about it."""
    found = resolve(turn("Где будет центр белорусской техники?"), "а что это за центр?")
    assert found.kind == ELLIPSIS
    assert "центр белорусской техники" in found.question


def test_after_who_the_pronoun_is_the_answer_unless_asked_for_others() -> None:
    """«он» after «кто …?» is the person the answer named; in «с кем ещё он …?» it is the
    person the question named."""
    previous = turn(
        "кто из белорусов подписал соглашение с Анохиным?",
        Mention(PERSON, "prsсубботин", "Александр Субботин"),
    )
    assert "Субботин" in resolve(previous, "а кто он такой?", PERSONS).question
    others = resolve(previous, "а с кем ещё он встречался?", PERSONS)
    assert "Анохин" in others.question and "Субботин" not in others.question


@pytest.mark.parametrize(
    ("previous", "message", "expected"),
    [
        # «сколько/какой» asking about a thing only a preposition's phrase names
        (
            "Сколько компаний представили продукцию на выставке?",
            "а из скольких стран?",
            "Из скольких стран компаний представили продукцию на выставке?",
        ),
        (
            "Какие самосвалы будет разрабатывать БЕЛАЗ?",
            "а на каком топливе?",
            "На каком топливе самосвалы разрабатывать БЕЛАЗ?",
        ),
        # «там» after a question about a thing in a place is the thing there
        (
            "Какой центр создадут в Смоленске?",
            "что там будут продавать?",
            "Что будут продавать центр в Смоленске?",
        ),
        # a pronoun that stands for the topic takes its preposition with it
        ("Кто такой Руслан Страхар?", "где у них совместные предприятия?",
         "Где совместные предприятия Руслан Страхар?"),
        # «об этом» points back even in a question with a verb
        ("Что такое Университет Иннопром?", "где об этом говорили?",
         "Где говорили Университет Иннопром?"),
        # «а кто из …?»: a name in a preposition's phrase narrows, it is not the topic
        ("Кто выступал на пленарной сессии из России?", "а кто из Беларуси?",
         "Кто выступал на пленарной сессии из Беларуси?"),
    ],
)
def test_follow_ups_of_every_shape(previous: str, message: str, expected: str) -> None:
    """Shapes of follow-up found by replaying conversations written from the articles."""
    found = resolve(turn(previous), message, PERSONS)
    assert found.used_context, found
    assert found.question == expected


@pytest.mark.parametrize(
    ("previous", "message"),
    [
        ("Кто губернатор Ульяновской области?", "а Брестская чем сильна?"),
        ("Что подписали Герофарм и Белмедпрепараты?", "а что такое Герофам?"),
        ("Что сказал Анохин?", "а кто такой Субботин?"),
        ("Когда проходила выставка?", "Это правда, что ИННОПРОМ проходит в Минске?"),
        ("Что показала Смоленская область?", "А какой девиз у пленарной сессии?"),
        ("Сколько было посетителей?", "А сколько лет Субботину?"),
        # typed like a search, without «а»: a search of its own
        ("Что подписали БЕЛАЗ и ИнДев?", "водородные самосвалы"),
        ("Кто губернатор Смоленской области?", "Могилевлифтмаш гендиректор"),
        # yes/no questions: «быть» is what is asked
        ("Сколько было посетителей?", "а Киргизия была на иннопроме?"),
        ("Сколько было посетителей?", "был ли кто-то из Тегерана"),
        # greetings are not follow-ups
        ("Сколько было посетителей?", "Привет! Как дела?"),
        # a pronoun whose noun is in an earlier clause of the message
        ("Что подписали БЕЛАЗ и ИнДев?", "Кто губернатор Нижегородской области и был ли он там?"),
        ("Когда проходила выставка?", "На что делает ставку Ульяновская, по словам её главы?"),
    ],
)
def test_a_name_with_a_predicate_or_a_definition_question_stands_alone(
    previous: str, message: str
) -> None:
    """«Брестская чем сильна?», «что такое Герофам?», «кто такой Субботин?», «какой девиз у
    сессии?» (what is asked and what about) are complete."""
    assert resolve(turn(previous), message, PERSONS).kind == STANDALONE


def test_names_of_several_words_are_one_name() -> None:
    """«СП Полесье», «ИнДев Солюшенс»: a classifier or a second word joins the name."""
    assert [m.text for m in find_mentions("Где находится СП Полесье?")] == ["СП Полесье"]
    names = find_mentions("Что подписали БЕЛАЗ и ИнДев Солюшенс?")
    assert [m.text for m in names] == ["БЕЛАЗ", "ИнДев Солюшенс"]


def test_what_else_goes_past_what_was_shown() -> None:
    """«а что ещё договорились?» keeps its question word and asks for the rest."""
    found = resolve(turn("Что за арбитражный центр создадут в Смоленской области?"),
                    "а что ещё договорились?")
    assert found.question.startswith("Что договорились")
    assert found.more == "next" and found.kind == ELLIPSIS


def test_a_swapped_name_replaces_the_one_after_the_same_preposition() -> None:
    """«а с Брестской?» replaces «с Витебской», not the other oblast of the question."""
    found = resolve(turn("Что подписала Смоленская область с Витебской?"), "а с Брестской?")
    assert found.question == "Что подписала Смоленская область с Брестской?"


def test_a_subject_pronoun_points_back_even_after_a_noun_of_its_clause() -> None:
    """«а какую долю экспорта она дает?»: «она» is not «доля», it is the oblast asked about."""
    previous = turn("в какие города россии поставляет мясомолочку брестская обл?")
    found = resolve(previous, "а какую долю экспорта она дает?")
    assert found.kind == PRONOUN and "брестская обл" in found.question


def test_questions_written_to_stand_alone_stay_alone_after_any_turn() -> None:
    """Every question of two sets written as single questions (by others, from the
    articles) is answered on its own whatever was asked before it."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "eval"
    questions = [
        json.loads(line)["question"]
        for name in ("dev_qa.jsonl", "holdout_qa.jsonl")
        for line in (root / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    before = [
        "Кто губернатор Смоленской области?",
        "Что подписали БЕЛАЗ и ИнДев?",
        "Сколько было посетителей?",
        "Какие соглашения подписали?",
    ]
    taken = [
        (question, previous)
        for question in questions
        for previous in before
        if resolve(turn(previous), question, PERSONS).kind != STANDALONE
    ]
    assert len(questions) > 150 and taken == []
