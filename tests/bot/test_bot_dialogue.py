"""Conversations: follow-ups read in the context of the last turn, kept in aiogram's FSM storage
(memory here, a real redis-server where it matters), never leaking between chats or users."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from bot_testkit import Harness, only, token_of, visible
from redis.asyncio import Redis
from redis_server import RedisServer

from bot import texts
from bot.config import Secret, Settings
from bot.dialogue import DESTINY, forget, recall, remember
from bot.local import LOCAL_BOT_USERNAME, LocalCall
from bot.storage import CONTEXT_TTL, ResilientStorage, build_storage
from knowledge.followup import Turn

FIRST = "Когда проходила выставка?"
UNDERSTOOD_WHERE = texts.UNDERSTOOD + "Где проходила выставка?"


def reply_text(calls: list[LocalCall]) -> str:
    """The text of the one message the bot sent."""
    return only(calls, "sendMessage").text


async def test_follow_up_is_understood_and_says_so(harness: Harness) -> None:
    """«а где?» after a question about the dates: answered about the place, with one line
    saying how it was understood."""
    chat = harness.private()
    first = reply_text(await chat.send(FIRST))
    assert not first.startswith(texts.UNDERSTOOD)
    calls = await chat.send("а где?")
    second = reply_text(calls)
    assert second.startswith(UNDERSTOOD_WHERE + "\n\n"), second
    assert "Минск" in second
    # the buttons of the follow-up find its snippets again by the question as understood
    token = token_of(only(calls, "sendMessage"))
    assert harness.store.question(token, chat.chat_id) == "Где проходила выставка?"


async def test_complete_question_is_answered_as_on_its_own(harness: Harness) -> None:
    """A complete question after another gets exactly the reply it gets in a fresh chat."""
    chat = harness.private()
    await chat.send("Что подписали БЕЛАЗ и ИнДев?")
    in_conversation = reply_text(await chat.send("А сколько было посетителей?"))
    fresh = reply_text(await harness.private(user_id=4242).send("А сколько было посетителей?"))
    assert in_conversation == fresh
    assert not in_conversation.startswith(texts.UNDERSTOOD)


async def test_more_shows_the_next_snippets_then_reads_on(harness: Harness) -> None:
    """«ещё» pages on from the snippets shown; «подробнее» reads the article on."""
    chat = harness.private()
    await chat.send("Какие соглашения подписали?")
    more = only(await chat.send("ещё"), "sendMessage")
    assert more.text.startswith(texts.UNDERSTOOD), more.text
    assert "\n4. " in more.text
    assert texts.BUTTON_BACK in [b["text"] for b in more.buttons()]
    detail = reply_text(await chat.send("подробнее"))
    assert detail.startswith(texts.UNDERSTOOD + "Подробнее: ")


async def test_paging_buttons_keep_the_line_and_move_the_conversation_on(
    harness: Harness,
) -> None:
    """«Ещё» under a follow-up keeps «Понял так»; a typed «ещё» then goes on from there."""
    chat = harness.private()
    await chat.send("Какие соглашения подписали?")
    answer = only(await chat.send("а кто их подписал?"), "sendMessage")
    assert answer.text.startswith(texts.UNDERSTOOD), answer.text
    message_id = answer.result["message_id"]
    page2 = only(await chat.press(message_id, texts.BUTTON_MORE), "editMessageText")
    assert page2.text.startswith(texts.UNDERSTOOD) and "\n4. " in page2.text
    typed = reply_text(await chat.send("ещё"))
    assert "\n7. " in typed and "\n4. " not in typed, typed


async def test_follow_up_reply_is_the_presented_answer_under_its_line(
    harness: Harness,
) -> None:
    """A follow-up's reply is «Понял так: …» and then exactly the reply the question as
    understood gets on its own — presented: ТАСС's «более 14 тыс.», «свыше 14 тыс.» and
    «более 14 000» are one statement, said once."""
    chat = harness.private()
    await chat.send(FIRST)
    reply = reply_text(await chat.send("а сколько человек её посетило?"))
    line, _, body = reply.partition("\n\n")
    assert line.startswith(texts.UNDERSTOOD), reply
    fresh = reply_text(await harness.private(user_id=4343).send(line[len(texts.UNDERSTOOD) :]))
    assert body == fresh
    assert "более 14 тыс" in body
    assert "свыше 14 тыс" not in body.lower() and "14 000" not in body, body


async def test_typed_more_shows_the_page_the_more_button_shows(harness: Harness) -> None:
    """«ещё» typed goes on through the presented snippets exactly as «Ещё» pressed does (the
    same snippets, numbers and buttons), under its «Понял так» line."""
    question = "Какие соглашения подписали?"
    typed_chat, button_chat = harness.private(user_id=901), harness.private(user_id=902)
    await typed_chat.send(question)
    typed = only(await typed_chat.send("ещё"), "sendMessage")
    first = only(await button_chat.send(question), "sendMessage")
    pressed = only(
        await button_chat.press(first.result["message_id"], texts.BUTTON_MORE), "editMessageText"
    )
    line, _, body = typed.text.partition("\n\n")
    assert line.startswith(texts.UNDERSTOOD) and body == pressed.text, typed.text
    assert [b["text"] for b in typed.buttons()] == [b["text"] for b in pressed.buttons()]


async def test_small_talk_neither_breaks_nor_becomes_the_context(harness: Harness) -> None:
    """«спасибо» mid-conversation is answered in kind and «а где?» still continues the
    question before it; small talk opening a chat gives «а где?» nothing to refer to."""
    chat = harness.private(user_id=911)
    await chat.send(FIRST)
    thanks = reply_text(await chat.send("спасибо!"))
    assert not thanks.startswith(texts.UNDERSTOOD) and "Источник" not in thanks
    assert reply_text(await chat.send("а где?")).startswith(UNDERSTOOD_WHERE)
    fresh = harness.private(user_id=912)
    await fresh.send("привет")
    after = reply_text(await fresh.send("а где?"))
    assert not after.startswith(texts.UNDERSTOOD), after


async def test_start_forgets_the_conversation(harness: Harness) -> None:
    """After /start, «а где?» has nothing to refer to."""
    chat = harness.private()
    await chat.send(FIRST)
    await chat.send("/start")
    after = reply_text(await chat.send("а где?"))
    assert not after.startswith(texts.UNDERSTOOD), after


async def test_two_users_in_one_group_keep_their_own_context(harness: Harness) -> None:
    """Two people asking the bot in the same group: each follow-up continues its own asker's
    conversation."""
    mention = f"@{LOCAL_BOT_USERNAME} "
    alice, bob = harness.group(user_id=501), harness.group(user_id=502)
    await alice.send(mention + "Что показала Смоленская область?")
    await bob.send(mention + "Что показала Витебская область?")
    alice_next = reply_text(await alice.send(mention + "а кто там губернатор?"))
    bob_next = reply_text(await bob.send(mention + "а кто там губернатор?"))
    assert "Смоленск" in alice_next.split("\n")[0], alice_next
    assert "Витебск" in bob_next.split("\n")[0], bob_next


async def test_two_chats_of_one_user_keep_their_own_context(harness: Harness) -> None:
    """The same person in private and in a group: a follow-up in the group does not see the
    private conversation."""
    private, group = harness.private(user_id=601), harness.group(user_id=601)
    await private.send(FIRST)
    in_group = reply_text(await group.send(f"@{LOCAL_BOT_USERNAME} а где?"))
    assert not in_group.startswith(texts.UNDERSTOOD), in_group
    in_private = reply_text(await private.send("а где?"))
    assert in_private.startswith(UNDERSTOOD_WHERE)


async def test_inline_mode_neither_uses_nor_changes_the_context(harness: Harness) -> None:
    """Inline queries are answered on their own and leave the chat's conversation alone."""
    chat = harness.private(user_id=701)
    await chat.send(FIRST)
    inline = only(await chat.inline("а где?"), "answerInlineQuery")
    assert not inline.params.get("results")
    await chat.inline("Что подписали БЕЛАЗ и ИнДев?")
    assert reply_text(await chat.send("а где?")).startswith(UNDERSTOOD_WHERE)


async def test_context_is_forgotten_after_fifteen_minutes() -> None:
    """A turn older than 15 minutes is not recalled, even from a storage that keeps it."""
    state = FSMContext(MemoryStorage(), StorageKey(bot_id=1, chat_id=2, user_id=3))
    turn = Turn(FIRST, answer_ids=(1, 2))
    await remember(state, turn, clock=lambda: 1000.0)
    assert await recall(state, clock=lambda: 1000.0 + CONTEXT_TTL - 1) == turn
    assert await recall(state, clock=lambda: 1000.0 + CONTEXT_TTL + 1) is None
    await remember(state, turn)
    await forget(state)
    assert await recall(state) is None


async def test_a_broken_record_costs_only_the_context(harness: Harness) -> None:
    """Garbage in the storage (another version, a hand edit) is read as no context."""
    chat = harness.private(user_id=801)
    await chat.send(FIRST)
    key = StorageKey(bot_id=harness.bot.id, chat_id=801, user_id=801, destiny=DESTINY)
    data = await harness.dp.storage.get_data(key)
    await harness.dp.storage.set_data(key, {**data, "turn": {"question": 42}})
    after = reply_text(await chat.send("а где?"))
    assert not after.startswith(texts.UNDERSTOOD)


# ---------------------------------------------------------------- a real redis-server


def redis_settings(settings: Settings, url: str) -> Settings:
    return replace(settings, redis_url=Secret(url))


@pytest.fixture
async def replicas(
    tmp_path: Path, settings: Settings, redis_server: RedisServer
) -> AsyncIterator[tuple[Harness, Harness]]:
    """Two bot replicas (two dispatchers, two state databases) sharing one Redis."""
    shared = redis_settings(settings, redis_server.url)
    first = Harness.start(shared, build_storage(shared))
    second_settings = replace(shared, state_path=tmp_path / "replica2.db")
    second = Harness.start(second_settings, build_storage(second_settings))
    yield first, second
    for harness in (first, second):
        await harness.dp.storage.close()
        harness.close()


async def test_two_dispatchers_sharing_redis_continue_each_others_conversation(
    replicas: tuple[Harness, Harness], redis_server: RedisServer
) -> None:
    """The first message reaches one replica, the follow-up another: it is understood."""
    first, second = replicas
    user = 9001
    await first.private(user_id=user).send(FIRST)
    follow_up = reply_text(await second.private(user_id=user).send("а где?"))
    assert follow_up.startswith(UNDERSTOOD_WHERE), follow_up
    # and back again
    again = reply_text(await first.private(user_id=user).send("а сколько было посетителей?"))
    assert not again.startswith(texts.UNDERSTOOD)  # a complete question stays itself
    client = Redis.from_url(redis_server.url)
    try:
        keys = [k async for k in client.scan_iter(match=f"*:{user}:{user}:{DESTINY}:data")]
        assert len(keys) == 1, keys
        assert 0 < await client.ttl(keys[0]) <= CONTEXT_TTL
    finally:
        await client.aclose()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, to stop mid-conversation."""
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


async def test_redis_stopped_mid_conversation_answers_keep_coming(
    settings: Settings, own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis goes away between two messages: every message is still answered (without
    context), the outage is logged once, and the context comes back with Redis."""
    shared = redis_settings(settings, own_redis.url)
    storage = ResilientStorage(build_storage(shared), pause=0.0)
    harness = Harness.start(shared, storage)
    chat = harness.private(user_id=9101)
    try:
        assert only(await chat.send(FIRST), "sendMessage")
        own_redis.stop()
        caplog.set_level(logging.WARNING, logger="bot.storage")
        after = reply_text(await chat.send("а где?"))
        assert not after.startswith(texts.UNDERSTOOD)
        for question in ("Сколько было посетителей?", "Что подписали БЕЛАЗ и ИнДев?"):
            assert reply_text(await chat.send(question))
        warnings = [r for r in caplog.records if r.name == "bot.storage"]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
        own_redis.start()
        await chat.send(FIRST)
        assert reply_text(await chat.send("а где?")).startswith(UNDERSTOOD_WHERE)
    finally:
        await harness.dp.storage.close()
        harness.close()


async def test_silent_redis_costs_a_timeout_not_the_answer(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A server that accepts connections and never answers (an overloaded Redis): the
    question is answered after the short timeout, and later ones skip the storage."""
    held: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.read()  # hold the connection, say nothing

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    shared = redis_settings(settings, f"redis://127.0.0.1:{port}/0")
    harness = Harness.start(shared, build_storage(shared))
    caplog.set_level(logging.WARNING, logger="bot.storage")
    try:
        chat = harness.private(user_id=9201)
        for question in (FIRST, "а где?", "Сколько было посетителей?"):
            assert visible(await chat.send(question))
        assert len([r for r in caplog.records if r.name == "bot.storage"]) == 1
    finally:
        await harness.dp.storage.close()
        harness.close()
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
