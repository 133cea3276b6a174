"""A damaged index is repaired, and builds from several processes take turns (audit, 3 and 7).

* The index file truncated under the running bot («no such table: stem_df» for every question
  until someone thought of /reload): the first question gets one short apology and starts a
  background rebuild; the next ones are answered.
* One page of the FTS tables overwritten («vtable constructor failed: passages_fts» at
  start-up, the freshness check read only the metadata): the start-up check finds it and
  rebuilds; when that is impossible too, the error says so plainly.
* Ten ``innoprom-bot ask`` processes released at once on a stale index: one builds, the others
  wait for its lock and answer from what it built.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from bot_testkit import SEEDS, UNSEEN, only
from click.testing import CliRunner
from rel_checks import Rig, check_call, sent_texts

from bot import texts
from bot.cli import cli
from knowledge import BuildError, KnowledgeIndex, index_is_stale, load_index
from knowledge.normalize import lemma

QUESTION = "Сколько было посетителей?"


async def test_index_truncated_under_the_bot_is_rebuilt_in_the_background(rig: Rig) -> None:
    """Truncated while serving: one brief apology per question, one rebuild, then answers."""
    h = rig.harness
    damaged = h.service.index
    os.truncate(h.settings.index_path, 4 * 4096)
    calls = await h.private().send(QUESTION)
    for call in calls:
        check_call(call)
    assert sent_texts(calls) == [texts.INDEX_REPAIRING]
    repair = h.service.repairing
    assert repair is not None
    await h.private(2002).send("Где проходила выставка?")  # while it runs: no second rebuild
    assert h.service.repairing is repair
    await repair
    assert h.service.index is not damaged
    answer = only(await h.private().send(QUESTION), "sendMessage")
    assert "14" in answer.text
    with KnowledgeIndex.open(h.settings.index_path) as rebuilt:
        assert rebuilt.info.articles == 5


def overwrite_page(path: Path, table: str) -> None:
    """Random bytes over the root page of ``table`` (an FTS shadow table)."""
    with sqlite3.connect(path) as conn:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with path.open("r+b") as db:
        db.seek((root[0] - 1) * size)
        db.write(random.Random(9).randbytes(size))


@pytest.fixture
def fresh(tmp_path: Path, seeds_index_path: Path) -> tuple[Path, Path]:
    """A copy of the seeds (times kept) and of their index: fresh by its metadata."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    index = tmp_path / "data" / "index.db"
    index.parent.mkdir()
    shutil.copyfile(seeds_index_path, index)
    assert not index_is_stale(seeds, index)
    return seeds, index


@pytest.mark.parametrize("table", ["passages_fts_config", "passages_fts_data"])
def test_fts_page_overwritten_is_found_and_rebuilt_at_start(
    fresh: tuple[Path, Path], table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fresh by its metadata, damaged inside: the start-up check rebuilds it, and
    ``innoprom-bot ask`` answers."""
    seeds, index_path = fresh
    overwrite_page(index_path, table)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("INDEX_PATH", str(index_path))
    result = CliRunner().invoke(cli, ["ask", QUESTION])
    assert result.exit_code == 0, result.output
    assert "индекс построен" in result.output and "14" in result.output
    index, report = load_index(seeds, index_path)
    with index:
        assert report is None and index.info.articles == 5


def test_damaged_index_that_cannot_be_rebuilt_is_a_clear_error(fresh: tuple[Path, Path]) -> None:
    """No seeds to rebuild from and a damaged index: a BuildError that says both."""
    seeds, index_path = fresh
    overwrite_page(index_path, "passages_fts_config")
    for path in seeds.iterdir():
        path.unlink()
    with pytest.raises(BuildError) as failure:
        load_index(seeds, index_path)
    message = str(failure.value)
    assert message.startswith("нет ни одной пригодной статьи; прежний индекс не годится: ")
    assert "Page" in message


PROCESSES = 10


def _ask_in_a_process(start: Any, out: Path) -> None:
    """One ``innoprom-bot ask`` in a process of its own, released with the others at once."""
    start.wait()
    result = CliRunner().invoke(cli, ["ask", QUESTION])
    out.write_text(f"{result.exit_code}\n{result.output}", encoding="utf-8")


def test_parallel_asks_on_a_stale_index_build_it_once(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten ``ask`` processes at once on a stale index: exactly one builds, all answer.

    The processes are forked from this one, so each skips Python's start and the imports
    (ten cold starts cost ~13 s of CPU on two cores); the build lock sees ten processes."""
    settings = rig.harness.settings
    rig.close()
    (settings.seeds_dir / "grodno.txt").write_bytes((UNSEEN / "u01_belta_grodno.txt").read_bytes())
    monkeypatch.setenv("SEEDS_DIR", str(settings.seeds_dir))
    monkeypatch.setenv("INDEX_PATH", str(settings.index_path))
    lemma("выставка")  # the morphology dictionaries, loaded once before the fork
    context = multiprocessing.get_context("fork")
    start = context.Event()
    outs = [tmp_path / f"ask-{n}.out" for n in range(PROCESSES)]
    processes = [context.Process(target=_ask_in_a_process, args=(start, out)) for out in outs]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * PROCESSES
    results = [out.read_text(encoding="utf-8") for out in outs]
    assert all(r.startswith("0\n") and "14" in r for r in results), results
    builds = sum("индекс построен" in r for r in results)
    assert builds == 1, results
    with KnowledgeIndex.open(settings.index_path) as index:
        assert index.info.articles == 6
    leftovers = [p.name for p in settings.index_path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no lock file, temp file or staging file left behind
