"""A Bot API stand-in inside the process: the console chat's transport and the tests' too.

``LocalSession`` answers the Bot API methods this bot uses the way Telegram does: it turns
each request into its wire form (the same ``prepare_value`` the real session uses), checks it
against Telegram's limits (``bot.limits``: text ≤ 4096 UTF-16 units, entity bounds, callback
data ≤ 64 bytes, ≤ 50 inline results, no parse_mode), keeps the chats' messages so edits,
replies and callback answers can be checked, and records every call.  Errors come back
through aiogram's own ``check_response``, so the bot sees the same exception types as with
Telegram.

``LocalChat`` is the other side: a user in a chat who sends messages, presses buttons, types
inline queries and uploads files, each fed through ``Dispatcher.feed_update``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile, Update

from .limits import (
    CALLBACK_DATA_LIMIT,
    CALLBACK_TEXT_LIMIT,
    INLINE_RESULTS_LIMIT,
    KEYBOARD_BUTTONS_LIMIT,
    MAX_ENTITIES,
    ROW_BUTTONS_LIMIT,
    TEXT_LIMIT,
    utf16_len,
)

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher

__all__ = [
    "LOCAL_BOT_USERNAME",
    "LOCAL_TOKEN",
    "LocalCall",
    "LocalChat",
    "LocalSession",
]

LOCAL_TOKEN = "100000:local-console-session-no-network"
LOCAL_BOT_USERNAME = "innoprom_belarus_bot"
LOCAL_BOT_NAME = "ИННОПРОМ. Беларусь"

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "web_app",
    "login_url",
    "pay",
    "copy_text",
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class LocalError(Exception):
    """A request Telegram would refuse (status and description as Telegram gives them)."""

    def __init__(self, description: str, status: int = 400, **parameters: Any) -> None:
        super().__init__(description)
        self.description = description
        self.status = status
        self.parameters = parameters


@dataclass(frozen=True, slots=True)
class LocalCall:
    """One Bot API call as it went over the wire, and what it returned."""

    method: str
    params: dict[str, Any]
    result: Any = None
    error: str | None = None

    @property
    def text(self) -> str:
        """The message text of a send/edit call ("" otherwise)."""
        return str(self.params.get("text", ""))

    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons of a send/edit call, row by row flattened."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


class LocalSession(BaseSession):
    """An in-process Bot API: validates like Telegram, keeps chats, records every call."""

    def __init__(self, username: str = LOCAL_BOT_USERNAME) -> None:
        super().__init__()
        self.username = username
        self.calls: list[LocalCall] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.callbacks: dict[str, bool] = {}
        self.inline_queries: dict[str, bool] = {}
        self.faults: dict[str, list[LocalError]] = {}
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ BaseSession

    async def close(self) -> None:
        """Nothing to close: there is no connection."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        name = method.__api_method__
        files: dict[str, InputFile] = {}
        params: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared:  # the real session drops empty values the same way
                params[key] = prepared
        try:
            queued = self.faults.get(name)
            if queued:
                raise queued.pop(0)
            handler = getattr(self, "_" + _snake(name), None)
            if handler is None:
                raise LocalError("Not Found: method not found", 404)
            result = handler(bot, params)
        except LocalError as exc:
            self.calls.append(LocalCall(name, params, error=exc.description))
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            self.check_response(bot, method, exc.status, json.dumps(body))
            raise AssertionError("check_response must raise") from exc  # pragma: no cover
        self.calls.append(LocalCall(name, params, result))
        response = self.check_response(
            bot, method, 200, json.dumps({"ok": True, "result": result})
        )
        return response.result  # type: ignore[return-value]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        file_id = url.rsplit("/", 1)[-1]
        data = self.files.get(file_id)
        if data is None:
            raise LocalError("Not Found: file not found", 404)
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    # ------------------------------------------------------------------ helpers for chats

    def next_id(self) -> int:
        """A fresh id for messages, updates, callback and inline queries."""
        return next(self._ids)

    def fail_next(self, method: str, description: str, status: int = 400, **params: Any) -> None:
        """Make the next call of ``method`` fail as Telegram would (e.g. 429 + retry_after)."""
        self.faults.setdefault(method, []).append(LocalError(description, status, **params))

    def sent(self, *methods: str) -> list[LocalCall]:
        """Successful calls of the given methods (all sends and edits when none given)."""
        wanted = methods or ("sendMessage", "editMessageText")
        return [c for c in self.calls if c.method in wanted and c.error is None]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message as the chat holds it now (after edits)."""
        return self.messages.get((chat_id, message_id))

    def _bot_user(self, bot: Bot) -> dict[str, Any]:
        return {
            "id": bot.id,
            "is_bot": True,
            "first_name": LOCAL_BOT_NAME,
            "username": self.username,
        }

    # ------------------------------------------------------------------ Bot API methods

    def _get_me(self, bot: Bot, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(bot),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def _true(self, bot: Bot, params: dict[str, Any]) -> bool:
        return True

    _delete_webhook = _true
    _set_webhook = _true

    def _send_chat_action(self, bot: Bot, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    def _set_my_commands(self, bot: Bot, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if not 1 <= len(commands) <= 100:
            raise LocalError("Bad Request: commands must be 1-100")
        for command in commands:
            if not _COMMAND.match(command.get("command", "")):
                raise LocalError("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise LocalError("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    def _send_message(self, bot: Bot, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        text = _check_text(params, "text")
        markup = _check_markup(params.get("reply_markup"))
        reply = params.get("reply_parameters")
        message: dict[str, Any] = {
            "message_id": self.next_id(),
            "date": _now(),
            "chat": chat,
            "from": self._bot_user(bot),
            "text": text,
        }
        if reply:
            replied = self.messages.get((chat["id"], reply["message_id"]))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise LocalError("Bad Request: message to be replied not found")
            if replied is not None:
                message["reply_to_message"] = _unnested(replied)
        if params.get("entities"):
            message["entities"] = params["entities"]
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _edit_message_text(self, bot: Bot, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        key = (chat["id"], int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            raise LocalError("Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != bot.id:
            raise LocalError("Bad Request: message can't be edited")
        text = _check_text(params, "text")
        markup = _check_markup(params.get("reply_markup"))
        if (
            text == message.get("text")
            and params.get("entities") == message.get("entities")
            and markup == message.get("reply_markup")
        ):
            raise LocalError(NOT_MODIFIED)
        edited = {k: v for k, v in message.items() if k not in ("entities", "reply_markup")}
        edited.update(text=text, edit_date=_now())
        if params.get("entities"):
            edited["entities"] = params["entities"]
        if markup:
            edited["reply_markup"] = markup
        self.messages[key] = edited
        return edited

    def _edit_message_reply_markup(self, bot: Bot, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        key = (chat["id"], int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            raise LocalError("Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != bot.id:
            raise LocalError("Bad Request: message can't be edited")
        markup = _check_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise LocalError(NOT_MODIFIED)
        edited = {k: v for k, v in message.items() if k != "reply_markup"}
        edited["edit_date"] = _now()
        if markup:
            edited["reply_markup"] = markup
        self.messages[key] = edited
        return edited

    def _answer_callback_query(self, bot: Bot, params: dict[str, Any]) -> bool:
        query_id = params.get("callback_query_id", "")
        if self.callbacks.get(query_id, True):
            raise LocalError(
                "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        if len(params.get("text", "")) > CALLBACK_TEXT_LIMIT:
            raise LocalError("Bad Request: MESSAGE_TOO_LONG")
        self.callbacks[query_id] = True
        return True

    def _answer_inline_query(self, bot: Bot, params: dict[str, Any]) -> bool:
        query_id = params.get("inline_query_id", "")
        if self.inline_queries.get(query_id, True):
            raise LocalError("Bad Request: query is too old and response timeout expired")
        results = params.get("results") or []
        if len(results) > INLINE_RESULTS_LIMIT:
            raise LocalError("Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise LocalError("Bad Request: RESULT_ID_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            _check_text(content, "message_text")
            if not result.get("title"):
                raise LocalError("Bad Request: RESULT_TITLE_EMPTY")
        button = params.get("button")
        if button and not _START_PARAMETER.match(button.get("start_parameter", "")):
            raise LocalError("Bad Request: START_PARAM_INVALID")
        self.inline_queries[query_id] = True
        return True

    def _get_file(self, bot: Bot, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params.get("file_id", "")
        if file_id not in self.files:
            raise LocalError("Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chats.get(int(params.get("chat_id", 0)))
        if chat is None:
            raise LocalError("Bad Request: chat not found")
        return chat


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _unnested(message: dict[str, Any]) -> dict[str, Any]:
    """A replied-to message as Telegram embeds it: without its own reply."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _now() -> int:
    return int(datetime.now(UTC).timestamp())


def _check_text(params: dict[str, Any], key: str) -> str:
    """Telegram's checks on a message text and its entities."""
    if params.get("parse_mode"):
        raise LocalError(f"Bad Request: parse_mode {params['parse_mode']!r}: send entities")
    text = params.get(key)
    if not isinstance(text, str) or not text.strip():
        raise LocalError("Bad Request: message text is empty")
    size = utf16_len(text)
    if size > TEXT_LIMIT:
        raise LocalError("Bad Request: message is too long")
    entities = params.get("entities") or []
    if len(entities) > MAX_ENTITIES:
        raise LocalError("Bad Request: too many entities")
    for entity in entities:
        offset, length = int(entity.get("offset", -1)), int(entity.get("length", 0))
        if offset < 0 or length < 1 or offset + length > size:
            raise LocalError("Bad Request: can't parse entities: entity out of the text")
    return text


def _check_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Telegram's checks on an inline keyboard."""
    if not markup:
        return None
    rows: Sequence[Sequence[dict[str, Any]]] = markup.get("inline_keyboard") or []
    if sum(len(row) for row in rows) > KEYBOARD_BUTTONS_LIMIT or any(
        len(row) > ROW_BUTTONS_LIMIT for row in rows
    ):
        raise LocalError("Bad Request: too many buttons")
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise LocalError("Bad Request: BUTTON_TEXT_EMPTY")
            if sum(1 for action in _BUTTON_ACTIONS if action in button) != 1:
                raise LocalError("Bad Request: BUTTON_TYPE_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise LocalError("Bad Request: BUTTON_DATA_INVALID")
    return markup


class LocalChat:
    """A user in one chat with the bot, feeding updates through the real dispatcher."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        session: LocalSession,
        *,
        user_id: int,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Гость",
        title: str = "Группа о выставке",
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.session = session
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat_id = chat_id if chat_id is not None else user_id
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = title
        session.chats[chat_id] = chat
        self.chat = chat
        self.last_sent: int | None = None

    @property
    def chat_id(self) -> int:
        """This chat's id."""
        return int(self.chat["id"])

    async def feed(self, update: dict[str, Any]) -> list[LocalCall]:
        """Feed one raw update; return the API calls the bot made while handling it."""
        before = len(self.session.calls)
        update = {"update_id": self.session.next_id(), **update}
        await self.dispatcher.feed_update(
            self.bot, Update.model_validate(update, context={"bot": self.bot})
        )
        return self.session.calls[before:]

    def _message(self, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": self.session.next_id(),
            "date": _now(),
            "chat": self.chat,
            "from": self.user,
            **content,
        }
        self.session.messages[(self.chat_id, message["message_id"])] = message
        self.last_sent = message["message_id"]
        return message

    async def send(
        self, text: str, *, reply_to: int | None = None, **content: Any
    ) -> list[LocalCall]:
        """Send a text message (optionally as a reply to message ``reply_to``)."""
        if reply_to is not None:
            replied = self.session.message(self.chat_id, reply_to)
            if replied is None:
                raise KeyError(f"no message {reply_to} in chat {self.chat_id}")
            content["reply_to_message"] = _unnested(replied)
        return await self.feed({"message": self._message(text=text, **content)})

    async def send_content(self, **content: Any) -> list[LocalCall]:
        """Send a non-text message: ``sticker=…``, ``photo=…``, ``voice=…`` as in the Bot API."""
        return await self.feed({"message": self._message(**content)})

    async def edit(self, message_id: int, text: str) -> list[LocalCall]:
        """Edit one of this user's messages (Telegram sends an ``edited_message`` update)."""
        message = self.session.message(self.chat_id, message_id)
        if message is None:
            raise KeyError(f"no message {message_id} in chat {self.chat_id}")
        edited = {**message, "text": text, "edit_date": _now()}
        self.session.messages[(self.chat_id, message_id)] = edited
        return await self.feed({"edited_message": edited})

    async def upload(
        self, file_name: str, data: bytes, mime_type: str | None = "text/plain"
    ) -> list[LocalCall]:
        """Send a document (the bot can download it through getFile)."""
        file_id = f"doc{self.session.next_id()}"
        self.session.files[file_id] = data
        document: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "file_size": len(data),
        }
        if mime_type:
            document["mime_type"] = mime_type
        return await self.feed({"message": self._message(document=document)})

    async def press(self, message_id: int, button: str | int) -> list[LocalCall]:
        """Press a button of a bot message, by its text or its position (0-based)."""
        message = self.session.message(self.chat_id, message_id)
        if message is None:
            raise KeyError(f"no message {message_id} in chat {self.chat_id}")
        buttons = [
            b
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        if isinstance(button, int):
            chosen = buttons[button]
        else:
            matching = [b for b in buttons if b["text"] == button]
            if not matching:
                raise KeyError(f"no button {button!r}: {[b['text'] for b in buttons]}")
            chosen = matching[0]
        return await self.press_data(message_id, chosen["callback_data"])

    async def press_data(self, message_id: int, data: str) -> list[LocalCall]:
        """Send a callback query with arbitrary data (as a client could forge it)."""
        query_id = str(self.session.next_id())
        self.session.callbacks[query_id] = False
        query = {
            "id": query_id,
            "from": self.user,
            "chat_instance": f"local-{self.chat_id}",
            "message": self.session.message(self.chat_id, message_id),
            "data": data,
        }
        return await self.feed({"callback_query": query})

    async def inline(self, query: str) -> list[LocalCall]:
        """Type ``@bot query`` in some chat (inline mode)."""
        query_id = str(self.session.next_id())
        self.session.inline_queries[query_id] = False
        inline = {"id": query_id, "from": self.user, "query": query, "offset": ""}
        return await self.feed({"inline_query": inline})
