"""Fixtures for the end-to-end tests: the loopback Bot API server and aiogram clients for it."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from .fake_api import FakeTelegram


class LoopbackSession(AiohttpSession):
    """aiogram's own session, minus the 250 ms sleep on close meant for TLS connections."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(tg: FakeTelegram, token: str | None = None) -> Bot:
    """A real aiogram ``Bot`` talking to the loopback server."""
    session = LoopbackSession(api=TelegramAPIServer.from_base(tg.url))
    return Bot(token or tg.token, session=session)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    client = make_bot(tg)
    try:
        yield client
    finally:
        await client.session.close()


# -- the real bot process ------------------------------------------------------------------------

PROJECT = Path(__file__).resolve().parents[2]
SEEDS = PROJECT / "seeds"
# Fake, but shaped like a real token (the bot's log filter must hide it like a real one).
E2E_TOKEN = "123456:TEST-token-e2eNeverInLogs0123456789abcdefXYZ"
ADMIN_ID = 424_242_001
THROTTLE_SECONDS = 0.3
_PASS_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


class BotProcess:
    """``python -m bot run`` against the loopback server, its output kept for assertions.

    ``index`` (the run's seed index) is copied in before the first start: the seeds are
    copied with their times, so the bot finds it fresh and starts without building."""

    def __init__(
        self,
        tg: FakeTelegram,
        workdir: Path,
        *,
        admin_id: int = ADMIN_ID,
        extra_env: dict[str, str] | None = None,
        index: Path | None = None,
    ) -> None:
        self.tg = tg
        self.index = index
        self.workdir = workdir
        self.seeds = workdir / "seeds"
        self.admin_id = admin_id
        self.extra_env = dict(extra_env or {})
        self.proc: asyncio.subprocess.Process | None = None
        self.stdout = bytearray()
        self.stderr = bytearray()
        self._readers: list[asyncio.Task[None]] = []

    @property
    def env(self) -> dict[str, str]:
        env = {k: os.environ[k] for k in _PASS_ENV if k in os.environ}
        env.update(
            BOT_TOKEN=self.tg.token,
            TELEGRAM_API_URL=self.tg.url,
            ADMIN_IDS=str(self.admin_id),
            SEEDS_DIR=str(self.seeds),
            INDEX_PATH=str(self.workdir / "index.db"),
            STATE_PATH=str(self.workdir / "state.db"),
            LOG_LEVEL="INFO",
            THROTTLE_SECONDS=str(THROTTLE_SECONDS),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    async def start(self, timeout: float = 40.0) -> None:
        """Copy the seeds, start the process, wait until it long-polls."""
        if not self.seeds.exists():
            shutil.copytree(SEEDS, self.seeds)
            for path in self.seeds.iterdir():
                path.chmod(0o644)
            if self.index is not None:
                shutil.copyfile(self.index, self.workdir / "index.db")
        mark = self.tg.mark()
        # cwd is a scratch directory, so a developer's .env cannot leak into the test
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=self.workdir,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._readers = [
            asyncio.create_task(self._pump(self.proc.stdout, self.stdout)),
            asyncio.create_task(self._pump(self.proc.stderr, self.stderr)),
        ]
        waiting = asyncio.create_task(
            self.tg.wait_for("getUpdates", since=mark, timeout=timeout, in_flight=True)
        )
        exited = asyncio.create_task(self.proc.wait())
        done, _ = await asyncio.wait({waiting, exited}, return_when=asyncio.FIRST_COMPLETED)
        if exited in done:
            waiting.cancel()
            await asyncio.gather(*self._readers, return_exceptions=True)
            raise AssertionError(
                f"bot exited with {self.proc.returncode} before polling:\n{self.output()}"
            )
        exited.cancel()
        await waiting

    @staticmethod
    async def _pump(stream: asyncio.StreamReader, sink: bytearray) -> None:
        while chunk := await stream.read(65536):
            sink.extend(chunk)

    def output(self) -> str:
        return (bytes(self.stdout) + bytes(self.stderr)).decode("utf-8", "replace")

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def ensure_running(self) -> None:
        """Start the process again if a test stopped it (its seeds, index and state stay)."""
        if not self.alive:
            await asyncio.gather(*self._readers, return_exceptions=True)
            await self.start()

    async def terminate(self, timeout: float = 10.0) -> int:
        """SIGTERM, and the exit code (kills after ``timeout``)."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise
        finally:
            await asyncio.gather(*self._readers, return_exceptions=True)
        return code

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await asyncio.gather(*self._readers, return_exceptions=True)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def e2e_tg() -> AsyncIterator[FakeTelegram]:
    """One loopback server for a module of end-to-end tests (the admin already wrote to it)."""
    async with FakeTelegram(token=E2E_TOKEN) as server:
        server.new_user("Админ", user_id=ADMIN_ID, username="press_admin")
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_bot(
    e2e_tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory, seeds_index_path: Path
) -> AsyncIterator[BotProcess]:
    """The real bot for a module (start-up costs seconds); killed at the end."""
    process = BotProcess(e2e_tg, tmp_path_factory.mktemp("bot"), index=seeds_index_path)
    try:
        await process.start()
        yield process
    finally:
        await process.kill()


@pytest_asyncio.fixture(loop_scope="module")
async def bot_process(module_bot: BotProcess) -> BotProcess:
    """The module's bot, running: a test that stopped it (SIGTERM) does not stop the next
    one, whatever order the tests run in."""
    await module_bot.ensure_running()
    return module_bot
