"""Assembling and running the bot: ``create_bot``, ``create_dispatcher``, ``run_bot``.

Long polling by default; a webhook (aiogram's aiohttp handler with a secret token, plus
``/health``) when ``WEBHOOK_URL`` is set.  Services reach handlers as workflow data
(``service``, ``store``, ``settings``), so tests and the console chat build the very same
dispatcher around their own session.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sys
from contextlib import suppress

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.token import TokenValidationError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from knowledge import BuildError, IndexInfo
from knowledge.service import KnowledgeService

from . import texts
from .broadcast import Broadcaster
from .config import Settings
from .handlers import setup_routers
from .links import LinkFetcher
from .middlewares import InFlightUpdates, RetryAfterMiddleware, setup_middlewares
from .state import StateStore, chat_key
from .storage import ResilientStorage, StorageConfigError, build_storage

__all__ = [
    "RedactTokenFilter",
    "create_bot",
    "create_dispatcher",
    "index_summary",
    "run_bot",
    "set_commands",
    "setup_logging",
]

logger = logging.getLogger(__name__)

# Seconds shutdown waits for updates being handled (Docker's default stop timeout is 10 s),
# then for digests already on their way.
SHUTDOWN_GRACE = 6.0
BROADCAST_GRACE = 2.0
TOKEN_PATTERN = re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
REDACTED = "<redacted>"


class RedactTokenFilter(logging.Filter):
    """Replace anything that looks like a bot token (and the configured one) in log records.

    aiogram puts the token into every request URL and file URL, and network errors may quote
    the URL; this filter sits on the root handlers, so no record leaves with a token in it.
    """

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        """The text with tokens replaced by ``<redacted>``."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    """Log to stderr at ``level`` with the token filter on every root handler."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    token_filter = RedactTokenFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    """The Bot: Telegram's (or ``TELEGRAM_API_URL``'s) API, capped 429 retries, no parse_mode.

    :raises TokenValidationError: when ``BOT_TOKEN`` does not look like a token.
    """
    if session is None:
        if settings.telegram_api_url:
            api = TelegramAPIServer.from_base(settings.telegram_api_url)
            session = AiohttpSession(api=api)
        else:
            session = AiohttpSession()
    session.middleware(RetryAfterMiddleware())
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(link_preview_is_disabled=True),
    )


def create_dispatcher(
    service: KnowledgeService,
    state: StateStore,
    settings: Settings,
    storage: BaseStorage | None = None,
) -> Dispatcher:
    """The dispatcher with every router and middleware; services as workflow data.

    :param storage: aiogram's FSM storage (conversations, newsroom drafts, any feature's FSM
        data): ``build_storage(settings)`` in production, ``MemoryStorage`` when omitted. It is
        wrapped in :class:`ResilientStorage`, so a failing storage costs data, never answers.
    :return: a Dispatcher whose handlers receive ``service``, ``store``, ``settings``,
        ``broadcaster``, ``links`` and aiogram's ``state``; its startup starts the digest
        sender, its shutdown stops it and closes the service, the state database and the
        storage.
    """
    if not isinstance(storage, ResilientStorage):
        storage = ResilientStorage(storage or MemoryStorage())
    broadcaster = Broadcaster(
        state, rate=settings.broadcast_rate, chat_interval=settings.broadcast_chat_interval
    )
    links = LinkFetcher(
        timeout=settings.link_timeout,
        max_bytes=settings.max_page_bytes,
        max_redirects=settings.max_redirects,
        allow_loopback=settings.allow_loopback_links,
    )
    dp = Dispatcher(
        storage=storage,
        name="innoprom",
        service=service,
        store=state,
        settings=settings,
        broadcaster=broadcaster,
        links=links,
    )
    dp.include_routers(*setup_routers(settings))
    dp["in_flight"] = setup_middlewares(dp, settings.throttle_seconds)
    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp


async def on_startup(
    bot: Bot, service: KnowledgeService, settings: Settings, broadcaster: Broadcaster
) -> None:
    """Set the command menus, log who we are and what we know, resume queued digests."""
    await set_commands(bot, settings.admin_ids)
    me = await bot.me()
    logger.info("bot @%s ready; %s", me.username, index_summary(service.index.info))
    broadcaster.start(bot)


async def on_shutdown(
    service: KnowledgeService,
    store: StateStore,
    in_flight: InFlightUpdates,
    broadcaster: Broadcaster,
) -> None:
    """Let replies in flight finish (bounded), stop the digest sender (digests on their way
    finish; the rest wait in the queue for the next start), then close the databases."""
    if not await in_flight.wait(SHUTDOWN_GRACE):
        logger.warning("%d update(s) still running at shutdown", in_flight.count)
    await broadcaster.stop(BROADCAST_GRACE)
    service.close()
    store.close()


async def set_commands(bot: Bot, admin_ids: frozenset[int]) -> None:
    """Russian command menu for everyone; admin commands only in each admin's own chat."""
    public = [BotCommand(command=c, description=d) for c, d in texts.COMMANDS]
    await bot.set_my_commands(public, scope=BotCommandScopeDefault())
    admin = public + [BotCommand(command=c, description=d) for c, d in texts.ADMIN_COMMANDS]
    for admin_id in sorted(admin_ids):
        try:
            await bot.set_my_commands(admin, scope=BotCommandScopeChat(chat_id=admin_id))
        except TelegramAPIError as exc:  # the admin has not started the bot yet
            logger.warning("admin menu for %s not set: %s", admin_id, exc)


def index_summary(info: IndexInfo) -> str:
    """One line about the index for the start-up log."""
    facts = ", ".join(f"{k} {v}" for k, v in info.facts.items())
    latest = info.latest_date.isoformat() if info.latest_date else "—"
    return (
        f"index: {info.articles} articles, {info.passages} passages, {facts}, "
        f"latest article {latest}, built {info.built_at or '—'}, skipped {len(info.skipped)}"
    )


def run_bot(settings: Settings) -> int:
    """Run until SIGINT/SIGTERM; return the process exit code (one-line errors, no traces)."""
    token = settings.bot_token.get_secret_value()
    secret = settings.webhook_secret.get_secret_value()
    if not token:
        return _fail(texts.NO_TOKEN, 2)
    if settings.webhook_url and not _WEBHOOK_SECRET.match(secret):
        return _fail(texts.NO_WEBHOOK_SECRET, 2)
    try:
        bot = create_bot(settings)
    except TokenValidationError:
        return _fail(texts.BAD_TOKEN, 2)
    try:
        storage = build_storage(settings)
    except StorageConfigError:
        return _fail(texts.BAD_REDIS_URL, 2)
    redis_url = settings.redis_url.get_secret_value()  # may carry a password
    setup_logging(settings.log_level, secrets=(token, secret, redis_url))
    logger.info("conversation context kept in %s", "Redis" if redis_url else "memory")
    try:
        service, report = KnowledgeService.open(settings.seeds_dir, settings.index_path)
    except BuildError as exc:
        return _fail(texts.index_failed(str(exc)), 1)
    if report is not None:
        logger.info("index built at start in %.0f ms", report.elapsed_ms)
    store = StateStore(
        settings.state_path,
        retention_days=settings.state_retention_days,
        key=chat_key(token),
    )
    dp = create_dispatcher(service, store, settings, storage)
    try:
        if settings.webhook_url:
            asyncio.run(_serve_webhook(bot, dp, settings))
        else:
            asyncio.run(_serve_polling(bot, dp))
    except TelegramUnauthorizedError:
        return _fail(texts.TOKEN_REJECTED, 1)
    except TelegramNetworkError as exc:  # its message may quote the request URL (token)
        reason = RedactTokenFilter((token, secret)).redact(exc.message)
        return _fail(texts.network_failed(reason), 1)
    except KeyboardInterrupt:  # pragma: no cover - signals are handled inside the loop
        pass
    finally:
        service.close()
        store.close()
    logger.info("bot stopped")
    return 0


def _fail(message: str, code: int) -> int:
    sys.stderr.write(message + "\n")
    return code


async def _serve_polling(bot: Bot, dp: Dispatcher) -> None:
    try:
        # A webhook left by an earlier deployment would make every getUpdates fail with 409.
        try:
            await bot.delete_webhook()
        except TelegramUnauthorizedError:
            raise
        except TelegramAPIError as exc:
            logger.warning("deleteWebhook failed (continuing): %s", exc)
        await dp.start_polling(
            bot,
            allowed_updates=dp.resolve_used_update_types(),
            handle_signals=True,
            close_bot_session=True,
        )
    finally:
        await bot.session.close()  # also when start-up failed before polling began


def create_webhook_app(bot: Bot, dp: Dispatcher, settings: Settings) -> web.Application:
    """aiohttp app: the webhook (secret token checked, else 401) and ``GET /health``."""
    app = web.Application()
    service: KnowledgeService = dp["service"]

    async def health(request: web.Request) -> web.Response:
        info = service.index.info
        return web.json_response(
            {
                "status": "ok",
                "articles": info.articles,
                "passages": info.passages,
                "built_at": info.built_at,
                "reloading": service.busy,
            }
        )

    app.router.add_get("/health", health)
    # Dispatcher shutdown first (it waits for updates in flight), then the handler closes
    # the bot session: aiohttp runs on_shutdown callbacks in the order they were added.
    setup_application(app, dp, bot=bot)
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=settings.webhook_secret.get_secret_value()
    ).register(app, path=settings.webhook_path)
    return app


async def _serve_webhook(bot: Bot, dp: Dispatcher, settings: Settings) -> None:
    app = create_webhook_app(bot, dp, settings)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):  # pragma: no cover - Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        await bot.set_webhook(
            url=str(settings.webhook_url),
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=dp.resolve_used_update_types(),
        )
        logger.info(
            "webhook mode: listening on %s:%s%s",
            settings.webhook_host,
            settings.webhook_port,
            settings.webhook_path,
        )
        await stop.wait()
    finally:
        await runner.cleanup()
