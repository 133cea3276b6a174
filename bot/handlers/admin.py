"""Admin commands, private chat only: /reload, /stats and .txt uploads (forwards, pastes,
links and /articles: :mod:`bot.handlers.newsroom`).

Authorised by numeric user id on every update (a command menu scope hides commands but does
not protect them).  Everyone else falls through to the «unknown command» reply.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

import aiohttp
from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.chat_action import ChatActionSender

from knowledge.seeds import MAX_SEED_BYTES
from knowledge.service import InvalidSeed, KnowledgeService, ReloadBusy, ReloadFailed

from .. import texts
from ..broadcast import Broadcaster
from ..config import Settings
from ..render import send
from ..state import StateStore

__all__ = ["setup"]

logger = logging.getLogger(__name__)


async def command_reload_handler(message: Message, bot: Bot, service: KnowledgeService) -> None:
    """Receives /reload from an admin: rebuild, validate, swap, report."""
    if service.busy:
        await send(message, texts.RELOAD_BUSY)
        return
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            result = await service.reload()
    except ReloadBusy:
        await send(message, texts.RELOAD_BUSY)
    except ReloadFailed as exc:
        await send(message, texts.reload_failed_reply(exc, service.index.info))
    else:
        await send(message, texts.reload_reply(result))


async def command_stats_handler(message: Message, store: StateStore) -> None:
    """Receives /stats from an admin."""
    await send(message, texts.stats_reply(store.stats()))


async def document_handler(
    message: Message,
    bot: Bot,
    service: KnowledgeService,
    settings: Settings,
    broadcaster: Broadcaster,
) -> None:
    """Receives a document from an admin: check, save under a generated name, reload, and
    queue a digest for subscribers."""
    document = message.document
    if document is None:  # pragma: no cover - the filter guarantees it
        return
    name = (document.file_name or "").lower()
    if not name.endswith(".txt") or document.mime_type not in (None, "text/plain"):
        await send(message, texts.UPLOAD_NOT_TXT)
        return
    limit = min(settings.max_upload_bytes, MAX_SEED_BYTES)
    if document.file_size is None or document.file_size > limit:
        await send(message, texts.upload_too_big(limit))
        return
    if service.busy:
        await send(message, texts.RELOAD_BUSY)
        return
    async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
        buffer = io.BytesIO()
        try:
            await bot.download(document, destination=buffer)
        except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as exc:
            # getFile or the file GET failed (5xx, dropped, timed out): nothing was saved
            logger.warning("admin upload: the document could not be downloaded: %s", _brief(exc))
            await send(message, texts.UPLOAD_DOWNLOAD_FAILED)
            return
        data = buffer.getvalue()
        if len(data) > limit:
            await send(message, texts.upload_too_big(limit))
            return
        try:
            result = await service.add_seed(data)
        except ReloadBusy:
            await send(message, texts.RELOAD_BUSY)
            return
        except InvalidSeed as exc:
            await send(message, texts.upload_rejected(exc.reason))
            return
        except ReloadFailed as exc:
            await send(message, texts.reload_failed_reply(exc, service.index.info))
            return
    logger.info(
        "admin %s uploaded an article", message.from_user.id if message.from_user else None
    )
    if result.preview is not None:
        broadcaster.announce(result.saved_as, result.title, texts.digest_reply(result.preview))
    await send(message, texts.upload_reply(result))


def _brief(exc: BaseException) -> str:
    """An error in one line, without the file URL (it holds the token)."""
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"HTTP {exc.status} {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def setup(admin_ids: Iterable[int]) -> Router:
    """The admin router: only private messages from ``admin_ids`` reach its handlers."""
    router = Router(name=__name__)
    router.message.filter(
        F.chat.type == ChatType.PRIVATE, F.from_user.id.in_(frozenset(admin_ids))
    )
    router.message.register(command_reload_handler, Command("reload"))
    router.message.register(command_stats_handler, Command("stats"))
    router.message.register(document_handler, F.document)
    return router
