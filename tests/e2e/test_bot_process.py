"""End to end: the real ``python -m bot run`` process against the loopback Bot API server.

The test plays users, a group and an admin by queueing updates, and asserts on what they
received, as recorded by the server (which refuses what Telegram would refuse).  Wording and
button labels may change; the assertions hold on to numbers, sources, buttons, replies.

One bot process serves the whole module (start-up costs seconds).  No test relies on
another having run: a test that stops the process with SIGTERM leaves it to be started again
for the next one (``bot_process``), and what an upload or earlier questions change is
measured before and after by the test that needs it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.limits import utf16_len

from .conftest import ADMIN_ID, E2E_TOKEN, THROTTLE_SECONDS, BotProcess
from .fake_api import Call, FakeTelegram

pytestmark = pytest.mark.asyncio(loop_scope="module")

REPLY_TIMEOUT = 10.0
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_SOURCE = re.compile(r"ТАСС|БЕЛТА|Источник|источник|\b20(?:24|25)\b")

KALUGA_ARTICLE = """date 2025-09-30
Калужская область представила на ИННОПРОМ свои станки

МИНСК, 30 сентября. /БЕЛТА/. Губернатор Калужской области Владислав Шапша провел переговоры с \
белорусскими машиностроителями на выставке "ИННОПРОМ. Беларусь".
Калужская область и Гродненский облисполком подписали соглашение о сотрудничестве в области \
станкостроения.
По словам губернатора, товарооборот Калужской области с Беларусью в 2024 году превысил 300 \
миллионов долларов.
"""

# -- helpers ---------------------------------------------------------------------------------

_last_event: dict[tuple[int, str], float] = {}


async def _pace(user: dict[str, Any], kind: str) -> None:
    """Keep one user's messages (and presses) further apart than the bot's throttle: counted
    from when the bot answered the last one (a busy machine may handle it late), not from
    when it was sent."""
    key = (user["id"], kind)
    wait = _last_event.get(key, 0.0) + THROTTLE_SECONDS + 0.05 - time.monotonic()
    if wait > 0:
        await asyncio.sleep(wait)
    _last_event[key] = time.monotonic()


async def exchange(
    tg: FakeTelegram,
    update: dict[str, Any],
    chat_id: int,
    method: str = "sendMessage",
    *,
    timeout: float = REPLY_TIMEOUT,
) -> Call:
    """Queue ``update`` and wait for the bot's first ``method`` call to ``chat_id``."""
    event = update.get("message") or update.get("callback_query") or {}
    user = event.get("from")
    kind = "callback" if "callback_query" in update else "message"
    if user is not None:
        await _pace(user, kind)
    mark = tg.mark()
    tg.push_update(update)
    # calls failed by an injected fault (429, blocked chat) are retries' business: skip them
    call = await tg.wait_for(
        method, lambda c: c.fault is None, chat_id=chat_id, since=mark, timeout=timeout
    )
    if user is not None:
        # the bot's throttle counts from when it took the event, which a busy machine may
        # delay: the next event of this kind waits from the reply
        _last_event[(user["id"], kind)] = time.monotonic()
    assert call.ok, call
    if user is not None:
        _last_event[(user["id"], "callback" if "callback_query" in update else "message")] = (
            time.monotonic()
        )
    return call


async def say(tg: FakeTelegram, user: dict[str, Any], text: str) -> Call:
    """``user`` writes ``text`` in private; the bot's reply."""
    return await exchange(tg, tg.private_text(user, text), user["id"])


async def press(
    tg: FakeTelegram,
    user: dict[str, Any],
    message: Call | dict[str, Any],
    method: str,
    **which: Any,
) -> tuple[Call, Call]:
    """``user`` presses a button; (the bot's ``method`` call, its answerCallbackQuery)."""
    update = tg.press_button(user, message, **which)
    query_id = update["callback_query"]["id"]
    chat_id = update["callback_query"]["message"]["chat"]["id"]
    mark = tg.mark()
    call = await exchange(tg, update, chat_id, method)
    answered = await tg.wait_for(
        "answerCallbackQuery",
        lambda c: c.params.get("callback_query_id") == query_id,
        since=mark,
    )
    assert answered.ok
    return call, answered


def labels(call: Call | dict[str, Any]) -> list[str]:
    markup = call.reply_markup if isinstance(call, Call) else call.get("reply_markup")
    return [b["text"] for row in (markup or {}).get("inline_keyboard", []) for b in row]


def current(tg: FakeTelegram, call: Call) -> dict[str, Any]:
    """The message a send created, as it stands now."""
    return tg.message(call.result["chat"]["id"], call.result["message_id"])


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def articles(bot: BotProcess) -> int:
    """How many articles the bot serves (its seeds folder; an upload adds one)."""
    return len(list(bot.seeds.glob("*.txt")))


def bot_sends(tg: FakeTelegram, chat_id: int, since: int) -> list[Call]:
    return [
        c
        for c in tg.calls_of(since=since, chat_id=chat_id)
        if c.method in ("sendMessage", "editMessageText")
    ]


@pytest_asyncio.fixture(loop_scope="module", autouse=True)
async def telegram_accepted_everything(
    bot_process: BotProcess, e2e_tg: FakeTelegram
) -> AsyncIterator[None]:
    """After each test: no request Telegram would refuse, every text sane, bot still up."""
    mark = e2e_tg.mark()
    yield
    await e2e_tg.settle(quiet=0.15, timeout=3)
    assert e2e_tg.rejected(since=mark) == []
    for call in e2e_tg.calls_of(since=mark, ok=True):
        if call.method in ("sendMessage", "editMessageText"):
            text = call.result["text"]
            assert 1 <= utf16_len(text) <= 4096 and _CYRILLIC.search(text), call
            for button in call.buttons():
                data = button.get("callback_data")
                assert data is None or 1 <= len(data.encode()) <= 64, button


@pytest.fixture(scope="module")
def admin(e2e_tg: FakeTelegram) -> dict[str, Any]:
    return e2e_tg.users[ADMIN_ID]


# -- start-up ----------------------------------------------------------------------------------


async def test_startup_sets_menus_and_long_polls(
    bot_process: BotProcess, e2e_tg: FakeTelegram
) -> None:
    tg = e2e_tg
    assert bot_process.alive
    methods = [c.method for c in tg.calls]
    assert "getMe" in methods and "getUpdates" in methods
    if "deleteWebhook" in methods:
        assert methods.index("deleteWebhook") < methods.index("getUpdates")
    user = tg.new_user()
    public = {c["command"]: c["description"] for c in tg.visible_commands(user["id"], None, "ru")}
    assert {"start", "help", "agreements", "region", "sources"} <= set(public)
    assert not {"reload", "stats"} & set(public), "admin commands shown to everyone"
    assert all(_CYRILLIC.search(d) for d in public.values())
    admin_menu = {c["command"] for c in tg.visible_commands(ADMIN_ID, None, "ru")}
    assert {"reload", "stats"} <= admin_menu
    poll = tg.calls_of("getUpdates", in_flight=True)[0]
    assert {"message", "callback_query", "inline_query"} <= set(
        poll.params.get("allowed_updates") or []
    )
    assert poll.params.get("timeout", 0) >= 1, "getUpdates must long-poll"
    assert re.search(r"index.*\b5\b", bot_process.output()), "no one-line index summary logged"
    assert tg.rejected() == [], "start-up requests Telegram would refuse"


# -- private chat --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/start", "/help"])
async def test_start_and_help_in_russian_with_example_buttons(
    bot_process: BotProcess, e2e_tg: FakeTelegram, command: str
) -> None:
    tg = e2e_tg
    user = tg.new_user()
    reply = await say(tg, user, command)
    text = reply.text or ""
    assert len(_CYRILLIC.findall(text)) > 100, text
    assert "ИННОПРОМ" in text.upper()
    assert "/region" in text and "/agreements" in text and "/sources" in text
    assert articles(bot_process) in numbers(text), "should say how many articles it knows"
    assert "/reload" not in text, "admin commands in an ordinary user's help"
    examples = [b for b in reply.buttons() if "callback_data" in b]
    assert 3 <= len(examples) <= 4, labels(reply)
    assert all("?" in b["text"] for b in examples), labels(reply)
    answer, _ = await press(tg, user, reply, "sendMessage", index=0)
    assert _SOURCE.search(answer.text or ""), answer.text


async def test_admin_help_mentions_admin_commands(
    e2e_tg: FakeTelegram, admin: dict[str, Any]
) -> None:
    reply = await say(e2e_tg, admin, "/help")
    assert "/reload" in (reply.text or "")


async def test_question_gets_the_figure_and_a_source(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    mark = tg.mark()
    reply = await say(tg, user, "Сколько было посетителей?")
    text = reply.text or ""
    assert "14" in text, text
    assert _SOURCE.search(text), text
    typing = await tg.wait_for(
        "sendChatAction", chat_id=user["id"], since=mark, in_flight=True, timeout=2
    )
    assert typing.params["action"] == "typing"
    assert typing.index < reply.index, "the typing indicator should come before the answer"
    names = labels(reply)
    assert any("Источник" in n for n in names), names
    assert "👍" in names and "👎" in names, names


async def test_follow_up_is_understood_in_the_conversation(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    await say(tg, user, "Когда проходила выставка?")
    reply = await say(tg, user, "а где?")
    text = reply.text or ""
    assert text.startswith("Понял так: Где проходила выставка?"), text
    assert "Минск" in text and _SOURCE.search(text), text


async def test_more_edits_the_same_message_and_source_sends_the_paragraph(
    e2e_tg: FakeTelegram,
) -> None:
    tg = e2e_tg
    user = tg.new_user()
    reply = await say(tg, user, "Какие соглашения подписали?")
    first_text = reply.text
    assert any("Ещё" in n for n in labels(reply)), labels(reply)
    edit, answered = await press(tg, user, reply, "editMessageText", contains="Ещё")
    assert edit.params["message_id"] == reply.result["message_id"]
    assert edit.text and edit.text != first_text
    assert _SOURCE.search(edit.text), edit.text
    page2 = current(tg, reply)
    assert any("Источник" in n for n in labels(page2)), labels(page2)
    source, _ = await press(tg, user, page2, "sendMessage", contains="Источник")
    assert source.result["message_id"] != reply.result["message_id"]
    assert "«" in (source.text or "") and len(source.text or "") > 60, source.text


async def test_feedback_is_acknowledged(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    reply = await say(tg, user, "Кто такой Александр Субботин?")
    mark = tg.mark()
    update = tg.press_button(user, reply, text="👍")
    await _pace(user, "callback")
    tg.push_update(update)
    answered = await tg.wait_for(
        "answerCallbackQuery",
        lambda c: c.params["callback_query_id"] == update["callback_query"]["id"],
        since=mark,
    )
    assert answered.ok and _CYRILLIC.search(answered.params.get("text", "")), answered.params
    assert bot_sends(tg, user["id"], mark) == [], "a vote needs no new message"


async def test_agreements_are_paged_with_buttons(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    reply = await say(tg, user, "/agreements")
    page1 = reply.text or ""
    assert _SOURCE.search(page1) and len(numbers(page1)) >= 2, page1
    assert reply.buttons(), "6 agreements at 5 a page: a button to the next page"
    edit, _ = await press(tg, user, reply, "editMessageText", index=-1 % len(reply.buttons()))
    assert edit.params["message_id"] == reply.result["message_id"]
    assert edit.text and edit.text != page1
    back, _ = await press(tg, user, current(tg, reply), "editMessageText", index=0)
    assert back.text == page1


async def test_region_by_city_case_form_and_typo(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    first_lines = set()
    for query in ("Смоленск", "смоленской", "Смаленская"):
        reply = await say(tg, user, f"/region {query}")
        text = reply.text or ""
        assert "Смоленск" in text, (query, text)
        assert _SOURCE.search(text), text
        first_lines.add(text.splitlines()[0])
    assert len(first_lines) == 1, first_lines


async def test_region_without_argument_offers_every_region(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    reply = await say(tg, user, "/region")
    names = labels(reply)
    assert len(names) >= 5, names
    assert any("Смолен" in n for n in names) and any("Витеб" in n for n in names), names
    edit, _ = await press(tg, user, reply, "editMessageText", contains="Витеб")
    assert edit.params["message_id"] == reply.result["message_id"]
    assert "Витеб" in (edit.text or "") and "Субботин" in (edit.text or ""), edit.text


async def test_unknown_region_is_named_and_alternatives_offered(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    reply = await say(tg, user, "/region Атлантида")
    text = reply.text or ""
    assert "Атлантид" in text, text
    assert "Анохин" not in text and "Субботин" not in text, "a report for a region not asked"


async def test_sources_lists_the_articles(e2e_tg: FakeTelegram) -> None:
    reply = await say(e2e_tg, e2e_tg.new_user(), "/sources")
    text = reply.text or ""
    assert "ТАСС" in text and "БЕЛТА" in text, text
    assert text.count("«") >= 5 and "2025" in text, text


async def test_non_text_messages_get_a_hint(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    hints = [
        (await exchange(tg, tg.media_message(user, kind), user["id"])).text
        for kind in ("sticker", "photo", "voice")
    ]
    assert all(hint and _CYRILLIC.search(hint) and "14 тыс" not in hint for hint in hints)


async def test_edited_message_never_crashes(bot_process: BotProcess, e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    update = tg.private_text(user, "Сколько было посетителей?")
    await exchange(tg, update, user["id"])
    mark = tg.mark()
    tg.push_update(tg.edited_message(update["message"], "Сколько было стран?"))
    await tg.settle(quiet=0.5)
    assert all(c.ok for c in tg.calls_of(since=mark)), tg.calls[mark:]
    again = await say(tg, user, "Сколько было стран?")
    assert "24" in (again.text or "")
    assert bot_process.alive


async def test_throttling_tells_once_then_stays_quiet(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    mark = tg.mark()
    for text in ("Сколько было посетителей?", "А стран?", "А компаний?"):
        tg.push_update(tg.private_text(user, text))
    await tg.wait_for("sendMessage", chat_id=user["id"], since=mark)
    await tg.settle(quiet=THROTTLE_SECONDS + 0.3)
    sent = bot_sends(tg, user["id"], mark)
    assert len(sent) == 2, sent
    answer, notice = sorted(sent, key=lambda c: len(c.buttons()), reverse=True)
    assert "14" in (answer.text or "") and notice.buttons() == []


# -- inline mode ---------------------------------------------------------------------------------


async def test_inline_query_returns_sourced_snippets(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    mark = tg.mark()
    update = tg.push_update(tg.inline_query(user, "посетители"))
    query_id = update["inline_query"]["id"]
    answer = await tg.wait_for(
        "answerInlineQuery", lambda c: c.params["inline_query_id"] == query_id, since=mark
    )
    results = answer.params["results"]
    assert 1 <= len(results) <= 5, results
    texts = [r["input_message_content"]["message_text"] for r in results]
    assert any("14" in t for t in texts) and all(_SOURCE.search(t) for t in texts), texts
    assert answer.params.get("cache_time") is not None and answer.params["cache_time"] <= 60

    update = tg.push_update(tg.inline_query(user, "абракадабра кря"))
    nothing = await tg.wait_for(
        "answerInlineQuery",
        lambda c: c.params["inline_query_id"] == update["inline_query"]["id"],
        since=mark,
    )
    assert nothing.params["results"] == []
    button = nothing.params.get("button") or {}
    assert button.get("start_parameter") and _CYRILLIC.search(button.get("text", "")), button


# -- groups --------------------------------------------------------------------------------------


async def test_group_silent_unless_addressed_and_answers_as_reply(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    alice, bob = tg.new_user("Алиса"), tg.new_user("Борис")
    group = tg.new_group()
    mark = tg.mark()
    tg.push_update(tg.group_text(alice, group, "Коллеги, кто едет на выставку?"))
    tg.push_update(tg.group_text(bob, group, "Сколько было посетителей?"))
    tg.push_update(tg.media_message(bob, "sticker", group))
    tg.push_update(tg.group_text(bob, group, "/region@other_helper_bot Смоленская"))
    await tg.settle(quiet=0.6)
    assert bot_sends(tg, group["id"], mark) == [], "the bot spoke when nobody addressed it"

    command = tg.group_text(alice, group, f"/region@{tg.username} Смоленская")
    region = await exchange(tg, command, group["id"])
    assert region.reply_to == command["message"]["message_id"]
    assert "Смоленск" in (region.text or "")

    follow_up = tg.group_text(bob, group, "А сколько было посетителей?", reply_to=region.result)
    answer = await exchange(tg, follow_up, group["id"])
    assert answer.reply_to == follow_up["message"]["message_id"]
    assert "14" in (answer.text or "")

    mention = tg.group_text(alice, group, "кто такой Александр Субботин?", mention=True)
    answer = await exchange(tg, mention, group["id"])
    assert answer.reply_to == mention["message"]["message_id"]
    assert "Субботин" in (answer.text or "")
    await tg.settle(quiet=0.3)
    assert len(bot_sends(tg, group["id"], mark)) == 3


async def test_admin_commands_in_a_group_are_not_admin_commands(
    e2e_tg: FakeTelegram, admin: dict[str, Any]
) -> None:
    tg = e2e_tg
    group = tg.new_group()
    mark = tg.mark()
    anonymous = tg.group_text(admin, group, f"/reload@{tg.username}", anonymous_admin=True)
    refused = await exchange(tg, anonymous, group["id"])
    own = await exchange(tg, tg.group_text(admin, group, f"/reload@{tg.username}"), group["id"])
    unknown = await exchange(tg, tg.group_text(admin, group, f"/zzz@{tg.username}"), group["id"])
    assert refused.text == own.text == unknown.text
    assert "→" not in (refused.text or "")
    assert tg.calls_of("sendChatAction", since=mark) == []


# -- admin ---------------------------------------------------------------------------------------


async def test_non_admin_reload_is_an_unknown_command(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    unknown = await say(tg, user, "/frobnicate")
    for command in ("/reload", "/stats"):
        refused = await say(tg, user, command)
        assert refused.text == unknown.text, (command, refused.text)


async def test_admin_reload_reports_counts(
    bot_process: BotProcess, e2e_tg: FakeTelegram, admin: dict[str, Any]
) -> None:
    served = articles(bot_process)
    reply = await say(e2e_tg, admin, "/reload")
    text = reply.text or ""
    assert numbers(text).count(served) >= 2, text  # as many articles before as after
    assert not reply.buttons()


async def test_non_admin_document_is_not_downloaded(
    bot_process: BotProcess, e2e_tg: FakeTelegram
) -> None:
    tg = e2e_tg
    user = tg.new_user()
    before = sorted(p.name for p in bot_process.seeds.iterdir())
    mark = tg.mark()
    await exchange(tg, tg.document_message(user, KALUGA_ARTICLE.encode()), user["id"])
    assert tg.calls_of("getFile", since=mark) == [] and tg.calls_of("download", since=mark) == []
    assert sorted(p.name for p in bot_process.seeds.iterdir()) == before


async def test_admin_upload_adds_an_article_found_without_restart(
    bot_process: BotProcess, e2e_tg: FakeTelegram, admin: dict[str, Any]
) -> None:
    tg = e2e_tg
    user = tg.new_user()
    before = await say(tg, user, "/region Калуга")
    assert "Шапша" not in (before.text or "")
    seeds_before = {p.name for p in bot_process.seeds.iterdir()}
    served = articles(bot_process)
    mark = tg.mark()
    upload = tg.document_message(admin, KALUGA_ARTICLE.encode(), file_name="../../Калуга.txt")
    report = await exchange(tg, upload, admin["id"])
    assert tg.calls_of("getFile", since=mark, ok=True), "the document was not fetched"
    assert tg.calls_of("download", since=mark, ok=True), "the document was not downloaded"
    assert served + 1 in numbers(report.text or ""), report.text  # one article more
    added = {p.name for p in bot_process.seeds.iterdir()} - seeds_before
    assert len(added) == 1, added
    name = added.pop()
    assert name.endswith(".txt") and "Калуга" not in name and ".." not in name
    assert (bot_process.seeds / name).read_bytes() == KALUGA_ARTICLE.encode()
    assert not (bot_process.workdir.parent / "Калуга.txt").exists()

    after = await say(tg, user, "/region Калуга")
    assert "Калуж" in (after.text or "") and "Шапша" in (after.text or ""), after.text
    answer = await say(tg, user, "Кто губернатор Калужской области?")
    assert "Шапша" in (answer.text or ""), answer.text
    sources = await say(tg, user, "/sources")
    assert "станки" in (sources.text or ""), sources.text


def _stats(text: str) -> tuple[int, int]:
    """(questions, 👍) of a /stats reply."""
    # «15 вопросов, из них с ответом — 15» (older wording: «Вопросов: 15»)
    questions = re.search(r"(\d+)\s+вопрос|Вопросов\D{0,5}(\d+)", text)
    likes = re.search(r"👍\D{0,5}(\d+)", text)
    asked = int(questions.group(1) or questions.group(2)) if questions else 0
    return (asked, int(likes.group(1)) if likes else 0)


async def test_admin_stats_counts_questions(e2e_tg: FakeTelegram, admin: dict[str, Any]) -> None:
    tg = e2e_tg
    before = _stats((await say(tg, admin, "/stats")).text or "")
    user = tg.new_user()
    await say(tg, user, "Сколько было стран?")
    reply = await say(tg, user, "Сколько было посетителей?")
    mark = tg.mark()
    vote = tg.press_button(user, reply, text="👍")
    await _pace(user, "callback")
    tg.push_update(vote)
    await tg.wait_for(
        "answerCallbackQuery",
        lambda c: c.params["callback_query_id"] == vote["callback_query"]["id"],
        since=mark,
    )
    after_text = (await say(tg, admin, "/stats")).text or ""
    after = _stats(after_text)
    assert after[0] == before[0] + 2, (before, after_text)
    assert after[1] == before[1] + 1, (before, after_text)


# -- faults --------------------------------------------------------------------------------------


async def test_flood_control_is_retried_after_retry_after(e2e_tg: FakeTelegram) -> None:
    tg = e2e_tg
    user = tg.new_user()
    tg.inject(
        "sendMessage", "retry_after", retry_after=1, when=lambda p: p.get("chat_id") == user["id"]
    )
    mark = tg.mark()
    reply = await say(tg, user, "Сколько было посетителей?")
    first = tg.calls_of("sendMessage", since=mark, chat_id=user["id"])[0]
    assert first.status == 429 and reply.ok and "14" in (reply.text or "")
    assert reply.time - first.time >= 0.95, "retried before retry_after had passed"


async def test_blocked_user_does_not_stop_the_bot(
    bot_process: BotProcess, e2e_tg: FakeTelegram
) -> None:
    tg = e2e_tg
    blocker, other = tg.new_user(), tg.new_user()
    tg.block_chat(blocker["id"])
    try:
        mark = tg.mark()
        tg.push_update(tg.private_text(blocker, "Сколько было посетителей?"))
        await tg.wait_for("sendMessage", chat_id=blocker["id"], since=mark)
        reply = await say(tg, other, "Сколько было посетителей?")
        assert "14" in (reply.text or "")
        await tg.settle(quiet=0.3)
        tries = tg.calls_of("sendMessage", since=mark, chat_id=blocker["id"])
        assert len(tries) == 1 and tries[0].status == 403, "403 must not be retried"
    finally:
        tg.unblock_chat(blocker["id"])
    assert bot_process.alive


# -- shutdown ------------------------------------------------------------------------------------


async def test_sigterm_exits_zero_promptly_and_the_token_never_shows(
    bot_process: BotProcess, e2e_tg: FakeTelegram
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    code = await bot_process.terminate(timeout=10)
    assert code == 0, bot_process.output()[-3000:]
    # prompt: not the long poll's timeout nor the shutdown grace (8 s) for updates in flight
    assert loop.time() - started < 8, "SIGTERM took too long"
    assert e2e_tg.rejected() == [], "requests Telegram would refuse, over the whole module"
    output = bot_process.output()
    secret = e2e_tg.token.split(":", 1)[1]
    assert e2e_tg.token not in output and secret not in output
    assert "Traceback" not in output, output[-3000:]


async def test_sigterm_while_answering_delivers_the_reply(
    tmp_path_factory: pytest.TempPathFactory, seeds_index_path: Path
) -> None:
    """Issue 4: a reply in flight when SIGTERM arrives is delivered before the process exits.

    A bot process of its own on a server of its own: the module's bot must not take the
    update (it would, on a shared server, whatever order the tests run in)."""
    async with FakeTelegram(token=E2E_TOKEN) as tg:
        process = BotProcess(tg, tmp_path_factory.mktemp("bot-sigterm"), index=seeds_index_path)
        try:
            await process.start()
            user = tg.new_user()
            tg.inject(
                "sendMessage", "delay", delay=1.5, when=lambda p: p.get("chat_id") == user["id"]
            )
            mark = tg.mark()
            tg.push_update(tg.private_text(user, "Сколько было посетителей?"))
            in_flight = await tg.wait_for(
                "sendMessage", chat_id=user["id"], since=mark, in_flight=True,
                timeout=REPLY_TIMEOUT,
            )
            code = await process.terminate(timeout=10)
            assert code == 0, process.output()[-3000:]
            assert in_flight.ok, f"the reply in flight was lost: {in_flight!r}"
            assert tg.chat_messages(user["id"], from_bot=True), "the user never got the answer"
        finally:
            await process.kill()
