"""Fixtures for the end-to-end tests: the loopback Bot API server and aiogram clients for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
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
