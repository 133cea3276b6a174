"""Building the index: atomic writes, reports, staleness and read-only use."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from knowledge import (
    BuildError,
    KnowledgeIndex,
    build_index,
    engine_fingerprint,
    index_is_stale,
    load_index,
)
from knowledge.search.store import Store


def test_build_reports_counts_and_facts(seeds_copy: Path, tmp_path: Path) -> None:
    """The report names articles, passages, facts by kind and timing."""
    report = build_index(seeds_copy, tmp_path / "index.db")
    assert report.articles == 5
    assert report.passages > 50
    assert report.facts["agreements"] >= 4
    assert report.facts["people"] >= 6
    assert report.facts["figures"] >= 10
    assert report.skipped == ()
    assert report.elapsed_ms > 0
    with KnowledgeIndex.open(tmp_path / "index.db") as index:
        assert index.info.engine == engine_fingerprint()
        assert index.info.articles == 5


def test_bad_files_are_skipped_and_reported(seeds_copy: Path, tmp_path: Path) -> None:
    """A broken file does not stop the build; the report says why it was left out."""
    (seeds_copy / "empty.txt").write_bytes(b"")
    (seeds_copy / "binary.txt").write_bytes(bytes(range(256)) * 8)
    report = build_index(seeds_copy, tmp_path / "index.db")
    assert report.articles == 5
    assert {s.name for s in report.skipped} == {"empty.txt", "binary.txt"}


def test_failed_build_leaves_the_old_index_untouched(seeds_copy: Path, tmp_path: Path) -> None:
    """No usable article: BuildError, the previous file is byte-for-byte the same."""
    db = tmp_path / "index.db"
    build_index(seeds_copy, db)
    before = db.read_bytes()
    for path in seeds_copy.glob("*.txt"):
        path.write_bytes(b"")
    with pytest.raises(BuildError) as error:
        build_index(seeds_copy, db)
    assert len(error.value.skipped) == 5
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_missing_seeds_folder_is_a_build_error(tmp_path: Path) -> None:
    """A vanished seeds folder is reported, not a traceback."""
    with pytest.raises(BuildError, match="не найдена"):
        build_index(tmp_path / "gone", tmp_path / "index.db")


def test_stale_when_seeds_change(seeds_copy: Path, tmp_path: Path) -> None:
    """Adding or touching a seed makes the index stale; load_index rebuilds it."""
    db = tmp_path / "index.db"
    assert index_is_stale(seeds_copy, db)
    build_index(seeds_copy, db)
    assert not index_is_stale(seeds_copy, db)
    new = seeds_copy / "005_new.txt"
    new.write_text(
        "Псковская область и Витебская область подписали соглашение о поставках льна на "
        "выставке «ИННОПРОМ. Беларусь». Губернатор Псковской области Иван Петров отметил "
        "рост товарооборота.",
        encoding="utf-8",
    )
    assert index_is_stale(seeds_copy, db)
    index, report = load_index(seeds_copy, db)
    with index:
        assert report is not None and report.articles == 6
        assert any(r.name == "Псковская область" for r in index.regions())


def test_load_index_serves_old_index_when_rebuild_fails(seeds_copy: Path, tmp_path: Path) -> None:
    """Stale but unbuildable seeds: the existing index is opened instead of failing."""
    db = tmp_path / "index.db"
    build_index(seeds_copy, db)
    for path in seeds_copy.glob("*.txt"):
        path.write_bytes(b"\x00\x01")
    index, report = load_index(seeds_copy, db)
    with index:
        assert report is None
        assert index.info.articles == 5


def test_index_is_opened_read_only(seeds_index: KnowledgeIndex) -> None:
    """Run-time use cannot write to the index."""
    store = Store(seeds_index.path)
    with pytest.raises(sqlite3.OperationalError):
        store.query("DELETE FROM passages")
    store.close()


def test_build_writes_through_a_temp_file(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The target only ever appears via os.replace of a complete file."""
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append((str(src), str(dst)))
        with sqlite3.connect(src) as conn:
            assert conn.execute("SELECT count(*) FROM passages").fetchone()[0] > 0
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    build_index(seeds_copy, tmp_path / "index.db")
    assert len(seen) == 1
    assert seen[0][0].endswith(".tmp") and seen[0][1] == str(tmp_path / "index.db")


def test_index_built_by_other_code_or_data_is_stale(seeds_copy: Path, tmp_path: Path) -> None:
    """Build code or language data changed since the build (another engine fingerprint): the
    index is rebuilt, so build and query read text alike."""
    db = tmp_path / "index.db"
    build_index(seeds_copy, db)
    assert not index_is_stale(seeds_copy, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'engine'", ('"older"',))
    conn.close()
    assert index_is_stale(seeds_copy, db)
