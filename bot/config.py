"""Settings read once from the environment and ``.env`` (python-dotenv).

Imported by the CLI paths too, so it must stay free of aiogram.  The token is kept in a
``Secret`` whose ``repr`` hides it; nothing here logs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

__all__ = ["PROJECT_ROOT", "Secret", "Settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret string that never shows itself in logs or reprs."""

    _value: str = field(repr=False)

    def get_secret_value(self) -> str:
        """The secret itself — call only where it is needed (building the Bot)."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


def _ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            ids.add(int(part))
    return frozenset(ids)


def _path(value: str | None, default: Path) -> Path:
    if not value:
        return default
    path = Path(value).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable about the bot and the CLI."""

    bot_token: Secret = field(default_factory=lambda: Secret(""))
    admin_ids: frozenset[int] = frozenset()
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    index_path: Path = PROJECT_ROOT / "data" / "index.db"
    state_path: Path = PROJECT_ROOT / "data" / "state.db"
    telegram_api_url: str | None = None
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    webhook_host: str = "0.0.0.0"  # noqa: S104 - a container listens on all interfaces
    webhook_port: int = 8080
    webhook_path: str = "/webhook"
    throttle_seconds: float = 1.0
    max_upload_bytes: int = 1_000_000
    state_retention_days: int = 30
    # aiogram's RedisStorage for conversations shared by webhook replicas (may hold a password)
    redis_url: Secret = field(default_factory=lambda: Secret(""))
    # the newsroom: articles from forwards, pasted texts and links; digests to subscribers
    paste_min_chars: int = 300
    preview_ttl: float = 900.0
    link_timeout: float = 15.0
    max_page_bytes: int = 3_000_000
    max_redirects: int = 5
    allow_loopback_links: bool = False
    broadcast_rate: float = 25.0
    broadcast_chat_interval: float = 1.0

    @classmethod
    def from_env(cls, env_file: Path | None = None) -> Settings:
        """Read settings from the environment, after loading ``.env`` if present."""
        load_dotenv(env_file or Path.cwd() / ".env", override=False)
        env = os.environ
        port = env.get("WEBHOOK_PORT", "").strip()
        throttle = env.get("THROTTLE_SECONDS", "").strip()
        upload = env.get("MAX_UPLOAD_BYTES", "").strip()
        retention = env.get("STATE_RETENTION_DAYS", "").strip()
        defaults = cls()

        def number(name: str, default: float) -> float:
            value = env.get(name, "").strip()
            return float(value) if _is_float(value) and float(value) >= 0 else default

        return cls(
            bot_token=Secret(env.get("BOT_TOKEN", "").strip()),
            admin_ids=_ids(env.get("ADMIN_IDS", "")),
            seeds_dir=_path(env.get("SEEDS_DIR"), defaults.seeds_dir),
            index_path=_path(env.get("INDEX_PATH"), defaults.index_path),
            state_path=_path(env.get("STATE_PATH"), defaults.state_path),
            telegram_api_url=env.get("TELEGRAM_API_URL", "").strip().rstrip("/") or None,
            log_level=env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
            webhook_url=env.get("WEBHOOK_URL", "").strip() or None,
            webhook_secret=Secret(env.get("WEBHOOK_SECRET", "").strip()),
            webhook_host=env.get("WEBHOOK_HOST", "").strip() or defaults.webhook_host,
            webhook_port=int(port) if port.isdigit() else defaults.webhook_port,
            webhook_path=env.get("WEBHOOK_PATH", "").strip() or defaults.webhook_path,
            throttle_seconds=float(throttle) if _is_float(throttle) else 1.0,
            max_upload_bytes=int(upload) if upload.isdigit() else defaults.max_upload_bytes,
            state_retention_days=int(retention)
            if retention.isdigit() and int(retention) >= 1
            else defaults.state_retention_days,
            redis_url=Secret(env.get("REDIS_URL", "").strip()),
            paste_min_chars=int(number("PASTE_MIN_CHARS", defaults.paste_min_chars)),
            preview_ttl=number("PREVIEW_TTL_SECONDS", defaults.preview_ttl),
            link_timeout=number("LINK_TIMEOUT_SECONDS", defaults.link_timeout) or 1.0,
            max_page_bytes=int(number("MAX_PAGE_BYTES", defaults.max_page_bytes)),
            max_redirects=int(number("MAX_REDIRECTS", defaults.max_redirects)),
            allow_loopback_links=_flag(env.get("ALLOW_LOOPBACK_LINKS", "")),
            broadcast_rate=number("BROADCAST_RATE", defaults.broadcast_rate) or 1.0,
            broadcast_chat_interval=number(
                "BROADCAST_CHAT_INTERVAL", defaults.broadcast_chat_interval
            ),
        )


def _is_float(value: str) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return number == number and number not in (float("inf"), float("-inf"))


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")
