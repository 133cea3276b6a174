"""The state database: questions, answered flag, feedback, stats — and nothing personal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.state import MAX_QUESTION_CHARS, StateStore


def test_questions_feedback_and_stats(tmp_path: Path) -> None:
    """Counts, the last vote per question, declined questions grouped by wording."""
    store = StateStore(tmp_path / "state.db")
    first = store.record_question("Сколько было посетителей?", answered=True)
    store.record_question("Погода на Марсе?", answered=False)
    store.record_question("  погода на марсе  ", answered=False)
    store.record_question("Кто победил?", answered=False)
    assert store.question(first) == "Сколько было посетителей?"
    assert store.question(999) is None
    assert store.set_feedback(first, 1)
    assert store.set_feedback(first, -1)
    assert not store.set_feedback(999, 1)
    with pytest.raises(ValueError):
        store.set_feedback(first, 5)
    stats = store.stats()
    assert (stats.questions, stats.answered, stats.likes, stats.dislikes) == (4, 1, 0, 1)
    assert stats.answered_share == 0.25
    assert stats.top_declined == (("Погода на Марсе?", 2), ("Кто победил?", 1))
    store.close()


def test_survives_a_restart_and_stores_no_ids(tmp_path: Path) -> None:
    """The file keeps questions across restarts; its columns hold no user or chat ids."""
    path = tmp_path / "nested" / "state.db"
    store = StateStore(path)
    store.record_question("x" * 2000, answered=False)
    store.close()
    store = StateStore(path)
    assert store.question(1) == "x" * MAX_QUESTION_CHARS
    store.close()
    conn = sqlite3.connect(path)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(questions)")}
    conn.close()
    assert columns == {"id", "asked_on", "question", "norm", "answered", "feedback"}


def test_empty_stats(tmp_path: Path) -> None:
    """No questions yet: zeros, no division by zero."""
    stats = StateStore(":memory:").stats()
    assert (stats.questions, stats.answered_share, stats.top_declined) == (0, 0.0, ())
