"""Big reloads build in a separate process (``python -m knowledge build``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import knowledge.service as service_module
from knowledge.service import KnowledgeService, ReloadFailed

NEW_ARTICLE = (
    "Псковская область и Витебская область подписали соглашение о поставках льна на выставке "
    "«ИННОПРОМ. Беларусь». Губернатор Псковской области Иван Петров отметил рост товарооборота."
)


async def test_reload_in_a_subprocess_swaps_in_the_new_index(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child builds, the parent validates and swaps; the new article is answerable."""
    monkeypatch.setattr(service_module, "SUBPROCESS_FROM", 1)
    service, _ = KnowledgeService.open(seeds_copy, tmp_path / "index.db", close_delay=0)
    try:
        (seeds_copy / "005_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        result = await service.reload()
        assert (result.old.articles, result.new.articles) == (5, 6)
        assert service.index.find_region("Псков").region is not None
        assert not list(tmp_path.glob(".index.db.staging*"))
    finally:
        service.close()


async def test_failed_subprocess_build_keeps_the_old_index(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing usable left: the child reports why, the old index keeps answering."""
    monkeypatch.setattr(service_module, "SUBPROCESS_FROM", 1)
    service, _ = KnowledgeService.open(seeds_copy, tmp_path / "index.db", close_delay=0)
    try:
        for path in seeds_copy.glob("*.txt"):
            path.write_bytes(b"")
        with pytest.raises(ReloadFailed) as failure:
            await service.reload()
        assert {s.reason for s in failure.value.skipped} == {"пустой файл"}
        assert service.index.search("Сколько было посетителей?").answered
    finally:
        service.close()
