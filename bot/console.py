"""``innoprom-bot chat``: talk to the real dispatcher in a terminal, no token, no network.

The bot runs exactly as in Telegram (same routers, middlewares and replies) on a
``LocalSession``; this module only prints what the bot sends and turns what you type into
updates: text and commands as messages, a number as a press of that button under the last
message, ``:inline …`` as an inline query and ``:file path`` as a document upload.
Questions asked here are counted in a throw-away in-memory state database, not the real one.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from knowledge import BuildError
from knowledge.service import KnowledgeService

from . import texts
from .app import create_bot, create_dispatcher
from .config import Secret, Settings
from .local import LOCAL_TOKEN, LocalCall, LocalChat, LocalSession
from .state import StateStore

__all__ = ["Console", "run_console"]

INDENT = " " * len(texts.CONSOLE_BOT)
QUIT = frozenset({":q", ":quit", ":exit"})


def run_console(
    settings: Settings,
    admin: bool = False,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the console chat until end of input or ``:q``; return the exit code."""
    return asyncio.run(
        console_chat(settings, admin=admin, stdin=stdin or sys.stdin, stdout=stdout or sys.stdout)
    )


def _user_id(settings: Settings, admin: bool) -> tuple[int, frozenset[int]]:
    """The console user's id and the admin ids to run with."""
    if admin:
        admins = {i for i in settings.admin_ids if i > 0}
        user_id = min(admins) if admins else 1
        return user_id, settings.admin_ids | {user_id}
    user_id = next(i for i in itertools.count(1) if i not in settings.admin_ids)
    return user_id, settings.admin_ids


async def console_chat(settings: Settings, *, admin: bool, stdin: TextIO, stdout: TextIO) -> int:
    """The console loop (see :func:`run_console`)."""
    try:
        service, _ = KnowledgeService.open(settings.seeds_dir, settings.index_path)
    except BuildError as exc:
        sys.stderr.write(texts.index_failed(str(exc)) + "\n")
        return 1
    user_id, admin_ids = _user_id(settings, admin)
    settings = replace(
        settings, bot_token=Secret(LOCAL_TOKEN), throttle_seconds=0.0, admin_ids=admin_ids
    )
    session = LocalSession()
    bot = create_bot(settings, session=session)
    store = StateStore(":memory:", retention_days=settings.state_retention_days)
    dp = create_dispatcher(service, store, settings)
    await dp.emit_startup(bot=bot, dispatcher=dp, **dp.workflow_data)
    chat = LocalChat(dp, bot, session, user_id=user_id, first_name="Вы")
    console = Console(chat, stdout)
    interactive = stdin.isatty()
    console.write(texts.CONSOLE_BANNER)
    if admin:
        console.write(texts.CONSOLE_BANNER_ADMIN)
    try:
        while True:
            if interactive:
                stdout.write(texts.CONSOLE_YOU)
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            if not interactive:
                console.write(texts.CONSOLE_YOU + line)
            if line in QUIT:
                break
            await console.handle(line)
    finally:
        await dp.emit_shutdown(bot=bot, dispatcher=dp, **dp.workflow_data)
        await bot.session.close()
    return 0


class Console:
    """Prints the bot's calls and maps typed lines to updates of one private chat."""

    def __init__(self, chat: LocalChat, out: TextIO) -> None:
        self.chat = chat
        self.out = out
        self.pressable: tuple[int, list[dict[str, Any]]] | None = None

    def write(self, text: str) -> None:
        """One block of output."""
        self.out.write(text + "\n")
        self.out.flush()

    async def handle(self, line: str) -> None:
        """Turn one typed line into an update and print what the bot did."""
        if line.isdigit() and self.pressable is not None:
            message_id, buttons = self.pressable
            number = int(line)
            if not 1 <= number <= len(buttons):
                self.write(texts.CONSOLE_NO_BUTTON)
                return
            calls = await self.chat.press_data(message_id, buttons[number - 1]["callback_data"])
        elif line.startswith(":inline"):
            calls = await self.chat.inline(line.removeprefix(":inline").strip())
        elif line.startswith(":file"):
            path = line.removeprefix(":file").strip()
            if not path:
                self.write(texts.CONSOLE_USAGE_FILE)
                return
            try:
                data = Path(path).expanduser().read_bytes()
            except OSError as exc:
                self.write(texts.CONSOLE_NO_FILE.format(reason=exc.strerror or exc))
                return
            calls = await self.chat.upload(Path(path).name, data)
        else:
            calls = await self.chat.send(line)
        self.show(calls)

    def show(self, calls: list[LocalCall]) -> None:
        """Print the calls a person would notice: messages, edits, toasts, inline results."""
        for call in calls:
            if call.error is not None:
                self.write(f"{INDENT}(Telegram отклонил бы {call.method}: {call.error})")
            elif call.method in ("sendMessage", "editMessageText"):
                prefix = (
                    texts.CONSOLE_BOT if call.method == "sendMessage" else texts.CONSOLE_EDITED
                )
                self._message(prefix, call)
            elif call.method == "answerCallbackQuery" and call.params.get("text"):
                self.write(texts.CONSOLE_TOAST + str(call.params["text"]))
            elif call.method == "answerInlineQuery":
                self._inline(call)

    def _message(self, prefix: str, call: LocalCall) -> None:
        lines = call.text.split("\n")
        block = [prefix + lines[0], *(INDENT + line for line in lines[1:])]
        markup = call.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", [])
        buttons: list[dict[str, Any]] = []
        for row in rows:
            labels = []
            for button in row:
                buttons.append(button)
                labels.append(f"[{len(buttons)}] {button['text']}")
            block.append(INDENT + "  ".join(labels))
        if buttons:
            self.pressable = (int(call.result["message_id"]), buttons)
        self.write("\n".join(block))

    def _inline(self, call: LocalCall) -> None:
        results = call.params.get("results") or []
        if not results:
            button = (call.params.get("button") or {}).get("text", "")
            self.write(texts.CONSOLE_INLINE_EMPTY + (f" — [{button}]" if button else ""))
            return
        block = [texts.CONSOLE_INLINE.rstrip()]
        for i, result in enumerate(results, start=1):
            block.append(f"{INDENT}{i}. {result['title']}")
            block.append(f"{INDENT}   {result.get('description', '')}")
        self.write("\n".join(block))
