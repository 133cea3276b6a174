"""The one error router: log, and give the user a polite Russian fallback.

«Message is not modified» (a page button pressed twice) is harmless and ignored; a user who
blocked the bot is logged, not answered.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import suppress

from aiogram import Router
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import ExceptionMessageFilter, ExceptionTypeFilter
from aiogram.types import CallbackQuery, ErrorEvent, Message

from knowledge.service import KnowledgeService

from .. import texts
from ..render import send

__all__ = ["setup"]

logger = logging.getLogger(__name__)


async def not_modified_handler(event: ErrorEvent) -> None:
    """Receives «message is not modified»: the same page was asked for again."""
    logger.debug("ignored: %s", event.exception)


async def forbidden_handler(event: ErrorEvent) -> None:
    """Receives 403: the user blocked the bot or it was removed from the chat."""
    logger.info("cannot write to the chat (blocked or removed): %s", event.exception)


async def telegram_failure_handler(event: ErrorEvent) -> None:
    """Receives a failure on Telegram's side (5xx, network, flood beyond the retry cap):
    one log line, and a short apology that does not blame the question."""
    logger.warning(
        "update %s: Telegram did not take the reply: %s: %s",
        event.update.update_id,
        type(event.exception).__name__,
        event.exception,
    )
    source = event.update.event
    target = source.message if isinstance(source, CallbackQuery) else source
    if isinstance(target, Message):
        with suppress(TelegramAPIError):
            await send(target, texts.TELEGRAM_FAILURE)


def _damage_like(event: ErrorEvent) -> bool:
    """A database error that a damaged file causes («no such table», «malformed», «vtable
    constructor failed», I/O errors), not one of our own misuse (a closed connection)."""
    return isinstance(event.exception, sqlite3.DatabaseError) and not isinstance(
        event.exception, (sqlite3.ProgrammingError, sqlite3.IntegrityError)
    )


async def database_error_handler(event: ErrorEvent, service: KnowledgeService) -> None:
    """Receives a database error while answering (the index file truncated or overwritten
    under the running bot): start one background check-and-rebuild, apologise briefly."""
    logger.error(
        "update %s: database error: %s: %s",
        event.update.update_id,
        type(event.exception).__name__,
        event.exception,
    )
    service.repair()
    source = event.update.event
    target = source.message if isinstance(source, CallbackQuery) else source
    if isinstance(target, Message):
        with suppress(TelegramAPIError):
            await send(target, texts.INDEX_REPAIRING)


async def fallback_handler(event: ErrorEvent) -> None:
    """Receives any other exception: log it and say sorry in the chat it came from."""
    logger.exception(
        "update %s failed: %r", event.update.update_id, event.exception, exc_info=event.exception
    )
    source = event.update.event
    target = source.message if isinstance(source, CallbackQuery) else source
    if isinstance(target, Message):
        with suppress(TelegramAPIError):
            await send(target, texts.ERROR_FALLBACK)


def setup() -> Router:
    """The error router (its place among the routers does not matter)."""
    router = Router(name=__name__)
    router.errors.register(
        not_modified_handler,
        ExceptionTypeFilter(TelegramBadRequest),
        ExceptionMessageFilter(r"(?i).*message is not modified"),
    )
    router.errors.register(forbidden_handler, ExceptionTypeFilter(TelegramForbiddenError))
    router.errors.register(
        telegram_failure_handler,
        ExceptionTypeFilter(TelegramServerError, TelegramNetworkError, TelegramRetryAfter),
    )
    router.errors.register(database_error_handler, _damage_like)
    router.errors.register(fallback_handler, ExceptionTypeFilter(Exception))
    return router
