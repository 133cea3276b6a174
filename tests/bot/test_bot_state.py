"""The state database: questions, answered flag, feedback, stats — and nothing personal."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.state import MAX_QUESTION_CHARS, StateStore, chat_key

CHAT = 1001
OTHER_CHAT = 2002


def test_questions_feedback_and_stats(tmp_path: Path) -> None:
    """Counts, the last vote per question, declined questions grouped by wording."""
    store = StateStore(tmp_path / "state.db")
    first = store.record_question("Сколько было посетителей?", answered=True, chat_id=CHAT)
    store.record_question("Погода на Марсе?", answered=False, chat_id=CHAT)
    store.record_question("  погода на марсе  ", answered=False, chat_id=OTHER_CHAT)
    store.record_question("Кто победил?", answered=False, chat_id=CHAT)
    assert store.question(first, CHAT) == "Сколько было посетителей?"
    assert store.question("999", CHAT) is None
    assert store.set_feedback(first, CHAT, 1)
    assert store.set_feedback(first, CHAT, -1)
    assert not store.set_feedback("999", CHAT, 1)
    with pytest.raises(ValueError):
        store.set_feedback(first, CHAT, 5)
    stats = store.stats()
    assert (stats.questions, stats.answered, stats.likes, stats.dislikes) == (4, 1, 0, 1)
    assert stats.answered_share == 0.25
    assert stats.top_declined == (("Погода на Марсе?", 2), ("Кто победил?", 1))
    store.close()


def test_a_token_works_only_in_its_own_chat(tmp_path: Path) -> None:
    """Tokens are random, not sequential; another chat gets nothing for one and cannot vote."""
    store = StateStore(tmp_path / "state.db")
    tokens = [store.record_question(f"вопрос {i}", True, CHAT) for i in range(50)]
    assert len(set(tokens)) == 50 and all(len(t) == 11 for t in tokens)
    assert not any(t.isdigit() for t in tokens)
    assert store.question(tokens[0], OTHER_CHAT) is None
    assert not store.set_feedback(tokens[0], OTHER_CHAT, -1)
    assert store.stats().dislikes == 0
    assert store.set_feedback(tokens[0], CHAT, 1)
    assert store.stats().likes == 1
    store.close()


def test_survives_a_restart_and_stores_no_ids(tmp_path: Path) -> None:
    """With the same key buttons work after a restart; no column holds a chat id."""
    path = tmp_path / "nested" / "state.db"
    key = chat_key("123456:secret")
    store = StateStore(path, key=key)
    token = store.record_question("x" * 2000, answered=False, chat_id=-1001234567890)
    store.close()
    store = StateStore(path, key=key)
    assert store.question(token, -1001234567890) == "x" * MAX_QUESTION_CHARS
    store.close()
    assert StateStore(path, key=chat_key("другой токен")).question(token, -1001234567890) is None
    conn = sqlite3.connect(path)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(questions)")}
    (row,) = conn.execute("SELECT * FROM questions").fetchall()
    conn.close()
    assert columns == {
        "id", "asked_on", "question", "norm", "answered", "feedback", "token", "chat"
    }
    assert not any("1234567890" in str(value) for value in row)


def test_state_files_are_private(tmp_path: Path) -> None:
    """The database and its WAL files are created readable by the bot's user only, and an
    older world-readable file is tightened when opened."""
    path = tmp_path / "state.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    store = StateStore(path)
    store.record_question("Сколько было посетителей?", True, CHAT)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("state.db")]
    assert {p.name for p in files} >= {"state.db", "state.db-wal", "state.db-shm"}
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
    store.close()
    fresh = tmp_path / "fresh" / "state.db"
    StateStore(fresh).close()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_old_questions_are_purged(tmp_path: Path) -> None:
    """Questions older than the retention period go at start and on the next day's first
    question; /stats counts only what is kept."""
    path = tmp_path / "state.db"
    store = StateStore(path, retention_days=30)
    store.record_question("Свежий вопрос", False, CHAT)
    old_day = (datetime.now(UTC).date() - timedelta(days=31)).isoformat()
    edge_day = (datetime.now(UTC).date() - timedelta(days=30)).isoformat()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO questions (asked_on, question, norm, answered) VALUES "
            "(?, 'телефон +375 29 123-45-67', 'x', 0), (?, 'на грани', 'y', 0)",
            (old_day, edge_day),
        )
    store.close()
    store = StateStore(path, retention_days=30)  # at start
    assert {q for q, _ in store.stats().top_declined} == {"Свежий вопрос", "на грани"}
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    assert store.purge(tomorrow) == 1  # a day later «на грани» goes too
    assert store.stats().questions == 1
    store.close()


def test_empty_stats(tmp_path: Path) -> None:
    """No questions yet: zeros, no division by zero."""
    stats = StateStore(":memory:").stats()
    assert (stats.questions, stats.answered_share, stats.top_declined) == (0, 0.0, ())


def test_a_database_from_the_first_release_gains_the_new_columns(tmp_path: Path) -> None:
    """An older state.db (no token, no chat) opens; its questions' buttons are stale."""
    path = tmp_path / "state.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, asked_on TEXT NOT "
            "NULL, question TEXT NOT NULL, norm TEXT NOT NULL, answered INTEGER NOT NULL, "
            "feedback INTEGER)"
        )
        conn.execute(
            "INSERT INTO questions (asked_on, question, norm, answered) VALUES (?, 'q', 'q', 1)",
            (datetime.now(UTC).date().isoformat(),),
        )
    conn.close()
    store = StateStore(path)
    assert store.question("1", CHAT) is None and not store.set_feedback("1", CHAT, 1)
    token = store.record_question("Сколько было посетителей?", True, CHAT)
    assert store.question(token, CHAT) == "Сколько было посетителей?"
    assert store.stats().questions == 2
    store.close()


@pytest.mark.parametrize(("raw", "days"), [("7", 7), ("365", 365), ("0", 30), ("x", 30), ("", 30)])
def test_retention_comes_from_the_environment(
    raw: str, days: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STATE_RETENTION_DAYS: whole days, at least one; anything else is the default 30.
    .env.example documents it with a comment above."""
    monkeypatch.setenv("STATE_RETENTION_DAYS", raw)
    assert Settings.from_env(tmp_path / "no.env").state_retention_days == days
    lines = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    at = lines.index("STATE_RETENTION_DAYS=30")
    assert lines[at - 1].startswith("# ")
