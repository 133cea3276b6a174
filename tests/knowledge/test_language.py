"""The answer-type registry, the number reader, the language data and the index layout, on
hand-made sentences: no index needed."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from knowledge.analysis import sentence_features
from knowledge.answer_types import ANSWER_TYPES, BONUS, REQUIRED, ordered
from knowledge.lexicon import lexicon, months
from knowledge.models import russian_date
from knowledge.numbers import number_tokens, number_value
from knowledge.schema import TABLES, build_modules, engine_fingerprint, missing_columns
from knowledge.search.store import IndexUnavailable, Store

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from check_size import KNOWN, oversized  # noqa: E402


@pytest.mark.parametrize(
    ("sentence", "held", "not_held"),
    [
        ("На выставке было 14 тыс. посетителей.", {"count"}, {"date", "day"}),
        ("Выставка прошла 29 сентября.", {"date", "day"}, {"count"}),
        ("По итогам 2024 года товарооборот вырос.", {"date"}, {"day", "count"}),
        ("Губернатор Василий Анохин осмотрел стенд.", {"person"}, set()),
        ("РУП «Гомсельмаш» показало новый комбайн.", {"person", "name"}, set()),
        ("Начало работы в 10:00 по адресу: ул. Победителей, 20.", {"time", "address"}, set()),
        ("«Мы готовы», — сказал он.", {"speech", "name"}, set()),
        ("Делегация Смоленской области приехала в Минск.", {"place"}, {"person"}),
    ],
)
def test_answer_types_are_detected_in_sentences(
    sentence: str, held: set[str], not_held: set[str]
) -> None:
    """Each type's detector, read by the build through the registry."""
    flags = set(sentence_features(sentence).flags)
    assert held <= flags and not (not_held & flags), flags


def test_the_registry_declares_each_type_once() -> None:
    """Names unique; bonuses and required types come from the registry; every cue of the
    lexicon asks for a registered type; flags come out in registry order."""
    names = [t.name for t in ANSWER_TYPES]
    assert len(names) == len(set(names))
    assert set(BONUS) <= set(names) and set(BONUS) >= REQUIRED
    assert {cue for cue, _ in lexicon().cues.values()} <= set(BONUS)
    assert ordered(["agreement", "count", "day", "count"]) == ("count", "agreement", "day")


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("14 тыс. посетителей", ["n14000"]),
        ("14 000 посетителей", ["n14000"]),
        ("186,4 млн долларов", ["n186400000"]),
        ("двадцать пять тысяч гостей", ["n25000"]),
        ("30 сентября и 2 мая", []),  # dates, not quantities
        ("семь соглашений", ["n7"]),
    ],
)
def test_numbers_are_read_one_way_whatever_the_spelling(text: str, tokens: list[str]) -> None:
    assert number_tokens(text) == tokens


def test_figures_and_tokens_share_the_scale_words() -> None:
    """The figure reader uses the same scale table: «тыс.», «млн», «миллиардов»."""
    assert number_value("14", " тыс.") == 14_000.0
    assert number_value("186,4", " млн") == pytest.approx(186_400_000.0)
    assert number_value("2", " миллиардов") == 2_000_000_000.0
    assert number_value("520", None) == 520.0


def test_months_are_data() -> None:
    """One month list (lemma and genitive) for dates shown, dates read and figures."""
    assert [m.lemma for m in months()][:2] == ["январь", "февраль"]
    assert months()[8].genitive == "сентября"
    from datetime import date

    assert russian_date(date(2025, 9, 29)) == "29 сентября 2025"


def test_build_side_modules_are_found_from_their_imports() -> None:
    """The engine fingerprint covers the build's code (found by reading imports), not the
    query side: changing a reply's wording does not force a rebuild."""
    modules = set(build_modules())
    assert {"index", "analysis", "answer_types", "extract", "agreements", "figures",
            "passages", "coreference", "schema", "lexicon", "numbers"} <= modules  # fmt: skip
    assert not {"reply", "service", "evaluate", "search"} & modules
    assert len(engine_fingerprint()) == 20


def test_an_index_of_another_layout_is_refused(tmp_path: Path) -> None:
    """The reader checks the layout it shares with the writer: a file lacking a column is
    IndexUnavailable, never half read."""
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    for table in TABLES:
        columns = [c for c in table.columns if not (table.name == "passages" and c == "flags")]
        conn.execute(f"CREATE TABLE {table.name} ({', '.join(columns)})")
    conn.execute("CREATE VIRTUAL TABLE passages_fts USING fts5(lemmas, stems)")
    conn.commit()
    conn.close()
    assert missing_columns({t.name: frozenset(t.columns) for t in TABLES}) == []
    with pytest.raises(IndexUnavailable, match=r"passages\.flags"):
        Store(db)


def test_library_modules_and_functions_stay_small() -> None:
    """No module of knowledge/ over 500 lines, no function over 60 (scripts/check_size.py);
    the known exceptions are still over (the list only ever shrinks)."""
    assert oversized() == []
    everything = " ".join(oversized(known=frozenset()))
    for name in KNOWN:
        path, _, function = name.partition(":")
        assert (f" {function}:" if function else f"{path}:") in everything, name
