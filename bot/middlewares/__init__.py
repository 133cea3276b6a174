"""Dispatcher middlewares, registered in one place and one order."""

from __future__ import annotations

from aiogram import Dispatcher

from .callback_answer import QuietCallbackAnswerMiddleware
from .inflight import InFlightUpdates
from .retry import RetryAfterMiddleware
from .throttling import ThrottlingMiddleware

__all__ = [
    "InFlightUpdates",
    "QuietCallbackAnswerMiddleware",
    "RetryAfterMiddleware",
    "ThrottlingMiddleware",
    "setup_middlewares",
]


def setup_middlewares(dp: Dispatcher, throttle_seconds: float) -> InFlightUpdates:
    """Register the middlewares; return the in-flight counter (shutdown waits on it).

    Throttling comes first (it answers throttled button presses itself), then callback
    answers (a failed answer is logged, not an error). Messages and button presses are
    throttled separately, so pressing «Источник» right after an answer arrives is never
    «too often».
    """
    in_flight = InFlightUpdates()
    dp.update.outer_middleware(in_flight)
    dp.message.middleware(ThrottlingMiddleware(throttle_seconds))
    dp.callback_query.middleware(ThrottlingMiddleware(throttle_seconds))
    dp.callback_query.middleware(QuietCallbackAnswerMiddleware())
    return in_flight
