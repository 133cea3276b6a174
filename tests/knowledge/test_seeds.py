"""Reading seed files: decoding, cleaning, titles, dates, agencies and skip reasons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.seeds import MAX_SEED_BYTES, Article, decode, load_article, read_seeds

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

TEXT = (
    "Минская область и Брянская область подписали соглашение о сотрудничестве на выставке "
    "«ИННОПРОМ. Беларусь». Документ подписали губернатор и председатель облисполкома."
)


def test_decode_accepts_utf8_bom_cp1251_and_utf16() -> None:
    """Every encoding an editor might save Russian text in decodes to the same text."""
    for data in (
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("cp1251"),
        TEXT.encode("utf-16"),
    ):
        assert decode(data) == TEXT


def test_decode_rejects_binary() -> None:
    """Bytes that are not text come back as None."""
    assert decode(bytes(range(256))) is None
    assert decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") is None


def test_real_seeds_get_date_agency_and_title() -> None:
    """Date lines, datelines and bylines are turned into metadata, debris is dropped."""
    articles, skipped = read_seeds(SEEDS)
    assert skipped == []
    by_id = {a.id: a for a in articles}
    assert len(by_id) == 5
    tass = by_id["003_685755f318647117.txt"]
    assert tass.date == date(2025, 10, 1)
    assert tass.agency == "ТАСС"
    assert tass.title.startswith("Выставку")
    belta = by_id["002_7fd722bde6adce99.txt"]
    assert belta.agency == "БЕЛТА"
    assert "/Корр." not in belta.text
    debris = by_id["000_bebc54e63cdf682f.txt"]
    assert "BYN" not in debris.text and "BYN" not in debris.title
    assert debris.title.startswith("Новые проекты и контракты")
    undated = by_id["001_e9d521accf874752.txt"]
    assert undated.date is None and undated.agency is None
    for article in articles:
        assert 0 < len(article.title) <= 100
        assert not article.text.startswith(" date")


def test_long_first_sentence_title_is_cut_at_a_word_without_dangling_quote() -> None:
    """A title made from a long first sentence is shortened cleanly."""
    article = load_article(
        "x.txt",
        (
            "С 29 сентября по 1 октября в Минске проходит международная промышленная выставка "
            "«ИННОПРОМ. Беларусь». Второе предложение статьи о выставке и её участниках."
        ).encode(),
    )
    assert isinstance(article, Article)
    assert len(article.title) <= 100
    assert article.title.endswith("…")
    assert article.title.count("«") == article.title.count("»")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "пустой"),
        ("blank.txt", b"  \n\t \n", "пустой"),
        ("binary.txt", bytes(range(256)) * 4, "не текст"),
        ("short.txt", "Привет.".encode(), "мало текста"),
        ("huge.txt", b"a" * (MAX_SEED_BYTES + 1), "больше"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(name: str, data: bytes, reason: str) -> None:
    """Each unusable file gets a Russian reason instead of breaking the build."""
    result = load_article(name, data)
    assert not isinstance(result, Article)
    assert reason in result.reason


def test_read_seeds_skips_duplicates_and_directories(tmp_path: Path) -> None:
    """Duplicates and a directory named like a seed are reported; good files stay."""
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "c.txt").write_bytes(TEXT.encode("cp1251"))
    articles, skipped = read_seeds(tmp_path)
    assert [a.id for a in articles] == ["a.txt"]
    reasons = {s.name: s.reason for s in skipped}
    assert "повторяет" in reasons["b.txt"] and "повторяет" in reasons["c.txt"]
    assert "не файл" in reasons["x.txt"]


def test_missing_seeds_folder_is_reported(tmp_path: Path) -> None:
    """A seeds folder that vanished is a reason, not a crash."""
    articles, skipped = read_seeds(tmp_path / "nope")
    assert articles == []
    assert "не найдена" in skipped[0].reason
