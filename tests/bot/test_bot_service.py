"""KnowledgeService: atomic reload, failed builds keep the old index, uploads, busy refusal."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest
from bot_testkit import UNSEEN

from bot.config import Settings
from knowledge import Answer, KnowledgeIndex
from knowledge.present import present
from knowledge.service import (
    INLINE_SEARCH_CHARS,
    TRASH_DIR,
    InvalidSeed,
    KnowledgeService,
    NothingToRestore,
    ReloadBusy,
    ReloadFailed,
)


def open_service(settings: Settings, close_delay: float = 0) -> KnowledgeService:
    index = KnowledgeIndex.open(settings.index_path)
    return KnowledgeService(
        index, settings.seeds_dir, settings.index_path, close_delay=close_delay
    )


async def test_reload_swaps_in_a_new_index_and_reports_counts(settings: Settings) -> None:
    """A new seed file shows up after reload; the report has old → new counts."""
    service = open_service(settings)
    try:
        old = service.index
        (settings.seeds_dir / "grodno.txt").write_bytes(
            (UNSEEN / "u01_belta_grodno.txt").read_bytes()
        )
        result = await service.reload()
        assert service.index is not old
        assert (result.old.articles, result.new.articles) == (5, 6)
        assert result.new.passages > result.old.passages
        assert result.elapsed_ms > 0
        assert service.index.find_region("гродненская").region is not None
        with pytest.raises(sqlite3.ProgrammingError):  # close_delay=0: closed at once
            old.search("Сколько было посетителей?")
        reopened = KnowledgeIndex.open(settings.index_path)  # the file on disk is the new one
        assert reopened.info.articles == 6
        reopened.close()
    finally:
        service.close()


async def test_failed_build_keeps_the_old_index(settings: Settings) -> None:
    """No usable seeds: ReloadFailed with the reasons, the old index keeps answering."""
    service = open_service(settings)
    try:
        for path in settings.seeds_dir.iterdir():
            path.unlink()
        (settings.seeds_dir / "empty.txt").write_bytes(b"")
        old = service.index
        with pytest.raises(ReloadFailed) as failure:
            await service.reload()
        assert [s.name for s in failure.value.skipped] == ["empty.txt"]
        assert service.index is old
        assert service.index.search("Сколько было посетителей?").answered
        assert KnowledgeIndex.open(settings.index_path).info.articles == 5
        assert not list(settings.index_path.parent.glob(".*staging*"))
    finally:
        service.close()


async def test_second_reload_is_refused_while_one_runs(settings: Settings) -> None:
    """Two reloads at once: the second raises ReloadBusy, the first completes."""
    service = open_service(settings)
    try:
        first = asyncio.create_task(service.reload())
        await asyncio.sleep(0)
        assert service.busy
        with pytest.raises(ReloadBusy):
            await service.reload()
        with pytest.raises(ReloadBusy):
            await service.add_seed(b"whatever")
        assert (await first).new.articles == 5
        assert not service.busy
    finally:
        service.close()


async def test_replaced_index_stays_usable_until_its_close_delay(settings: Settings) -> None:
    """A search already holding the old index is not cut off by the swap."""
    service = open_service(settings, close_delay=0.05)
    try:
        old = service.index
        await service.reload()
        assert old.search("Сколько было посетителей?").answered
        await asyncio.sleep(0.1)
        with pytest.raises(sqlite3.ProgrammingError):
            old.search("Сколько было посетителей?")
    finally:
        service.close()


async def test_upload_is_saved_under_a_generated_name(settings: Settings) -> None:
    """An accepted upload lands in SEEDS_DIR as upload-*.txt and is indexed."""
    service = open_service(settings)
    try:
        data = (UNSEEN / "u04_sb_minsk.txt").read_bytes()
        result = await service.add_seed(data)
        saved = settings.seeds_dir / result.saved_as
        assert result.saved_as.startswith("upload-") and result.saved_as.endswith(".txt")
        assert saved.read_bytes() == data
        assert result.reload.new.articles == 6
        assert not list(settings.seeds_dir.glob(".*"))
    finally:
        service.close()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "пустой"),
        (b"   \n\n ", "пустой"),
        (b"\x00\x01\x02binary\xff" * 50, "кодировка"),
        ("Коротко.".encode(), "мало текста"),
    ],
)
async def test_bad_uploads_save_nothing(settings: Settings, data: bytes, reason: str) -> None:
    """Empty, binary and too-short files are refused with a reason; nothing is written."""
    service = open_service(settings)
    before = sorted(p.name for p in settings.seeds_dir.iterdir())
    try:
        with pytest.raises(InvalidSeed) as refused:
            await service.add_seed(data)
        assert reason in refused.value.reason
        assert sorted(p.name for p in settings.seeds_dir.iterdir()) == before
    finally:
        service.close()


async def test_duplicate_upload_is_refused(settings: Settings) -> None:
    """The same article twice (even re-encoded as cp1251) is refused the second time."""
    service = open_service(settings)
    try:
        text = (UNSEEN / "u02_tass_results.txt").read_text(encoding="utf-8")
        await service.add_seed(text.encode("utf-8"))
        with pytest.raises(InvalidSeed, match="повторяет статью upload-"):
            await service.add_seed(text.encode("cp1251"))
        assert len(list(settings.seeds_dir.glob("upload-*.txt"))) == 1
    finally:
        service.close()


async def test_cp1251_upload_is_accepted(settings: Settings) -> None:
    """A Windows-1251 article is read like a UTF-8 one."""
    service = open_service(settings)
    try:
        text = (UNSEEN / "u03_nodate_tatarstan.txt").read_text(encoding="utf-8")
        result = await service.add_seed(text.encode("cp1251"))
        assert result.reload.new.articles == 6
        assert service.index.find_region("Татарстан").region is not None
    finally:
        service.close()


async def test_removed_articles_go_to_the_trash_and_the_last_comes_back(
    settings: Settings,
) -> None:
    """remove → the file waits in SEEDS_DIR/trash (out of the build); restore → the last one
    removed is back and indexed; then the one before it is still in the trash."""
    service = open_service(settings)
    try:
        first, second = "003_685755f318647117.txt", "004_799d120832a90aa3.txt"
        removed = await service.remove(first)
        assert removed.title.startswith("Выставку")
        await service.remove(second)
        assert service.index.info.articles == 3
        assert service.index.source(first) is None
        trash = settings.seeds_dir / TRASH_DIR
        assert sorted(p.name.split("--", 1)[1] for p in trash.iterdir()) == [first, second]
        restored = await service.restore()
        assert restored.article_id == second
        assert restored.reload.new.articles == 4
        assert (settings.seeds_dir / second).is_file()
        assert [p.name.split("--", 1)[1] for p in trash.iterdir()] == [first]
        with pytest.raises(InvalidSeed):
            await service.remove(second + ".missing")
    finally:
        service.close()


class _ThreadRecordingIndex(KnowledgeIndex):
    """The real index, noting which thread each search ran on."""

    threads: list[str]

    def search(self, question: str, limit: int = 9) -> Answer:
        self.threads.append(threading.current_thread().name)
        return super().search(question, limit)


async def test_long_questions_are_searched_off_the_event_loop(settings: Settings) -> None:
    """The service decides where a search runs, for every caller (a conversation's message,
    «Ещё», «Источник», inline): a question up to INLINE_SEARCH_CHARS on the loop, a longer one
    in a worker thread, so a hostile 4 KB message never stalls other chats."""
    index = _ThreadRecordingIndex(settings.index_path)
    index.threads = []
    service = KnowledgeService(index, settings.seeds_dir, settings.index_path, close_delay=0)
    try:
        short = "Сколько было посетителей?"
        long = short + " " + "и " * INLINE_SEARCH_CHARS
        loop_thread = threading.current_thread().name
        assert (await service.ask(short)).answered
        await service.ask(long)
        assert await service.snippet_context(short, 0, 3) is not None
        await service.snippet_context(long, 0, 3)
        assert (await service.converse(short, None)).answer.answered
        await service.converse(long, None)
        on_loop = [t == loop_thread for t in index.threads]
        assert on_loop == [True, False, True, False, True, False], index.threads
    finally:
        service.close()


async def test_a_failed_reload_undoes_a_removal_and_an_empty_trash_is_said(
    settings: Settings,
) -> None:
    """Removing the last article cannot build an index: the file is put back."""
    service = open_service(settings)
    try:
        files = sorted(settings.seeds_dir.glob("*.txt"))
        for path in files[1:]:
            path.unlink()
        with pytest.raises(ReloadFailed):
            await service.remove(files[0].name)
        assert files[0].is_file()
        assert not any((settings.seeds_dir / TRASH_DIR).iterdir())
        with pytest.raises(NothingToRestore):
            await service.restore()
    finally:
        service.close()


async def test_an_article_added_again_meanwhile_is_not_restored(settings: Settings) -> None:
    """The same text uploaded after its removal: restoring it would index it twice."""
    service = open_service(settings)
    try:
        name = "003_685755f318647117.txt"
        data = (settings.seeds_dir / name).read_bytes()
        await service.remove(name)
        await service.add_seed(data)
        with pytest.raises(InvalidSeed, match="повторяет статью upload-"):
            await service.restore()
        assert [p.name.split("--", 1)[1] for p in (settings.seeds_dir / TRASH_DIR).iterdir()] == [
            name
        ]
    finally:
        service.close()


async def test_remove_never_follows_a_link_or_leaves_the_folder(settings: Settings) -> None:
    """A symlink named as an article is not followed to the file it points at; names with a
    path in them are refused."""
    service = open_service(settings)
    try:
        target = settings.seeds_dir / "003_685755f318647117.txt"
        (settings.seeds_dir / "alias.txt").symlink_to(target)
        for name in ("alias.txt", "../state.db", "sub/003_685755f318647117.txt", ".hidden.txt"):
            with pytest.raises(InvalidSeed):
                await service.remove(name)
        assert target.is_file() and not (settings.seeds_dir / TRASH_DIR).exists()
    finally:
        service.close()


async def test_snippet_context_is_the_paragraph_of_that_snippet(settings: Settings) -> None:
    """«Источник» of snippet n (as presented): the paragraph holding it, with its article;
    nothing for a snippet the answer does not have."""
    service = open_service(settings)
    try:
        question = "Что выпускает Полесье?"
        snippets = present(await service.ask(question), 3).snippets
        found = await service.snippet_context(question, 0, 3)
        assert found is not None
        paragraph, source = found
        assert snippets[0].text.split(". ")[0][:30] in paragraph
        assert source == snippets[0].source
        assert await service.snippet_context(question, len(snippets), 3) is None
        assert await service.snippet_context(question, -1, 3) is None
    finally:
        service.close()
