"""/sources: the articles the bot answers from."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from knowledge.reply import sources_reply
from knowledge.service import KnowledgeService

from ..render import send

__all__ = ["setup"]


async def command_sources_handler(message: Message, service: KnowledgeService) -> None:
    """Receives /sources."""
    index = service.index
    await send(message, sources_reply(index.sources(), index.info))


def setup() -> Router:
    """The router for /sources."""
    router = Router(name=__name__)
    router.message.register(command_sources_handler, Command("sources"))
    return router
