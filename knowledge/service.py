"""The live index behind a running bot: one reference, reloaded atomically.

Telegram-free on purpose (the bot, the console chat and the tests share it).  A reload builds
the new index off the event loop, validates it, then swaps a single reference; readers that
already hold the old index keep a working connection until it is closed a little later.  A
failed build leaves the old index serving and says why.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import (
    Answer,
    BuildError,
    BuildReport,
    IndexInfo,
    IndexUnavailable,
    KnowledgeIndex,
    SkippedFile,
    Source,
    load_index,
)
from .dialogue import PAGE, Exchange, converse
from .followup import Turn
from .index import _Analysed, analyse_article, build_index, build_lock
from .present import present
from .preview import ArticlePreview, preview_article
from .reply import EXAMPLE_QUESTIONS
from .seeds import (
    ORIGINS,
    Article,
    failure,
    load_article,
    read_seed_file,
    read_seeds,
    seed_names,
)

__all__ = [
    "TRASH_DIR",
    "InvalidSeed",
    "KnowledgeService",
    "NothingToRestore",
    "ReloadBusy",
    "ReloadFailed",
    "ReloadResult",
    "RemovalResult",
    "UploadResult",
]

logger = logging.getLogger(__name__)

UPLOAD_PREFIX = "upload"
# Removed articles wait here, inside the seeds folder but out of every build (builds read only
# the folder's own *.txt files), named ``<UTC time>--<file name>`` so the last one is found.
TRASH_DIR = "trash"
_TRASH_SEPARATOR = "--"
# A question up to this long is answered on the event loop (a search takes about a
# millisecond, less than a hop to a thread); a longer message goes to a worker thread.
INLINE_SEARCH_CHARS = 200
# From this many seed files a reload builds in a separate process (see _build_elsewhere):
# even at 100 articles a build in a thread holds the interpreter lock long enough to delay
# answers by ~300 ms; below this the ~1 s cost of starting a process is not worth it.
SUBPROCESS_FROM = 50
# After a background repair ends, the next database error may start another one this much
# later (seconds): a seeds folder that cannot be built is not rebuilt in a loop.
REPAIR_INTERVAL = 60.0


class ReloadBusy(RuntimeError):
    """Another reload (or upload) is in progress; try again when it is done."""


class ReloadFailed(RuntimeError):
    """The new index could not be built or did not validate; the old one still serves."""

    def __init__(self, reason: str, skipped: tuple[SkippedFile, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.skipped = skipped


class NothingToRestore(LookupError):
    """The trash is empty: no removed article to bring back."""


class InvalidSeed(ValueError):
    """An uploaded file is not a usable article; nothing was saved."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ReloadResult:
    """What a reload changed: counts before and after, skipped files, build time."""

    old: IndexInfo
    new: IndexInfo
    skipped: tuple[SkippedFile, ...]
    elapsed_ms: float


@dataclass(frozen=True, slots=True)
class UploadResult:
    """An uploaded article saved into the seeds directory, and the reload that followed."""

    saved_as: str
    title: str
    reload: ReloadResult
    preview: ArticlePreview | None = None


@dataclass(frozen=True, slots=True)
class RemovalResult:
    """An article moved to the trash (or back from it), and the reload that followed."""

    article_id: str
    title: str
    reload: ReloadResult


class KnowledgeService:
    """Holds the current :class:`KnowledgeIndex` and replaces it on reload.

    ``index`` is read on every question; the swap is one attribute assignment, so readers see
    either the old or the new index, never a half-built one.  Replaced indexes are closed after
    ``close_delay`` seconds, so a search already running in a thread finishes undisturbed.
    """

    def __init__(
        self,
        index: KnowledgeIndex,
        seeds_dir: Path,
        index_path: Path,
        *,
        close_delay: float = 30.0,
    ) -> None:
        self._index = index
        self.seeds_dir = seeds_dir
        self.index_path = index_path
        self.close_delay = close_delay
        self._lock = asyncio.Lock()
        self._retired: dict[KnowledgeIndex, asyncio.TimerHandle | None] = {}
        self._repair: asyncio.Task[None] | None = None
        self._repair_ended = float("-inf")

    @classmethod
    def open(
        cls, seeds_dir: Path, index_path: Path, *, close_delay: float = 30.0
    ) -> tuple[KnowledgeService, BuildReport | None]:
        """Open (building first if missing or stale) the index for ``seeds_dir``.

        :raises BuildError: when there is no index and none can be built.
        """
        index, report = load_index(seeds_dir, index_path)
        index.warm_up()
        return cls(index, seeds_dir, index_path, close_delay=close_delay), report

    @property
    def index(self) -> KnowledgeIndex:
        """The index to answer from right now (do not keep it across awaits)."""
        return self._index

    async def ask(self, question: str) -> Answer:
        """Answer a question from the current index, on the loop or in a thread (see
        ``INLINE_SEARCH_CHARS``)."""
        index = self._index
        if len(question) <= INLINE_SEARCH_CHARS:
            return index.search(question)
        return await asyncio.to_thread(index.search, question)

    async def converse(
        self, text: str, previous: Turn | None, *, page: int = PAGE
    ) -> Exchange:
        """The next message of a conversation, understood against ``previous`` and answered
        (``knowledge.dialogue.converse``), on the loop or in a thread like ``ask``."""
        index = self._index
        if len(text) <= INLINE_SEARCH_CHARS:
            return converse(index, text, previous, page=page)
        return await asyncio.to_thread(converse, index, text, previous, page=page)

    async def snippet_context(
        self, question: str, n: int, first_page: int
    ) -> tuple[str, Source] | None:
        """The paragraph around the ``n``-th snippet (from 0) of ``question``'s answer as
        presented with ``first_page`` snippets on its first page (the «Источник» button),
        with its article; on the loop or in a thread like ``ask``."""
        index = self._index
        if len(question) <= INLINE_SEARCH_CHARS:
            return snippet_context(index, question, n, first_page)
        return await asyncio.to_thread(snippet_context, index, question, n, first_page)

    @property
    def busy(self) -> bool:
        """True while a reload or an upload is running."""
        return self._lock.locked()

    async def reload(self) -> ReloadResult:
        """Rebuild the index from the seeds directory and swap it in.

        :raises ReloadBusy: when another reload is running.
        :raises ReloadFailed: when the build or the validation fails (the old index stays).
        """
        if self._lock.locked():
            raise ReloadBusy
        async with self._lock:
            return await self._reload()

    async def add_seed(self, data: bytes, origin: str = UPLOAD_PREFIX) -> UploadResult:
        """Validate an article, save it under a generated name and reload.

        The sender's file name is never used: the article is stored as
        ``<origin>-<UTC time>-<random>.txt`` inside the seeds directory, the prefix saying
        how it came (``upload``, ``forward``, ``paste``, ``link``).  The result carries the
        article's preview (what a digest of it says).

        :raises ReloadBusy: when another reload is running.
        :raises InvalidSeed: when the bytes are not a usable, new article (nothing is saved).
        :raises ReloadFailed: when the reload fails (the saved file is removed again).
        """
        if self._lock.locked():
            raise ReloadBusy
        async with self._lock:
            name = _upload_name(origin)
            article, analysed = await asyncio.to_thread(self._check_upload, name, data)
            path = self._seed_path(name)
            await asyncio.to_thread(_write_atomically, path, data)
            try:
                result = await self._reload()
            except ReloadFailed:
                path.unlink(missing_ok=True)
                raise
            logger.info("seed added as %s (%d bytes)", name, len(data))
            preview = preview_article(article, analysed)  # no second analysis: cheap
            return UploadResult(name, article.title, result, preview)

    async def preview(self, data: bytes, origin: str) -> ArticlePreview:
        """What an article would add, checked like an upload but saved nowhere.

        :raises InvalidSeed: when the bytes are not a usable, new article.
        """
        name = _upload_name(origin)
        article, analysed = await asyncio.to_thread(self._check_upload, name, data)
        return preview_article(article, analysed)

    async def remove(self, article_id: str) -> RemovalResult:
        """Move an article's file to the trash and reload (put back if the reload fails).

        :raises ReloadBusy: when another reload is running.
        :raises InvalidSeed: when there is no such article file (any more).
        :raises ReloadFailed: when the reload fails (the file is back in place).
        """
        if self._lock.locked():
            raise ReloadBusy
        async with self._lock:
            path = self._article_path(article_id)
            if path.is_symlink() or not path.is_file():
                raise InvalidSeed("такой статьи в папке уже нет")
            title = self._title(article_id)
            trash = self._trash_dir()
            await asyncio.to_thread(trash.mkdir, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            parked = trash / f"{stamp}{_TRASH_SEPARATOR}{article_id}"
            os.replace(path, parked)
            try:
                result = await self._reload()
            except ReloadFailed:
                os.replace(parked, path)
                raise
            logger.info("article %s moved to the trash", article_id)
            return RemovalResult(article_id, title, result)

    async def restore(self) -> RemovalResult:
        """Bring the last removed article back from the trash and reload.

        :raises ReloadBusy: when another reload is running.
        :raises NothingToRestore: when the trash is empty.
        :raises InvalidSeed: when the article can no longer come back (a file of that name is
            there again, or the same text was added meanwhile); it stays in the trash.
        :raises ReloadFailed: when the reload fails (the file goes back to the trash).
        """
        if self._lock.locked():
            raise ReloadBusy
        async with self._lock:
            parked = self._last_removed()
            if parked is None:
                raise NothingToRestore
            article_id = parked.name.split(_TRASH_SEPARATOR, 1)[1]
            path = self._article_path(article_id)
            if path.exists() or path.is_symlink():
                raise InvalidSeed(f"в папке уже есть файл {article_id}")
            data = await asyncio.to_thread(_read_parked, parked)
            article, _ = await asyncio.to_thread(self._check_upload, article_id, data)
            os.replace(parked, path)
            try:
                result = await self._reload()
            except ReloadFailed:
                os.replace(path, parked)
                raise
            logger.info("article %s restored from the trash", article_id)
            return RemovalResult(article_id, article.title, result)

    def repair(self) -> asyncio.Task[None] | None:
        """Answering hit a database error: check the index in the background and rebuild it
        once if it is damaged (a file truncated or overwritten under the running bot).

        Returns the task, or ``None`` when a check is running already or one ended less
        than ``REPAIR_INTERVAL`` seconds ago (a failed rebuild is not retried in a loop).
        """
        if self._repair is not None and not self._repair.done():
            return None
        if time.monotonic() - self._repair_ended < REPAIR_INTERVAL:
            return None
        self._repair = asyncio.get_running_loop().create_task(self._check_and_repair())
        return self._repair

    @property
    def repairing(self) -> asyncio.Task[None] | None:
        """The background check-and-rebuild started by :meth:`repair`, if any."""
        return self._repair

    async def _check_and_repair(self) -> None:
        try:
            index = self._index
            problem = await asyncio.to_thread(index.problem)
            if problem is None:
                logger.warning("a database error while answering, but the index checks out")
                return
            if self._lock.locked():
                logger.warning("the index is damaged (%s); the reload under way replaces it",
                               problem)
                return
            logger.error("the index is damaged (%s): rebuilding it in the background", problem)
            async with self._lock:
                if self._index is not index:
                    return  # a reload replaced it while we looked
                try:
                    await self._reload()
                except ReloadFailed as exc:
                    logger.error("the damaged index could not be rebuilt: %s", exc.reason)
        finally:
            self._repair_ended = time.monotonic()

    def close(self) -> None:
        """Close the current index and every replaced one still waiting to be closed."""
        if self._repair is not None:
            self._repair.cancel()
        for old, handle in list(self._retired.items()):
            if handle is not None:
                handle.cancel()
            self._close_retired(old)
        self._index.close()

    # ------------------------------------------------------------------ internals

    async def _reload(self) -> ReloadResult:
        old = self._index
        old_info = old.info
        started = time.perf_counter()
        try:
            if self._seed_count() >= SUBPROCESS_FROM:
                new, report = await self._build_elsewhere()
            else:
                new, report = await asyncio.to_thread(self._build_and_open)
        except BuildError as exc:
            logger.warning("reload failed, keeping the old index: %s", exc)
            raise ReloadFailed(str(exc), exc.skipped) from exc
        except (IndexUnavailable, OSError, sqlite3.Error) as exc:  # disk full is sqlite3's
            logger.warning("reload failed, keeping the old index: %s", exc)
            raise ReloadFailed(str(exc)) from exc
        except Exception as exc:  # whatever else fails, the old index keeps serving
            logger.exception("reload failed, keeping the old index")
            raise ReloadFailed(f"сборка не удалась: {failure(exc)}") from exc
        elapsed = (time.perf_counter() - started) * 1000
        self._index = new
        self._retire(old)
        new_info = new.info
        logger.info(
            "index reloaded: %d→%d articles, %d→%d passages, %d skipped, %.0f ms",
            old_info.articles,
            new_info.articles,
            old_info.passages,
            new_info.passages,
            len(report.skipped),
            elapsed,
        )
        return ReloadResult(old_info, new_info, report.skipped, round(elapsed, 1))

    def _staging(self) -> Path:
        return self.index_path.with_name(f".{self.index_path.name}.staging")

    def _build_and_open(self) -> tuple[KnowledgeIndex, BuildReport]:
        """Build into a staging file, validate it, then move it over the live index file."""
        staging = self._staging()
        # the live file's build lock: another process building or reloading it takes turns
        with build_lock(self.index_path):
            try:
                report = build_index(self.seeds_dir, staging)
                return self._install(staging), report
            finally:
                staging.unlink(missing_ok=True)

    def _install(self, staging: Path) -> KnowledgeIndex:
        _validate(staging)
        os.replace(staging, self.index_path)
        index = KnowledgeIndex.open(self.index_path)
        index.warm_up()  # before the swap: the first users of the new index wait for nothing
        return index

    def _seed_count(self) -> int:
        return len(seed_names(self.seeds_dir))

    async def _build_elsewhere(self) -> tuple[KnowledgeIndex, BuildReport]:
        """A big build runs in its own process (``python -m knowledge build``): a thread
        would share the interpreter lock with the answers, and a 10,000-article build holds it
        for a minute and more.  The awaiting coroutine costs the event loop nothing."""
        staging = self._staging()
        lock = build_lock(self.index_path)
        await asyncio.to_thread(lock.__enter__)
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "knowledge",
                "build",
                str(self.seeds_dir),
                str(staging),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await process.communicate()
            try:
                result = json.loads(out.decode("utf-8") or "{}")
            except ValueError:
                result = {}
            if process.returncode != 0 or "error" in result:
                tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
                skipped = tuple(SkippedFile(**s) for s in result.get("skipped", []))
                raise BuildError(result.get("error") or f"сборка не удалась: {tail[0]}", skipped)
            report = BuildReport(
                **{**result, "skipped": tuple(SkippedFile(**s) for s in result["skipped"])}
            )
            return await asyncio.to_thread(self._install, staging), report
        finally:
            staging.unlink(missing_ok=True)
            lock.__exit__(None, None, None)

    def _check_upload(self, name: str, data: bytes) -> tuple[Article, _Analysed]:
        result = load_article(name, data)
        if isinstance(result, SkippedFile):
            raise InvalidSeed(result.reason)
        analysed = analyse_article(result)  # what the build will do with it, before saving
        if isinstance(analysed, str):
            raise InvalidSeed(analysed)
        articles, _ = read_seeds(self.seeds_dir)
        for existing in articles:
            if existing.fingerprint == result.fingerprint:
                raise InvalidSeed(f"повторяет статью {existing.id}")
        return result, analysed

    def _article_path(self, article_id: str) -> Path:
        """The file of an article in the seeds folder itself (its name, never resolved: a
        link is not followed to whatever it points at)."""
        if (
            Path(article_id).name != article_id
            or article_id.startswith(".")
            or not article_id.endswith(".txt")
        ):
            raise InvalidSeed("недопустимое имя файла")
        return self.seeds_dir / article_id

    def _trash_dir(self) -> Path:
        return self.seeds_dir.resolve() / TRASH_DIR

    def _last_removed(self) -> Path | None:
        """The article removed last (names start with the time of removal)."""
        trash = self._trash_dir()
        try:
            parked = [
                p
                for p in trash.iterdir()
                if _TRASH_SEPARATOR in p.name
                and p.name.endswith(".txt")
                and p.is_file()
                and not p.is_symlink()
            ]
        except OSError:
            return None
        return max(parked, key=lambda p: p.name, default=None)

    def _title(self, article_id: str) -> str:
        source = self._index.source(article_id)
        return source.title if source is not None else article_id

    def _seed_path(self, name: str) -> Path:
        base = self.seeds_dir.resolve()
        path = (base / name).resolve()
        if not path.is_relative_to(base) or path.parent != base:
            raise InvalidSeed("недопустимое имя файла")  # pragma: no cover - names are ours
        return path

    def _retire(self, old: KnowledgeIndex) -> None:
        if self.close_delay <= 0:
            old.close()
            return
        loop = asyncio.get_running_loop()
        self._retired[old] = loop.call_later(self.close_delay, self._close_retired, old)

    def _close_retired(self, old: KnowledgeIndex) -> None:
        self._retired.pop(old, None)
        old.close()


def _validate(path: Path) -> None:
    """A new index must open, hold articles and passages, and answer a question."""
    try:
        index = KnowledgeIndex.open(path)
    except Exception as exc:  # IndexUnavailable or sqlite errors alike
        raise BuildError(f"новый индекс не открывается: {exc}") from exc
    try:
        info = index.info
        if info.articles < 1 or info.passages < 1:
            raise BuildError("в новом индексе нет статей")
        index.search(EXAMPLE_QUESTIONS[0])
    except BuildError:
        raise
    except Exception as exc:
        raise BuildError(f"новый индекс не отвечает на вопросы: {exc}") from exc
    finally:
        index.close()


def _read_parked(path: Path) -> bytes:
    """A removed article's bytes, read like a seed (a regular file, no link followed)."""
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        data = read_seed_file(fd, path.name)
    finally:
        os.close(fd)
    if isinstance(data, str):
        raise InvalidSeed(data)
    return data


def snippet_context(
    index: KnowledgeIndex, question: str, n: int, first_page: int
) -> tuple[str, Source] | None:
    """The paragraph behind the ``n``-th snippet of ``question``'s presented answer, or
    ``None`` when the answer has no such snippet (any more)."""
    snippets = present(index.search(question), first_page).snippets
    return index.context(snippets[n].passage_id) if 0 <= n < len(snippets) else None


def _upload_name(origin: str = UPLOAD_PREFIX) -> str:
    if origin not in ORIGINS:
        raise ValueError(f"unknown article origin {origin!r}")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{origin}-{stamp}-{uuid.uuid4().hex[:8]}.txt"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target under a name ``*.txt`` globs skip, then rename into place."""
    tmp = path.with_name(f".{path.name}.part")
    try:
        # a new file of our own, never through a link someone planted under that name
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
