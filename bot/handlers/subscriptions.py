"""/subscribe and /unsubscribe: a digest of every new article, for anyone who asks.

Only private chats subscribe (in a group any member could sign everyone up).  Subscribing is
the one thing that makes the bot keep a chat id (see :mod:`bot.state`); unsubscribing forgets
it.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from .. import texts
from ..render import is_private, send
from ..state import StateStore

__all__ = ["setup"]


async def command_subscribe_handler(message: Message, store: StateStore) -> None:
    """Receives /subscribe: digests of new articles from now on (private chats)."""
    if not is_private(message):
        await send(message, texts.SUBSCRIBE_IN_PRIVATE)
        return
    new = store.subscribe(message.chat.id)
    await send(message, texts.SUBSCRIBED if new else texts.ALREADY_SUBSCRIBED)


async def command_unsubscribe_handler(message: Message, store: StateStore) -> None:
    """Receives /unsubscribe: no more digests, and the chat id is forgotten."""
    gone = store.unsubscribe(message.chat.id)
    await send(message, texts.UNSUBSCRIBED if gone else texts.NOT_SUBSCRIBED)


def setup() -> Router:
    """The router for /subscribe and /unsubscribe."""
    router = Router(name=__name__)
    router.message.register(command_subscribe_handler, Command("subscribe"))
    router.message.register(command_unsubscribe_handler, Command("unsubscribe"))
    return router
