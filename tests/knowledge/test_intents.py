"""Small talk is recognised (and never searched); yes/no questions state a number to check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.intents import asks_yes_no, small_talk, yes_no_claim

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        ("спасибо!", {"thanks"}),
        ("Спасибо большое 🙏", {"thanks"}),
        ("спасибооо", {"thanks"}),
        ("спсибо", {"thanks"}),
        ("🙏", {"thanks"}),
        ("👍", {"ok"}),
        ("😂", {"emoji"}),
        ("ок", {"ok"}),
        ("Окей!", {"ok"}),
        ("Привет!", {"greeting"}),
        ("Добрый день", {"greeting"}),
        ("Привет, как дела?", {"greeting", "how_are_you"}),
        ("пока", {"bye"}),
        ("спасибо, до свидания", {"thanks", "bye"}),
        ("Кто ты?", {"who_are_you"}),
    ],
)
def test_small_talk_is_recognised(message: str, kinds: set[str]) -> None:
    """Greetings, thanks, goodbyes, «ок», «как дела», emoji: the kinds of a message."""
    assert small_talk(message) == kinds


@pytest.mark.parametrize(
    "message",
    [
        "Сколько было посетителей?",
        "привет, сколько было посетителей?",
        "спасибо, а кто такой Субботин?",
        "показ",
        "пока 5",
        "",
        "   ",
    ],
)
def test_questions_are_not_small_talk(message: str) -> None:
    """Anything with a question in it is searched, greeting or not."""
    assert small_talk(message) == frozenset()


def test_no_answerable_eval_question_is_taken_for_small_talk() -> None:
    """Every question the eval sets expect an answer to reaches the search, and so does
    every turn of the dialogue sets («а где?», «ещё», «подробнее» included; sealed sets
    included: only ids are reported)."""
    wrong = []
    checked = 0
    for path in sorted((ROOT / "eval").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            case = json.loads(line)
            turns = case.get("turns", [case])
            for number, turn in enumerate(turns, start=1):
                checked += 1
                if not turn.get("expect_none") and small_talk(turn["question"]):
                    wrong.append(f"{path.name}:{case.get('id', n)}/{number}")
    assert wrong == []
    assert checked > 2000


@pytest.mark.parametrize(
    ("question", "value", "category", "bound"),
    [
        ("правда что выставку посетили 20 тыс человек?", 20_000, "посетители", "exact"),
        ("Выставку посетили больше 10 тысяч человек?", 10_000, "посетители", "above"),
        ("было ли на выставке 30 стран?", 30, "страны", "exact"),
        ("Верно ли, что участвовало около 500 компаний", 500, "компании", "near"),
        ("правда, что площадь 2,5 млн кв. м?", 2_500_000, "площадь", "exact"),
        ("это правда, что приехало меньше 20 регионов?", 20, "регионы", "below"),
    ],
)
def test_yes_no_question_states_a_number(
    question: str, value: float, category: str, bound: str
) -> None:
    """The number a yes/no question states, what it counts and how it is bounded."""
    claim = yes_no_claim(question)
    assert claim is not None
    assert (claim.value, claim.category, claim.bound) == (value, category, bound)


@pytest.mark.parametrize(
    "question",
    ["Сколько было посетителей?", "Какая площадь была у выставки в 2025 году?", "Когда?"],
)
def test_other_questions_state_no_claim(question: str) -> None:
    """«Сколько…?» asks for a number; it does not state one to check."""
    assert not asks_yes_no(question)
    assert yes_no_claim(question) is None


def test_yes_no_without_a_number_has_no_claim() -> None:
    """«Подписали ли…?» is yes/no, but there is no number to check against the figures."""
    assert asks_yes_no("Подписали ли соглашение БЕЛАЗ и ИнДев?")
    assert yes_no_claim("Подписали ли соглашение БЕЛАЗ и ИнДев?") is None
