"""Throttling, 429 retries, blocked users, the error fallback, the token filter, limits."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import replace

import pytest
from bot_testkit import Harness, only

from bot import texts
from bot.app import RedactTokenFilter
from bot.config import Settings
from bot.render import to_text
from knowledge.reply import Span

REAL_LOOKING_TOKEN = "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_"


@pytest.fixture
def throttled(settings: Settings) -> Iterator[Harness]:
    """The bot with a 60-second throttle window."""
    h = Harness.start(replace(settings, throttle_seconds=60.0))
    yield h
    h.close()


async def test_throttling_tells_once_then_drops(throttled: Harness) -> None:
    """Second message within the window: one polite notice; third: silence."""
    chat = throttled.private()
    assert only(await chat.send("Сколько было посетителей?"), "sendMessage")
    notice = only(await chat.send("А компаний?"), "sendMessage")
    assert notice.text == texts.throttled(60)
    assert [c for c in await chat.send("А стран?") if c.method == "sendMessage"] == []
    assert throttled.store.stats().questions == 1
    other = throttled.private(user_id=5)
    assert "14" in only(await other.send("Сколько было посетителей?"), "sendMessage").text


async def test_throttled_button_press_is_still_answered(throttled: Harness) -> None:
    """A throttled callback gets an answer (else it spins) but no action."""
    chat = throttled.private()
    sent = only(await chat.send("Минск"), "sendMessage")
    await chat.press(sent.result["message_id"], texts.BUTTON_MORE)
    calls = await chat.press(sent.result["message_id"], texts.BUTTON_BACK)
    assert only(calls, "answerCallbackQuery").params["text"].startswith("Слишком часто")
    assert [c for c in calls if c.method == "editMessageText"] == []


async def test_throttling_ignores_group_chatter(throttled: Harness) -> None:
    """Unaddressed group messages do not use up the window."""
    chat = throttled.group()
    await chat.send("просто болтаем")
    calls = await chat.send("@innoprom_belarus_bot Сколько было посетителей?")
    assert "14" in only(calls, "sendMessage").text


async def test_429_is_retried_after_retry_after(harness: Harness) -> None:
    """Flood control on sendMessage: wait retry_after, send again, the user gets it."""
    harness.session.fail_next(
        "sendMessage", "Too Many Requests: retry after 1", 429, retry_after=1
    )
    calls = await harness.private().send("Сколько было посетителей?")
    attempts = [c for c in calls if c.method == "sendMessage"]
    assert [c.error is None for c in attempts] == [False, True]
    assert "14" in attempts[1].text


async def test_long_retry_after_is_not_waited_for(harness: Harness) -> None:
    """retry_after beyond the cap: give up at once; the user hears Telegram is failing."""
    harness.session.fail_next(
        "sendMessage", "Too Many Requests: retry after 300", 429, retry_after=300
    )
    calls = await harness.private().send("Сколько было посетителей?")
    attempts = [c for c in calls if c.method == "sendMessage"]
    assert attempts[0].error is not None
    assert attempts[-1].text == texts.TELEGRAM_FAILURE


async def test_blocked_user_is_logged_not_retried(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """403 from Telegram: one attempt, an INFO line, no fallback message."""
    harness.session.fail_next("sendMessage", "Forbidden: bot was blocked by the user", 403)
    with caplog.at_level(logging.INFO):
        calls = await harness.private().send("Сколько было посетителей?")
    assert [c.method for c in calls if c.method == "sendMessage"] == ["sendMessage"]
    assert "blocked" in caplog.text


async def test_unexpected_error_gets_a_polite_fallback(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A crash inside a handler: logged with traceback, the user gets a Russian apology."""
    harness.service.index.close()  # every search now raises sqlite3.ProgrammingError
    with caplog.at_level(logging.ERROR):
        calls = await harness.private().send("Сколько было посетителей?")
    assert only(calls, "sendMessage").text == texts.ERROR_FALLBACK
    assert "ProgrammingError" in caplog.text


def test_token_filter_redacts_messages_args_and_tracebacks() -> None:
    """Token-shaped strings and the configured secret never reach the log output."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokenFilter(secrets=("42:short-test-token",)))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("GET https://api.telegram.org/bot%s/getMe failed", REAL_LOOKING_TOKEN)
        logger.warning("token 42:short-test-token in text")
        try:
            raise RuntimeError(f"url /file/bot{REAL_LOOKING_TOKEN}/doc.txt")
        except RuntimeError:
            logger.exception("download failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert REAL_LOOKING_TOKEN not in output
    assert "short-test-token" not in output
    assert output.count("<redacted>") == 3
    assert "RuntimeError" in output


def test_long_replies_are_cut_to_telegram_limit() -> None:
    """Even a reply far over 4096 UTF-16 units (emoji count double) is cut to fit."""
    text = to_text((Span("начало "), Span("😀" * 3000, "bold"), Span("конец")))
    rendered, entities = text.render()
    assert rendered.startswith("начало 😀") and rendered.endswith("😀…")
    assert len(rendered.encode("utf-16-le")) // 2 <= 4096
    assert all(e.offset + e.length <= 4096 for e in entities)
