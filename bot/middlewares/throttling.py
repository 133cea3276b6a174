"""Per-user throttling of incoming messages and button presses, with one polite notice.

In memory, so per process: with several webhook replicas each one throttles on its own.
Registered as an *inner* middleware, so it only sees events a handler accepted: group
chatter the bot ignores never counts and never gets a notice.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from .. import texts

__all__ = ["ThrottlingMiddleware"]


@dataclass(slots=True)
class _Window:
    last: float
    notified: bool = False


class ThrottlingMiddleware(BaseMiddleware):
    """Drop a user's events closer than ``rate`` seconds apart; tell them once per burst."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 10_000,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._max_users = max_users
        self._users: dict[int, _Window] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = getattr(event, "from_user", None)
        if self.rate <= 0 or user is None:
            return await handler(event, data)
        now = self._clock()
        window = self._users.get(user.id)
        if window is None or now - window.last >= self.rate:
            if window is None and len(self._users) >= self._max_users:
                self._forget(now)
            self._users[user.id] = _Window(now)
            return await handler(event, data)
        notice = None if window.notified else texts.throttled(self.rate - (now - window.last))
        window.notified = True
        if isinstance(event, Message):
            if notice is not None:
                await event.answer(notice)
        elif isinstance(event, CallbackQuery):
            await event.answer(notice)  # always answer, or the button keeps spinning
        return None

    def _forget(self, now: float) -> None:
        """Drop users whose window has passed (keeps memory bounded)."""
        for user_id, window in list(self._users.items()):
            if now - window.last >= self.rate:
                del self._users[user_id]
        if len(self._users) >= self._max_users:
            self._users.clear()
