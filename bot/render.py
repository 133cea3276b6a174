"""From ``Span`` replies to Telegram messages: entities, never parse_mode, never > 4096.

``knowledge.reply`` words every answer once as ``Span``s; here they become
``aiogram.utils.formatting`` nodes, so article text (quotes, ``<``, ``&``) reaches Telegram as
plain text plus entities and needs no escaping.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.enums import ChatType
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.formatting import Bold, Italic, Text

from knowledge.reply import Span

from .limits import TEXT_LIMIT, utf16_len, utf16_prefix

__all__ = ["edit", "is_private", "send", "to_text"]

_STYLES = {"bold": Bold, "italic": Italic}


def to_text(reply: Iterable[Span] | str) -> Text:
    """Formatting nodes for a reply, cut to Telegram's limit in UTF-16 units if ever needed."""
    if isinstance(reply, str):
        reply = (Span(reply),)
    nodes: list[Text | str] = []
    room = TEXT_LIMIT
    for span in reply:
        size = utf16_len(span.text)
        piece = span.text
        if size > room:  # knowledge.reply fits replies already; this is the last guard
            piece = utf16_prefix(span.text, room - 1) + "…"
        if piece:
            style = _STYLES.get(span.style)
            nodes.append(style(piece) if style else piece)
        room -= min(size, room)
        if room <= 0:
            break
    return Text(*nodes) if nodes else Text("…")


def is_private(message: Message) -> bool:
    """True in a one-to-one chat with the bot."""
    return message.chat.type == ChatType.PRIVATE


async def send(
    message: Message,
    reply: Iterable[Span] | str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Answer in the message's chat: plainly in private, as a reply to it in groups."""
    kwargs = to_text(reply).as_kwargs()
    if is_private(message):
        return await message.answer(**kwargs, reply_markup=reply_markup)
    return await message.reply(**kwargs, reply_markup=reply_markup)


async def edit(
    message: Message,
    reply: Iterable[Span] | str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace the text (and buttons) of one of the bot's messages."""
    await message.edit_text(**to_text(reply).as_kwargs(), reply_markup=reply_markup)
