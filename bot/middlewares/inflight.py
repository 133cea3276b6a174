"""Count updates being handled, so shutdown can let replies in flight finish.

aiogram handles each polled update in its own task and does not wait for those tasks when
polling stops; the bot session is then closed under them and a reply being sent at SIGTERM
is lost.  The shutdown hook waits here (bounded) before anything is closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

__all__ = ["InFlightUpdates"]


class InFlightUpdates(BaseMiddleware):
    """Outer update middleware: how many updates are being handled right now."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self.count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if not self.count:
                self._idle.set()

    async def wait(self, timeout: float) -> bool:
        """Wait until no update is being handled; False if ``timeout`` ran out first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True
