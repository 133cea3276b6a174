"""Filters that decide whether a message is for us (groups stay quiet unless addressed)."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Bot
from aiogram.filters import BaseFilter
from aiogram.types import Message

from .render import is_private

__all__ = ["AddressedQuestion", "UnknownCommand"]


def _mention(username: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@])@{re.escape(username)}(?!\w)", re.IGNORECASE)


class AddressedQuestion(BaseFilter):
    """A text question meant for the bot; injects ``question`` (without the @mention).

    In private chats every text that is not a command.  In groups only replies to the bot's
    messages and messages that mention it.  Messages posted through our own inline mode are
    answers already, not questions.
    """

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        text = message.text
        if text is None or text.startswith("/"):
            return False
        me = await bot.me()
        if message.via_bot is not None and message.via_bot.id == me.id:
            return False
        if is_private(message):
            return {"question": text}
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == me.id:
            return {"question": text}
        if me.username:
            pattern = _mention(me.username)
            if pattern.search(text):
                return {"question": " ".join(pattern.sub(" ", text).split())}
        return False


class UnknownCommand(BaseFilter):
    """A command no other handler took: any in private, only ``/x@ourbot`` in groups.

    Injects ``command_name`` (lower case, without the slash and the mention).
    """

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        text = message.text
        if text is None or not text.startswith("/"):
            return False
        head = text.split(maxsplit=1)[0][1:]
        name, _, mention = head.partition("@")
        if not is_private(message):
            me = await bot.me()
            if not mention or not me.username or mention.lower() != me.username.lower():
                return False
        return {"command_name": name.lower()}
