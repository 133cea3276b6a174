"""Fixtures for the knowledge layer: indexes built in temporary folders from real seeds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge import KnowledgeIndex, build_index

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
UNSEEN = ROOT / "tests" / "fixtures" / "unseen"


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    """The five seed articles, indexed once per test session."""
    path = tmp_path_factory.mktemp("seeds-index") / "index.db"
    build_index(SEEDS, path)
    with KnowledgeIndex.open(path) as index:
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


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seeds folder."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder
