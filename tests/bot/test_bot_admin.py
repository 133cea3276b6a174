"""Admin paths: /reload, document uploads (good and hostile), /stats; non-admins refused."""

from __future__ import annotations

import asyncio
import logging

import pytest
from bot_testkit import UNSEEN, Harness, only

from bot import texts
from bot.local import LocalCall


def replies(calls: list[LocalCall]) -> list[str]:
    """Texts of the messages the bot sent."""
    return [c.text for c in calls if c.method == "sendMessage" and c.error is None]


async def test_reload_reports_old_and_new_counts(harness: Harness) -> None:
    """/reload after a new seed file: started, then old → new counts and the build time."""
    (harness.settings.seeds_dir / "grodno.txt").write_bytes(
        (UNSEEN / "u01_belta_grodno.txt").read_bytes()
    )
    calls = await harness.admin().send("/reload")
    (report,) = replies(calls)
    assert "Статей: 5 → 6" in report
    assert "мс" in report
    answer = only(await harness.private().send("/region гродненская"), "sendMessage")
    assert answer.text.startswith("Гродненская область")


async def test_reload_lists_skipped_files(harness: Harness) -> None:
    """Files the build skipped are listed with their reasons."""
    (harness.settings.seeds_dir / "empty.txt").write_bytes(b"")
    report = replies(await harness.admin().send("/reload"))[-1]
    assert "Пропущен 1 файл:" in report
    assert "empty.txt — пустой файл" in report


async def test_failed_reload_keeps_serving(harness: Harness) -> None:
    """A build that fails is reported with the reason; answers keep coming."""
    for path in harness.settings.seeds_dir.iterdir():
        path.unlink()
    report = replies(await harness.admin().send("/reload"))[-1]
    assert report.startswith("Индекс не перестроен")
    assert "Продолжаю отвечать по прежнему индексу (5 статей)" in report
    answer = only(await harness.private().send("Сколько было посетителей?"), "sendMessage")
    assert "14" in answer.text


async def test_second_reload_is_told_one_is_running(harness: Harness) -> None:
    """Two /reload at once: one rebuilds, the other hears a reload is already running."""
    chat = harness.admin()
    await asyncio.gather(chat.send("/reload"), chat.send("/reload"))
    texts_sent = [c.text for c in harness.session.sent("sendMessage")]
    assert texts_sent.count(texts.RELOAD_BUSY) == 1
    assert sum(t.startswith("Индекс перестроен") for t in texts_sent) == 1
    assert len(texts_sent) == 2


async def test_non_admin_reload_is_an_unknown_command(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Someone else's /reload and /stats: «unknown command», logged, index untouched."""
    index = harness.service.index
    with caplog.at_level(logging.WARNING):
        for command in ("/reload", "/stats"):
            sent = only(await harness.private().send(command), "sendMessage")
            assert sent.text == texts.UNKNOWN_COMMAND
    assert harness.service.index is index
    assert "admin command /reload refused" in caplog.text


async def test_upload_is_saved_safely_and_reloaded(harness: Harness) -> None:
    """A .txt upload with a hostile file name is stored under a generated name and indexed."""
    data = (UNSEEN / "u01_belta_grodno.txt").read_bytes()
    calls = await harness.admin().upload("../../etc/evil.txt", data)
    assert [c.method for c in calls].count("getFile") == 1
    report = replies(calls)[-1]
    assert report.startswith("Статья сохранена: «Гродненская")
    assert "Статей: 5 → 6" in report
    seeds = harness.settings.seeds_dir
    uploaded = list(seeds.glob("upload-*.txt"))
    assert len(uploaded) == 1 and uploaded[0].read_bytes() == data
    assert not list(seeds.parent.rglob("evil*"))
    answer = only(await harness.private().send("/region Гродненская"), "sendMessage")
    assert "Сергей Лукашевич" in answer.text


@pytest.mark.parametrize(
    ("name", "data", "mime", "expected"),
    [
        ("article.pdf", b"%PDF-1.4", "application/pdf", texts.UPLOAD_NOT_TXT),
        ("archive.txt", b"PK\x03\x04", "application/zip", texts.UPLOAD_NOT_TXT),
        ("empty.txt", b"", "text/plain", "Файл не принят: пустой файл"),
        ("binary.txt", b"\x00\xff\x00\xfe" * 100, "text/plain", "Файл не принят: не текст"),
        ("short.txt", "Коротко.".encode(), "text/plain", "Файл не принят: слишком мало"),
        ("huge.txt", b"a" * 2_000_001, "text/plain", "Файл больше 1000 КБ"),
    ],
)
async def test_bad_uploads_are_refused(
    harness: Harness, name: str, data: bytes, mime: str, expected: str
) -> None:
    """Wrong type, empty, binary, too short or too big: refused, nothing saved."""
    seeds_before = sorted(p.name for p in harness.settings.seeds_dir.iterdir())
    calls = await harness.admin().upload(name, data, mime_type=mime)
    assert replies(calls)[-1].startswith(expected)
    assert sorted(p.name for p in harness.settings.seeds_dir.iterdir()) == seeds_before
    if expected in (texts.UPLOAD_NOT_TXT,) or expected.startswith("Файл больше"):
        assert "getFile" not in [c.method for c in calls]  # refused before downloading


async def test_duplicate_upload_is_refused(harness: Harness) -> None:
    """An article already in the seeds is not added twice."""
    data = next(iter(sorted(harness.settings.seeds_dir.glob("*.txt")))).read_bytes()
    report = replies(await harness.admin().upload("copy.txt", data))[-1]
    assert report.startswith("Файл не принят: повторяет статью 000_")


async def test_stats_show_counts_feedback_and_declined_questions(harness: Harness) -> None:
    """/stats: totals, answered share, 👍/👎, the most frequent declined questions; no ids."""
    assert replies(await harness.admin().send("/stats")) == [
        "Вопросов пока не было.\nПодписчиков: 0"
    ]
    user = harness.private()
    answered = only(await user.send("Сколько было посетителей?"), "sendMessage")
    await user.press(answered.result["message_id"], "👎")
    for text in ("Какая погода на Марсе?", "какая погода на марсе", "Кто выиграл ЧМ по футболу?"):
        await user.send(text)
    stats = replies(await harness.admin().send("/stats"))[-1]
    assert "4 вопроса, из них с ответом — 1 (25%)" in stats
    assert "👍 0, 👎 1" in stats
    assert "1. «Какая погода на Марсе?» — 2 раза" in stats
    assert "2. «Кто выиграл ЧМ по футболу?» — 1 раз" in stats
    assert str(user.chat_id) not in stats


async def test_admin_document_while_reloading_is_told_to_wait(harness: Harness) -> None:
    """An upload during a reload is refused with the «already running» message."""
    chat = harness.admin()
    data = (UNSEEN / "u02_tass_results.txt").read_bytes()
    await asyncio.gather(chat.send("/reload"), chat.upload("new.txt", data))
    texts_sent = [c.text for c in harness.session.sent("sendMessage")]
    assert texts_sent.count(texts.RELOAD_BUSY) == 1
    assert sum(t.startswith("Индекс перестроен") for t in texts_sent) == 1
    assert not list(harness.settings.seeds_dir.glob("upload-*"))
