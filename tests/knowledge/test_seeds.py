"""Reading seed files: decoding, cleaning, titles, dates, agencies and skip reasons."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge import SkippedFile
from knowledge import seeds as seeds_module
from knowledge.seeds import MAX_SEED_BYTES, Article, decode, load_article, read_seeds

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
UNSEEN = Path(__file__).resolve().parents[1] / "fixtures" / "unseen"

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


# ------------------------------------------------- only regular files in the folder (audit 1)

SECRET = "BOT_TOKEN=123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
# A file outside the seeds that would make a perfectly good article if it were read.
OUTSIDE_ARTICLE = f"{TEXT}\n{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n"


def plant_every_kind(
    seeds: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Next to one good article, every kind of entry that is not a regular file of the
    folder; returns the reason each must be skipped with."""
    outside.mkdir()
    (outside / ".env").write_text(OUTSIDE_ARTICLE, encoding="utf-8")
    (seeds / "real.txt").write_text(TEXT, encoding="utf-8")
    (seeds / "evil.txt").symlink_to(outside / ".env")  # to a file outside
    (seeds / "escape.txt").symlink_to(Path("..") / outside.name / ".env")  # relative, outside
    (seeds / "alias.txt").symlink_to(seeds / "real.txt")  # to a file inside
    (seeds / "folder.txt").symlink_to(outside)  # to a folder
    (seeds / "dangling.txt").symlink_to(outside / "gone.txt")  # to nothing
    os.mkfifo(seeds / "pipe.txt")  # a reader that opened it would block for ever
    monkeypatch.chdir(seeds)  # a socket path must be short
    listener = socket.socket(socket.AF_UNIX)
    listener.bind("socket.txt")
    listener.close()
    links = ("evil.txt", "escape.txt", "alias.txt", "folder.txt", "dangling.txt")
    return {
        **dict.fromkeys(links, seeds_module.SYMLINK),
        "pipe.txt": seeds_module.NOT_A_FILE,
        "socket.txt": seeds_module.NOT_A_FILE,
    }


def test_only_regular_files_in_the_folder_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links (outside, inside, to a folder, dangling), FIFOs and sockets are skipped with a
    reason; nothing of the file outside reaches an article."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    expected = plant_every_kind(seeds, tmp_path / "outside", monkeypatch)
    articles, skipped = read_seeds(seeds)
    assert [a.id for a in articles] == ["real.txt"]
    assert {s.name: s.reason for s in skipped} == expected
    assert all("BOT_TOKEN" not in a.text and "root:x" not in a.text for a in articles)


def test_a_symlinked_seeds_folder_is_read_but_its_links_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SEEDS_DIR itself may be a link (a volume, a release folder: the operator's choice);
    what lies in it is still read only when it is a regular file."""
    real = tmp_path / "real-seeds"
    real.mkdir()
    expected = plant_every_kind(real, tmp_path / "outside", monkeypatch)
    (tmp_path / "seeds").symlink_to(real)
    articles, skipped = read_seeds(tmp_path / "seeds")
    assert [a.id for a in articles] == ["real.txt"]
    assert {s.name: s.reason for s in skipped} == expected


def test_a_file_swapped_for_a_link_while_reading_is_refused(tmp_path: Path) -> None:
    """An entry flipped between a regular file and a link to a secret as fast as possible,
    while the folder is read again and again: the secret is never read (the check and the
    read are one: ``O_NOFOLLOW`` and the same inode through the open descriptor)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text(OUTSIDE_ARTICLE, encoding="utf-8")
    target = seeds / "flip.txt"
    target.write_text(TEXT, encoding="utf-8")
    stop = threading.Event()

    def flip() -> None:
        while not stop.is_set():
            (seeds / ".link").symlink_to(secret)
            os.replace(seeds / ".link", target)
            (seeds / ".file").write_text(TEXT, encoding="utf-8")
            os.replace(seeds / ".file", target)

    flipper = threading.Thread(target=flip)
    flipper.start()
    outcomes: Counter[str] = Counter()
    deadline = time.monotonic() + 0.6
    try:
        while time.monotonic() < deadline:
            articles, skipped = read_seeds(seeds)
            for article in articles:
                assert "BOT_TOKEN" not in article.text and "root:x" not in article.text
                outcomes["read"] += 1
            outcomes.update(s.reason for s in skipped)
    finally:
        stop.set()
        flipper.join()
    assert outcomes["read"] and outcomes[seeds_module.SYMLINK], outcomes


# ------------------------------------------------------------- decoding cleanly (audit 5)


def test_utf8_with_a_stray_byte_is_refused_with_a_true_reason() -> None:
    """Russian UTF-8 with one 0xFF byte is not cp1251 («Р¤Р°Р±…»): refused, and the reason
    says where and what to do."""
    data = TEXT.encode("utf-8")
    broken = data[:41] + b"\xff" + data[41:]
    assert decode(broken) is None
    result = load_article("x.txt", b"first line\n" + broken)
    assert isinstance(result, SkippedFile)
    assert result.reason == (
        "текст в UTF-8 с испорченными байтами (первый — 0xFF в строке 2); "
        "пересохраните файл в UTF-8"
    )


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    position=st.integers(min_value=0, max_value=10_000),
    stray=st.sampled_from([0xFF, 0xFE, 0xC0, 0xC1, 0xF8, 0x80, 0xBF, 0xD0, 0xE0]),
    seed=st.sampled_from(sorted(p.name for p in SEEDS.glob("*.txt"))),
)
def test_no_damaged_utf8_seed_is_read_as_cp1251(position: int, stray: int, seed: str) -> None:
    """Any real article with one stray byte anywhere: refused, never decoded as cp1251.

    A capital «И» is ``D0 98`` in UTF-8 and 0x98 is no cp1251 character, which alone kept
    these articles from being misread before; without it (like the audit's «Фабрика…»)
    UTF-8 bytes are valid cp1251, and only the decoder's judgement refuses them."""
    data = (SEEDS / seed).read_text(encoding="utf-8").replace("И", "Ы").encode("utf-8")
    position %= len(data)
    broken = data[:position] + bytes([stray]) + data[position:]
    try:
        broken.decode("utf-8")
    except UnicodeDecodeError:
        assert decode(broken) is None
    else:  # the byte happened to complete a character: still UTF-8
        assert decode(broken) == broken.decode("utf-8")


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16-le", "utf-16-be"])
def test_every_seed_decodes_in_cp1251_and_utf16_without_bom(encoding: str) -> None:
    """cp1251 (its «», ё and dashes now and then look like UTF-8 pairs) and UTF-16 saved
    without a BOM read back to the same text."""
    for path in [*SEEDS.glob("*.txt"), *UNSEEN.glob("*.txt")]:
        text = path.read_text(encoding="utf-8").replace("\u2212", "-")
        if encoding == "cp1251":
            text = text.encode("cp1251", errors="ignore").decode("cp1251")
        assert decode(text.encode(encoding)) == text, path.name
    caps = "«БЕЛАЗ» и «МАЗ» — Ёлки, «ГРОДНО». " * 20 + TEXT  # pairs valid in UTF-8
    assert decode(caps.encode("cp1251")) == caps
