"""/start and /help: what the bot knows, the commands, example questions as buttons.

/start also begins a new conversation: the previous question is forgotten.
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from knowledge.service import KnowledgeService

from .. import texts
from ..config import Settings
from ..dialogue import forget
from ..keyboards import examples_keyboard
from ..render import is_private, send

__all__ = ["setup"]


async def command_help_handler(
    message: Message, bot: Bot, service: KnowledgeService, settings: Settings
) -> None:
    """Receives /help: how to ask, the buttons, the commands."""
    me = await bot.me()
    admin = (
        is_private(message)
        and message.from_user is not None
        and message.from_user.id in settings.admin_ids
    )
    reply = texts.help_reply(service.index.info, me.username, admin=admin)
    await send(message, reply, reply_markup=examples_keyboard())


async def command_start_handler(
    message: Message, service: KnowledgeService, state: FSMContext | None = None
) -> None:
    """Receives /start (with or without a deep-link payload): forgets the conversation so
    far and greets."""
    await forget(state)
    await send(message, texts.start_reply(service.index.info), reply_markup=examples_keyboard())


def setup() -> Router:
    """The router for /start and /help."""
    router = Router(name=__name__)
    router.message.register(command_start_handler, CommandStart())
    router.message.register(command_help_handler, Command("help"))
    return router
