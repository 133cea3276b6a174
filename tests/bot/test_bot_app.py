"""Start-up paths of ``innoprom-bot run`` and the webhook app (secret token, /health)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer
from bot_testkit import Harness, only

from bot.app import create_bot, create_webhook_app, run_bot
from bot.config import PROJECT_ROOT, Secret, Settings

SECRET = "s3cret-token_for-tests"


def test_without_token_explains_in_one_line(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """No BOT_TOKEN: exit code 2, one line pointing to the console chat, no traceback."""
    assert run_bot(replace(settings, bot_token=Secret(""))) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "innoprom-bot chat" in err and "Traceback" not in err


def test_malformed_token_is_refused(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """A token that cannot be one: exit code 2 and the reason, never the token itself."""
    assert run_bot(replace(settings, bot_token=Secret("not a token"))) == 2
    err = capsys.readouterr().err
    assert "BOT_TOKEN" in err and "not a token" not in err


def test_webhook_requires_a_secret(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    """WEBHOOK_URL without WEBHOOK_SECRET would accept anyone's updates: refuse to start."""
    assert run_bot(replace(settings, webhook_url="https://bot.example.com/webhook")) == 2
    assert "WEBHOOK_SECRET" in capsys.readouterr().err


def test_telegram_api_url_is_used(settings: Settings) -> None:
    """TELEGRAM_API_URL points the bot's requests and file downloads at that server."""
    bot = create_bot(replace(settings, telegram_api_url="http://127.0.0.1:8081"))
    api = bot.session.api
    assert api.api_url(token="T", method="getMe") == "http://127.0.0.1:8081/botT/getMe"
    assert api.file_url(token="T", path="a/b.txt") == "http://127.0.0.1:8081/file/botT/a/b.txt"


async def test_webhook_checks_the_secret_and_serves_health(settings: Settings) -> None:
    """Without the secret header: 401. With it: the update is handled. /health: the index."""
    harness = Harness.start(replace(settings, webhook_secret=Secret(SECRET)))
    chat = harness.private()  # registers the chat with the local Bot API
    app = create_webhook_app(harness.bot, harness.dp, harness.settings)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1759000000,
            "chat": chat.chat,
            "from": chat.user,
            "text": "/sources",
        },
    }
    async with TestClient(TestServer(app)) as client:
        health = await client.get("/health")
        assert health.status == 200
        body = await health.json()
        assert (body["status"], body["articles"], body["reloading"]) == ("ok", 5, False)
        refused = await client.post(settings.webhook_path, json=update)
        assert refused.status == 401
        wrong = await client.post(
            settings.webhook_path,
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
        )
        assert wrong.status == 401
        assert harness.session.sent("sendMessage") == []
        accepted = await client.post(
            settings.webhook_path,
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert accepted.status == 200
        for _ in range(100):  # handled in the background, as Telegram wants
            if harness.session.sent("sendMessage"):
                break
            await asyncio.sleep(0.01)
    harness.close()
    sent = only(harness.session.calls, "sendMessage")
    assert "Я отвечаю по 5 статьям" in sent.text
    assert [c.method for c in harness.session.calls].count("setMyCommands") == 2


def test_cli_ask_does_not_import_aiogram() -> None:
    """`innoprom-bot ask/build/eval` stay free of aiogram (fast start, no Telegram stack)."""
    code = (
        "import sys; import bot.cli; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'aiogram'], 'aiogram loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT_ROOT)


async def test_shutdown_lets_the_answer_in_flight_finish(settings: Settings) -> None:
    """SIGTERM during an answer: shutdown waits for it before closing index and session."""
    harness = Harness.start(settings)
    in_flight = harness.dp["in_flight"]
    task = asyncio.create_task(harness.private().send("Сколько было посетителей?"))
    for _ in range(1000):
        if in_flight.count:
            break
        await asyncio.sleep(0)
    assert in_flight.count == 1 and not task.done()
    await harness.dp.emit_shutdown(bot=harness.bot, **harness.dp.workflow_data)
    assert task.done()
    assert "14" in only(task.result(), "sendMessage").text
