"""Shared pieces of the reliability tests: the harness with an error-router hook, and the
checks every reply must pass (what Telegram would accept).

``LocalSession`` already refuses what Telegram refuses (a refused call comes back as an error
and is recorded with ``error`` set); ``check_call`` checks every recorded request against the
same limits (``bot.limits``) from the outside, so a change to the session's checks cannot
quietly weaken these tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiogram.types import ErrorEvent
from bot_testkit import Harness

from bot.config import Settings
from bot.limits import (
    CALLBACK_DATA_LIMIT,
    CALLBACK_TEXT_LIMIT,
    INLINE_RESULTS_LIMIT,
    RESULT_ID_LIMIT,
    TEXT_LIMIT,
    utf16_len,
)
from bot.local import LocalCall

NOT_MODIFIED = "message is not modified"
# Calls a person in the chat would notice.
VISIBLE = frozenset({"sendMessage", "editMessageText", "sendChatAction", "answerInlineQuery"})


@dataclass
class Rig:
    """The production dispatcher (``Harness``) plus every exception its error router saw."""

    harness: Harness
    errors: list[BaseException] = field(default_factory=list)

    @classmethod
    def start(cls, settings: Settings, *, close_delay: float | None = None) -> Rig:
        """``Harness.start`` and an outer middleware on the error observer.

        :param close_delay: seconds a replaced index stays open (the harness closes it at
            once; production waits 30 s so searches already running finish).
        """
        harness = Harness.start(settings)
        if close_delay is not None:
            harness.service.close_delay = close_delay
        rig = cls(harness)

        async def record(
            handler: Callable[[ErrorEvent, dict[str, Any]], Awaitable[Any]],
            event: ErrorEvent,
            data: dict[str, Any],
        ) -> Any:
            rig.errors.append(event.exception)
            return await handler(event, data)

        harness.dp.errors.outer_middleware(record)  # type: ignore[arg-type]
        return rig

    def close(self) -> None:
        """Close the index and the state database."""
        self.harness.close()

    def failures(self) -> list[BaseException]:
        """What reached the error router, except «message is not modified».

        That one is the documented harmless case (a page button pressed while the page is
        already shown: Telegram refuses the identical edit, the error router ignores it).
        """
        return [e for e in self.errors if NOT_MODIFIED not in str(e)]

    def not_modified(self) -> int:
        """How many identical edits Telegram (the local session) refused."""
        return sum(NOT_MODIFIED in str(e) for e in self.errors)


def check_text(text: Any, entities: Iterable[dict[str, Any]] | None, where: str) -> None:
    """A message text Telegram accepts: 1–4096 UTF-16 units, not blank, entities in bounds."""
    assert isinstance(text, str), where
    size = utf16_len(text)
    assert 1 <= size <= TEXT_LIMIT, f"{where}: {size} UTF-16 units"
    assert text.strip(), f"{where}: blank text"
    for entity in entities or ():
        offset, length = int(entity["offset"]), int(entity["length"])
        assert offset >= 0 and length >= 1 and offset + length <= size, f"{where}: {entity}"


def check_call(call: LocalCall) -> None:
    """Every outgoing request within Telegram's limits; no refused request but identical edits."""
    if call.error is not None:
        assert call.method == "editMessageText" and NOT_MODIFIED in call.error, (
            call.method,
            call.error,
        )
    params = call.params
    assert "parse_mode" not in params, call.method
    if call.method in ("sendMessage", "editMessageText"):
        check_text(params.get("text"), params.get("entities"), call.method)
        for button in call.buttons():
            assert button.get("text"), button
            data = button.get("callback_data")
            if data is not None:
                size = len(str(data).encode())
                assert 1 <= size <= CALLBACK_DATA_LIMIT, f"callback_data {data!r}: {size} bytes"
    elif call.method == "answerCallbackQuery":
        assert len(params.get("text", "")) <= CALLBACK_TEXT_LIMIT
    elif call.method == "answerInlineQuery":
        results = params.get("results") or []
        assert len(results) <= INLINE_RESULTS_LIMIT
        for result in results:
            content = result["input_message_content"]
            check_text(content.get("message_text"), content.get("entities"), "inline result")
            assert 1 <= len(str(result["id"]).encode()) <= RESULT_ID_LIMIT
            assert result.get("title")


def visible(calls: Iterable[LocalCall]) -> list[LocalCall]:
    """Calls someone in the chat would notice (sends, edits, «typing…», inline answers)."""
    return [c for c in calls if c.method in VISIBLE]


def sent_texts(calls: Iterable[LocalCall]) -> list[str]:
    """Texts of the messages the bot sent successfully."""
    return [c.text for c in calls if c.method == "sendMessage" and c.error is None]
