"""aiogram's automatic answers to button presses, where a failed answer is not an error.

Answering a callback query only stops the button's spinner (and shows a short toast).  With
aiogram's ``CallbackAnswerMiddleware`` a failed answer (Telegram 5xx, a dropped connection,
«query is too old») raised out of the handler after the page had already turned, and the
error router then apologised in the chat for an answer the user had received.  Here it is
logged and the handler's own outcome stands.
"""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware

__all__ = ["QuietCallbackAnswerMiddleware"]

logger = logging.getLogger(__name__)


class QuietCallbackAnswerMiddleware(CallbackAnswerMiddleware):
    """``CallbackAnswerMiddleware`` that logs a failed answerCallbackQuery instead of raising
    (aiogram's ``__call__`` awaits whatever ``answer`` returns, before or after the handler)."""

    async def answer(  # type: ignore[override]
        self, event: CallbackQuery, callback_answer: CallbackAnswer
    ) -> None:
        try:
            await super().answer(event, callback_answer)
        except TelegramAPIError as exc:
            logger.warning("answerCallbackQuery failed (the spinner stops by itself): %s", exc)
