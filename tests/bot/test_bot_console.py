"""``innoprom-bot chat``: the README's first command, driven with scripted input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bot_testkit import UNSEEN
from click.testing import CliRunner

from bot.cli import cli
from bot.config import Settings
from bot.console import run_console


def chat(settings: Settings, lines: list[str], admin: bool = False) -> str:
    out = io.StringIO()
    code = run_console(
        settings, admin=admin, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out
    )
    assert code == 0
    return out.getvalue()


def test_console_answers_and_buttons_are_pressable(settings: Settings) -> None:
    """A question, then «Источник 1» by number, a region, inline mode, quit."""
    output = chat(
        settings,
        ["/start", "Сколько было посетителей?", "1", "/region витебской", ":inline Минск", ":q"],
    )
    assert "вы ▸ Сколько было посетителей?" in output
    assert "бот ▸ 1. Выставку" in output
    assert "[1] Источник" in output and "[2] 👍" in output
    assert "вы ▸ 1\nбот ▸ «" in output  # «Источник 1»: the article title heads the paragraph
    assert "бот ▸ Витебская область" in output
    assert "встроенный режим ▸" in output
    assert "Telegram отклонил бы" not in output


def test_console_more_edits_and_unknown_numbers(settings: Settings) -> None:
    """«Ещё» shows the edited message; a number with no button says so."""
    output = chat(settings, ["Минск", "4", "9", "Где пройдёт следующая выставка?"])
    assert "бот ✎ 4. " in output
    assert "Нет кнопки с таким номером." in output


def test_console_admin_reloads_and_uploads(settings: Settings) -> None:
    """--admin: /reload, :file upload and /stats work; a missing file is explained."""
    output = chat(
        settings,
        [
            "/reload",
            f":file {UNSEEN / 'u02_tass_results.txt'}",
            ":file /nonexistent/file.txt",
            "/stats",
        ],
        admin=True,
    )
    assert "Индекс перестроен" in output
    assert "Статья сохранена" in output and "Статей: 5 → 6" in output
    assert "Не удалось прочитать файл" in output
    assert "Вопросов пока не было." in output


def test_console_user_is_not_admin(settings: Settings) -> None:
    """Without --admin the console user cannot reload."""
    output = chat(settings, ["/reload"])
    assert "Не знаю такой команды" in output


def test_cli_chat_command(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The installed command: settings from the environment, input from stdin."""
    monkeypatch.chdir(tmp_path)  # no .env from the project
    monkeypatch.setenv("SEEDS_DIR", str(settings.seeds_dir))
    monkeypatch.setenv("INDEX_PATH", str(settings.index_path))
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["chat"], input="Что подписали БЕЛАЗ и ИнДев?\n")
    assert result.exit_code == 0, result.output
    assert "БЕЛАЗ" in result.output
    assert "Консольный чат" in result.output
