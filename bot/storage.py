"""aiogram's FSM storage for the bot: Redis when ``REDIS_URL`` is set, else in memory, and
never a reason to leave a question unanswered.

Webhook replicas behind one balancer share conversations through aiogram's ``RedisStorage``
(keys expire after :data:`CONTEXT_TTL`).  :class:`ResilientStorage` wraps whatever storage the
dispatcher gets: a Redis that is down or slow costs the conversation's context, not the answer
— reads come back empty, writes are dropped, the storage is left alone for a few seconds after
a failure (so a storm of messages does not wait on a dead server one by one), and an outage is
logged once, not once per message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from .config import Settings

__all__ = [
    "CONTEXT_TTL",
    "REDIS_TIMEOUT",
    "ResilientStorage",
    "StorageConfigError",
    "build_storage",
]

logger = logging.getLogger(__name__)

# A conversation is forgotten after this many seconds without a message.
CONTEXT_TTL = 15 * 60
# Redis socket (connect and read) timeout: a slow server costs at most this per call.
REDIS_TIMEOUT = 0.5

T = TypeVar("T")


class StorageConfigError(ValueError):
    """``REDIS_URL`` is not a Redis address."""


def build_storage(settings: Settings) -> BaseStorage:
    """aiogram's ``RedisStorage`` for ``REDIS_URL`` (keys expire after 15 minutes, short
    timeouts, no retries: the answer must not wait for context), else ``MemoryStorage``.

    :raises StorageConfigError: when ``REDIS_URL`` cannot be parsed.
    """
    url = settings.redis_url.get_secret_value()
    if not url:
        return MemoryStorage()
    from aiogram.fsm.storage.redis import RedisStorage
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    try:
        redis = Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
    except ValueError as exc:
        raise StorageConfigError(str(exc)) from exc
    return RedisStorage(
        redis,
        # destinies keep features apart: the conversation lives next to other FSM data
        key_builder=DefaultKeyBuilder(with_bot_id=True, with_destiny=True),
        state_ttl=CONTEXT_TTL,
        data_ttl=CONTEXT_TTL,
    )


class ResilientStorage(BaseStorage):
    """A storage whose failures cost the data, never the update being handled.

    :param timeout: the longest any call may take (a guard over the client's own timeouts).
    :param pause: seconds the storage is left alone after a failure.
    :param log_every: at most one warning per this many seconds while failures go on.
    """

    def __init__(
        self,
        inner: BaseStorage,
        *,
        timeout: float = 2 * REDIS_TIMEOUT,
        pause: float = 5.0,
        log_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.timeout = timeout
        self.pause = pause
        self.log_every = log_every
        self._clock = clock
        self._resume_at = 0.0
        self._logged_at: float | None = None
        self._failing = False

    @property
    def available(self) -> bool:
        """False while the storage is being left alone after a failure."""
        return self._clock() >= self._resume_at

    async def _call(self, operation: Callable[[], Awaitable[T]], default: T) -> T:
        if not self.available:
            return default
        try:
            async with asyncio.timeout(self.timeout):
                result = await operation()
        except Exception as exc:  # any failure of the storage costs only data
            self._failed(exc)
            return default
        if self._failing:
            self._failing = False
            self._logged_at = None
            logger.info("FSM storage is back: conversations keep their context again")
        return result

    def _failed(self, exc: BaseException) -> None:
        now = self._clock()
        self._resume_at = now + self.pause
        self._failing = True
        if self._logged_at is None or now - self._logged_at >= self.log_every:
            self._logged_at = now
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            logger.warning(
                "FSM storage unavailable (%s): answering without conversation context", reason
            )

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._call(lambda: self.inner.set_state(key, state), None)

    async def get_state(self, key: StorageKey) -> str | None:
        return await self._call(lambda: self.inner.get_state(key), None)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._call(lambda: self.inner.set_data(key, data), None)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self._call(lambda: self.inner.get_data(key), {})

    async def close(self) -> None:
        try:
            await self.inner.close()
        except Exception as exc:  # closing a dead connection is not news
            logger.debug("FSM storage close failed: %s", exc)
