"""The press team's newsroom in the chat (admins, private chat only).

* A forwarded channel post, a pasted long text or a link to a news page → a preview of what
  the bot read from it (:func:`knowledge.preview.preview_article`), with «Добавить» /
  «Отмена».  The draft waits in aiogram's FSM storage (its own ``newsroom`` destiny where the
  storage keeps destinies apart, else prefixed keys of the chat's data) under a random token
  the buttons carry; it expires, and a new preview replaces it.  Only «Добавить» saves it —
  with the checks and generated file names of uploads — rebuilds the index and queues a
  digest for subscribers.
* ``/articles``: a numbered, paged list; a number button asks, «Да, удалить» moves the file to
  the trash inside the seeds folder and rebuilds.  ``/restore`` brings the last one back.

Everything here is admin-only by the router's filters; anyone else's forwards, pastes and
links reach the question handler, and their presses of these buttons end in the «stale
button» answer.  Buttons only act on data in the FSM storage of the admin and chat that got
them, so a press from anyone else finds nothing, changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from datetime import timedelta, timezone
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import BaseFilter, Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import DEFAULT_DESTINY, BaseStorage, StorageKey
from aiogram.types import (
    CallbackQuery,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.chat_action import ChatActionSender

from knowledge import ArticleInfo
from knowledge.seeds import compose_article, find_agency, known_agency
from knowledge.service import (
    InvalidSeed,
    KnowledgeService,
    NothingToRestore,
    ReloadBusy,
    ReloadFailed,
)
from knowledge.webpage import extract_web_article

from .. import texts
from ..broadcast import Broadcaster
from ..config import Settings
from ..keyboards import (
    ArticlesAction,
    DraftAction,
    articles_keyboard,
    draft_keyboard,
    remove_confirm_keyboard,
)
from ..links import LinkError, LinkFetcher, page_text, single_link
from ..render import edit, send
from ..state import StateStore

__all__ = ["DESTINY", "DRAFT", "LISTING", "PER_PAGE", "newsroom_context", "setup"]

logger = logging.getLogger(__name__)

DESTINY = "newsroom"
# Keys of the newsroom's FSM data (prefixed: with a storage whose key builder has no destinies
# they share the chat's default data with other features).
DRAFT = "newsroom_draft"
LISTING = "newsroom_articles"
PER_PAGE = 8
# Minsk keeps UTC+3 all year: a forwarded post's date is the day it was in Minsk.
MINSK = timezone(timedelta(hours=3))


def newsroom_context(storage: BaseStorage, bot: Bot, chat_id: int, user_id: int) -> FSMContext:
    """The newsroom's FSM context of one admin in one chat: its own ``newsroom`` destiny
    where the storage keeps destinies apart (``MemoryStorage``; ``RedisStorage`` with
    ``DefaultKeyBuilder(with_destiny=True)``), else the default one (prefixed keys)."""
    inner = getattr(storage, "inner", storage)  # through bot.storage.ResilientStorage
    builder = getattr(inner, "key_builder", None)
    own = builder is None or bool(getattr(builder, "with_destiny", False))
    key = StorageKey(
        bot_id=bot.id,
        chat_id=chat_id,
        user_id=user_id,
        destiny=DESTINY if own else DEFAULT_DESTINY,
    )
    return FSMContext(storage=storage, key=key)


def _token() -> str:
    return secrets.token_urlsafe(6)


def _live(entry: Any, token: str) -> dict[str, Any] | None:
    """The stored draft or list the pressed button belongs to, unless it expired."""
    if (
        isinstance(entry, dict)
        and entry.get("token") == token
        and float(entry.get("expires", 0)) > time.time()
    ):
        return entry
    return None


# ---------------------------------------------------------------- filters


class ForwardedArticle(BaseFilter):
    """A forwarded message with text: a channel's post always, anything else when long."""

    def __init__(self, min_chars: int) -> None:
        self.min_chars = min_chars

    async def __call__(self, message: Message) -> bool:
        origin = message.forward_origin
        body = message.text or message.caption or ""
        if origin is None or not body.strip():
            return False
        return isinstance(origin, MessageOriginChannel) or len(body) >= self.min_chars


class PastedArticle(BaseFilter):
    """A long text that is not a command: an article pasted into the chat."""

    def __init__(self, min_chars: int) -> None:
        self.min_chars = min_chars

    async def __call__(self, message: Message) -> bool:
        text = message.text or ""
        return not text.startswith("/") and len(text.strip()) >= self.min_chars


class LinkMessage(BaseFilter):
    """A message that is one http(s) link; injects ``url``."""

    async def __call__(self, message: Message) -> bool | dict[str, Any]:
        url = single_link(message.text)
        return {"url": url} if url else False


# ---------------------------------------------------------------- previews


async def forward_handler(
    message: Message,
    bot: Bot,
    service: KnowledgeService,
    settings: Settings,
    fsm_storage: BaseStorage,
) -> None:
    """Receives a forwarded post from an admin: previews it as an article."""
    origin = message.forward_origin
    body = message.text or message.caption or ""
    outlet = url = agency = None
    if isinstance(origin, MessageOriginChannel):
        outlet = origin.chat.title
        if origin.chat.username:
            url = f"https://t.me/{origin.chat.username}/{origin.message_id}"
    elif isinstance(origin, MessageOriginChat):
        outlet = origin.sender_chat.title
    if outlet and not find_agency(body):
        agency = known_agency(outlet) or outlet  # the channel published it
    published = origin.date.astimezone(MINSK).date() if origin is not None else None
    article = compose_article(body, published=published, agency=agency, url=url, outlet=outlet)
    await _preview(message, article, "forward", bot, service, settings, fsm_storage)


async def paste_handler(
    message: Message,
    bot: Bot,
    service: KnowledgeService,
    settings: Settings,
    fsm_storage: BaseStorage,
) -> None:
    """Receives a long pasted text from an admin: previews it as an article.

    A first line ``date YYYY-MM-DD`` dates it, as in the seed files.
    """
    await _preview(message, message.text or "", "paste", bot, service, settings, fsm_storage)


async def link_handler(
    message: Message,
    url: str,
    bot: Bot,
    service: KnowledgeService,
    settings: Settings,
    links: LinkFetcher,
    fsm_storage: BaseStorage,
) -> None:
    """Receives a link from an admin: downloads the page, extracts the article, previews it."""
    async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
        try:
            page = await links.fetch(url)
        except LinkError as exc:
            logger.info("link refused (%s): %s", exc.kind, exc.detail)
            await send(message, texts.link_failed(exc.kind, exc.detail))
            return
        try:
            web = await asyncio.to_thread(extract_web_article, page_text(page), page.url)
        except Exception:  # the extractor on a hostile page must not cost the admin a reply
            logger.exception("article extraction failed")
            web = None
    if web is None:
        await send(message, texts.link_failed("no_article"))
        return
    await _preview(message, web.article_file(), "link", bot, service, settings, fsm_storage)


async def _preview(
    message: Message,
    article: str,
    origin: str,
    bot: Bot,
    service: KnowledgeService,
    settings: Settings,
    fsm_storage: BaseStorage,
) -> None:
    """Check the article like an upload, show what it holds, keep it as the admin's draft."""
    user_id = message.from_user.id if message.from_user else message.chat.id
    context = newsroom_context(fsm_storage, bot, message.chat.id, user_id)
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            preview = await service.preview(article.encode("utf-8"), origin)
    except InvalidSeed as exc:
        await send(message, texts.preview_rejected(exc.reason))
        return
    token = _token()
    previous = await context.get_value(DRAFT)
    draft = {
        "token": token,
        "file": article,
        "origin": origin,
        "expires": time.time() + settings.preview_ttl,
    }
    await context.update_data({DRAFT: draft})  # before the buttons exist
    kept = await context.get_value(DRAFT) == draft
    if not kept:  # the FSM storage (Redis) is down: buttons would find nothing
        logger.warning("newsroom draft not kept: the FSM storage is unavailable")
    sent = await send(
        message,
        texts.preview_reply(preview, settings.preview_ttl, kept=kept),
        reply_markup=draft_keyboard(token) if kept else None,
    )
    if isinstance(previous, dict) and previous.get("message_id"):
        # a second preview replaces the first: its buttons go (they would only be stale)
        with contextlib.suppress(TelegramAPIError):
            await bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=int(previous["message_id"])
            )
    if kept and await context.get_value(DRAFT) == draft:
        await context.update_data({DRAFT: {**draft, "message_id": sent.message_id}})


async def draft_handler(
    callback: CallbackQuery,
    callback_data: DraftAction,
    callback_answer: CallbackAnswer,
    bot: Bot,
    service: KnowledgeService,
    store: StateStore,
    broadcaster: Broadcaster,
    fsm_storage: BaseStorage,
) -> None:
    """Receives «Добавить» / «Отмена» under a preview."""
    message = callback.message
    if not isinstance(message, Message):
        callback_answer.text = texts.PREVIEW_STALE
        return
    context = newsroom_context(fsm_storage, bot, message.chat.id, callback.from_user.id)
    draft = _live(await context.get_value(DRAFT), callback_data.t)
    if draft is None:
        callback_answer.text = texts.PREVIEW_STALE
        return
    if callback_data.a != "add":
        await context.update_data({DRAFT: None})
        await edit(message, texts.PREVIEW_CANCELLED)
        return
    if service.busy:
        callback_answer.text = texts.RELOAD_BUSY
        return
    await context.update_data({DRAFT: None})  # a second press finds nothing to add
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            result = await service.add_seed(draft["file"].encode("utf-8"), draft["origin"])
    except ReloadBusy:
        await context.update_data({DRAFT: draft})
        callback_answer.text = texts.RELOAD_BUSY
        return
    except InvalidSeed as exc:
        await edit(message, texts.preview_rejected(exc.reason))
        return
    except ReloadFailed as exc:
        await edit(message, texts.reload_failed_reply(exc, service.index.info))
        return
    subscribers = store.subscriber_count()
    if result.preview is not None:
        broadcaster.announce(result.saved_as, result.title, texts.digest_reply(result.preview))
    logger.info("admin %s added an article (%s)", callback.from_user.id, draft["origin"])
    await edit(message, texts.added_reply(result, subscribers))


# ---------------------------------------------------------------- /articles, /restore


def _index_key(service: KnowledgeService) -> str:
    info = service.index.info
    return f"{info.fingerprint}:{info.built_at}"


def _page_of(articles: tuple[ArticleInfo, ...], page: int) -> tuple[int, int, range]:
    pages = max(1, (len(articles) + PER_PAGE - 1) // PER_PAGE)
    page = max(0, min(page, pages - 1))
    start = page * PER_PAGE
    return page, pages, range(start + 1, min(start + PER_PAGE, len(articles)) + 1)


async def command_articles_handler(
    message: Message,
    bot: Bot,
    service: KnowledgeService,
    settings: Settings,
    fsm_storage: BaseStorage,
) -> None:
    """Receives /articles: the first page of the list, with remove buttons."""
    articles = service.index.sources()
    token = _token()
    user_id = message.from_user.id if message.from_user else message.chat.id
    context = newsroom_context(fsm_storage, bot, message.chat.id, user_id)
    view = {"token": token, "index": _index_key(service), "expires": time.time() + 3600}
    await context.update_data({LISTING: view})
    page, pages, numbers = _page_of(articles, 0)
    await send(
        message,
        texts.articles_reply(articles, page, PER_PAGE),
        reply_markup=articles_keyboard(token, page, pages, numbers),
    )


async def articles_button_handler(
    callback: CallbackQuery,
    callback_data: ArticlesAction,
    callback_answer: CallbackAnswer,
    bot: Bot,
    service: KnowledgeService,
    fsm_storage: BaseStorage,
) -> None:
    """Receives the buttons of /articles: pages, remove, confirm, cancel."""
    message = callback.message
    if not isinstance(message, Message):
        callback_answer.text = texts.ARTICLES_STALE
        return
    context = newsroom_context(fsm_storage, bot, message.chat.id, callback.from_user.id)
    view = _live(await context.get_value(LISTING), callback_data.t)
    articles = service.index.sources()
    if view is None or view.get("index") != _index_key(service):
        callback_answer.text = texts.ARTICLES_STALE
        return
    token, n = callback_data.t, callback_data.n
    if callback_data.a == "page":
        page, pages, numbers = _page_of(articles, n)
        await edit(
            message,
            texts.articles_reply(articles, page, PER_PAGE),
            reply_markup=articles_keyboard(token, page, pages, numbers),
        )
        return
    if not 1 <= n <= len(articles):
        callback_answer.text = texts.ARTICLES_STALE
        return
    if callback_data.a == "del":
        await edit(
            message,
            texts.remove_confirm_reply(n, articles[n - 1]),
            reply_markup=remove_confirm_keyboard(token, n),
        )
    elif callback_data.a == "no":
        page, pages, numbers = _page_of(articles, (n - 1) // PER_PAGE)
        callback_answer.text = texts.REMOVE_CANCELLED
        await edit(
            message,
            texts.articles_reply(articles, page, PER_PAGE),
            reply_markup=articles_keyboard(token, page, pages, numbers),
        )
    elif callback_data.a == "yes":
        await _remove(message, articles[n - 1], callback, callback_answer, bot, service, context)


async def _remove(
    message: Message,
    info: ArticleInfo,
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    bot: Bot,
    service: KnowledgeService,
    context: FSMContext,
) -> None:
    if service.busy:
        callback_answer.text = texts.RELOAD_BUSY
        return
    await context.update_data({LISTING: None})  # numbers change once the article is gone
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            result = await service.remove(info.source.article_id)
    except ReloadBusy:
        callback_answer.text = texts.RELOAD_BUSY
        return
    except InvalidSeed as exc:
        await edit(message, texts.preview_rejected(exc.reason))
        return
    except ReloadFailed as exc:
        await edit(message, texts.reload_failed_reply(exc, service.index.info))
        return
    logger.info("admin %s removed %s", callback.from_user.id, info.source.article_id)
    await edit(message, texts.removed_reply(result))


async def command_restore_handler(message: Message, bot: Bot, service: KnowledgeService) -> None:
    """Receives /restore: brings the last removed article back and rebuilds."""
    if service.busy:
        await send(message, texts.RELOAD_BUSY)
        return
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            result = await service.restore()
    except NothingToRestore:
        await send(message, texts.NOTHING_TO_RESTORE)
        return
    except ReloadBusy:
        await send(message, texts.RELOAD_BUSY)
        return
    except InvalidSeed as exc:
        await send(message, texts.restore_rejected(exc.reason))
        return
    except ReloadFailed as exc:
        await send(message, texts.reload_failed_reply(exc, service.index.info))
        return
    await send(message, texts.restored_reply(result))


def setup(admin_ids: frozenset[int], paste_min_chars: int) -> Router:
    """The newsroom router: only admins in their private chat reach its handlers."""
    router = Router(name=__name__)
    admins = frozenset(admin_ids)
    router.message.filter(F.chat.type == ChatType.PRIVATE, F.from_user.id.in_(admins))
    router.callback_query.filter(
        F.message.chat.type == ChatType.PRIVATE, F.from_user.id.in_(admins)
    )
    router.message.register(command_articles_handler, Command("articles"))
    router.message.register(command_restore_handler, Command("restore"))
    router.message.register(forward_handler, ForwardedArticle(paste_min_chars))
    router.message.register(link_handler, F.forward_origin.is_(None), LinkMessage())
    router.message.register(
        paste_handler, F.forward_origin.is_(None), PastedArticle(paste_min_chars)
    )
    router.callback_query.register(draft_handler, DraftAction.filter())
    router.callback_query.register(articles_button_handler, ArticlesAction.filter())
    return router
