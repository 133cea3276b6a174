"""A small Telegram Bot API server of our own, on 127.0.0.1, for end-to-end tests.

It serves the real URL shapes (``/bot<token>/<method>`` with GET or POST, JSON, urlencoded or
multipart bodies, and ``/file/bot<token>/<file_path>`` downloads), implements the methods a Q&A
bot uses and refuses what Telegram refuses, with Telegram's ``{"ok": false, "error_code": 400,
"description": "Bad Request: ..."}`` answers.  Text rules live in :mod:`telegram_text`.

Tests drive it with plain Python methods (no HTTP):

* users and chats: :meth:`FakeTelegram.new_user`, :meth:`FakeTelegram.new_group`;
* updates: ``private_text``, ``forwarded_post``, ``group_text``, ``press_button``,
  ``callback_query``, ``inline_query``, ``document_message``, ``edited_message``,
  ``media_message`` build an update
  dict (and remember the message, so replies and presses refer to real messages);
  :meth:`FakeTelegram.push_update` queues it for ``getUpdates``;
* observation: every request is a :class:`Call` in :attr:`FakeTelegram.calls`;
  :meth:`FakeTelegram.wait_for`, :meth:`FakeTelegram.settle`, :meth:`FakeTelegram.chat_messages`,
  :meth:`FakeTelegram.rejected`;
* faults: :meth:`FakeTelegram.inject` (429 with ``retry_after``, 500, 403 blocked, 409 conflict,
  delay, timeout, dropped connection) for the next N calls of a method, and
  :meth:`FakeTelegram.block_chat` for a user who blocked the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from bot.limits import (
    CALLBACK_TEXT_LIMIT,
    CAPTION_LIMIT,
    INLINE_RESULTS_LIMIT,
    RESULT_ID_LIMIT,
    utf16_len,
)

from .telegram_text import TextError, formatted_text, validate_reply_markup

__all__ = ["Call", "Fault", "FakeTelegram", "ANONYMOUS_ADMIN_ID", "DEFAULT_TOKEN"]

DEFAULT_TOKEN = "123456:TEST-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
ANONYMOUS_ADMIN_ID = 1087968824
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

# Fields that are strings in the Bot API: kept verbatim from form bodies (everything else that
# aiogram sends in a form is JSON-encoded: numbers, booleans, objects, arrays).
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "file_id",
        "action",
        "url",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
        "business_connection_id",
        "inline_message_id",
        "message_effect_id",
        "language_code",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "name",
        "title",
        "emoji",
        "query",
        "certificate",
    }
)
_UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_START_PARAMETER_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
_INLINE_RESULT_TYPES = frozenset(
    {
        "article",
        "photo",
        "gif",
        "mpeg4_gif",
        "video",
        "audio",
        "voice",
        "document",
        "location",
        "venue",
        "contact",
        "game",
        "sticker",
    }
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)

FaultKind = Literal[
    "retry_after", "server_error", "blocked", "conflict", "delay", "timeout", "drop", "error"
]


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(
        self,
        code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        injected: str | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.injected = injected  # a test-made condition (e.g. a blocked chat), not a bot error

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class _Drop(Exception):
    """Close the connection without an answer."""


@dataclass
class Call:
    """One request the server received, and what it answered."""

    index: int
    method: str  # canonical Bot API spelling, e.g. "sendMessage"; "download" for file GETs
    params: dict[str, Any]
    time: float  # loop.time() when the request arrived
    wall: float  # time.time() when the request arrived
    http_method: str = "POST"
    status: int = 0
    ok: bool | None = None
    result: Any = None
    description: str | None = None
    fault: str | None = None  # the injected fault that produced this answer, if any
    files: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)
    finished: float | None = None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The text as users see it (after parse mode), for sends and edits that succeeded."""
        if isinstance(self.result, dict) and "text" in self.result:
            return str(self.result["text"])
        value = self.params.get("text")
        return value if isinstance(value, str) else None

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard buttons of this call, row by row, flattened."""
        markup = self.reply_markup or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def reply_to(self) -> int | None:
        """The message id this send replies to (reply_parameters or reply_to_message_id)."""
        params = self.params.get("reply_parameters")
        if isinstance(params, dict) and "message_id" in params:
            return int(params["message_id"])
        if self.params.get("reply_to_message_id") is not None:
            return int(self.params["reply_to_message_id"])
        return None

    def __repr__(self) -> str:
        text = self.text
        shown = f" text={text[:60]!r}" if text else ""
        state = "ok" if self.ok else f"{self.status} {self.description}"
        chat = f" chat={self.chat_id}" if self.chat_id is not None else ""
        return f"<Call #{self.index} {self.method}{chat}{shown} -> {state}>"


@dataclass
class Fault:
    """An injected failure for the next ``times`` matching calls (``None`` = until cleared)."""

    method: str  # canonical name or "*"
    kind: FaultKind
    times: int | None = 1
    retry_after: int = 1
    delay: float = 0.0
    code: int = 400
    description: str = ""
    when: Callable[[dict[str, Any]], bool] | None = None
    hits: int = 0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method not in ("*", method):
            return False
        return self.when is None or bool(self.when(params))


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_size: int


_METHODS = (
    "getMe",
    "logOut",
    "close",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "deleteMyCommands",
    "getMyCommands",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setChatMenuButton",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "sendChatAction",
    "answerInlineQuery",
    "getFile",
    "getChat",
)
_CANONICAL = {name.lower(): name for name in _METHODS}


def _now() -> int:
    return int(time.time())


class FakeTelegram:
    """The loopback Bot API server.  ``async with FakeTelegram() as tg: ...``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "innoprom_test_bot",
        first_name: str = "ИННОПРОМ тест",
        strict_ampersand: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.strict_ampersand = strict_ampersand
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.blocked_chats: set[int] = set()
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, _File] = {}
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, str]]] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.inline_queries: dict[str, dict[str, Any]] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self.webhook_url = ""
        self.allowed_updates: list[str] = []
        self.updates: list[dict[str, Any]] = []  # not yet confirmed
        self.delivered: list[int] = []  # update ids returned by getUpdates (with repeats)
        self.dropped_updates: list[dict[str, Any]] = []  # filtered out by allowed_updates
        self._update_ids = itertools.count(700_000_001)
        self._user_ids = itertools.count(500_000_001)
        self._group_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._poll_generation = 0
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL for ``TelegramAPIServer.from_base`` / ``TELEGRAM_API_URL``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def username(self) -> str:
        return str(self.bot_user["username"])

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # noqa: SLF001 - the only way to learn the port chosen
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._closing.set()
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    # -- HTTP ----------------------------------------------------------------------------------

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str | None, bytes]]]:
        params: dict[str, Any] = {}
        files: dict[str, tuple[str | None, bytes]] = {}
        for key, value in request.query.items():
            params[key] = self._form_value(key, value)
        if request.method != "POST" or not request.can_read_body:
            return params, files
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            params.update(body)
        elif ctype == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part is None or part.name is None:  # pragma: no cover - aiohttp quirk
                    continue
                data = await part.read()  # type: ignore[union-attr]
                if part.filename is not None:  # type: ignore[union-attr]
                    files[part.name] = (part.filename, bytes(data))  # type: ignore[union-attr]
                else:
                    params[part.name] = self._form_value(part.name, data.decode("utf-8"))
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = self._form_value(key, value)
                else:
                    files[key] = (value.filename, value.file.read())
        return params, files

    @staticmethod
    def _form_value(key: str, value: str) -> Any:
        if key in _STRING_FIELDS:
            return value
        if key in ("chat_id", "from_chat_id"):
            return int(value) if re.fullmatch(r"-?\d+", value) else value
        try:
            return json.loads(value)
        except ValueError:
            return value

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        raw_method = request.match_info["method"]
        method = _CANONICAL.get(raw_method.lower(), raw_method)
        call = Call(
            index=-1,
            method=method,
            params={},
            time=loop.time(),
            wall=time.time(),
            http_method=request.method,
        )
        try:
            try:
                call.params, call.files = await self._read_params(request)
                self._record(call)  # in flight (ok is None) until answered
                if request.match_info["token"] != self.token:
                    raise ApiError(401, "Unauthorized")
                await self._apply_faults(call)
                handler = getattr(self, f"_m_{method}", None)
                if handler is None:
                    raise ApiError(404, "Not Found")
                result = await handler(call.params, call)
                call.result, call.status = result, 200
                body: dict[str, Any] = {"ok": True, "result": result}
            except ApiError as exc:
                call.status, call.description = exc.code, exc.description
                call.fault = call.fault or exc.injected
                body = exc.payload()
            self._finish(call, ok=call.status == 200)
            return web.json_response(body, status=call.status)
        except _Drop:
            self._finish(call, ok=False, description="connection dropped")
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError from None
        except asyncio.CancelledError:
            self._finish(call, ok=False, description="cancelled (the client went away)")
            raise

    def _record(self, call: Call) -> None:
        if call.index >= 0:
            return
        call.index = len(self.calls)
        self.calls.append(call)
        self._notify()

    def _finish(self, call: Call, *, ok: bool, description: str | None = None) -> None:
        if call.ok is not None:
            return
        self._record(call)
        call.ok = ok
        if description is not None:
            call.description = description
        call.finished = asyncio.get_running_loop().time()
        self._notify()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        path = request.match_info["path"]
        call = Call(
            index=-1,
            method="download",
            params={"file_path": path},
            time=loop.time(),
            wall=time.time(),
            http_method="GET",
        )
        self._record(call)
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            await self._apply_faults(call)
            found = next((f for f in self.files.values() if f.file_path == path), None)
            if found is None:
                raise ApiError(404, "Not Found: file not found")
        except ApiError as exc:
            call.status, call.description = exc.code, exc.description
            self._finish(call, ok=False)
            return web.json_response(exc.payload(), status=exc.code)
        except _Drop:
            self._finish(call, ok=False, description="connection dropped")
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError from None
        except asyncio.CancelledError:
            self._finish(call, ok=False, description="cancelled (the client went away)")
            raise
        call.status, call.result = 200, len(found.content)
        self._finish(call, ok=True)
        return web.Response(body=found.content, content_type="application/octet-stream")

    # -- faults --------------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        kind: FaultKind,
        *,
        times: int | None = 1,
        retry_after: int = 1,
        delay: float = 0.0,
        code: int = 400,
        description: str = "",
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> Fault:
        """Make the next ``times`` calls of ``method`` fail (``"*"``: any, ``"download"``: files).

        Kinds: ``retry_after`` (429 with ``parameters.retry_after``), ``server_error`` (500),
        ``blocked`` (403 bot was blocked by the user), ``conflict`` (409), ``delay`` (answer
        normally after ``delay`` seconds), ``timeout`` (hang ``delay`` seconds, default 3600,
        then drop the connection; nothing is processed), ``drop`` (close the connection at
        once, nothing processed), ``error`` (any ``code`` and ``description``).  ``when``
        narrows it to calls whose params match.
        """
        canonical = "*" if method == "*" else _CANONICAL.get(method.lower(), method)
        fault = Fault(canonical, kind, times, retry_after, delay, code, description, when=when)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()
        self.blocked_chats.clear()

    def block_chat(self, chat_id: int) -> None:
        """From now on, anything sent to this chat answers 403 "bot was blocked by the user"."""
        self.blocked_chats.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self.blocked_chats.discard(chat_id)

    async def _apply_faults(self, call: Call) -> None:
        fault = next((f for f in self.faults if f.matches(call.method, call.params)), None)
        if fault is None:
            return
        fault.hits += 1
        call.fault = fault.kind
        if fault.kind == "retry_after":
            raise ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        if fault.kind == "server_error":
            raise ApiError(500, fault.description or "Internal Server Error")
        if fault.kind == "blocked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if fault.kind == "conflict":
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running",
            )
        if fault.kind == "error":
            raise ApiError(fault.code, fault.description or "Bad Request: injected")
        if fault.kind == "delay":
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.delay)
            return
        if fault.kind == "timeout":
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.delay or 3600)
            raise _Drop
        if fault.kind == "drop":
            raise _Drop
        raise AssertionError(f"unknown fault kind {fault.kind!r}")

    # -- observation ---------------------------------------------------------------------------

    def mark(self) -> int:
        """A position in :attr:`calls`; pass it as ``since=`` to look only at later calls."""
        return len(self.calls)

    def calls_of(
        self,
        method: str | None = None,
        *,
        since: int = 0,
        chat_id: Any = None,
        ok: bool | None = None,
        in_flight: bool = False,
    ) -> list[Call]:
        """Calls from ``since`` on; answered ones only unless ``in_flight`` (then all)."""
        canonical = None if method is None else _CANONICAL.get(method.lower(), method)
        return [
            c
            for c in self.calls[since:]
            if (canonical is None or c.method == canonical)
            and (chat_id is None or c.chat_id == chat_id)
            and (ok is None or c.ok is ok)
            and (in_flight or c.ok is not None)
        ]

    def rejected(self, *, since: int = 0) -> list[Call]:
        """Calls Telegram would have refused (4xx other than injected faults)."""
        return [
            c
            for c in self.calls[since:]
            if c.ok is False and c.fault is None and 400 <= c.status < 500
        ]

    async def wait_for(
        self,
        method: str | None = None,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int = 0,
        chat_id: Any = None,
        ok: bool | None = None,
        in_flight: bool = False,
    ) -> Call:
        """The first call (from ``since``) of ``method`` matching; waits up to ``timeout``.

        Only answered calls count, unless ``in_flight`` (e.g. a long poll that has begun).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            found = self.calls_of(method, since=since, chat_id=chat_id, ok=ok, in_flight=in_flight)
            for call in found:
                if predicate is None or predicate(call):
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n  ".join(repr(c) for c in self.calls[since:][-15:])
                raise AssertionError(
                    f"no {method or 'call'} (chat_id={chat_id}) matching within {timeout} s; "
                    f"calls since #{since}:\n  {recent}"
                )
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def settle(
        self, quiet: float = 0.3, timeout: float = 10.0, *, ignore: Iterable[str] = ("getUpdates",)
    ) -> None:
        """Wait until no call (other than ``ignore``) has arrived for ``quiet`` seconds."""
        ignored = set(ignore)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last_activity = loop.time()
        seen = self.mark()
        while loop.time() < deadline:
            if any(c.method not in ignored for c in self.calls[seen:]):
                last_activity = loop.time()
            seen = self.mark()
            idle = loop.time() - last_activity
            if idle >= quiet:
                return
            event = self._changed
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), quiet - idle)

    def chat_messages(self, chat_id: int, *, from_bot: bool | None = None) -> list[dict[str, Any]]:
        """The messages of a chat as they stand now (edits applied), oldest first."""
        found = [
            m
            for (cid, _), m in sorted(self.messages.items(), key=lambda kv: kv[0][1])
            if cid == chat_id
        ]
        if from_bot is not None:
            found = [m for m in found if (m.get("from", {}).get("id") == self.bot_id) == from_bot]
        return found

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return self.messages[(chat_id, message_id)]

    def visible_commands(
        self, chat_id: int, user_id: int | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The command menu a user sees in a chat, resolved through scopes like Telegram."""
        chat = self.chats.get(chat_id, {"type": "private"})
        languages = [language_code, ""] if language_code else [""]
        if chat["type"] == "private":
            scopes: list[tuple[Any, ...]] = [("chat", chat_id), ("all_private_chats",)]
        else:
            scopes = [("chat_member", chat_id, user_id), ("chat", chat_id), ("all_group_chats",)]
        scopes.append(("default",))
        for scope in scopes:
            for lang in languages:
                if (scope, lang) in self.commands:
                    return self.commands[(scope, lang)]
        return []

    # -- users, chats, updates -----------------------------------------------------------------

    def new_user(
        self,
        first_name: str = "Тест",
        *,
        user_id: int | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
        is_bot: bool = False,
    ) -> dict[str, Any]:
        """A user (their private chat with the bot is known from now on)."""
        uid = user_id if user_id is not None else next(self._user_ids)
        user: dict[str, Any] = {"id": uid, "is_bot": is_bot, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[uid] = user
        chat: dict[str, Any] = {"id": uid, "type": "private", "first_name": first_name}
        if username:
            chat["username"] = username
        self.chats[uid] = chat
        return user

    def new_group(
        self, title: str = "Тестовая группа", *, kind: str = "supergroup"
    ) -> dict[str, Any]:
        gid = -1001000000000 - next(self._group_ids)
        chat = {"id": gid, "type": kind, "title": title}
        self.chats[gid] = chat
        return chat

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for ``getUpdates`` (an ``update_id`` is assigned if missing)."""
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        self._notify()
        return update

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _store_message(self, message: dict[str, Any]) -> dict[str, Any]:
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    @staticmethod
    def _shallow(message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if k != "reply_to_message"}

    def _text_entities(self, text: str) -> list[dict[str, Any]]:
        entities = []
        command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text)
        if command:
            entities.append({"type": "bot_command", "offset": 0, "length": command.end()})
        entities.extend(
            {
                "type": "mention",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
            for match in re.finditer(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}", text)
        )
        return entities

    def user_message(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        *,
        reply_to: dict[str, Any] | None = None,
        sender_chat: dict[str, Any] | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """A message from ``user`` in ``chat`` (default: their private chat) with ``content``."""
        chat = chat or self.chats[user["id"]]
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "date": _now(),
            "chat": chat,
            "from": user,
            **content,
        }
        if sender_chat is not None:
            message["sender_chat"] = sender_chat
        if reply_to is not None:
            message["reply_to_message"] = self._shallow(reply_to)
        return self._store_message(message)

    def private_text(self, user: dict[str, Any], text: str) -> dict[str, Any]:
        """Update: ``user`` writes ``text`` to the bot in private."""
        entities = self._text_entities(text)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return {"message": self.user_message(user, **content)}

    def forwarded_post(
        self,
        user: dict[str, Any],
        text: str,
        *,
        channel_title: str,
        channel_username: str | None = None,
        post_id: int = 1,
        posted: int | None = None,
    ) -> dict[str, Any]:
        """Update: ``user`` forwards a channel's post to the bot (``forward_origin``)."""
        channel: dict[str, Any] = {
            "id": -1002000000000 - post_id,
            "type": "channel",
            "title": channel_title,
        }
        if channel_username:
            channel["username"] = channel_username
        origin = {
            "type": "channel",
            "date": posted if posted is not None else _now(),
            "chat": channel,
            "message_id": post_id,
        }
        return {"message": self.user_message(user, text=text, forward_origin=origin)}

    def group_text(
        self,
        user: dict[str, Any],
        group: dict[str, Any],
        text: str,
        *,
        reply_to: dict[str, Any] | None = None,
        mention: bool = False,
        anonymous_admin: bool = False,
    ) -> dict[str, Any]:
        """Update: a group message; ``mention`` prefixes ``@botname``, ``reply_to`` a message.

        With ``anonymous_admin`` the sender is GroupAnonymousBot and the group is sender_chat.
        """
        if mention:
            text = f"@{self.username} {text}"
        if anonymous_admin:
            user = {
                "id": ANONYMOUS_ADMIN_ID,
                "is_bot": True,
                "first_name": "Group",
                "username": "GroupAnonymousBot",
            }
        entities = self._text_entities(text)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        message = self.user_message(
            user,
            group,
            reply_to=reply_to,
            sender_chat=group if anonymous_admin else None,
            **content,
        )
        return {"message": message}

    def edited_message(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """Update: the user edits one of their text messages."""
        edited = {**message, "text": text, "edit_date": _now()}
        entities = self._text_entities(text)
        edited.pop("entities", None)
        if entities:
            edited["entities"] = entities
        self._store_message(edited)
        return {"edited_message": edited}

    def media_message(
        self,
        user: dict[str, Any],
        kind: str,
        chat: dict[str, Any] | None = None,
        *,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """Update: a non-text message: sticker, photo, voice, location, contact, video, audio."""
        n = next(self._file_ids)
        file = {"file_id": f"AgAD{kind}{n}", "file_unique_id": f"U{kind}{n}"}
        contents: dict[str, dict[str, Any]] = {
            "sticker": {
                "sticker": {
                    **file,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "👍",
                }
            },
            "photo": {"photo": [{**file, "width": 90, "height": 90, "file_size": 1200}]},
            "voice": {"voice": {**file, "duration": 3, "mime_type": "audio/ogg"}},
            "video": {"video": {**file, "width": 640, "height": 360, "duration": 5}},
            "audio": {"audio": {**file, "duration": 60}},
            "location": {"location": {"latitude": 53.9, "longitude": 27.56}},
            "contact": {"contact": {"phone_number": "+375290000000", "first_name": "Контакт"}},
        }
        content = dict(contents[kind])
        if caption is not None:
            content["caption"] = caption
        return {"message": self.user_message(user, chat, **content)}

    def register_file(
        self, content: bytes, *, file_name: str = "file.txt", file_size: int | None = None
    ) -> _File:
        """Make ``content`` downloadable through getFile (``file_size`` may lie, for tests)."""
        n = next(self._file_ids)
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        suffix = re.sub(r"[^A-Za-z0-9]", "", suffix)[:8] or "bin"
        entry = _File(
            file_id=f"BQACAgIAAxkBAAI{n:06d}",
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"documents/file_{n}.{suffix}",
            content=content,
            file_size=len(content) if file_size is None else file_size,
        )
        self.files[entry.file_id] = entry
        return entry

    def document_message(
        self,
        user: dict[str, Any],
        content: bytes,
        *,
        file_name: str = "article.txt",
        mime_type: str | None = "text/plain",
        chat: dict[str, Any] | None = None,
        caption: str | None = None,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """Update: ``user`` sends a document; its bytes are served by getFile + download."""
        entry = self.register_file(content, file_name=file_name, file_size=file_size)
        document: dict[str, Any] = {
            "file_id": entry.file_id,
            "file_unique_id": entry.file_unique_id,
            "file_name": file_name,
            "file_size": entry.file_size,
        }
        if mime_type:
            document["mime_type"] = mime_type
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
        return {"message": self.user_message(user, chat, **extra)}

    def callback_query(
        self, user: dict[str, Any], message: dict[str, Any] | Call, data: str
    ) -> dict[str, Any]:
        """Update: ``user`` presses a button with ``data`` under ``message`` (may be forged)."""
        current = self._resolve_message(message)
        query_id = f"{next(self._query_ids)}{user['id'] % 10000:04d}"
        query = {
            "id": query_id,
            "from": user,
            "message": current,
            "chat_instance": str(abs(current["chat"]["id"]) * 7 + 1),
            "data": data,
        }
        self.callback_queries[query_id] = query
        return {"callback_query": query}

    def press_button(
        self,
        user: dict[str, Any],
        message: dict[str, Any] | Call,
        *,
        text: str | None = None,
        contains: str | None = None,
        index: int | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """Update: ``user`` presses a callback button of a bot message (as it stands now)."""
        current = self._resolve_message(message)
        buttons = [
            b
            for row in current.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
            if "callback_data" in b
        ]
        chosen = buttons
        if text is not None:
            chosen = [b for b in chosen if b["text"] == text]
        if contains is not None:
            chosen = [b for b in chosen if contains.lower() in b["text"].lower()]
        if predicate is not None:
            chosen = [b for b in chosen if predicate(b)]
        if index is not None:
            chosen = chosen[index : index + 1] if index < len(chosen) else []
        if not chosen:
            labels = [b["text"] for b in buttons]
            raise LookupError(
                f"no such callback button (text={text!r}, contains={contains!r}); "
                f"buttons: {labels}"
            )
        return self.callback_query(user, current, chosen[0]["callback_data"])

    def inline_query(
        self, user: dict[str, Any], query: str, *, offset: str = "", chat_type: str = "sender"
    ) -> dict[str, Any]:
        """Update: ``user`` types ``@bot query`` in some chat."""
        query_id = f"9{next(self._query_ids)}{user['id'] % 10000:04d}"
        inline = {
            "id": query_id,
            "from": user,
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        self.inline_queries[query_id] = inline
        return {"inline_query": inline}

    def _resolve_message(self, message: dict[str, Any] | Call) -> dict[str, Any]:
        if isinstance(message, Call):
            if not isinstance(message.result, dict):
                raise LookupError(f"{message!r} did not create a message")
            message = message.result
        key = (message["chat"]["id"], message["message_id"])
        if key not in self.messages:
            raise LookupError(f"message {key} is unknown (deleted?)")
        return dict(self.messages[key])

    # -- method helpers ------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any], key: str = "chat_id") -> dict[str, Any]:
        chat_id = params.get(key)
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            if re.fullmatch(r"-?\d+", chat_id):
                chat_id = int(chat_id)
            else:
                raise bad_request("chat not found")
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise bad_request("chat not found")
        return self.chats[chat_id]

    def _check_blocked(self, chat: dict[str, Any]) -> None:
        if chat["id"] in self.blocked_chats:
            if chat["type"] == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user", injected="blocked")
            raise ApiError(
                403, "Forbidden: bot was kicked from the supergroup chat", injected="blocked"
            )

    def _text(
        self, params: dict[str, Any], *, edit: bool = False
    ) -> tuple[str, list[dict[str, Any]]]:
        try:
            return formatted_text(
                params.get("text"),
                params.get("parse_mode"),
                params.get("entities"),
                too_long_error="MESSAGE_TOO_LONG" if edit else "message is too long",
                strict_ampersand=self.strict_ampersand,
            )
        except TextError as exc:
            raise bad_request(str(exc)) from exc

    @staticmethod
    def _markup(params: dict[str, Any], *, inline_only: bool = False) -> dict[str, Any] | None:
        try:
            return validate_reply_markup(params.get("reply_markup"), inline_only=inline_only)
        except TextError as exc:
            raise bad_request(str(exc)) from exc

    def _reply_target(self, params: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, str):
            reply = json.loads(reply)
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply is None:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise bad_request("can't parse reply parameters JSON object")
        chat_id = reply.get("chat_id", chat["id"])
        target = self.messages.get((chat_id, reply["message_id"]))
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return target

    def _bot_message(self, params: dict[str, Any], *, chat_key: str = "chat_id") -> dict[str, Any]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params, chat_key)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        message = self.messages.get((chat["id"], message_id))
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        return message

    # -- methods -------------------------------------------------------------------------------

    async def _m_getMe(self, params: dict[str, Any], call: Call) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_logOut(self, params: dict[str, Any], call: Call) -> Any:
        return True

    async def _m_close(self, params: dict[str, Any], call: Call) -> Any:
        return True

    async def _m_getChat(self, params: dict[str, Any], call: Call) -> Any:
        chat = self._chat(params)
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11}

    async def _m_setWebhook(self, params: dict[str, Any], call: Call) -> Any:
        url = params.get("url", "")
        if url and not str(url).startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any], call: Call) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any], call: Call) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info

    def _allowed(self, update: dict[str, Any]) -> bool:
        kind = next((k for k in update if k != "update_id"), "")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _NOT_BY_DEFAULT

    async def _m_getUpdates(self, params: dict[str, Any], call: Call) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        limit = min(max(limit, 1), 100)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed_updates")
            self.allowed_updates = [u for u in allowed if u in _UPDATE_TYPES]
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            for update in [u for u in self.updates if not self._allowed(u)]:
                self.updates.remove(update)
                self.dropped_updates.append(update)
            batch = self.updates[:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                self.delivered.extend(u["update_id"] for u in batch)
                return batch
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    @staticmethod
    def _scope_key(scope: Any) -> tuple[Any, ...]:
        if scope is None:
            return ("default",)
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return (kind,)
        if kind in ("chat", "chat_administrators"):
            return (kind, scope.get("chat_id"))
        if kind == "chat_member":
            return (kind, scope.get("chat_id"), scope.get("user_id"))
        raise bad_request("wrong bot command scope type specified")

    def _commands_target(self, params: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
        scope = self._scope_key(params.get("scope"))
        if len(scope) > 1:
            self._chat({"chat_id": scope[1]})
        language = params.get("language_code") or ""
        if language and not _LANGUAGE_RE.fullmatch(str(language)):
            raise bad_request("invalid language code specified")
        return scope, str(language)

    async def _m_setMyCommands(self, params: dict[str, Any], call: Call) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        seen = set()
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name, description = item.get("command"), item.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if name in seen:
                raise bad_request("BOT_COMMAND_INVALID: duplicate command")
            seen.add(name)
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_target(params)
        if commands:
            self.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.commands.pop(key, None)
        return True

    async def _m_deleteMyCommands(self, params: dict[str, Any], call: Call) -> Any:
        self.commands.pop(self._commands_target(params), None)
        return True

    async def _m_getMyCommands(self, params: dict[str, Any], call: Call) -> Any:
        return self.commands.get(self._commands_target(params), [])

    async def _m_setMyDescription(self, params: dict[str, Any], call: Call) -> Any:
        if len(params.get("description") or "") > 512:
            raise bad_request("description is too long")
        return True

    async def _m_setMyShortDescription(self, params: dict[str, Any], call: Call) -> Any:
        if len(params.get("short_description") or "") > 120:
            raise bad_request("short description is too long")
        return True

    async def _m_setMyName(self, params: dict[str, Any], call: Call) -> Any:
        if len(params.get("name") or "") > 64:
            raise bad_request("name is too long")
        return True

    async def _m_setChatMenuButton(self, params: dict[str, Any], call: Call) -> Any:
        return True

    async def _m_sendMessage(self, params: dict[str, Any], call: Call) -> Any:
        chat = self._chat(params)
        text, entities = self._text(params)
        markup = self._markup(params)
        target = self._reply_target(params, chat)
        self._check_blocked(chat)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": _now(),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if target is not None:
            message["reply_to_message"] = self._shallow(target)
        self._store_message(message)
        return message

    async def _m_editMessageText(self, params: dict[str, Any], call: Call) -> Any:
        message = self._bot_message(params)
        text, entities = self._text(params, edit=True)
        markup = self._markup(params, inline_only=True)
        self._check_blocked(message["chat"])
        if (
            text == message.get("text")
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise bad_request(_NOT_MODIFIED)
        edited = {**message, "text": text, "edit_date": _now()}
        edited.pop("entities", None)
        edited.pop("reply_markup", None)
        if entities:
            edited["entities"] = entities
        if markup:
            edited["reply_markup"] = markup
        self._store_message(edited)
        return edited

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any], call: Call) -> Any:
        message = self._bot_message(params)
        markup = self._markup(params, inline_only=True)
        self._check_blocked(message["chat"])
        if markup == message.get("reply_markup"):
            raise bad_request(_NOT_MODIFIED)
        edited = {**message, "edit_date": _now()}
        edited.pop("reply_markup", None)
        if markup:
            edited["reply_markup"] = markup
        self._store_message(edited)
        return edited

    async def _m_deleteMessage(self, params: dict[str, Any], call: Call) -> Any:
        chat = self._chat(params)
        key = (chat["id"], params.get("message_id"))
        if key not in self.messages:
            raise bad_request("message to delete not found")
        del self.messages[key]  # type: ignore[arg-type]
        return True

    async def _m_answerCallbackQuery(self, params: dict[str, Any], call: Call) -> Any:
        query_id = params.get("callback_query_id")
        if query_id not in self.callback_queries or query_id in self.callback_answers:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and len(str(text)) > CALLBACK_TEXT_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        url = params.get("url")
        if url is not None and not str(url).startswith(("https://t.me/", "tg://")):
            raise bad_request("URL_INVALID")
        self.callback_answers[str(query_id)] = params
        return True

    async def _m_sendChatAction(self, params: dict[str, Any], call: Call) -> Any:
        chat = self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._check_blocked(chat)
        return True

    async def _m_answerInlineQuery(self, params: dict[str, Any], call: Call) -> Any:
        query_id = params.get("inline_query_id")
        if query_id not in self.inline_queries or query_id in self.inline_answers:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > INLINE_RESULTS_LIMIT:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen)
        next_offset = params.get("next_offset")
        if next_offset is not None and len(str(next_offset).encode()) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        cache_time = params.get("cache_time")
        if cache_time is not None and (not isinstance(cache_time, int) or cache_time < 0):
            raise bad_request("cache_time must be a non-negative integer")
        button = params.get("button")
        if button is not None:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            start = button.get("start_parameter")
            if start is not None and not _START_PARAMETER_RE.fullmatch(str(start)):
                raise bad_request("START_PARAM_INVALID")
            if start is None and "web_app" not in button:
                raise bad_request("can't parse InlineQueryResultsButton JSON object")
        start = params.get("switch_pm_parameter")
        if start is not None and not _START_PARAMETER_RE.fullmatch(str(start)):
            raise bad_request("START_PARAM_INVALID")
        self.inline_answers[str(query_id)] = params
        return True

    def _check_inline_result(self, result: Any, seen: set[str]) -> None:
        if not isinstance(result, dict) or result.get("type") not in _INLINE_RESULT_TYPES:
            raise bad_request("RESULT_TYPE_INVALID")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= RESULT_ID_LIMIT:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result["type"] == "article":
            if not str(result.get("title", "")).strip():
                raise bad_request("RESULT_TITLE_EMPTY")
            if not isinstance(result.get("input_message_content"), dict):
                raise bad_request("can't parse InputMessageContent JSON object")
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            try:
                formatted_text(
                    content.get("message_text"),
                    content.get("parse_mode"),
                    content.get("entities"),
                    empty_error="MESSAGE_EMPTY",
                    too_long_error="MESSAGE_TOO_LONG",
                    strict_ampersand=self.strict_ampersand,
                )
            except TextError as exc:
                raise bad_request(str(exc)) from exc
        if "caption" in result:
            try:
                formatted_text(
                    result.get("caption"),
                    result.get("parse_mode"),
                    result.get("caption_entities"),
                    max_length=CAPTION_LIMIT,
                    allow_empty=True,
                    too_long_error="MEDIA_CAPTION_TOO_LONG",
                    strict_ampersand=self.strict_ampersand,
                )
            except TextError as exc:
                raise bad_request(str(exc)) from exc
        try:
            validate_reply_markup(result.get("reply_markup"), inline_only=True)
        except TextError as exc:
            raise bad_request(str(exc)) from exc

    async def _m_getFile(self, params: dict[str, Any], call: Call) -> Any:
        entry = self.files.get(str(params.get("file_id")))
        if entry is None:
            raise bad_request("invalid file_id")
        if entry.file_size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": entry.file_id,
            "file_unique_id": entry.file_unique_id,
            "file_size": entry.file_size,
            "file_path": entry.file_path,
        }
