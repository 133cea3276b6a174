"""Fixtures every layer shares: the project's seed articles indexed once per test run.

Each layer's tests copy the index file before they change anything (``bot_testkit`` and
the e2e bot process do), so one build serves the whole run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge import KnowledgeIndex, build_index

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
UNSEEN = ROOT / "tests" / "fixtures" / "unseen"


@pytest.fixture(scope="session")
def seeds_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seed articles, indexed once per test run (read it or copy it, never write)."""
    path = tmp_path_factory.mktemp("seeds-index") / "index.db"
    build_index(SEEDS, path)
    return path


@pytest.fixture(scope="session")
def seeds_index(seeds_index_path: Path) -> Iterator[KnowledgeIndex]:
    """The seed index, open read-only for the whole run."""
    with KnowledgeIndex.open(seeds_index_path) as index:
        yield index


@pytest.fixture(scope="session")
def unseen_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    """Only the four articles the extraction rules were never written against."""
    folder = tmp_path_factory.mktemp("unseen-seeds")
    for path in UNSEEN.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    db = tmp_path_factory.mktemp("unseen-index") / "index.db"
    build_index(folder, db)
    with KnowledgeIndex.open(db) as index:
        yield index
