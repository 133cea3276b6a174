"""The bot's own small SQLite database: questions, whether they were answered, feedback.

Kept apart from the knowledge index (which is rebuilt on every reload).  It stores no user or
chat ids and no names: only the question text (needed for «Ещё», «Источник» and for /stats),
the day it was asked, the answered flag and the 👍/👎 vote.  A question's row id is the short
server-side id that buttons carry in their callback data.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.normalize import words

__all__ = ["MAX_QUESTION_CHARS", "Stats", "StateStore"]

MAX_QUESTION_CHARS = 500
# Row ids are SQLite INTEGERs (signed 64 bit); ids from callback data may be anything.
_MAX_ROW_ID = 2**63 - 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_on TEXT NOT NULL,
    question TEXT NOT NULL,
    norm TEXT NOT NULL,
    answered INTEGER NOT NULL,
    feedback INTEGER
);
CREATE INDEX IF NOT EXISTS questions_declined ON questions (answered, norm);
"""


@dataclass(frozen=True, slots=True)
class Stats:
    """Figures for /stats."""

    questions: int
    answered: int
    likes: int
    dislikes: int
    top_declined: tuple[tuple[str, int], ...]

    @property
    def answered_share(self) -> float:
        """Answered questions as a fraction of all questions (0 when there are none)."""
        return self.answered / self.questions if self.questions else 0.0


class StateStore:
    """Questions and feedback in one SQLite file (``":memory:"`` for the console chat)."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            self._conn.commit()

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    def record_question(self, question: str, answered: bool) -> int:
        """Store a question and whether it was answered; return its id."""
        question = question.strip()[:MAX_QUESTION_CHARS]
        norm = " ".join(words(question))
        today = datetime.now(UTC).date().isoformat()
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO questions (asked_on, question, norm, answered) VALUES (?, ?, ?, ?)",
                (today, question, norm, int(answered)),
            )
            self._conn.commit()
            return int(cursor.lastrowid or 0)

    def question(self, question_id: int) -> str | None:
        """The text of a stored question, or ``None`` if there is no such id."""
        if not 0 < question_id <= _MAX_ROW_ID:
            return None
        with self._lock:
            row = self._conn.execute(
                "SELECT question FROM questions WHERE id = ?", (question_id,)
            ).fetchone()
        return str(row[0]) if row else None

    def set_feedback(self, question_id: int, value: int) -> bool:
        """Record 👍 (``1``) or 👎 (``-1``) for a question; the last vote counts."""
        if value not in (1, -1):
            raise ValueError(f"feedback must be 1 or -1, not {value!r}")
        if not 0 < question_id <= _MAX_ROW_ID:
            return False
        with self._lock:
            cursor = self._conn.execute(
                "UPDATE questions SET feedback = ? WHERE id = ?", (value, question_id)
            )
            self._conn.commit()
        return cursor.rowcount > 0

    def stats(self, top: int = 10) -> Stats:
        """Totals, feedback counts and the most frequent declined questions."""
        with self._lock:
            total, answered, likes, dislikes = self._conn.execute(
                "SELECT count(*), coalesce(sum(answered), 0), "
                "coalesce(sum(feedback = 1), 0), coalesce(sum(feedback = -1), 0) "
                "FROM questions"
            ).fetchone()
            declined = self._conn.execute(
                "SELECT min(question), count(*) AS n FROM questions "
                "WHERE answered = 0 AND norm != '' "
                "GROUP BY norm ORDER BY n DESC, min(id) LIMIT ?",
                (top,),
            ).fetchall()
        return Stats(
            questions=int(total),
            answered=int(answered),
            likes=int(likes),
            dislikes=int(dislikes),
            top_declined=tuple((str(q), int(n)) for q, n in declined),
        )
