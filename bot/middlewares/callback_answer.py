"""aiogram's automatic answers to button presses, where a failed answer is not an error.

Answering a callback query only stops the button's spinner (and shows a short toast).  With
aiogram's ``CallbackAnswerMiddleware`` a failed answer (Telegram 5xx, a dropped connection,
«query is too old») raised out of the handler after the page had already turned, and the
error router then apologised in the chat for an answer the user had received.  Here it is
logged and the handler's own outcome stands.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.dispatcher.flags import get_flag
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware

__all__ = ["QuietCallbackAnswerMiddleware"]

logger = logging.getLogger(__name__)


class QuietCallbackAnswerMiddleware(CallbackAnswerMiddleware):
    """``CallbackAnswerMiddleware`` that logs a failed answerCallbackQuery instead of raising."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        callback_answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer"),
        )
        if not callback_answer.disabled and callback_answer.answered:
            await self._answer_quietly(event, callback_answer)
        try:
            return await handler(event, data)
        finally:
            if not callback_answer.disabled and not callback_answer.answered:
                await self._answer_quietly(event, callback_answer)

    async def _answer_quietly(self, event: CallbackQuery, callback_answer: CallbackAnswer) -> None:
        try:
            await self.answer(event, callback_answer)
        except TelegramAPIError as exc:
            logger.warning("answerCallbackQuery failed (the spinner stops by itself): %s", exc)
