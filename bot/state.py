"""The bot's own small SQLite database: questions, feedback, subscribers and digests to send.

Kept apart from the knowledge index (which is rebuilt on every reload).  Questions are kept
without user or chat ids and without names: the question text (needed for «Ещё», «Источник»
and for /stats), the day it was asked, the answered flag, the 👍/👎 vote, a random token the
answer's buttons carry, and a keyed hash of the chat (HMAC-SHA256 with a key the database
does not hold), so a button works only in the chat whose answer it is.  Questions older than
the retention period are deleted (at start and on the first question of each day); the files
are readable by the bot's user only.

Subscribers are the one place chat ids are kept: a digest cannot reach a chat whose id nobody
wrote down.  /unsubscribe deletes the id, and so does a chat that blocked the bot.  The queue of
digests lives here too, so a restart resumes a broadcast: a delivery is marked ``sending``
before the request and deleted (its outcome counted in the broadcast) after it, so after a
crash the few deliveries caught in flight are counted as failed, never sent twice.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from knowledge.normalize import words

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "MAX_QUESTION_CHARS",
    "BroadcastStats",
    "Delivery",
    "Stats",
    "StateStore",
    "chat_key",
]

MAX_QUESTION_CHARS = 500
DEFAULT_RETENTION_DAYS = 30
# Random bytes behind a button's token: 8 bytes are 11 URL-safe characters.
TOKEN_BYTES = 8
MAX_TOKEN_CHARS = 64

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
CREATE TABLE IF NOT EXISTS subscribers (
    chat_id INTEGER PRIMARY KEY,
    since TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS broadcasts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    total INTEGER NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS deliveries (
    broadcast_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (broadcast_id, chat_id)
);
"""
# Added after the first release: a database from then gains them when opened.
_NEW_COLUMNS = {"token": "TEXT", "chat": "TEXT"}
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS questions_token ON questions (token);
CREATE INDEX IF NOT EXISTS questions_asked_on ON questions (asked_on);
"""


def chat_key(secret: str) -> bytes:
    """The key chats are hashed with, derived from a secret the bot has anyway (its token):
    the same after a restart, so buttons keep working, and not stored next to the hashes."""
    return hashlib.sha256(b"innoprom-bot state: chat key\0" + secret.encode()).digest()


@dataclass(frozen=True, slots=True)
class BroadcastStats:
    """One broadcast of a digest: how many chats it was for and how it went so far."""

    article_id: str
    title: str
    created_at: str
    total: int
    delivered: int
    failed: int
    finished: bool

    @property
    def pending(self) -> int:
        """Deliveries not made yet."""
        return max(0, self.total - self.delivered - self.failed)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One digest for one chat, waiting in the queue."""

    broadcast_id: int
    chat_id: int
    attempts: int
    message: str


@dataclass(frozen=True, slots=True)
class Stats:
    """Figures for /stats (over the questions still kept)."""

    questions: int
    answered: int
    likes: int
    dislikes: int
    top_declined: tuple[tuple[str, int], ...]
    retention_days: int = DEFAULT_RETENTION_DAYS
    subscribers: int = 0
    broadcast: BroadcastStats | None = None

    @property
    def answered_share(self) -> float:
        """Answered questions as a fraction of all questions (0 when there are none)."""
        return self.answered / self.questions if self.questions else 0.0


class StateStore:
    """Questions and feedback in one SQLite file (``":memory:"`` for the console chat).

    :param retention_days: questions asked more than this many days ago are deleted.
    :param key: the key chat ids are hashed with (see :func:`chat_key`); without one a
        random key is used, and buttons work until the process ends.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        key: bytes | None = None,
    ) -> None:
        self.retention_days = max(1, retention_days)
        self._key = key or secrets.token_bytes(32)
        self._path = None if str(path) == ":memory:" else Path(path)
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            # created by us, for the bot's user only: it holds what people asked
            os.close(os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
            self._restrict()
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        self._purged_on: date | None = None
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(questions)")}
            for name, kind in _NEW_COLUMNS.items():
                if name not in columns:
                    self._conn.execute(f"ALTER TABLE questions ADD COLUMN {name} {kind}")
            self._conn.executescript(_INDEXES)
            self._conn.commit()
        self.purge()
        self._restrict()  # the -wal and -shm files exist now

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    def _restrict(self) -> None:
        """Owner-only permissions on the database and its WAL files (an older file too)."""
        if self._path is None:
            return
        for suffix in ("", "-wal", "-shm"):
            path = self._path.with_name(self._path.name + suffix)
            if path.exists():
                path.chmod(0o600)

    def _chat(self, chat_id: int) -> str:
        return hmac.new(self._key, str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]

    def purge(self, today: date | None = None) -> int:
        """Delete questions older than the retention period; return how many went."""
        today = today or datetime.now(UTC).date()
        cutoff = (today - timedelta(days=self.retention_days)).isoformat()
        with self._lock:
            cursor = self._conn.execute("DELETE FROM questions WHERE asked_on < ?", (cutoff,))
            self._conn.commit()
            self._purged_on = today
        return max(cursor.rowcount, 0)

    def record_question(self, question: str, answered: bool, chat_id: int) -> str:
        """Store a question asked in ``chat_id`` and whether it was answered; return the
        random token its buttons carry."""
        question = question.strip()[:MAX_QUESTION_CHARS]
        norm = " ".join(words(question))
        today = datetime.now(UTC).date()
        if today != self._purged_on:
            self.purge(today)  # the first question of a day: cheap, once a day
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self._conn.execute(
                "INSERT INTO questions (asked_on, question, norm, answered, token, chat) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (today.isoformat(), question, norm, int(answered), token, self._chat(chat_id)),
            )
            self._conn.commit()
        return token

    def question(self, token: str, chat_id: int) -> str | None:
        """The text of the question behind a button, or ``None`` if there is no such token
        or the question was asked in another chat."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        with self._lock:
            row = self._conn.execute(
                "SELECT question FROM questions WHERE token = ? AND chat = ?",
                (token, self._chat(chat_id)),
            ).fetchone()
        return str(row[0]) if row else None

    def set_feedback(self, token: str, chat_id: int, value: int) -> bool:
        """Record 👍 (``1``) or 👎 (``-1``) for a question asked in ``chat_id``; the last vote
        counts.  Returns ``False`` (and changes nothing) for another chat's question."""
        if value not in (1, -1):
            raise ValueError(f"feedback must be 1 or -1, not {value!r}")
        if not token or len(token) > MAX_TOKEN_CHARS:
            return False
        with self._lock:
            cursor = self._conn.execute(
                "UPDATE questions SET feedback = ? WHERE token = ? AND chat = ?",
                (value, token, self._chat(chat_id)),
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
            retention_days=self.retention_days,
            subscribers=self.subscriber_count(),
            broadcast=self.last_broadcast(),
        )

    # ------------------------------------------------------------------ subscribers

    def subscribe(self, chat_id: int) -> bool:
        """Add a chat to the subscribers; False when it was subscribed already."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO subscribers (chat_id, since) VALUES (?, ?)", (chat_id, now)
            )
            self._conn.commit()
        return cursor.rowcount > 0

    def unsubscribe(self, chat_id: int) -> bool:
        """Forget a chat: its id and the digests still waiting for it; False if unknown."""
        with self._lock:
            cursor = self._conn.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))
            waiting = self._conn.execute(
                "SELECT broadcast_id FROM deliveries WHERE chat_id = ? AND status = 'pending'",
                (chat_id,),
            ).fetchall()
            for (broadcast_id,) in waiting:
                self._conn.execute(
                    "DELETE FROM deliveries WHERE broadcast_id = ? AND chat_id = ?",
                    (broadcast_id, chat_id),
                )
                self._conn.execute(
                    "UPDATE broadcasts SET total = total - 1 WHERE id = ?", (broadcast_id,)
                )
                self._finish_if_done(broadcast_id)
            self._conn.commit()
        return cursor.rowcount > 0

    def is_subscribed(self, chat_id: int) -> bool:
        """Whether a chat receives digests."""
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM subscribers WHERE chat_id = ?", (chat_id,)
            ).fetchone()
        return row is not None

    def subscriber_count(self) -> int:
        """How many chats receive digests."""
        with self._lock:
            (count,) = self._conn.execute("SELECT count(*) FROM subscribers").fetchone()
        return int(count)

    # ------------------------------------------------------------------ the digest queue

    def enqueue_broadcast(self, article_id: str, title: str, message: str) -> int | None:
        """Queue ``message`` for every subscriber, once per article; its broadcast id, or
        ``None`` when this article was broadcast before (a restored article is not news)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO broadcasts (article_id, title, message, created_at, total)"
                " VALUES (?, ?, ?, ?, 0)",
                (article_id, title, message, now),
            )
            if cursor.rowcount == 0:
                self._conn.commit()
                return None
            broadcast_id = int(cursor.lastrowid or 0)
            self._conn.execute(
                "INSERT INTO deliveries (broadcast_id, chat_id) "
                "SELECT ?, chat_id FROM subscribers ORDER BY since, chat_id",
                (broadcast_id,),
            )
            self._conn.execute(
                "UPDATE broadcasts SET total = (SELECT count(*) FROM deliveries "
                "WHERE broadcast_id = ?) WHERE id = ?",
                (broadcast_id, broadcast_id),
            )
            self._finish_if_done(broadcast_id)
            self._conn.commit()
        return broadcast_id

    def pending_deliveries(self, limit: int = 100) -> list[Delivery]:
        """Deliveries waiting to be sent, oldest broadcast first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT d.broadcast_id, d.chat_id, d.attempts, b.message "
                "FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id "
                "WHERE d.status = 'pending' ORDER BY d.broadcast_id, d.rowid LIMIT ?",
                (limit,),
            ).fetchall()
        return [Delivery(int(b), int(c), int(a), str(m)) for b, c, a, m in rows]

    def mark_sending(self, delivery: Delivery) -> bool:
        """Claim a pending delivery right before its request (False if it is gone)."""
        with self._lock:
            cursor = self._conn.execute(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1 "
                "WHERE broadcast_id = ? AND chat_id = ? AND status = 'pending'",
                (delivery.broadcast_id, delivery.chat_id),
            )
            self._conn.commit()
        return cursor.rowcount > 0

    def retry_later(self, delivery: Delivery) -> None:
        """Put a delivery Telegram did not take (flood control, a 5xx) back in the queue."""
        with self._lock:
            self._conn.execute(
                "UPDATE deliveries SET status = 'pending' WHERE broadcast_id = ? AND chat_id = ?",
                (delivery.broadcast_id, delivery.chat_id),
            )
            self._conn.commit()

    def finish_delivery(self, delivery: Delivery, delivered: bool) -> None:
        """Count a delivery's outcome in its broadcast and drop it from the queue."""
        with self._lock:
            cursor = self._conn.execute(
                "DELETE FROM deliveries WHERE broadcast_id = ? AND chat_id = ?",
                (delivery.broadcast_id, delivery.chat_id),
            )
            if cursor.rowcount:
                column = "delivered" if delivered else "failed"
                self._conn.execute(
                    f"UPDATE broadcasts SET {column} = {column} + 1 WHERE id = ?",
                    (delivery.broadcast_id,),
                )
                self._finish_if_done(delivery.broadcast_id)
            self._conn.commit()

    def recover_interrupted(self) -> int:
        """At start: deliveries a stopped process left ``sending`` may or may not have reached
        their chat; they are counted as failed and never sent again (at most once)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT broadcast_id, count(*) FROM deliveries WHERE status = 'sending' "
                "GROUP BY broadcast_id"
            ).fetchall()
            for broadcast_id, count in rows:
                self._conn.execute(
                    "DELETE FROM deliveries WHERE broadcast_id = ? AND status = 'sending'",
                    (broadcast_id,),
                )
                self._conn.execute(
                    "UPDATE broadcasts SET failed = failed + ? WHERE id = ?",
                    (count, broadcast_id),
                )
                self._finish_if_done(broadcast_id)
            self._conn.commit()
        return sum(int(count) for _, count in rows)

    def last_broadcast(self) -> BroadcastStats | None:
        """The latest broadcast and its counts so far."""
        with self._lock:
            row = self._conn.execute(
                "SELECT article_id, title, created_at, total, delivered, failed, finished_at "
                "FROM broadcasts ORDER BY id DESC LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        article_id, title, created_at, total, delivered, failed, finished_at = row
        return BroadcastStats(
            str(article_id),
            str(title),
            str(created_at),
            int(total),
            int(delivered),
            int(failed),
            finished_at is not None,
        )

    def _finish_if_done(self, broadcast_id: int) -> None:
        """Stamp a broadcast finished once nothing of it is queued (lock held by caller)."""
        self._conn.execute(
            "UPDATE broadcasts SET finished_at = ? WHERE id = ? AND finished_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM deliveries WHERE broadcast_id = ?)",
            (datetime.now(UTC).isoformat(timespec="seconds"), broadcast_id, broadcast_id),
        )
