"""Numbers of any length are read safely, in a question and in an article (audit, finding 2).

A question of 310 digits used to raise ``OverflowError`` (``ValueError`` from 4,301 digits),
and an article with 104 three-digit groups or «9…9 млрд» failed the whole build with
«cannot convert float infinity to integer».  One reader (``knowledge.numbers``) now serves
the question analysis, the passages and the figures alike.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from knowledge import KnowledgeIndex, build_index
from knowledge.figures import extract_figures
from knowledge.numbers import MAX_DIGITS, number_tokens, read_number
from knowledge.reply import answer_reply

UNSEEN = Path(__file__).resolve().parents[1] / "fixtures" / "unseen"


def large(examples: int) -> settings:
    """Few examples, each up to 100,000 digits: no deadline, the same ones every run."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# the sizes where conversions used to break, and any size up to 100,000
SIZES = st.one_of(st.sampled_from([309, 310, 4300, 4301, 100_000]), st.integers(1, 100_000))
FORMS = ("plain", "grouped", "fraction", "scaled", "nines")


@st.composite
def digit_strings(draw: st.DrawFn) -> str:
    """A written number of up to 100,000 digits: plain, grouped in threes, with a fraction,
    with a scale word, or all nines with «млрд».  Digits come from a seeded generator
    (hypothesis' own buffer holds 8 KB)."""
    size = draw(SIZES)
    rng = random.Random(draw(st.integers(0, 2**32)))
    digits = "".join(rng.choices("0123456789", k=size))
    form = draw(st.sampled_from(FORMS))
    if form == "grouped":
        return " ".join(digits[i : i + 3] for i in range(0, size, 3))
    if form == "fraction" and size > 1:
        return f"{digits[: size // 2]},{digits[size // 2 :]}"
    if form == "scaled":
        return digits + draw(st.sampled_from([" млрд", " тыс.", " миллионов", " млн"]))
    if form == "nines":
        return "9" * size + " млрд"
    return digits


def test_normal_numbers_read_as_before() -> None:
    """Everyday numbers keep their tokens (the index and questions must meet as before)."""
    assert number_tokens("более 14 000 человек") == ["n14000"]
    assert number_tokens("14 тыс. посетителей, 1,5 млрд рублей") == ["n14000", "n1500000000"]
    assert number_tokens("3.64 BYN и 0,5 процента") == ["n3p64", "n0p5"]
    assert number_tokens("двадцать тысяч") == ["n20000"]
    assert number_tokens("1" * MAX_DIGITS) == [f"n{int(float('1' * MAX_DIGITS))}"]
    assert number_tokens("1" * (MAX_DIGITS + 1)) == []
    assert read_number("9" * 30, "", 1_000_000_000) == float("9" * 30) * 1e9
    figures = extract_figures(["Выставку посетили более 14 тыс. человек."])
    assert [(f.value, f.display) for f in figures] == [(14_000.0, "более 14 тыс. человек")]


@large(12)
@given(number=digit_strings(), frame=st.sampled_from(["{}", "Сколько было посетителей, {}?"]))
@example(number="1" * 310, frame="{}")
@example(number="1" * 4301, frame="{}")
def test_any_number_in_a_question(seeds_index: KnowledgeIndex, number: str, frame: str) -> None:
    """Whatever digits a question holds, it is analysed, searched and answered or declined."""
    question = frame.format(number)
    for token in number_tokens(question):
        assert token.startswith("n") and len(token) <= 2 * MAX_DIGITS + 20
    answer = seeds_index.search(question)
    assert answer_reply(answer)


@large(4)
@given(number=digit_strings())
@example(number=" ".join(["123"] * 104))
@example(number="9" * 400 + " млрд")
def test_any_number_in_an_article(tmp_path_factory: pytest.TempPathFactory, number: str) -> None:
    """An article holding any number is indexed, its figures read, and it answers."""
    folder = tmp_path_factory.mktemp("numbers")
    seeds = folder / "seeds"
    seeds.mkdir()
    text = (UNSEEN / "u02_tass_results.txt").read_text(encoding="utf-8")
    (seeds / "a.txt").write_text(
        f"{text}\nВсего на выставке побывали {number} человек, сообщили организаторы.\n",
        encoding="utf-8",
    )
    report = build_index(seeds, folder / "index.db")
    assert (report.articles, report.skipped) == (1, ())
    with KnowledgeIndex.open(folder / "index.db") as index:
        assert answer_reply(index.search("Сколько человек побывало на выставке?"))
    shutil.rmtree(folder)


def test_figures_skip_numbers_too_long_to_be_quantities(tmp_path: Path) -> None:
    """A figure is a finite value: 31 digits are not one, 30 are."""
    sentence = "Выставку посетили {} человек."
    assert extract_figures([sentence.format("1" * (MAX_DIGITS + 1))]) == []
    (figure,) = extract_figures([sentence.format("1" * MAX_DIGITS)])
    assert figure.value == float("1" * MAX_DIGITS)
