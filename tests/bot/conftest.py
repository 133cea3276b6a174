"""Bot tests run the real dispatcher on an in-process Bot API (``bot.local``): no network.

Each test gets its own copy of the seeds and of the seed index built once per run
(``tests/conftest.py``), so reloads and uploads never touch another test's files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_testkit import Harness, own_copy_settings
from redis_server import RedisServer

from bot.config import Settings


@pytest.fixture
def settings(tmp_path: Path, seeds_index_path: Path) -> Settings:
    """Settings pointing at this test's own copy of the seeds and the index."""
    return own_copy_settings(tmp_path, seeds_index_path)


@pytest.fixture
def harness(settings: Settings) -> Iterator[Harness]:
    """A bot ready for updates, with this test's own index, seeds and state database."""
    h = Harness.start(settings)
    yield h
    h.close()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server of our own for the session (tests share it, keys apart per test)."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()
