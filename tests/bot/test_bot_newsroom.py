"""The newsroom through the real dispatcher: forward / paste → preview → «Добавить», drafts in
the FSM, /articles → remove → /restore, and everyone else's forwards, pastes and presses."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from bot_testkit import ADMIN_ID, USER_ID, Harness, labels, only
from redis.asyncio import Redis
from redis_server import RedisServer

from bot import texts
from bot.config import Secret, Settings
from bot.handlers.newsroom import DESTINY, DRAFT
from bot.local import LocalCall, LocalChat
from bot.storage import CONTEXT_TTL, build_storage
from knowledge.service import TRASH_DIR

ARTICLE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "newsroom" / "excavators.txt"
).read_text(encoding="utf-8")
QUESTION = "Сколько мини-экскаваторов в год собираются выпускать?"
# 30 September 2025, 10:00 in Minsk
POSTED = int(datetime(2025, 9, 30, 7, 0, tzinfo=UTC).timestamp())
CHANNEL = {
    "id": -1001234567890,
    "type": "channel",
    "title": "Новости ИННОПРОМ",
    "username": "innoprom_news",
}


def channel_origin(channel: dict[str, Any] = CHANNEL, message_id: int = 42) -> dict[str, Any]:
    return {"type": "channel", "date": POSTED, "chat": channel, "message_id": message_id}


def sent(calls: list[LocalCall], method: str = "sendMessage") -> list[LocalCall]:
    return [c for c in calls if c.method == method and c.error is None]


def toast(calls: list[LocalCall]) -> str:
    return only(calls, "answerCallbackQuery").params.get("text", "")


def seeds(harness: Harness, pattern: str = "*.txt") -> list[Path]:
    return sorted(harness.settings.seeds_dir.glob(pattern))


async def forward(chat: LocalChat, text: str = ARTICLE, **origin: Any) -> LocalCall:
    """``chat``'s user forwards a channel post; the bot's one reply."""
    return only(await chat.send(text, forward_origin=channel_origin(**origin)), "sendMessage")


async def all_agreements(chat: LocalChat) -> str:
    """Every page of /agreements, as the user reads them with «Дальше»."""
    reply = only(await chat.send("/agreements"), "sendMessage")
    pages = [reply.text]
    while texts.BUTTON_NEXT in labels(reply):
        calls = await chat.press(reply.result["message_id"], texts.BUTTON_NEXT)
        reply = only(calls, "editMessageText")
        pages.append(reply.text)
    return "\n".join(pages)


async def answered_from(harness: Harness, question: str, needle: str) -> bool:
    reply = only(await harness.private().send(question), "sendMessage")
    return needle in reply.text


@pytest.fixture
def two_admins(settings: Settings) -> Settings:
    return dataclasses.replace(settings, admin_ids=frozenset({ADMIN_ID, ADMIN_ID + 1}))


async def test_forwarded_post_is_previewed_then_added_and_answered(harness: Harness) -> None:
    """A channel post → a preview of its facts; only «Добавить» saves it; then it answers."""
    before = seeds(harness)
    preview = await forward(harness.admin())
    text = preview.text
    assert labels(preview) == [texts.BUTTON_ADD, texts.BUTTON_CANCEL]
    assert "«Могилевские машиностроители и костромские гидравлики" in text
    assert "30 сентября 2025" in text  # the post's date, in Minsk
    assert "Агентство: БЕЛТА" in text  # the dateline beats the channel's name
    assert "Откуда: Новости ИННОПРОМ" in text
    assert "https://t.me/innoprom_news/42" in text
    assert "Предложений: 9" in text
    assert "Ольга Веретенникова — генеральный директор завода" in text
    assert "«Костромская гидравлика»" in text and "о совместном выпуске мини-экскаваторов" in text
    assert "Костромская область" in text and "Могилевская область" in text
    assert "14 миллионов долларов" in text
    assert seeds(harness) == before, "a preview must save nothing"
    assert not await answered_from(harness, QUESTION, "1200")

    calls = await harness.admin().press(preview.result["message_id"], texts.BUTTON_ADD)
    edited = only(calls, "editMessageText")
    assert edited.text.startswith("Статья добавлена: «Могилевские")
    assert "Статей: 5 → 6" in edited.text
    (saved,) = seeds(harness, "forward-*.txt")
    head = saved.read_text(encoding="utf-8").splitlines()[:4]
    assert head == [
        "date 2025-09-30",
        "url https://t.me/innoprom_news/42",
        "outlet Новости ИННОПРОМ",
        "",
    ]
    assert await answered_from(harness, QUESTION, "1200")
    assert "мини-экскаваторов" in await all_agreements(harness.private())
    add = preview.buttons()[0]["callback_data"]
    again = await harness.admin().press_data(preview.result["message_id"], add)
    assert toast(again) == texts.PREVIEW_STALE  # pressed twice (an old client): added once
    assert len(seeds(harness, "forward-*.txt")) == 1


async def test_a_channel_without_an_agency_in_the_text_is_the_agency(harness: Harness) -> None:
    """Without a dateline the channel that published the post is its source."""
    body = ARTICLE.replace("МИНСК, 30 сентября. /БЕЛТА/. ", "")
    preview = await forward(harness.admin(), body)
    assert "Агентство: Новости ИННОПРОМ" in preview.text
    await harness.admin().press(preview.result["message_id"], texts.BUTTON_ADD)
    source = next(
        a.source
        for a in harness.service.index.sources()
        if a.source.article_id.startswith("forward-")
    )
    assert (source.agency, source.date) == ("Новости ИННОПРОМ", date(2025, 9, 30))


async def test_cancel_saves_nothing_and_a_second_preview_replaces_the_first(
    harness: Harness,
) -> None:
    """«Отмена» forgets the draft; a new preview takes the old one's buttons away."""
    admin = harness.admin()
    first = await forward(admin)
    body = ARTICLE.replace("1200", "1500")
    calls = await admin.send(body, forward_origin=channel_origin(message_id=43))
    second = only(calls, "sendMessage")
    only(calls, "editMessageReplyMarkup")
    assert (
        harness.session.message(admin.chat_id, first.result["message_id"]).get("reply_markup")
        is None
    )
    stale = await admin.press_data(first.result["message_id"], first.buttons()[0]["callback_data"])
    assert toast(stale) == texts.PREVIEW_STALE
    cancelled = await admin.press(second.result["message_id"], texts.BUTTON_CANCEL)
    assert only(cancelled, "editMessageText").text == texts.PREVIEW_CANCELLED
    assert not seeds(harness, "forward-*")
    data = await harness.dp.storage.get_data(_key(harness, ADMIN_ID, ADMIN_ID))
    assert data.get(DRAFT) is None


async def test_an_expired_preview_adds_nothing(settings: Settings) -> None:
    """A draft older than PREVIEW_TTL_SECONDS is gone: its «Добавить» only says so."""
    harness = Harness.start(dataclasses.replace(settings, preview_ttl=0.05))
    try:
        preview = await forward(harness.admin())
        await asyncio.sleep(0.1)
        calls = await harness.admin().press(preview.result["message_id"], texts.BUTTON_ADD)
        assert toast(calls) == texts.PREVIEW_STALE
        assert not seeds(harness, "forward-*")
    finally:
        harness.close()


async def test_long_paste_is_previewed_short_one_stays_a_question(harness: Harness) -> None:
    """An admin's long text is an article (a ``date`` first line dates it); a short one is a
    question like anyone's."""
    admin = harness.admin()
    short = only(await admin.send("Сколько было посетителей?"), "sendMessage")
    assert "14" in short.text and texts.BUTTON_ADD not in labels(short)
    preview = only(await admin.send("date 2025-10-01\n" + ARTICLE), "sendMessage")
    assert preview.text.startswith("Предпросмотр статьи (вставка)")
    assert "1 октября 2025" in preview.text
    await admin.press(preview.result["message_id"], texts.BUTTON_ADD)
    (saved,) = seeds(harness, "paste-*.txt")
    assert saved.read_text(encoding="utf-8").startswith("date 2025-10-01\n")


async def test_an_article_already_there_is_refused_at_preview(harness: Harness) -> None:
    """The same post forwarded again (from another channel even): no buttons, the reason."""
    admin = harness.admin()
    preview = await forward(admin)
    await admin.press(preview.result["message_id"], texts.BUTTON_ADD)
    other = {**CHANNEL, "id": -1009876543210, "title": "Другой канал", "username": "other"}
    reply = await forward(admin, channel=other)
    assert reply.text.startswith("Статью не добавить: повторяет статью forward-")
    assert reply.buttons() == []


async def test_non_admins_forwards_and_pastes_are_questions(harness: Harness) -> None:
    """Anyone else forwarding or pasting gets an answer, and nothing is kept for them."""
    user = harness.private()
    reply = await forward(user)
    assert not reply.text.startswith("Предпросмотр")
    assert texts.BUTTON_ADD not in labels(reply)
    pasted = only(await user.send(ARTICLE), "sendMessage")
    assert not pasted.text.startswith("Предпросмотр")
    assert await harness.dp.storage.get_data(_key(harness, USER_ID, USER_ID)) == {}


async def test_buttons_pressed_by_anyone_else_do_nothing(two_admins: Settings) -> None:
    """A non-admin's or another admin's press of the admin's buttons changes nothing."""
    harness = Harness.start(two_admins)
    try:
        preview = await forward(harness.admin())
        data = preview.buttons()[0]["callback_data"]
        for intruder in (USER_ID, ADMIN_ID + 1):
            chat = harness._chat(intruder, ADMIN_ID, "private")
            calls = await chat.press_data(preview.result["message_id"], data)
            assert [c.method for c in calls] == ["answerCallbackQuery"], calls
            assert toast(calls) in (texts.STALE_BUTTON, texts.PREVIEW_STALE)
        assert not seeds(harness, "forward-*")
        storage = harness.dp.storage
        assert await storage.get_data(_key(harness, ADMIN_ID, ADMIN_ID + 1)) == {}
        assert await storage.get_data(_key(harness, ADMIN_ID, USER_ID)) == {}
        # the admin's own draft is untouched and still adds
        calls = await harness.admin().press(preview.result["message_id"], texts.BUTTON_ADD)
        assert only(calls, "editMessageText").text.startswith("Статья добавлена")
    finally:
        harness.close()


async def test_articles_remove_and_restore(harness: Harness) -> None:
    """/articles → 🗑 → «Да, удалить» → not answered any more → /restore → answered again."""
    admin = harness.admin()
    preview = await forward(admin)
    await admin.press(preview.result["message_id"], texts.BUTTON_ADD)
    listing = only(await admin.send("/articles"), "sendMessage")
    lines = [line for line in listing.text.splitlines() if line[:2].rstrip(".").isdigit()]
    assert len(lines) == 6
    ours = next(line for line in lines if "Могилевские" in line)
    assert "30 сентября 2025 · БЕЛТА" in ours and ours.endswith("— пересылка")
    assert sum(line.endswith("— исходная") for line in lines) == 5
    (saved,) = seeds(harness, "forward-*.txt")
    number = ours.split(".", 1)[0]
    calls = await admin.press(listing.result["message_id"], f"🗑 {number}")
    confirm = only(calls, "editMessageText")
    assert confirm.text.startswith("Удалить статью?") and "Могилевские" in confirm.text
    done = only(
        await admin.press(listing.result["message_id"], texts.BUTTON_REMOVE_YES), "editMessageText"
    )
    assert done.text.startswith("Статья удалена: «Могилевские")
    assert not seeds(harness, "forward-*")
    (parked,) = (harness.settings.seeds_dir / TRASH_DIR).iterdir()
    assert parked.name.endswith("--" + saved.name)
    assert not await answered_from(harness, QUESTION, "1200")
    restored = only(await admin.send("/restore"), "sendMessage")
    assert restored.text.startswith("Статья возвращена: «Могилевские")
    assert len(seeds(harness, "forward-*")) == 1
    assert await answered_from(harness, QUESTION, "1200")
    nothing = only(await admin.send("/restore"), "sendMessage")
    assert nothing.text == texts.NOTHING_TO_RESTORE


async def test_a_list_shown_before_a_reload_is_stale(harness: Harness) -> None:
    """Numbers in an old /articles message may point elsewhere after a reload: refused."""
    admin = harness.admin()
    listing = only(await admin.send("/articles"), "sendMessage")
    (harness.settings.seeds_dir / "new.txt").write_text(ARTICLE, encoding="utf-8")
    await admin.send("/reload")
    calls = await admin.press(listing.result["message_id"], "🗑 1")
    assert toast(calls) == texts.ARTICLES_STALE
    assert len(seeds(harness)) == 6


async def test_subscribe_unsubscribe_and_a_digest_for_each_new_article(
    harness: Harness,
) -> None:
    """/subscribe (private only), the digest queued on «Добавить», /stats, /unsubscribe."""
    user = harness.private()
    assert only(await user.send("/subscribe"), "sendMessage").text == texts.SUBSCRIBED
    assert only(await user.send("/subscribe"), "sendMessage").text == texts.ALREADY_SUBSCRIBED
    group = only(await harness.group(USER_ID + 1).send("/subscribe"), "sendMessage")
    assert group.text == texts.SUBSCRIBE_IN_PRIVATE
    preview = await forward(harness.admin())
    added = await harness.admin().press(preview.result["message_id"], texts.BUTTON_ADD)
    assert "Дайджест уходит подписчикам: 1" in only(added, "editMessageText").text
    broadcast = harness.store.last_broadcast()
    assert broadcast is not None and (broadcast.total, broadcast.pending) == (1, 1)
    (delivery,) = harness.store.pending_deliveries()
    assert delivery.chat_id == USER_ID
    assert "Могилевские машиностроители" in delivery.message
    assert "Источник: БЕЛТА, 30 сентября 2025" in delivery.message
    stats = only(await harness.admin().send("/stats"), "sendMessage").text
    assert "Подписчиков: 1" in stats and "в очереди 1" in stats
    assert only(await user.send("/unsubscribe"), "sendMessage").text == texts.UNSUBSCRIBED
    assert harness.store.pending_deliveries() == []
    assert only(await user.send("/unsubscribe"), "sendMessage").text == texts.NOT_SUBSCRIBED


def _key(harness: Harness, chat_id: int, user_id: int) -> StorageKey:
    return StorageKey(bot_id=harness.bot.id, chat_id=chat_id, user_id=user_id, destiny=DESTINY)


async def test_an_uploaded_file_is_announced_too(harness: Harness) -> None:
    """A .txt upload is a new article like a forward: subscribers get its digest."""
    await harness.private().send("/subscribe")
    await harness.admin().upload("excavators.txt", ARTICLE.encode())
    (delivery,) = harness.store.pending_deliveries()
    assert "Могилевские машиностроители" in delivery.message
    broadcast = harness.store.last_broadcast()
    assert broadcast is not None and broadcast.article_id.startswith("upload-")


class KeyedMemoryStorage(MemoryStorage):
    """Memory storage that builds its keys like RedisStorage does (so a key builder without
    destinies refuses any destiny but the default, as with Redis)."""

    def __init__(self, key_builder: DefaultKeyBuilder) -> None:
        super().__init__()
        self.key_builder = key_builder

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        self.key_builder.build(key, "data")
        await super().set_data(key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self.key_builder.build(key, "data")
        return await super().get_data(key)


@pytest.mark.parametrize("with_destiny", [True, False])
async def test_drafts_work_whatever_the_storage_key_builder(
    settings: Settings, with_destiny: bool
) -> None:
    """With RedisStorage's default key builder (no destinies) the draft lives in the chat's
    default data under its own key; with destinies, in the newsroom's."""
    storage = KeyedMemoryStorage(DefaultKeyBuilder(with_destiny=with_destiny))
    harness = Harness.start(settings, storage=storage)
    try:
        preview = await forward(harness.admin())
        calls = await harness.admin().press(preview.result["message_id"], texts.BUTTON_ADD)
        assert only(calls, "editMessageText").text.startswith("Статья добавлена")
        key = _key(harness, ADMIN_ID, ADMIN_ID)
        if not with_destiny:
            key = dataclasses.replace(key, destiny="default")
        assert DRAFT in await storage.get_data(key)
    finally:
        harness.close()


class DownStorage(MemoryStorage):
    """A storage that has gone away (Redis stopped): every call fails."""

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        raise ConnectionError("redis is down")

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        raise ConnectionError("redis is down")


async def test_a_storage_that_is_down_gives_a_preview_without_add(settings: Settings) -> None:
    """No place to keep the draft: the preview says so and offers no «Добавить»; questions
    are answered as ever."""
    harness = Harness.start(settings, storage=DownStorage())
    try:
        preview = await forward(harness.admin())
        assert preview.text.startswith("Предпросмотр статьи")
        assert preview.text.endswith(texts.DRAFT_NOT_KEPT)
        assert preview.buttons() == []
        assert await answered_from(harness, "Сколько было посетителей?", "14")
    finally:
        harness.close()


async def test_a_draft_in_redis_is_added_from_another_replica(
    settings: Settings, tmp_path: Path, redis_server: RedisServer
) -> None:
    """With REDIS_URL the draft is in Redis (its own destiny, expiring): a «Добавить» that
    reaches another webhook replica adds it."""
    shared = dataclasses.replace(settings, redis_url=Secret(redis_server.url))
    first = Harness.start(shared, build_storage(shared))
    other = dataclasses.replace(shared, state_path=tmp_path / "replica2.db")
    second = Harness.start(other, build_storage(other))
    try:
        preview = await forward(first.admin())
        key = (ADMIN_ID, preview.result["message_id"])
        second.admin().session.messages[key] = first.session.messages[key]
        calls = await second.admin().press(preview.result["message_id"], texts.BUTTON_ADD)
        assert only(calls, "editMessageText").text.startswith("Статья добавлена")
        assert len(seeds(first, "forward-*.txt")) == 1
        client = Redis.from_url(redis_server.url)
        try:
            pattern = f"*:{ADMIN_ID}:{ADMIN_ID}:{DESTINY}:data"
            (redis_key,) = [k async for k in client.scan_iter(match=pattern)]
            assert 0 < await client.ttl(redis_key) <= CONTEXT_TTL
        finally:
            await client.aclose()
    finally:
        for harness in (first, second):
            await harness.dp.storage.close()
            harness.close()
