"""Reliability tests: hostile input, broken seeds, reloads under load, security (issue 4).

They drive the production dispatcher through the bot tests' harness
(``tests/bot/bot_testkit.py``: ``create_dispatcher`` on the validating ``LocalSession``), so
that folder is put on ``sys.path`` here even when only this folder is collected.  Every test
gets its own copy of the seeds and of an index built once per session, with throttling off
(``THROTTLE_SECONDS=0``), so no generated input is swallowed by the throttle.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BOT_TESTS = Path(__file__).resolve().parent.parent / "bot"
if str(BOT_TESTS) not in sys.path:
    sys.path.insert(0, str(BOT_TESTS))

from bot_testkit import own_copy_settings  # noqa: E402
from rel_checks import Rig  # noqa: E402

from bot.config import Settings  # noqa: E402


@pytest.fixture
def rel_settings(tmp_path: Path, seeds_index_path: Path) -> Settings:
    """Settings on this test's own seeds copy, index copy and state database; no throttle."""
    return own_copy_settings(tmp_path, seeds_index_path)


@pytest.fixture
def rig(rel_settings: Settings) -> Iterator[Rig]:
    """The harness plus a hook on the error router (for async tests)."""
    r = Rig.start(rel_settings)
    yield r
    r.close()
