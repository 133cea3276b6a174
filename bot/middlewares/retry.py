"""Outgoing requests: wait and retry when Telegram answers 429 (``retry_after``), capped.

Only flood control is retried.  A user who blocked the bot (403) is not: that error goes to
the error router, which logs it.  Code that paces itself (the digest broadcaster pauses every
send when one is told to wait) turns the retries off for its own requests with
``FLOOD_RETRY.set(False)``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

__all__ = ["FLOOD_RETRY", "RetryAfterMiddleware"]

logger = logging.getLogger(__name__)

# False in a task that handles flood control itself (a 429 then reaches the caller at once).
FLOOD_RETRY: ContextVar[bool] = ContextVar("flood_retry", default=True)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Retry a request up to ``attempts`` times when Telegram asks to wait ≤ ``max_delay`` s."""

    def __init__(
        self,
        attempts: int = 2,
        max_delay: float = 10.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.attempts = attempts
        self.max_delay = max_delay
        self._sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        attempt = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if not FLOOD_RETRY.get():
                    raise
                attempt += 1
                if attempt > self.attempts or exc.retry_after > self.max_delay:
                    logger.warning(
                        "flood control on %s: retry_after=%s s, giving up",
                        method.__api_method__,
                        exc.retry_after,
                    )
                    raise
                logger.warning(
                    "flood control on %s: waiting %s s (retry %d of %d)",
                    method.__api_method__,
                    exc.retry_after,
                    attempt,
                    self.attempts,
                )
                await self._sleep(exc.retry_after)
