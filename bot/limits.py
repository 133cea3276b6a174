"""Telegram's limits, defined once: the bot (``render``), the in-process Bot API
(``local``), the e2e Bot API server and the reliability checks all read them from here.

Telegram counts text, captions and entity offsets in UTF-16 code units (an emoji outside the
Basic Multilingual Plane counts two), callback data and ids in bytes.
"""

from __future__ import annotations

__all__ = [
    "CALLBACK_DATA_LIMIT",
    "CALLBACK_TEXT_LIMIT",
    "CAPTION_LIMIT",
    "INLINE_RESULTS_LIMIT",
    "KEYBOARD_BUTTONS_LIMIT",
    "MAX_ENTITIES",
    "RESULT_ID_LIMIT",
    "ROW_BUTTONS_LIMIT",
    "TEXT_LIMIT",
    "utf16_len",
    "utf16_prefix",
]

TEXT_LIMIT = 4096  # a message text, in UTF-16 units after entity parsing
CAPTION_LIMIT = 1024  # a media caption, in UTF-16 units
CALLBACK_DATA_LIMIT = 64  # bytes of an inline button's callback_data
CALLBACK_TEXT_LIMIT = 200  # characters of an answerCallbackQuery notification
INLINE_RESULTS_LIMIT = 50  # results of one answerInlineQuery
RESULT_ID_LIMIT = 64  # bytes of an inline result's id
MAX_ENTITIES = 100  # entities of one message
KEYBOARD_BUTTONS_LIMIT = 100  # buttons of one inline keyboard
ROW_BUTTONS_LIMIT = 8  # buttons in one row of it


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts text and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_prefix(text: str, units: int) -> str:
    """The longest prefix of ``text`` within ``units`` UTF-16 units (never half an emoji)."""
    return text.encode("utf-16-le")[: max(0, units) * 2].decode("utf-16-le", errors="ignore")
