"""Broken seeds: build and reload skip bad files with reasons, keep good ones, never leave a
partial index where the bot reads from (issue 4).

One messy seeds directory holds every kind of bad file the issue lists next to good articles
with odd names and encodings.  It is built three ways — ``build_index``, the service's
``reload`` and the admin's ``/reload`` through the real dispatcher — and each must index the
same good files and skip the same bad ones with the same reasons.  When nothing usable is
left, or the directory is gone, or the build dies half-way, the old index file stays intact,
keeps answering, and the admin's reply says why; the index folder never holds a temp file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_testkit import SEEDS, UNSEEN, only
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rel_checks import Rig, check_call, sent_texts

from bot.cli import cli
from bot.local import LocalCall
from knowledge import BuildError, KnowledgeIndex, build_index, load_index
from knowledge.figures import extract_figures
from knowledge.russian import count
from knowledge.seeds import MAX_SEED_BYTES
from knowledge.service import KnowledgeService, ReloadFailed

QUESTION = "Сколько было посетителей?"
SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
FIRST_SEED = SEED_NAMES[0]

# Good articles under odd names and in every supported encoding: (name, source, encoding).
GOOD = [
    ("статья с пробелами.txt", "u02_tass_results.txt", "utf-8"),
    ("-ведущий-дефис.txt", "u03_nodate_tatarstan.txt", "cp1251"),
    ("utf16 с BOM.txt", "u04_sb_minsk.txt", "utf-16"),
    ("Гродно — статья.txt", "u01_belta_grodno.txt", "utf-8-sig"),
]
# Bad files and the reason each must be skipped with.
BAD = {
    "empty.txt": "пустой файл",
    "whitespace.txt": "пустой файл",
    "binary.txt": "не текст: кодировка не UTF-8, UTF-16 или cp1251",
    "huge.txt": f"файл больше {MAX_SEED_BYTES // 1000} КБ",
    "copy of the first.txt": f"повторяет статью {FIRST_SEED}",
    "x.txt": "не файл (папка или спецфайл)",
    "unreadable.txt": "не удалось прочитать: Permission denied",
}


def write_good(seeds: Path) -> None:
    """The four unseen articles under odd names, UTF-8, cp1251, UTF-16 with BOM, UTF-8 BOM."""
    for name, source, encoding in GOOD:
        text = (UNSEEN / source).read_text(encoding="utf-8")
        if encoding == "cp1251":
            text = text.replace("\u2212", "-")  # the minus sign has no cp1251 code
        (seeds / name).write_bytes(text.encode(encoding))


def write_bad(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bad file the issue lists (see ``BAD``)."""
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "whitespace.txt").write_bytes(b" \n\t \r\n \x0b\x0c \n" * 3)
    (seeds / "binary.txt").write_bytes(bytes(range(256)) * 8)
    with (seeds / "huge.txt").open("wb") as huge:
        huge.write(("Выставка ИННОПРОМ. " * 60_000).encode()[: MAX_SEED_BYTES + 1])
    shutil.copyfile(SEEDS / FIRST_SEED, seeds / "copy of the first.txt")
    (seeds / "x.txt").mkdir()
    (seeds / "x.txt" / "inside.txt").write_bytes((SEEDS / FIRST_SEED).read_bytes())
    make_unreadable(seeds / "unreadable.txt", monkeypatch)


def make_unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A seed file the bot may not read.

    ``chmod 000`` does that for an ordinary user.  Tests often run as root (CI containers),
    and root reads a mode-000 file anyway (CAP_DAC_OVERRIDE), so when the file can still be
    opened after the chmod, ``os.open`` is patched to raise the ``PermissionError`` the
    kernel would give anyone else — for this one file only.  Either way the seeds code sees
    exactly what it sees in production.
    """
    path.write_bytes((UNSEEN / "u02_tass_results.txt").read_bytes().replace(b"2025", b"2024"))
    path.chmod(0)
    try:
        path.open("rb").close()
    except PermissionError:
        return  # a real unreadable file
    original = os.open

    def guarded_open(
        file: str | os.PathLike[str], flags: int, mode: int = 0o777, *, dir_fd: int | None = None
    ) -> int:
        target = Path(os.readlink(f"/proc/self/fd/{dir_fd}")) / file if dir_fd else Path(file)
        if target.resolve() == path.resolve():
            raise PermissionError(13, "Permission denied", str(file))
        return original(file, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", guarded_open)


def index_dir_files(index_path: Path) -> set[str]:
    """Everything in the index's folder except the state database and its journals."""
    return {p.name for p in index_path.parent.iterdir() if not p.name.startswith("state.db")}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def messy(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    """The rig with the five seeds plus every good and bad file above in its seeds dir."""
    seeds = rig.harness.settings.seeds_dir
    write_good(seeds)
    write_bad(seeds, monkeypatch)
    yield rig
    (seeds / "unreadable.txt").chmod(0o644)


def assert_skipped(skipped: object, where: str) -> None:
    reasons = {s.name: s.reason for s in skipped}  # type: ignore[attr-defined]
    assert reasons == BAD, f"{where}: {reasons}"


def expected_ids() -> set[str]:
    return set(SEED_NAMES) | {name for name, _, _ in GOOD}


def test_build_index_skips_bad_files_and_keeps_good_ones(messy: Rig, tmp_path: Path) -> None:
    """``build_index``: 9 articles (5 seeds + 4 odd ones), 7 files skipped with reasons."""
    seeds = messy.harness.settings.seeds_dir
    report = build_index(seeds, tmp_path / "built" / "index.db")
    assert_skipped(report.skipped, "build_index")
    assert report.articles == len(expected_ids())
    with KnowledgeIndex.open(tmp_path / "built" / "index.db") as index:
        assert {a.source.article_id for a in index.sources()} == expected_ids()
        # each odd good file is really searchable: its text decoded right
        assert index.find_region("гродненская").region is not None  # UTF-8 with BOM
        assert index.find_region("татарстан").region is not None  # cp1251, leading dash
        assert index.info.skipped == report.skipped
    assert index_dir_files(tmp_path / "built" / "index.db") == {"index.db"}


async def test_service_and_admin_reload_report_every_skip(messy: Rig) -> None:
    """The service's reload and the admin's /reload index the same files, list every skip."""
    h = messy.harness
    result = await h.service.reload()
    assert (result.old.articles, result.new.articles) == (5, len(expected_ids()))
    assert_skipped(result.skipped, "service.reload")
    calls = await h.admin().send("/reload")
    for call in calls:
        check_call(call)
    (report,) = sent_texts(calls)
    assert report.startswith("Индекс перестроен")
    assert f"Статей: {len(expected_ids())} → {len(expected_ids())}" in report
    assert f"Пропущено {count(len(BAD), 'файл')}:" in report
    for name, reason in BAD.items():
        assert f"• {name} — {reason}" in report
    answer = only(await h.private().send("/region Гродненская"), "sendMessage")
    assert answer.text.startswith("Гродненская область")
    assert index_dir_files(h.settings.index_path) == {"index.db"}
    assert messy.failures() == []


async def test_nothing_usable_keeps_the_old_index_and_says_why(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only bad files left: the reload fails, the reply says why and lists them, the old index
    file is untouched and keeps answering."""
    h = rig.harness
    seeds = h.settings.seeds_dir
    for path in seeds.iterdir():
        path.unlink()
    write_bad(seeds, monkeypatch)
    os.remove(seeds / "copy of the first.txt")  # a duplicate needs its original to exist
    (seeds / "short.txt").write_text("date 2025-09-30 Коротко.", encoding="utf-8")
    before = digest(h.settings.index_path)
    old = h.service.index
    calls = await h.admin().send("/reload")
    for call in calls:
        check_call(call)
    (report,) = sent_texts(calls)
    assert report.startswith("Индекс не перестроен: нет ни одной пригодной статьи.")
    assert "Продолжаю отвечать по прежнему индексу (5 статей)" in report
    for name in ("empty.txt", "whitespace.txt", "binary.txt", "huge.txt", "x.txt",
                 "unreadable.txt"):  # fmt: skip
        assert f"• {name} — {BAD[name]}" in report
    assert "• short.txt — слишком мало текста для статьи" in report
    assert h.service.index is old
    assert digest(h.settings.index_path) == before
    assert index_dir_files(h.settings.index_path) == {"index.db"}
    answer = only(await h.private().send(QUESTION), "sendMessage")
    assert "14" in answer.text
    (seeds / "unreadable.txt").chmod(0o644)
    assert rig.failures() == []


async def test_vanished_seeds_directory(rig: Rig) -> None:
    """The seeds folder is gone: reload fails with that reason; restart serves the old index."""
    h = rig.harness
    shutil.rmtree(h.settings.seeds_dir)
    before = digest(h.settings.index_path)
    with pytest.raises(ReloadFailed) as failure:
        await h.service.reload()
    assert failure.value.reason == "папка с исходными статьями не найдена"
    (report,) = sent_texts(await h.admin().send("/reload"))
    assert report.startswith("Индекс не перестроен: папка с исходными статьями не найдена.")
    assert "Продолжаю отвечать по прежнему индексу (5 статей)" in report
    assert "14" in only(await h.private().send(QUESTION), "sendMessage").text
    assert digest(h.settings.index_path) == before
    # a restart with the folder still missing opens the existing index instead of failing
    index, report_at_start = load_index(h.settings.seeds_dir, h.settings.index_path)
    with index:
        assert report_at_start is None and index.info.articles == 5
    assert digest(h.settings.index_path) == before
    assert index_dir_files(h.settings.index_path) == {"index.db"}
    assert rig.failures() == []


def _fail_while_writing(*args: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


def _fail_validation(path: Path) -> None:
    raise BuildError("новый индекс не отвечает на вопросы: симуляция")


@pytest.mark.parametrize(
    ("target", "replacement", "reason"),
    [
        ("knowledge.index._insert_df", _fail_while_writing, "database or disk is full"),
        ("knowledge.service._validate", _fail_validation, "симуляция"),
    ],
    ids=["disk-full-mid-write", "staging-fails-validation"],
)
async def test_build_dying_half_way_leaves_no_partial_index(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, target: str, replacement: object, reason: str
) -> None:
    """The build fails after the temp file was half written (disk full), or the staged index
    fails validation: the admin is told why, INDEX_PATH is byte for byte the old file, and no
    temp or staging file is left next to it."""
    h = rig.harness
    (h.settings.seeds_dir / "grodno.txt").write_bytes(
        (UNSEEN / "u01_belta_grodno.txt").read_bytes()
    )
    before = digest(h.settings.index_path)
    monkeypatch.setattr(target, replacement)
    calls: list[LocalCall] = await h.admin().send("/reload")
    (report,) = sent_texts(calls)
    assert report.startswith("Индекс не перестроен: "), report
    assert reason in report
    assert digest(h.settings.index_path) == before
    assert index_dir_files(h.settings.index_path) == {"index.db"}
    assert "14" in only(await h.private().send(QUESTION), "sendMessage").text
    assert rig.failures() == []
    monkeypatch.undo()
    (report,) = sent_texts(await h.admin().send("/reload"))
    assert "Статей: 5 → 6" in report  # and the next reload goes through


ARTICLE_LINES = [
    line for line in (SEEDS / FIRST_SEED).read_text(encoding="utf-8").splitlines() if line.strip()
]
SEED_TEXT = st.lists(
    st.one_of(
        st.sampled_from(ARTICLE_LINES),
        st.text(max_size=60),
        st.sampled_from(
            [
                " date 2025-13-45 ", "date 9999-01-01", "/ТАСС/",
                "29 сентября, Минск /Корр. БЕЛТА/.", "Редакция сайта СБ", "- 0 -", "3.64 BYN",
                "«", "»", "\u0301", "😀", "\u200b",
                "\ufeff", "подписали соглашение о сотрудничестве", "Минская область",
                "Иван Иванов, председатель облисполкома,", "более 14 тыс. человек", "\r\n",
            ]
        ),
    ),
    max_size=25,
)  # fmt: skip


SEED_FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_any_seed_file_is_indexed_or_skipped(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Whatever a seed file holds, the build indexes it (and the index answers) or skips it
    with a reason (a BuildError naming it) — nothing else is ever raised."""
    outcomes: Counter[str] = Counter()

    @SEED_FUZZ
    @given(
        text=SEED_TEXT,
        separator=st.sampled_from(["\n", " ", "\n\n", ". "]),
        encoding=st.sampled_from(["utf-8", "utf-16", "cp1251", "raw"]),
        noise=st.binary(max_size=64),
    )
    def run(text: list[str], separator: str, encoding: str, noise: bytes) -> None:
        folder = tmp_path_factory.mktemp("fuzz-seeds")
        seeds = folder / "seeds"
        seeds.mkdir()
        body = separator.join(text)
        if encoding == "raw":
            data = noise + body.encode("utf-8") + noise
        else:
            data = body.encode(encoding, errors="replace")
        (seeds / "odd.txt").write_bytes(data)
        try:
            report = build_index(seeds, folder / "index.db")
        except BuildError as failure:
            (skip,) = failure.skipped
            assert skip.name == "odd.txt" and skip.reason
            assert index_dir_files(folder / "index.db") == {"seeds"}
            outcomes["skipped"] += 1
        else:
            assert report.articles == 1 and report.skipped == ()
            with KnowledgeIndex.open(folder / "index.db") as index:
                index.search(QUESTION)
                index.search(body[:200])
                index.regions()
                index.agreements()
                (source,) = index.sources()
                assert source.source.article_id == "odd.txt"
            assert index_dir_files(folder / "index.db") == {"index.db", "seeds"}
            outcomes["indexed"] += 1
        shutil.rmtree(folder)

    run()
    print(f"seed files: {dict(outcomes)}")
    assert outcomes["indexed"] >= 30 and outcomes["skipped"] >= 30, outcomes


def test_service_open_fails_cleanly_without_any_index(tmp_path: Path) -> None:
    """First start with nothing usable and no index: a BuildError, no file at INDEX_PATH."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "empty.txt").write_bytes(b"")
    with pytest.raises(BuildError) as failure:
        KnowledgeService.open(seeds, tmp_path / "data" / "index.db")
    assert [s.name for s in failure.value.skipped] == ["empty.txt"]
    data = tmp_path / "data"
    assert not data.exists() or list(data.iterdir()) == []


# ------------------------------------------ long numbers, any build failure (audit, 2)

HUGE_NUMBERS = (
    "Общий объём контрактов составил " + "9" * 400 + " млрд рублей. "
    "Номера стендов: " + " ".join(["123"] * 120) + "."
)


async def test_an_article_with_huge_numbers_is_uploaded_and_answers(rig: Rig) -> None:
    """«9…9 млрд» and 120 three-digit groups in an upload: saved, indexed, the next /reload
    goes through and questions are answered (the audit: a lasting outage)."""
    h = rig.harness
    article = (UNSEEN / "u01_belta_grodno.txt").read_text(encoding="utf-8") + "\n" + HUGE_NUMBERS
    upload = sent_texts(await h.admin().upload("цифры.txt", article.encode()))[-1]
    assert upload.startswith("Статья сохранена"), upload
    assert "Статей: 5 → 6" in upload
    (report,) = sent_texts(await h.admin().send("/reload"))
    assert report.startswith("Индекс перестроен"), report
    assert "14" in only(await h.private().send(QUESTION), "sendMessage").text
    assert rig.failures() == []


def _figures_fail_on_marker(sentences: list[str]) -> list[object]:
    if any("СБОЙ-РАЗБОРА" in s for s in sentences):
        raise RuntimeError("сбой разбора (симуляция)")
    return list(extract_figures(sentences))


async def test_an_article_that_fails_analysis_is_skipped_and_named(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever breaks while one article is analysed costs that article: /reload goes
    through and names it with the error; the same article as an upload is refused and not
    saved."""
    h = rig.harness
    monkeypatch.setattr("knowledge.passages.extract_figures", _figures_fail_on_marker)
    broken = (UNSEEN / "u02_tass_results.txt").read_text(encoding="utf-8") + "\nСБОЙ-РАЗБОРА."
    (h.settings.seeds_dir / "broken.txt").write_text(broken, encoding="utf-8")
    (h.settings.seeds_dir / "grodno.txt").write_bytes(
        (UNSEEN / "u01_belta_grodno.txt").read_bytes()
    )
    (report,) = sent_texts(await h.admin().send("/reload"))
    assert report.startswith("Индекс перестроен"), report
    assert "Статей: 5 → 6" in report
    assert "• broken.txt — не удалось разобрать статью: RuntimeError: сбой разбора" in report
    (h.settings.seeds_dir / "broken.txt").unlink()
    seeds = sorted(p.name for p in h.settings.seeds_dir.iterdir())
    upload = sent_texts(await h.admin().upload("статья.txt", broken.encode()))[-1]
    assert upload.startswith("Файл не принят: не удалось разобрать статью: RuntimeError"), upload
    assert sorted(p.name for p in h.settings.seeds_dir.iterdir()) == seeds
    assert rig.failures() == []


def _link_people_fails(*args: object) -> None:
    raise ValueError("cannot convert float infinity to integer (симуляция)")


async def test_any_build_error_is_a_failed_reload_and_the_upload_is_removed(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error outside any one article (not a BuildError): /reload fails with the reason,
    the old index keeps answering, an upload that triggered such a build is removed."""
    h = rig.harness
    before = digest(h.settings.index_path)
    seeds = sorted(p.name for p in h.settings.seeds_dir.iterdir())
    monkeypatch.setattr("knowledge.index.link_people", _link_people_fails)
    (report,) = sent_texts(await h.admin().send("/reload"))
    assert report.startswith("Индекс не перестроен: сборка не удалась: ValueError: cannot"), report
    assert "Продолжаю отвечать по прежнему индексу (5 статей)" in report
    upload = sent_texts(await h.admin().upload("статья.txt", ARTICLE_BYTES))[-1]
    assert upload.startswith("Индекс не перестроен: сборка не удалась: ValueError"), upload
    assert sorted(p.name for p in h.settings.seeds_dir.iterdir()) == seeds
    assert digest(h.settings.index_path) == before
    assert index_dir_files(h.settings.index_path) == {"index.db"}
    assert "14" in only(await h.private().send(QUESTION), "sendMessage").text
    assert rig.failures() == []


def test_start_up_serves_the_old_index_whatever_the_build_error(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeds changed (the index is stale) and the build raises something unexpected: the
    service, the console and ``innoprom-bot ask`` start on the sound old index."""
    settings = rig.harness.settings
    (settings.seeds_dir / "grodno.txt").write_bytes((UNSEEN / "u01_belta_grodno.txt").read_bytes())
    before = digest(settings.index_path)
    monkeypatch.setattr("knowledge.index.link_people", _link_people_fails)
    service, report = KnowledgeService.open(settings.seeds_dir, settings.index_path)
    assert report is None and service.index.info.articles == 5
    service.close()
    monkeypatch.setenv("SEEDS_DIR", str(settings.seeds_dir))
    monkeypatch.setenv("INDEX_PATH", str(settings.index_path))
    result = CliRunner().invoke(cli, ["ask", QUESTION])
    assert result.exit_code == 0, result.output
    assert "14" in result.output
    assert digest(settings.index_path) == before


# --------------------------------------------------------- garbled uploads (audit, 5)

ARTICLE_BYTES = (UNSEEN / "u02_tass_results.txt").read_bytes()


async def test_garbled_utf8_upload_is_refused_and_utf16_without_bom_accepted(rig: Rig) -> None:
    """UTF-8 with one stray 0xFF is refused with a true reason (never saved as «Р¤Р°…»);
    UTF-16 saved without a BOM is read as what it is."""
    h = rig.harness
    seeds = sorted(p.name for p in h.settings.seeds_dir.iterdir())
    cut = ARTICLE_BYTES.index(b"\n") + 1
    garbled = ARTICLE_BYTES[:cut] + b"\xff" + ARTICLE_BYTES[cut:]
    (reply,) = sent_texts(await h.admin().upload("статья.txt", garbled))
    assert reply == (
        "Файл не принят: текст в UTF-8 с испорченными байтами (первый — 0xFF в строке 2); "
        "пересохраните файл в UTF-8. Ничего не сохранено, индекс прежний."
    )
    assert sorted(p.name for p in h.settings.seeds_dir.iterdir()) == seeds
    text = ARTICLE_BYTES.decode("utf-8")
    for encoding in ("utf-16-le", "utf-16-be"):
        text += f"\nЭтот вариант статьи сохранён в {encoding.upper()} без BOM."  # not a copy
        reply = sent_texts(await h.admin().upload("статья.txt", text.encode(encoding)))[-1]
        assert reply.startswith('Статья сохранена: «Итоги "Иннопрома'), (encoding, reply)
    sources = only(await h.private().send("/sources"), "sendMessage").text
    assert "Р¤" not in sources and "Р°" not in sources
    assert rig.failures() == []
