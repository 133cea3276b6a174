"""Shared pieces of the bot tests: the harness around the production dispatcher, helpers."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage

from bot.app import create_bot, create_dispatcher
from bot.config import PROJECT_ROOT, Secret, Settings
from bot.local import LOCAL_TOKEN, LocalCall, LocalChat, LocalSession
from bot.state import StateStore
from knowledge import KnowledgeIndex
from knowledge.service import KnowledgeService

SEEDS = PROJECT_ROOT / "seeds"
UNSEEN = PROJECT_ROOT / "tests" / "fixtures" / "unseen"
ADMIN_ID = 777
USER_ID = 1001
GROUP_ID = -100500


def own_copy_settings(tmp_path: Path, built_index: Path) -> Settings:
    """Settings on this test's own copy of the seeds and of ``built_index``, its own state
    database, the admin ``ADMIN_ID`` and no throttling."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in SEEDS.glob("*.txt"):
        (seeds / path.name).write_bytes(path.read_bytes())
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(built_index, data / "index.db")
    return Settings(
        bot_token=Secret(LOCAL_TOKEN),
        admin_ids=frozenset({ADMIN_ID}),
        seeds_dir=seeds,
        index_path=data / "index.db",
        state_path=data / "state.db",
        throttle_seconds=0.0,
    )


@dataclass
class Harness:
    """The production dispatcher and bot on a local session, plus ways to be a user."""

    settings: Settings
    service: KnowledgeService
    store: StateStore
    session: LocalSession
    bot: Bot
    dp: Dispatcher
    chats: dict[tuple[int, int], LocalChat] = field(default_factory=dict)

    @classmethod
    def start(cls, settings: Settings, storage: BaseStorage | None = None) -> Harness:
        """Build the service, the state database, the bot and ``create_dispatcher`` (with
        its FSM ``storage``: memory when omitted)."""
        service = KnowledgeService(
            KnowledgeIndex.open(settings.index_path),
            settings.seeds_dir,
            settings.index_path,
            close_delay=0,
        )
        store = StateStore(settings.state_path)
        session = LocalSession()
        bot = create_bot(settings, session=session)
        dp = create_dispatcher(service, store, settings, storage)
        return cls(settings, service, store, session, bot, dp)

    def close(self) -> None:
        """Close the index and the state database."""
        self.service.close()
        self.store.close()

    def private(self, user_id: int = USER_ID) -> LocalChat:
        """A private chat with ``user_id``."""
        return self._chat(user_id, user_id, "private")

    def admin(self) -> LocalChat:
        """The admin's private chat."""
        return self.private(ADMIN_ID)

    def group(self, user_id: int = USER_ID, chat_id: int = GROUP_ID) -> LocalChat:
        """``user_id`` writing in a supergroup the bot is a member of."""
        return self._chat(user_id, chat_id, "supergroup")

    def _chat(self, user_id: int, chat_id: int, chat_type: str) -> LocalChat:
        key = (user_id, chat_id)
        if key not in self.chats:
            self.chats[key] = LocalChat(
                self.dp,
                self.bot,
                self.session,
                user_id=user_id,
                chat_id=chat_id,
                chat_type=chat_type,
            )
        return self.chats[key]


def only(calls: list[LocalCall], method: str) -> LocalCall:
    """The single successful call of ``method`` among ``calls``."""
    found = [c for c in calls if c.method == method and c.error is None]
    assert len(found) == 1, [(c.method, c.error) for c in calls]
    return found[0]


def token_of(call: LocalCall) -> str:
    """The question token an answer's buttons carry (``s:<token>:0`` → ``<token>``)."""
    found = [
        str(b["callback_data"]).split(":")[1]
        for b in call.buttons()
        if str(b.get("callback_data", ""))[:2] in ("s:", "p:", "f:")
    ]
    assert found, f"no answer buttons under {call.text[:80]!r}"
    return found[0]


def labels(call: LocalCall) -> list[str]:
    """Button texts of a sent or edited message."""
    return [b["text"] for b in call.buttons()]


def visible(calls: list[LocalCall]) -> list[LocalCall]:
    """Calls a person in the chat would notice (not getMe, not the typing indicator)."""
    return [c for c in calls if c.method not in ("getMe", "sendChatAction")]
