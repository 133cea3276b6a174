"""End to end: the press team's newsroom in the real bot process (issue 14).

The real ``python -m bot run`` against the loopback Bot API server and a page server on
127.0.0.1: a forwarded post and a link to a saved real news page go preview → «Добавить» →
answered; /articles → remove → not answered → /restore → answered; 200 subscribers get exactly
one digest each through injected 429s and blocked chats, with the bot restarted (SIGTERM)
halfway through the broadcast.  Everyone else's forwards, pastes and links are questions and
their presses of the admin's buttons change nothing.

Rates are shortened by settings (BROADCAST_RATE=80) so the module stays fast; the pace itself
is checked in ``tests/bot/test_bot_broadcast.py``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from .conftest import ADMIN_ID, E2E_TOKEN, THROTTLE_SECONDS, BotProcess
from .fake_api import Call, FakeTelegram

BOT_TESTS = Path(__file__).resolve().parent.parent / "bot"
if str(BOT_TESTS) not in sys.path:
    sys.path.insert(0, str(BOT_TESTS))

from page_server import PageServer  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

ARTICLE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "newsroom" / "excavators.txt"
).read_text(encoding="utf-8")
QUESTION = "Сколько мини-экскаваторов в год собираются выпускать?"
# a second invented signing, pasted, for the broadcast
FLAX = """date 2025-10-01
Витебские и псковские льноводы договорились о совместной переработке

ВИТЕБСК, 1 октября. /БЕЛТА/. ОАО «Оршанский льнокомбинат» и ООО «Псковлен» подписали на выставке \
«ИННОПРОМ. Беларусь» соглашение о совместной переработке льноволокна. По словам председателя \
совета директоров «Псковлена» Арсения Мирошкина, новая линия будет перерабатывать 6 тысяч тонн \
льноволокна в год. Первые поставки сырья из Псковской области в Оршу начнутся в декабре.
"""
SUBSCRIBERS = 200
BLOCKED = 10
DIGEST_MARK = "Новая статья о выставке"
REPLY_TIMEOUT = 15.0
ENV = {
    "ALLOW_LOOPBACK_LINKS": "1",  # the saved pages are served from 127.0.0.1
    "LINK_TIMEOUT_SECONDS": "3",
    "BROADCAST_RATE": "80",
    "BROADCAST_CHAT_INTERVAL": "1",
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=E2E_TOKEN) as server:
        server.new_user("Пресс-служба", user_id=ADMIN_ID, username="press_admin")
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("newsroom")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(tg: FakeTelegram, workdir: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(tg, workdir, extra_env=ENV)
    try:
        await process.start()
        yield process
    finally:
        await process.kill()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pages() -> AsyncIterator[PageServer]:
    async with PageServer() as server:
        yield server


@pytest.fixture(scope="module")
def admin(tg: FakeTelegram) -> dict[str, Any]:
    return tg.users[ADMIN_ID]


@pytest_asyncio.fixture(loop_scope="module", autouse=True)
async def telegram_accepted_everything(bot: BotProcess, tg: FakeTelegram) -> AsyncIterator[None]:
    """After each test: nothing Telegram would refuse (injected faults aside)."""
    mark = tg.mark()
    yield
    await tg.settle(quiet=0.15, timeout=5)
    assert tg.rejected(since=mark) == []


# -- helpers ---------------------------------------------------------------------------------

_last: dict[tuple[int, str], float] = {}


async def _pace(user: dict[str, Any], kind: str) -> None:
    """Keep a user's messages (and presses) further apart than the bot's throttle, counted
    from the bot's last reply (it had the previous message by then)."""
    wait = _last.get((user["id"], kind), 0.0) + THROTTLE_SECONDS + 0.05 - time.monotonic()
    if wait > 0:
        await asyncio.sleep(wait)


async def exchange(
    tg: FakeTelegram, update: dict[str, Any], chat_id: int | None, method: str = "sendMessage"
) -> Call:
    """Queue ``update``; the bot's first successful ``method`` call to ``chat_id``."""
    event = update.get("message") or update.get("callback_query") or {}
    kind = "callback" if "callback_query" in update else "message"
    await _pace(event["from"], kind)
    mark = tg.mark()
    tg.push_update(update)
    call = await tg.wait_for(
        method, lambda c: c.fault is None and bool(c.ok), chat_id=chat_id, since=mark,
        timeout=REPLY_TIMEOUT,
    )  # fmt: skip
    _last[(event["from"]["id"], kind)] = time.monotonic()
    return call


async def say(tg: FakeTelegram, user: dict[str, Any], text: str) -> Call:
    return await exchange(tg, tg.private_text(user, text), user["id"])


async def press(
    tg: FakeTelegram, user: dict[str, Any], message: Call | dict[str, Any], text: str
) -> Call:
    """``user`` presses the button ``text``; the bot's edit of that message."""
    update = tg.press_button(user, message, text=text)
    return await exchange(tg, update, update["callback_query"]["message"]["chat"]["id"],
                          "editMessageText")  # fmt: skip


def labels(call: Call) -> list[str]:
    return [b["text"] for b in call.buttons()]


def saved(bot: BotProcess, pattern: str) -> list[Path]:
    return sorted(bot.seeds.glob(pattern))


# -- forward → preview → «Добавить» ---------------------------------------------------------------


async def test_forwarded_post_preview_add_answer_and_agreements(
    bot: BotProcess, tg: FakeTelegram, admin: dict[str, Any]
) -> None:
    """The admin forwards a post; someone else's presses change nothing; «Добавить» adds it;
    the question is answered and /agreements lists the agreement."""
    user = tg.new_user("Гость")
    before = await say(tg, user, QUESTION)
    assert "1200" not in (before.text or "")
    update = tg.forwarded_post(
        admin, ARTICLE, channel_title="Новости ИННОПРОМ", channel_username="innoprom_news",
        post_id=42,
    )  # fmt: skip
    preview = await exchange(tg, update, ADMIN_ID)
    text = preview.text or ""
    assert text.startswith("Предпросмотр статьи (пересылка)"), text
    assert "Агентство: БЕЛТА" in text and "https://t.me/innoprom_news/42" in text
    assert "о совместном выпуске мини-экскаваторов" in text and "14 миллионов долларов" in text
    assert labels(preview) == ["Добавить", "Отмена"]

    # a forged press of «Добавить» by someone else: answered as stale, nothing saved
    data = preview.buttons()[0]["callback_data"]
    forged = tg.callback_query(user, preview, data)
    mark = tg.mark()
    answered = await exchange(tg, forged, None, "answerCallbackQuery")
    assert answered.params["callback_query_id"] == forged["callback_query"]["id"]
    await tg.settle(quiet=0.3)
    assert [c.method for c in tg.calls_of(since=mark) if c.method != "getUpdates"] == [
        "answerCallbackQuery"
    ]
    assert saved(bot, "forward-*.txt") == []

    added = await press(tg, admin, preview, "Добавить")
    assert (added.text or "").startswith("Статья добавлена: «Могилевские"), added.text
    assert len(saved(bot, "forward-*.txt")) == 1
    answer = await say(tg, user, QUESTION)
    assert "1200" in (answer.text or ""), answer.text
    agreements = await say(tg, user, "/agreements")
    pages_text = [agreements.text or ""]
    while "Дальше ▸" in labels(tg_current := _current(tg, agreements)):
        edited = await press(tg, user, tg_current, "Дальше ▸")
        pages_text.append(edited.text or "")
    assert "мини-экскаваторов" in "\n".join(pages_text)


def _current(tg: FakeTelegram, call: Call) -> Call:
    """A call-like view of a message as it stands now (after edits)."""
    message = tg.message(call.result["chat"]["id"], call.result["message_id"])
    return Call(-1, "view", {"reply_markup": message.get("reply_markup")}, 0, 0, result=message)


async def test_non_admins_forwards_pastes_and_links_are_questions(
    bot: BotProcess, tg: FakeTelegram, pages: PageServer
) -> None:
    user = tg.new_user("Читатель")
    forwarded = await exchange(
        tg, tg.forwarded_post(user, FLAX, channel_title="Канал", post_id=7), user["id"]
    )
    pasted = await say(tg, user, FLAX)
    linked = await say(tg, user, pages.url("/kazinform"))
    for reply in (forwarded, pasted, linked):
        assert not (reply.text or "").startswith(("Предпросмотр", "Ссылка не открылась"))
        assert "Добавить" not in labels(reply)
    assert pages.hits == [] and saved(bot, "paste-*") == [] and saved(bot, "link-*") == []


# -- a link to a saved real page ----------------------------------------------------------------


async def test_link_to_a_saved_page_preview_add_answer(
    bot: BotProcess, tg: FakeTelegram, admin: dict[str, Any], pages: PageServer
) -> None:
    """Kazinform's page (a real agency page, saved) → preview → «Добавить» → answered; a page
    without an article and a redirect to the metadata address get a clear answer."""
    preview = await say(tg, admin, pages.url("/kazinform"))
    text = preview.text or ""
    assert text.startswith("Предпросмотр статьи (ссылка)"), text
    assert "Дата: 1 декабря 2020" in text
    assert "Марат Тасмаганбетов — первый заместитель акима области" in text
    added = await press(tg, admin, preview, "Добавить")
    assert (added.text or "").startswith("Статья добавлена: «Полностью обеспечить"), added.text
    user = tg.new_user()
    answer = await say(tg, user, "Какую птицефабрику построят в Петропавловске?")
    assert "Адель Кус" in (answer.text or ""), answer.text
    empty = await say(tg, admin, pages.url("/ryazan"))
    assert (empty.text or "").startswith("Ссылка не открылась: на странице не нашлось текста")
    inside = await say(tg, admin, pages.url("/to-metadata"))
    assert "внутреннюю сеть" in (inside.text or "")
    assert "/latest/meta-data/" not in pages.hits


# -- /articles → remove → /restore -------------------------------------------------------------


async def test_articles_remove_then_restore(
    bot: BotProcess, tg: FakeTelegram, admin: dict[str, Any]
) -> None:
    listing = await say(tg, admin, "/articles")
    lines = (listing.text or "").splitlines()
    ours = next(line for line in lines if "Могилевские" in line)
    assert ours.endswith("— пересылка") and any(line.endswith("— ссылка") for line in lines)
    number = ours.split(".", 1)[0]
    confirm = await press(tg, admin, listing, f"🗑 {number}")
    assert (confirm.text or "").startswith("Удалить статью?")
    removed = await press(tg, admin, _current(tg, listing), "Да, удалить")
    assert (removed.text or "").startswith("Статья удалена: «Могилевские"), removed.text
    assert saved(bot, "forward-*.txt") == []
    assert len(list((bot.seeds / "trash").iterdir())) == 1
    user = tg.new_user()
    gone = await say(tg, user, QUESTION)
    assert "1200" not in (gone.text or "")
    restored = await say(tg, admin, "/restore")
    assert (restored.text or "").startswith("Статья возвращена: «Могилевские"), restored.text
    back = await say(tg, user, QUESTION)
    assert "1200" in (back.text or ""), back.text


# -- 200 subscribers, 429s, blocked chats, a restart halfway -----------------------------------


async def test_two_hundred_subscribers_get_one_digest_each_across_a_restart(
    bot: BotProcess, tg: FakeTelegram, admin: dict[str, Any], workdir: Path
) -> None:
    users = [tg.new_user(f"Подписчик {i}") for i in range(SUBSCRIBERS)]
    mark = tg.mark()
    for user in users:
        tg.push_update(tg.private_text(user, "/subscribe"))
    for user in users:
        await tg.wait_for("sendMessage", chat_id=user["id"], since=mark, timeout=REPLY_TIMEOUT)
    blocked = {u["id"] for u in users[:: SUBSCRIBERS // BLOCKED]}
    for chat_id in blocked:
        tg.block_chat(chat_id)
    tg.inject(
        "sendMessage", "retry_after", times=2, retry_after=1,
        when=lambda p: DIGEST_MARK in str(p.get("text", "")),
    )  # fmt: skip

    preview = await say(tg, admin, FLAX)
    assert (preview.text or "").startswith("Предпросмотр статьи (вставка)"), preview.text
    start = tg.mark()
    added = await press(tg, admin, preview, "Добавить")
    assert f"Дайджест уходит подписчикам: {SUBSCRIBERS}" in (added.text or ""), added.text

    def digests(ok: bool | None = True) -> list[Call]:
        return [
            c
            for c in tg.calls_of("sendMessage", since=start, ok=ok)
            if DIGEST_MARK in str(c.params.get("text", ""))
        ]

    while len(digests()) < 40:
        await asyncio.sleep(0.02)
    assert await bot.terminate() == 0
    halfway = len(digests())
    assert halfway < SUBSCRIBERS - BLOCKED, "stopped too late to show a resumed broadcast"
    restarted = BotProcess(tg, workdir, extra_env=ENV)
    try:
        await restarted.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while len(digests()) < SUBSCRIBERS - BLOCKED and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await tg.settle(quiet=0.5)
        per_chat = Counter(c.chat_id for c in digests())
        expected = {u["id"] for u in users} - blocked
        assert set(per_chat) == expected
        assert max(per_chat.values()) == 1, "somebody got the digest twice"
        flood = [c for c in digests(ok=False) if c.status == 429]
        assert len(flood) == 2
        after = [c.time for c in digests() if c.time > flood[0].time]
        assert min(after) - flood[0].time >= 0.95, "retry_after was not honoured"
        text = digests()[0].params["text"]
        assert "«Витебские и псковские льноводы" in text and "Источник: БЕЛТА" in text
        stats = await say(tg, admin, "/stats")
        assert f"Подписчиков: {SUBSCRIBERS - BLOCKED}" in (stats.text or ""), stats.text
        assert f"доставлено {SUBSCRIBERS - BLOCKED}, не доставлено {BLOCKED}" in (stats.text or "")
        assert "закончена" in (stats.text or "")
    finally:
        await restarted.kill()
    assert "Traceback" not in bot.output() + restarted.output()
