"""Russian as a person writes it: counts that agree, figures re-agreed, words as typed."""

from __future__ import annotations

import pytest

from knowledge.russian import agree_display, count, disagreeing_numerals, typed_forms


@pytest.mark.parametrize(
    ("n", "word", "case", "expected"),
    [
        (24, "страна", "nomn", "24 страны"),
        (5, "статья", "nomn", "5 статей"),
        (1, "соглашение", "nomn", "1 соглашение"),
        (21, "соглашение", "nomn", "21 соглашение"),
        (11, "вопрос", "nomn", "11 вопросов"),
        (81, "фрагмент", "nomn", "81 фрагмент"),
        (3, "файл", "nomn", "3 файла"),
        (14000, "человек", "nomn", "14000 человек"),
        (1, "статья", "datv", "1 статье"),
        (5, "статья", "datv", "5 статьям"),
        (2, "раз", "nomn", "2 раза"),
    ],
)
def test_counts_agree_with_their_nouns(n: int, word: str, case: str, expected: str) -> None:
    """pymorphy3 inflects the noun for the number, in the case asked for."""
    assert count(n, word, case) == expected


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("24 стран", "24 страны"),
        ("21 стран", "21 страна"),
        ("23 регионов", "23 региона"),
        ("70 стендах", "70 стендов"),
        ("294 миллиардов рублей", "294 миллиарда рублей"),
        ("2 двусторонних документов", "2 двусторонних документа"),
        ("1 новых компаний", "1 новая компания"),
        ("более чем 24 стран", "более чем 24 страны"),
        # right as they stand: a governing word, a multiplier, a unit, no noun
        ("более 14 тыс. человек", "более 14 тыс. человек"),
        ("свыше 200 белорусских компаний", "свыше 200 белорусских компаний"),
        ("148 двусторонних документов", "148 двусторонних документов"),
        ("14 000 человек", "14 000 человек"),
        ("64 %", "64 %"),
        ("78 из них", "78 из них"),
        ("всего 73 региона", "всего 73 региона"),
    ],
)
def test_a_figure_reads_on_a_line_of_its_own(display: str, expected: str) -> None:
    """A figure lifted out of «из 24 стран» stands as «24 страны»; «более 24 стран» stays."""
    assert agree_display(display) == expected


def test_disagreeing_counts_are_found_in_our_wording() -> None:
    """The check behind the reply rule: bare «24 стран» is wrong, «из 24 стран», «по 5
    статьям», dates and years are not judged."""
    text = (
        "Страны: 24 стран (ТАСС); из 24 стран мира; 5 статей; по 5 статьям; 3 файлов; "
        "1 октября 2025 года; 21 вопросов; 1 соглашение"
    )
    assert disagreeing_numerals(text) == ["24 стран", "3 файлов", "21 вопросов"]


def test_words_are_shown_as_the_user_typed_them() -> None:
    """The analysis lower-cases and may cut words; the reply shows the typed word."""
    question = "что сказал Лукашенко и Мантуров про iPhone?"
    assert typed_forms(("лукашенко", "манту", "ров", "iphone"), question) == (
        "Лукашенко",
        "Мантуров",
        "iPhone",
    )
    assert typed_forms(("марс",), "погода?") == ("марс",)
