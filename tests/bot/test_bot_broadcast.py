"""Digests to subscribers: once each, at Telegram's pace, through 429s, 403s, 5xx, timeouts
and restarts (the queue in the state database, the bot on the validating local session)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage

from bot.app import create_bot
from bot.broadcast import Broadcaster
from bot.config import Secret, Settings
from bot.local import LOCAL_TOKEN, LocalError, LocalSession
from bot.state import StateStore
from knowledge.reply import Span

DIGEST = (Span("Новая статья", "bold"), Span("\nЭкскаваторы из Могилева."))


class RecordingSession(LocalSession):
    """The local Bot API that remembers when each message was asked for, and can play chats
    that blocked the bot or time out."""

    def __init__(self) -> None:
        super().__init__()
        self.sends: list[tuple[float, int, str]] = []  # (time, chat, outcome)
        self.blocked: set[int] = set()
        self.time_out: set[int] = set()

    def _send_message(self, bot: Bot, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise LocalError("Forbidden: bot was blocked by the user", 403)
        return super()._send_message(bot, params)

    async def make_request(self, bot: Bot, method: Any, timeout: int | None = None) -> Any:
        if not isinstance(method, SendMessage):
            return await super().make_request(bot, method, timeout)
        now = asyncio.get_running_loop().time()
        chat_id = int(method.chat_id)
        if chat_id in self.time_out:
            self.sends.append((now, chat_id, "timeout"))
            raise TelegramNetworkError(method=method, message="Request timeout error")
        try:
            result = await super().make_request(bot, method, timeout)
        except Exception as exc:
            self.sends.append((now, chat_id, type(exc).__name__))
            raise
        self.sends.append((now, chat_id, "ok"))
        return result

    def delivered(self) -> Counter[int]:
        return Counter(chat for _, chat, outcome in self.sends if outcome == "ok")


class Rig:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "state.db"
        self.store = StateStore(self.path)
        self.session = RecordingSession()
        settings = Settings(bot_token=Secret(LOCAL_TOKEN))
        self.bot = create_bot(settings, session=self.session)  # with the 429-retry middleware
        self.broadcasters: list[Broadcaster] = []

    def subscribe(self, count: int, start: int = 5000) -> list[int]:
        chats = list(range(start, start + count))
        for chat_id in chats:
            self.session.chats[chat_id] = {"id": chat_id, "type": "private", "first_name": "П"}
            self.store.subscribe(chat_id)
        return chats

    def broadcaster(self, **pace: float) -> Broadcaster:
        options = {"rate": 200.0, "chat_interval": 0.05, **pace}
        broadcaster = Broadcaster(self.store, **options)  # type: ignore[arg-type]
        broadcaster.start(self.bot)
        self.broadcasters.append(broadcaster)
        return broadcaster

    async def finished(self, timeout: float = 10.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            last = self.store.last_broadcast()
            if last is not None and last.finished and not self.store.pending_deliveries():
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"broadcast not finished: {self.store.last_broadcast()}")


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    rig = Rig(tmp_path)
    yield rig
    for broadcaster in rig.broadcasters:
        await broadcaster.stop(1.0)
    rig.store.close()


async def test_each_subscriber_gets_one_digest_at_the_allowed_pace(rig: Rig) -> None:
    """Sends are spaced by 1/rate overall and by chat_interval per chat, two articles in a row
    included; each article reaches each chat once."""
    chats = rig.subscribe(30)
    broadcaster = rig.broadcaster(rate=100.0, chat_interval=0.25)
    assert broadcaster.announce("a.txt", "A", DIGEST) is not None
    assert broadcaster.announce("b.txt", "B", DIGEST) is not None
    assert broadcaster.announce("a.txt", "A", DIGEST) is None  # once per article
    await rig.finished()
    assert rig.session.delivered() == Counter(dict.fromkeys(chats, 2))
    times = sorted(t for t, _, _ in rig.session.sends)
    # in any tenth of a second at most 10 sends (+1 for the window's edge)
    assert max(sum(1 for u in times if t <= u < t + 0.1) for t in times) <= 11
    for chat in chats:
        first, second = (t for t, c, _ in rig.session.sends if c == chat)
        assert second - first >= 0.25 - 0.002
    last = rig.store.last_broadcast()
    assert last is not None and (last.total, last.delivered, last.failed) == (30, 30, 0)
    sent = rig.session.sent("sendMessage")[0]
    assert sent.text == "Новая статья\nЭкскаваторы из Могилева."
    assert sent.params["entities"] == [{"type": "bold", "offset": 0, "length": 12}]


async def test_flood_control_pauses_every_send_and_loses_nothing(rig: Rig) -> None:
    """A 429 stops the whole broadcast for retry_after; the refused digest is sent later."""
    chats = rig.subscribe(12)
    rig.session.fail_next("sendMessage", "Too Many Requests: retry after 1", 429, retry_after=1)
    rig.broadcaster().announce("a.txt", "A", DIGEST)
    await rig.finished()
    assert rig.session.delivered() == Counter(dict.fromkeys(chats, 1))
    flood = next(t for t, _, outcome in rig.session.sends if outcome == "TelegramRetryAfter")
    later = [t for t, _, _ in rig.session.sends if t > flood]
    assert later and min(later) - flood >= 1.0 - 0.01


async def test_blocked_and_vanished_chats_are_dropped(rig: Rig) -> None:
    """403 (blocked) and «chat not found» unsubscribe the chat; the rest are delivered."""
    chats = rig.subscribe(6)
    rig.session.blocked.add(chats[1])
    del rig.session.chats[chats[2]]
    rig.broadcaster().announce("a.txt", "A", DIGEST)
    await rig.finished()
    assert set(rig.session.delivered()) == set(chats) - {chats[1], chats[2]}
    assert not rig.store.is_subscribed(chats[1]) and not rig.store.is_subscribed(chats[2])
    assert rig.store.subscriber_count() == 4
    last = rig.store.last_broadcast()
    assert last is not None and (last.delivered, last.failed) == (4, 2)


async def test_server_errors_are_retried_a_timeout_is_never_resent(rig: Rig) -> None:
    """A 5xx did not deliver: sent again.  A timeout may have delivered: counted failed,
    never sent a second time."""
    chats = rig.subscribe(3)
    rig.session.fail_next("sendMessage", "Internal Server Error", 500)
    rig.session.time_out.add(chats[2])
    rig.broadcaster().announce("a.txt", "A", DIGEST)
    await rig.finished()
    assert rig.session.delivered() == Counter({chats[0]: 1, chats[1]: 1})
    assert [c for _, c, outcome in rig.session.sends if outcome == "timeout"] == [chats[2]]
    last = rig.store.last_broadcast()
    assert last is not None and (last.delivered, last.failed) == (2, 1)
    assert rig.store.is_subscribed(chats[2])


async def test_a_restart_resumes_the_queue_without_sending_twice(rig: Rig) -> None:
    """Stopped halfway, started again: the rest are sent, nobody twice.  A delivery a crash
    left «sending» is counted as failed, not sent again."""
    chats = rig.subscribe(40)
    first = rig.broadcaster(rate=60.0)
    first.announce("a.txt", "A", DIGEST)
    while len(rig.session.delivered()) < 10:
        await asyncio.sleep(0.01)
    await first.stop(1.0)
    halfway = rig.session.delivered()
    assert 10 <= len(halfway) < 40
    crashed = rig.store.pending_deliveries(1)[0]
    assert rig.store.mark_sending(crashed)  # as if the process died during this request
    rig.store.close()
    rig.store = StateStore(rig.path)  # a new process
    rig.broadcaster(rate=200.0)
    await rig.finished()
    delivered = rig.session.delivered()
    assert set(delivered) == set(chats) - {crashed.chat_id}
    assert max(delivered.values()) == 1
    last = rig.store.last_broadcast()
    assert last is not None and (last.total, last.delivered, last.failed) == (40, 39, 1)
