"""Dispatcher middlewares, registered in one place and one order."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from .retry import RetryAfterMiddleware
from .throttling import ThrottlingMiddleware

__all__ = ["RetryAfterMiddleware", "ThrottlingMiddleware", "setup_middlewares"]


def setup_middlewares(dp: Dispatcher, throttle_seconds: float) -> None:
    """Throttling first (it answers throttled button presses itself), then callback answers.

    Messages and button presses are throttled separately, so pressing «Источник» right after
    an answer arrives is never «too often».
    """
    dp.message.middleware(ThrottlingMiddleware(throttle_seconds))
    dp.callback_query.middleware(ThrottlingMiddleware(throttle_seconds))
    dp.callback_query.middleware(CallbackAnswerMiddleware())
