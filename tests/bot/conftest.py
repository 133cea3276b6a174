"""Bot tests run the real dispatcher on an in-process Bot API (``bot.local``): no network.

Each test gets its own copy of the seeds and of an index built once per session from the
project's real seed articles, so reloads and uploads never touch another test's files.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_testkit import ADMIN_ID, SEEDS, Harness

from bot.config import Secret, Settings
from bot.local import LOCAL_TOKEN
from knowledge import build_index


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's seeds indexed once for the whole test session."""
    path = tmp_path_factory.mktemp("index") / "index.db"
    build_index(SEEDS, path)
    return path


@pytest.fixture
def settings(tmp_path: Path, built_index: Path) -> Settings:
    """Settings pointing at this test's own copy of the seeds and the index."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in SEEDS.glob("*.txt"):
        (seeds / path.name).write_bytes(path.read_bytes())
    index_path = tmp_path / "data" / "index.db"
    index_path.parent.mkdir()
    shutil.copyfile(built_index, index_path)
    return Settings(
        bot_token=Secret(LOCAL_TOKEN),
        admin_ids=frozenset({ADMIN_ID}),
        seeds_dir=seeds,
        index_path=index_path,
        state_path=tmp_path / "data" / "state.db",
        throttle_seconds=0.0,
    )


@pytest.fixture
def harness(settings: Settings) -> Iterator[Harness]:
    """A bot ready for updates, with this test's own index, seeds and state database."""
    h = Harness.start(settings)
    yield h
    h.close()
