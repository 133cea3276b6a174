"""Digests of new articles to subscribers, the way Telegram allows.

A broadcast is queued in the state database (one row per subscriber), then sent by one
background task: at most ``rate`` messages a second overall and one per chat every
``chat_interval`` seconds (two articles in a row never hit one chat twice in a second).  A 429
pauses every send for its ``retry_after`` and puts the message back; a chat that blocked the bot
(403) or no longer exists is dropped from the subscribers; a 5xx is retried a few times.  Each
delivery is marked ``sending`` before its request and counted after it, so a restart resumes
the queue and nobody gets the same digest twice (see :mod:`bot.state`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import LinkPreviewOptions, MessageEntity

from knowledge.reply import Span

from .middlewares.retry import FLOOD_RETRY
from .render import to_text
from .state import Delivery, StateStore

__all__ = ["Broadcaster", "digest_message"]

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a 5xx or a refused connection; flood control (429) is waited out, not counted
SERVER_ERROR_PAUSE = 1.0
UNREACHABLE_PAUSE = 5.0
BATCH = 200
IDLE_CHECK = 30.0  # seconds between looks at the queue when nothing woke the sender


def digest_message(reply: Iterable[Span]) -> str:
    """A reply as stored in the queue: its text and entities, sent exactly as stored."""
    kwargs = to_text(reply).as_kwargs()
    entities = [e.model_dump(exclude_none=True) for e in kwargs.get("entities") or []]
    return json.dumps({"text": kwargs["text"], "entities": entities}, ensure_ascii=False)


class Broadcaster:
    """The background sender of queued digests (one per bot process)."""

    def __init__(
        self,
        store: StateStore,
        *,
        rate: float = 25.0,
        chat_interval: float = 1.0,
        concurrency: int = 4,
    ) -> None:
        self.store = store
        self.interval = 1.0 / max(rate, 0.01)
        self.chat_interval = max(chat_interval, 0.0)
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_ready: dict[int, float] = {}

    @property
    def running(self) -> bool:
        """True while the sender task runs."""
        return self._task is not None and not self._task.done()

    def start(self, bot: Bot) -> None:
        """Count deliveries a stopped process left in flight as failed, then start sending."""
        recovered = self.store.recover_interrupted()
        if recovered:
            logger.warning(
                "%d digest(s) were being sent when the bot stopped: counted as failed, "
                "not sent again",
                recovered,
            )
        if not self.running:
            self._stop.clear()
            self._task = asyncio.create_task(self._run(bot), name="digest-broadcaster")

    def announce(self, article_id: str, title: str, reply: Iterable[Span]) -> int | None:
        """Queue a digest of a new article for every subscriber and wake the sender.

        :return: the broadcast id, or ``None`` when this article was announced before.
        """
        broadcast_id = self.store.enqueue_broadcast(article_id, title, digest_message(reply))
        if broadcast_id is not None:
            logger.info("digest of %s queued (broadcast %d)", article_id, broadcast_id)
            self.wake()
        return broadcast_id

    def wake(self) -> None:
        """Something was queued (or put back): look at the queue now."""
        self._wake.set()

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop taking deliveries and let those in flight finish (up to ``timeout`` s).

        Any still unanswered then stay ``sending``: the next start counts them as failed.
        """
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._in_flight:
            _, late = await asyncio.wait(set(self._in_flight), timeout=timeout)
            for task in late:
                task.cancel()
            if late:
                logger.warning("%d digest(s) still in flight at shutdown", len(late))

    # ------------------------------------------------------------------ the sender

    async def _run(self, bot: Bot) -> None:
        while not self._stop.is_set():
            try:
                await self._send_queued(bot)
            except Exception:  # the queue must outlive a bad moment of the database
                logger.exception("digest sender: error, retrying in a second")
                await self._nap(1.0)

    async def _send_queued(self, bot: Bot) -> None:
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            now = loop.time()
            if now < self._paused_until:
                await self._nap(self._paused_until - now)
                continue
            self._wake.clear()
            batch = self.store.pending_deliveries(BATCH)
            if not batch:
                await self._nap(IDLE_CHECK, wakeable=True)
                continue
            ready = [d for d in batch if self._chat_ready.get(d.chat_id, 0.0) <= now]
            if not ready:
                soonest = min(self._chat_ready.get(d.chat_id, 0.0) for d in batch)
                await self._nap(max(soonest - now, 0.001), wakeable=True)
                continue
            for delivery in ready:
                if not await self._take_slot(loop):
                    break
                await self._slots.acquire()
                if self._stop.is_set() or not self.store.mark_sending(delivery):
                    self._slots.release()
                    continue
                self._chat_ready[delivery.chat_id] = loop.time() + self.chat_interval
                task = asyncio.create_task(self._deliver(bot, delivery))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
            self._forget_chats(loop.time())

    async def _take_slot(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Wait for the next send slot (overall rate, pauses); False when stopping."""
        while not self._stop.is_set():
            now = loop.time()
            start = max(self._next_slot, self._paused_until)
            if start <= now:
                self._next_slot = now + self.interval
                return True
            await self._nap(start - now)
        return False

    async def _nap(self, seconds: float, *, wakeable: bool = False) -> None:
        """Sleep, cut short by stop (and by a wake-up when ``wakeable``)."""
        events = [self._stop.wait()]
        if wakeable:
            events.append(self._wake.wait())
        tasks = [asyncio.ensure_future(e) for e in events]
        try:
            await asyncio.wait(tasks, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()

    def _pause(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._paused_until = max(self._paused_until, loop.time() + seconds)

    def _forget_chats(self, now: float) -> None:
        if len(self._chat_ready) > 10_000:
            self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}

    async def _deliver(self, bot: Bot, delivery: Delivery) -> None:
        """Send one digest and record what became of it."""
        FLOOD_RETRY.set(False)  # this task's own context: a 429 pauses the whole broadcast
        attempts = delivery.attempts + 1
        try:
            await self._send(bot, delivery)
        except TelegramRetryAfter as exc:
            logger.warning("flood control during a broadcast: pausing %s s", exc.retry_after)
            self._pause(float(exc.retry_after))
            self.store.retry_later(delivery)
        except TelegramForbiddenError:
            logger.info("a subscriber blocked the bot: unsubscribed")
            self.store.finish_delivery(delivery, delivered=False)
            self.store.unsubscribe(delivery.chat_id)
        except TelegramBadRequest as exc:
            logger.warning("digest refused: %s", exc.message)
            self.store.finish_delivery(delivery, delivered=False)
            if "chat not found" in exc.message.lower():
                self.store.unsubscribe(delivery.chat_id)
        except (TelegramServerError, TelegramNetworkError) as exc:
            self._retry_or_fail(delivery, exc, attempts)
        except TelegramAPIError as exc:
            logger.warning("digest not sent: %s", exc.message)
            self.store.finish_delivery(delivery, delivered=False)
        except Exception:  # a digest must never take the sender down
            logger.exception("digest not sent")
            self.store.finish_delivery(delivery, delivered=False)
        else:
            self.store.finish_delivery(delivery, delivered=True)
        finally:
            self._slots.release()
            self.wake()

    def _retry_or_fail(self, delivery: Delivery, exc: TelegramAPIError, attempts: int) -> None:
        """A 5xx, or a connection that never opened, did not deliver: try again later.  Any
        other network error (a timeout, a dropped answer) may have delivered: never resend."""
        unsent = isinstance(exc, TelegramServerError) or isinstance(
            exc.__cause__, aiohttp.ClientConnectorError
        )
        if unsent and attempts < MAX_ATTEMPTS:
            logger.warning("digest not sent yet (%s), will retry", exc.message)
            self._pause(
                SERVER_ERROR_PAUSE if isinstance(exc, TelegramServerError) else UNREACHABLE_PAUSE
            )
            self.store.retry_later(delivery)
            return
        logger.warning("digest not delivered: %s", exc.message)
        self.store.finish_delivery(delivery, delivered=False)

    @staticmethod
    async def _send(bot: Bot, delivery: Delivery) -> None:
        message: dict[str, Any] = json.loads(delivery.message)
        entities = [MessageEntity.model_validate(e) for e in message.get("entities") or []]
        await bot.send_message(
            chat_id=delivery.chat_id,
            text=message["text"],
            entities=entities or None,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
