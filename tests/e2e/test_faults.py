"""Telegram faults (issue 4) against the real ``python -m bot run`` process.

The loopback Bot API server injects 500s, hung and dropped connections, 409 conflicts, 429
flood control and 403s into sendMessage, getUpdates, answerCallbackQuery, editMessageText,
getFile and file downloads.  Every test holds the bot to the same rules: it stays up, keeps
answering the other chats, logs what happened without the token and without tracebacks
(except the error router's own, deliberate one for a Telegram failure while answering), and
finally exits 0 on SIGTERM.

What the bot does, and why:

* 429: retried after ``retry_after`` — at most twice, and only when the wait is at most
  10 s (``bot.middlewares.retry``); then it gives up and the error router apologises.
* 500, a hung and then dropped connection, a dropped connection on a send: **not**
  retried (a hang here is the server holding the request 1–1.5 s, then dropping it; the
  bot's own 60 s request timeout ends in the same ``TelegramNetworkError``, too slowly for a
  test).  Telegram has no idempotency key, and a send whose answer was lost may well have
  been delivered, so a retry can post the answer twice.  The answer is lost; the user gets
  the error router's apology (once Telegram takes messages again) and can simply ask again.
* 403 (blocked, kicked): logged, never retried, no apology to a chat that cannot be written to.
* getUpdates failing in any way: aiogram's polling logs it and polls again after a growing
  backoff (1 s, 1.3 s, … up to 5 s); no update is lost or answered twice.
* answerCallbackQuery failing only leaves the button's spinner turning: logged, no apology.
* The article download failing during an admin upload: the admin is told in Russian that the
  file could not be fetched, and nothing is written to ``SEEDS_DIR``.

One bot process serves the module; no test relies on another having run (a test that stops
it leaves it to be started again for the next one).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio

from .conftest import ADMIN_ID, THROTTLE_SECONDS, BotProcess, make_bot
from .fake_api import Call, FakeTelegram, FaultKind

pytestmark = pytest.mark.asyncio(loop_scope="module")

REPLY_TIMEOUT = 10.0
QUESTION = "Сколько было посетителей?"  # answered with «14 тыс.» and a source
AGREEMENTS_QUESTION = "Какие соглашения подписали?"  # an answer with «Ещё»
BACKOFF_MIN = 0.95  # aiogram's polling backoff starts at 1 s
RETRY_CAP = 2  # RetryAfterMiddleware: retries after the first 429
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ", re.MULTILINE)
# The error router logs a failed update with its traceback on purpose; for these Telegram-side
# failures that is expected.  Any other traceback is a bug.
_DELIBERATE_TRACEBACK = re.compile(
    r"ERROR bot\.handlers\.errors: update \d+ failed: "
    r"Telegram(?:ServerError|NetworkError|RetryAfter)\("
)


# -- helpers -------------------------------------------------------------------------------------


def for_chat(chat_id: int) -> Callable[[dict[str, Any]], bool]:
    """A fault filter: only requests to this chat."""
    return lambda params: params.get("chat_id") == chat_id


def is_answer(call: Call) -> bool:
    """A send carrying the answer to ``QUESTION`` (sent or only attempted)."""
    return "14" in (call.text or "")


def is_apology(call: Call) -> bool:
    """The error router's apology: a plain Russian message that is not the answer."""
    text = call.text or ""
    return (
        call.ok is True
        and bool(_CYRILLIC.search(text))
        and not is_answer(call)
        and not (call.buttons())
    )


def sends(tg: FakeTelegram, chat_id: int, since: int) -> list[Call]:
    """Every sendMessage/editMessageText to a chat since ``since``, answered or failed."""
    return [
        c
        for c in tg.calls_of(since=since, chat_id=chat_id)
        if c.method in ("sendMessage", "editMessageText")
    ]


def polls(tg: FakeTelegram, since: int) -> list[Call]:
    """The bot's own getUpdates calls (a competitor's carry no ``allowed_updates``)."""
    return [
        c
        for c in tg.calls_of("getUpdates", since=since, in_flight=True)
        if c.params.get("allowed_updates")
    ]


async def ask(
    tg: FakeTelegram, user: dict[str, Any], text: str = QUESTION, *, timeout: float = REPLY_TIMEOUT
) -> Call:
    """``user`` writes in private; the bot's first successful send to them."""
    mark = tg.mark()
    tg.push_update(tg.private_text(user, text))
    return await tg.wait_for(
        "sendMessage", chat_id=user["id"], since=mark, ok=True, timeout=timeout
    )


async def pause_for_throttle() -> None:
    """The same user again: wait out the bot's per-user throttle."""
    await asyncio.sleep(THROTTLE_SECONDS + 0.1)


def log_records(text: str) -> list[str]:
    """The output split into log records (a record's traceback stays with it)."""
    starts = [m.start() for m in _LOG_RECORD.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def unexpected_tracebacks(text: str) -> list[str]:
    return [
        record
        for record in log_records(text)
        if "Traceback" in record and not _DELIBERATE_TRACEBACK.search(record)
    ]


def refused(tg: FakeTelegram, since: int = 0) -> list[Call]:
    """Requests Telegram would refuse, but for polls cut short by a competing poller."""
    return [
        c
        for c in tg.rejected(since=since)
        if not (c.status == 409 and "other getUpdates" in (c.description or ""))
    ]


def token_leaks(tg: FakeTelegram, text: str) -> bool:
    secret = tg.token.split(":", 1)[1]
    return tg.token in text or secret in text


class Log:
    """The bot's output since a point (stdout and stderr together)."""

    def __init__(self, process: BotProcess) -> None:
        self.process = process
        self.out, self.err = len(process.stdout), len(process.stderr)

    @property
    def text(self) -> str:
        data = bytes(self.process.stdout[self.out :]) + bytes(self.process.stderr[self.err :])
        return data.decode("utf-8", "replace")

    async def wait_for(self, pattern: str, timeout: float = 3.0) -> str:
        """The first output line matching ``pattern`` (regex), waiting for it to be written."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(f".*(?:{pattern}).*", self.text)
            if match:
                return match.group()
            if time.monotonic() > deadline:
                raise AssertionError(f"no log line matching {pattern!r} in:\n{self.text[-3000:]}")
            await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
def admin(e2e_tg: FakeTelegram) -> dict[str, Any]:
    return e2e_tg.users[ADMIN_ID]


@pytest_asyncio.fixture(loop_scope="module")
async def log(bot_process: BotProcess) -> Log:
    return Log(bot_process)


@pytest_asyncio.fixture(loop_scope="module", autouse=True)
async def the_bot_holds(
    request: pytest.FixtureRequest, bot_process: BotProcess, e2e_tg: FakeTelegram
) -> AsyncIterator[None]:
    """After each test: faults cleared, bot alive, nothing refused, no leak, no stray trace."""
    tg = e2e_tg
    stops_the_bot = request.node.name.startswith("test_sigterm")
    mark = tg.mark()
    output = Log(bot_process)
    try:
        yield
    finally:
        tg.clear_faults()
    if not stops_the_bot:
        await tg.settle(quiet=0.2, timeout=5)
        assert bot_process.proc is not None and bot_process.proc.returncode is None, output.text
    assert refused(tg, mark) == [], "requests Telegram would refuse"
    assert not token_leaks(tg, output.text), "the token is in the bot's output"
    assert unexpected_tracebacks(output.text) == []


# -- sendMessage: 500, hung and dropped connections ------------------------------------------


async def test_server_error_on_send_loses_that_answer_only(e2e_tg: FakeTelegram, log: Log) -> None:
    tg = e2e_tg
    victim, others = tg.new_user(), [tg.new_user() for _ in range(3)]
    tg.inject("sendMessage", "server_error", when=for_chat(victim["id"]))
    mark = tg.mark()
    for user in (victim, *others):
        tg.push_update(tg.private_text(user, QUESTION))
    for user in others:
        reply = await tg.wait_for("sendMessage", chat_id=user["id"], since=mark, ok=True)
        assert is_answer(reply), reply
    apology = await tg.wait_for("sendMessage", is_apology, chat_id=victim["id"], since=mark)
    await tg.settle(quiet=0.5)
    failed, *rest = sends(tg, victim["id"], mark)
    assert failed.status == 500 and is_answer(failed), failed
    assert rest == [apology], "a send that got a 500 must not be retried (it may double-post)"
    line = await log.wait_for("Internal Server Error")
    assert "sendMessage" in line or "TelegramServerError" in line, line

    await pause_for_throttle()
    again = await ask(tg, victim)
    assert is_answer(again), "the user who lost an answer is answered on asking again"


@pytest.mark.parametrize("kind", ["timeout", "drop"])
async def test_hung_or_dropped_send_does_not_hold_up_other_chats(
    e2e_tg: FakeTelegram, log: Log, kind: FaultKind
) -> None:
    tg = e2e_tg
    victim, other = tg.new_user(), tg.new_user()
    # «timeout»: the server sits on the request for 1.5 s, then closes the connection
    tg.inject("sendMessage", kind, delay=1.5, when=for_chat(victim["id"]))
    mark = tg.mark()
    tg.push_update(tg.private_text(victim, QUESTION))
    hung = await tg.wait_for(
        "sendMessage", chat_id=victim["id"], since=mark, in_flight=True, timeout=REPLY_TIMEOUT
    )
    reply = await ask(tg, other)
    assert is_answer(reply)
    if kind == "timeout":
        assert hung.ok is None, "the other chat should be answered while one send hangs"
    apology = await tg.wait_for(
        "sendMessage", is_apology, chat_id=victim["id"], since=mark, timeout=REPLY_TIMEOUT
    )
    assert hung.ok is False and hung.description == "connection dropped", hung
    await tg.settle(quiet=0.3)
    assert sends(tg, victim["id"], mark) == [hung, apology], "a dropped send is not retried"
    await log.wait_for("TelegramNetworkError|Server ?disconnected|Connection")

    await pause_for_throttle()
    assert is_answer(await ask(tg, victim))


# -- getUpdates: dropped, hung, 500, 409, 429 ------------------------------------------------


async def fault_next_poll(tg: FakeTelegram, kind: FaultKind, **options: Any) -> tuple[int, Call]:
    """Inject a fault into getUpdates and make the bot meet it.

    The long poll in flight started before the fault: an update for a bystander ends it, and
    the bot's next poll is the faulty one.  Returns (mark before, the faulty poll).
    """
    tg.inject("getUpdates", kind, **options)
    bystander = tg.new_user()
    mark = tg.mark()
    tg.push_update(tg.private_text(bystander, QUESTION))
    faulty = await tg.wait_for(
        "getUpdates", lambda c: c.fault == kind, since=mark, in_flight=True, timeout=12
    )
    answered = await tg.wait_for(
        "sendMessage", chat_id=bystander["id"], since=mark, ok=True, timeout=REPLY_TIMEOUT
    )
    assert is_answer(answered), "the update delivered just before the fault was lost"
    return mark, faulty


@pytest.mark.parametrize(("kind", "times"), [("drop", 1), ("timeout", 1), ("server_error", 2)])
async def test_polling_recovers_with_backoff(
    e2e_tg: FakeTelegram, log: Log, kind: FaultKind, times: int
) -> None:
    tg = e2e_tg
    mark, _ = await fault_next_poll(tg, kind, times=times, delay=1.0)
    later = [tg.new_user() for _ in range(2)]
    updates = [tg.push_update(tg.private_text(user, QUESTION)) for user in later]
    for user in later:
        reply = await tg.wait_for(
            "sendMessage", chat_id=user["id"], since=mark, ok=True, timeout=REPLY_TIMEOUT
        )
        assert is_answer(reply)
    await tg.settle(quiet=0.3)
    for user in later:
        assert len(sends(tg, user["id"], mark)) == 1, "an update answered twice"
    for update in updates:
        assert tg.delivered.count(update["update_id"]) == 1, "an update delivered twice"

    bot_polls = polls(tg, mark)
    failed = [c for c in bot_polls if c.fault == kind]
    assert len(failed) == times, bot_polls
    for call in failed:  # every failed poll is followed by another, no sooner than the backoff
        following = next(c for c in bot_polls if c.index > call.index)
        assert call.finished is not None
        assert following.time - call.finished >= BACKOFF_MIN, (call, following)
    await log.wait_for("Failed to fetch updates")
    await log.wait_for("Connection established")


async def test_conflict_with_another_instance_is_survived(e2e_tg: FakeTelegram, log: Log) -> None:
    """A second poller with the same token (a stray deployment) for two seconds, then gone."""
    tg = e2e_tg
    mark = tg.mark()
    competitor = make_bot(tg)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 2.0
    try:
        while loop.time() < deadline:
            try:
                got = await competitor.get_updates(timeout=1)
            except Exception as exc:  # noqa: BLE001 - the bot's poll terminated ours: 409
                assert "Conflict" in str(exc), exc
            else:
                assert got == [], "no update should have been queued"
    finally:
        await competitor.session.close()
    cut_short = [c for c in polls(tg, mark) if c.status == 409]
    assert cut_short, "the competitor never got in the bot's way"
    await log.wait_for("TelegramConflictError")

    user = tg.new_user()
    reply = await ask(tg, user, timeout=REPLY_TIMEOUT)
    assert is_answer(reply), "the bot did not take polling back once the conflict cleared"
    await tg.wait_for(  # and it is long-polling again
        "getUpdates",
        lambda c: c.ok is None and bool(c.params.get("allowed_updates")),
        since=mark,
        in_flight=True,
    )


async def test_flood_control_on_getupdates_waits_retry_after(
    e2e_tg: FakeTelegram, log: Log
) -> None:
    tg = e2e_tg
    mark, limited = await fault_next_poll(tg, "retry_after", retry_after=1)
    user = tg.new_user()
    reply = await ask(tg, user)
    assert is_answer(reply)
    bot_polls = polls(tg, mark)
    following = next(c for c in bot_polls if c.index > limited.index)
    assert limited.finished is not None and following.time - limited.finished >= 0.95
    await log.wait_for("flood control on getUpdates")


# -- 403 among busy chats ------------------------------------------------------------------------


async def test_kicked_from_a_group_while_private_chats_are_answered(
    e2e_tg: FakeTelegram, log: Log
) -> None:
    tg = e2e_tg
    group = tg.new_group("Группа, откуда бота удалили")
    members = [tg.new_user() for _ in range(2)]
    privates = [tg.new_user() for _ in range(4)]
    tg.block_chat(group["id"])
    start = tg.mark()
    for member in members:  # two questions in the group, each among four private ones
        await pause_for_throttle()
        mark = tg.mark()
        tg.push_update(tg.group_text(member, group, QUESTION, mention=True))
        for user in privates:
            tg.push_update(tg.private_text(user, QUESTION))
        for user in privates:
            reply = await tg.wait_for(
                "sendMessage", chat_id=user["id"], since=mark, ok=True, timeout=REPLY_TIMEOUT
            )
            assert is_answer(reply)
    await tg.settle(quiet=0.5)
    for user in privates:
        assert len(sends(tg, user["id"], start)) == 2
    tries = sends(tg, group["id"], start)
    assert len(tries) == 2 and all(c.status == 403 for c in tries), "403: one try per question"
    assert not any(is_apology(c) for c in tries)
    await log.wait_for("kicked from the supergroup")


# -- 429 beyond the cap ------------------------------------------------------------------------


async def test_endless_flood_control_gives_up_after_the_cap(
    e2e_tg: FakeTelegram, log: Log
) -> None:
    tg = e2e_tg
    flooded, other = tg.new_user(), tg.new_user()
    fault = tg.inject(
        "sendMessage", "retry_after", times=None, retry_after=1, when=for_chat(flooded["id"])
    )
    mark = tg.mark()
    tg.push_update(tg.private_text(flooded, QUESTION))
    reply = await ask(tg, other)
    assert is_answer(reply), "another chat waited on someone else's flood control"
    # The answer: 1 try + RETRY_CAP retries, then the apology the same way; then silence.
    attempts = 2 * (1 + RETRY_CAP)
    deadline = asyncio.get_running_loop().time() + attempts * 1.0 + 4
    while len(sends(tg, flooded["id"], mark)) < attempts:
        assert asyncio.get_running_loop().time() < deadline, sends(tg, flooded["id"], mark)
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.3)  # longer than retry_after: a further retry would show by now
    tries = sends(tg, flooded["id"], mark)
    assert len(tries) == attempts and all(c.status == 429 for c in tries), tries
    answer_tries = tries[: 1 + RETRY_CAP]
    assert all(is_answer(c) for c in answer_tries), answer_tries
    for before, after in itertools.pairwise(answer_tries):
        assert before.finished is not None and after.time - before.finished >= 0.95
    assert fault.hits == attempts
    await log.wait_for("giving up")

    tg.clear_faults()  # the flood is over: the same chat is answered again
    assert is_answer(await ask(tg, flooded))


async def test_retry_after_longer_than_the_cap_is_not_waited_out(
    e2e_tg: FakeTelegram, log: Log
) -> None:
    tg = e2e_tg
    user = tg.new_user()
    tg.inject("sendMessage", "retry_after", retry_after=60, when=for_chat(user["id"]))
    mark = tg.mark()
    started = asyncio.get_running_loop().time()
    tg.push_update(tg.private_text(user, QUESTION))
    apology = await tg.wait_for("sendMessage", is_apology, chat_id=user["id"], since=mark)
    assert apology.time - started < 3, "the bot sat out a 60 s retry_after"
    tries = sends(tg, user["id"], mark)
    assert len(tries) == 2 and tries[0].status == 429 and is_answer(tries[0]), tries
    await log.wait_for("retry_after=60 s, giving up")


# -- button presses during faults --------------------------------------------------------------


async def _press_more(tg: FakeTelegram, user: dict[str, Any], message: dict[str, Any]) -> str:
    """Press «Ещё» (or «Назад») under ``message``; the callback query id."""
    labels = [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]
    label = next(t for t in labels if "Ещё" in t or "Назад" in t)
    await pause_for_throttle()
    update = tg.press_button(user, message, text=label)
    tg.push_update(update)
    return str(update["callback_query"]["id"])


@pytest.mark.parametrize(
    ("method", "kind"),
    [
        ("answerCallbackQuery", "server_error"),
        ("answerCallbackQuery", "drop"),
        ("editMessageText", "server_error"),
        ("editMessageText", "timeout"),
    ],
)
async def test_more_button_during_a_fault(
    e2e_tg: FakeTelegram, log: Log, method: str, kind: FaultKind
) -> None:
    tg = e2e_tg
    user = tg.new_user()
    reply = await ask(tg, user, AGREEMENTS_QUESTION)
    chat_id, message_id = user["id"], reply.result["message_id"]
    first_page = reply.text
    tg.inject(method, kind, delay=1.0)
    mark = tg.mark()
    query_id = await _press_more(tg, user, reply.result)
    answer = await tg.wait_for(
        "answerCallbackQuery",
        lambda c: c.params.get("callback_query_id") == query_id,
        since=mark,
        timeout=REPLY_TIMEOUT,
    )
    await tg.settle(quiet=0.5)
    edits = tg.calls_of("editMessageText", since=mark, chat_id=chat_id)
    messages = tg.calls_of("sendMessage", since=mark, chat_id=chat_id)
    assert len(edits) == 1, "one edit per press, no retry"
    assert tg.calls_of("answerCallbackQuery", since=mark) == [answer], "answered once"
    if method == "answerCallbackQuery":
        assert answer.fault == kind and edits[0].ok, "the page should have turned all the same"
        assert messages == [], "a failed callback answer is no reason to apologise in the chat"
        await log.wait_for("answerCallbackQuery")
    else:
        assert answer.ok, "the button must stop spinning even when the edit failed"
        assert edits[0].fault == kind
        assert tg.message(chat_id, message_id)["text"] == first_page
        assert len(messages) <= 1 and all(is_apology(c) for c in messages), messages

    # the fault is over: the same button works
    tg.clear_faults()
    mark = tg.mark()
    await _press_more(tg, user, tg.message(chat_id, message_id))
    turned = await tg.wait_for("editMessageText", chat_id=chat_id, since=mark, ok=True)
    assert turned.params["message_id"] == message_id


# -- admin upload: the download fails ------------------------------------------------------------

ARTICLE = """date 2025-09-30
{title}

МИНСК, 30 сентября. /БЕЛТА/. Делегация {region} провела переговоры с белорусскими \
машиностроителями на выставке "ИННОПРОМ. Беларусь" и подписала соглашение о поставках \
{goods} на {amount} миллионов долларов.
"""
_UPLOADS = {
    ("getFile", "server_error"): ("Тульская область", "Тульской области", "станков", 12),
    ("download", "server_error"): ("Рязанская область", "Рязанской области", "тракторов", 15),
    ("download", "drop"): ("Брянская область", "Брянской области", "автобусов", 17),
    ("download", "timeout"): ("Курская область", "Курской области", "лифтов", 19),
}


def seeds_state(process: BotProcess) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in process.seeds.iterdir()}


@pytest.mark.parametrize(("method", "kind"), list(_UPLOADS))
async def test_admin_upload_when_the_download_fails(
    bot_process: BotProcess,
    e2e_tg: FakeTelegram,
    admin: dict[str, Any],
    log: Log,
    method: str,
    kind: FaultKind,
) -> None:
    tg = e2e_tg
    region, genitive, goods, amount = _UPLOADS[(method, kind)]
    article = ARTICLE.format(
        title=f"{region} договорилась о поставках {goods}",
        region=genitive,
        goods=goods,
        amount=amount,
    ).encode()
    before = seeds_state(bot_process)
    # aiohttp itself repeats a GET once when a reused connection drops: fail that one too
    tg.inject(method, kind, delay=0.5, times=1 if kind == "server_error" else 2)
    await pause_for_throttle()
    mark = tg.mark()
    tg.push_update(tg.document_message(admin, article, file_name=f"{region}.txt"))
    report = await tg.wait_for(
        "sendMessage", chat_id=admin["id"], since=mark, ok=True, timeout=REPLY_TIMEOUT
    )
    text = report.text or ""
    assert tg.calls_of(method, since=mark)[0].fault == kind
    # not the generic apology: the admin learns that the file could not be fetched
    assert "файл" in text.lower() and re.search(r"скача|загруз", text, re.IGNORECASE), text
    await tg.settle(quiet=0.3)
    assert seeds_state(bot_process) == before, "something was written to SEEDS_DIR"
    assert not token_leaks(tg, text)
    await log.wait_for("download|getFile")

    # the same file again, now that Telegram serves it: saved, under a name of the bot's
    tg.clear_faults()
    await pause_for_throttle()
    mark = tg.mark()
    tg.push_update(tg.document_message(admin, article, file_name=f"{region}.txt"))
    saved = await tg.wait_for(
        "sendMessage", chat_id=admin["id"], since=mark, ok=True, timeout=REPLY_TIMEOUT
    )
    assert region in (saved.text or ""), saved.text
    added = set(seeds_state(bot_process)) - set(before)
    assert len(added) == 1, (added, saved.text)
    assert seeds_state(bot_process)[added.pop()] == article


# -- shutdown ------------------------------------------------------------------------------------


async def test_sigterm_after_all_the_faults_exits_zero(
    bot_process: BotProcess, e2e_tg: FakeTelegram
) -> None:
    tg = e2e_tg
    assert is_answer(await ask(tg, tg.new_user())), "still answering after every fault"
    loop = asyncio.get_running_loop()
    started = loop.time()
    code = await bot_process.terminate(timeout=10)
    output = bot_process.output()
    assert code == 0, output[-3000:]
    # prompt: not the long poll's timeout nor the shutdown grace (8 s) for updates in flight
    assert loop.time() - started < 8, "SIGTERM took too long"
    assert not token_leaks(tg, output)
    assert unexpected_tracebacks(output) == []
    assert refused(tg) == [], "requests Telegram would refuse, over the whole module"
    assert "bot stopped" in output
