"""Knowledge engine for the INNOPROM. Belarus bot: seeds → SQLite index → sourced answers.

A plain, typed library: no Telegram here.  Build an index with :func:`build_index`, open it
with :class:`KnowledgeIndex` (read-only) and ask :meth:`KnowledgeIndex.search`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .index import SCHEMA_VERSION, BuildError, build_index, ensure_index, index_is_stale
from .models import (
    Agreement,
    Answer,
    ArticleInfo,
    BuildReport,
    Figure,
    FigureGroup,
    Hit,
    IndexInfo,
    Person,
    Region,
    RegionMatch,
    RegionReport,
    SkippedFile,
    Source,
)
from .normalize import normalize
from .search import IndexUnavailable, KnowledgeIndex

__all__ = [
    "SCHEMA_VERSION",
    "Agreement",
    "Answer",
    "ArticleInfo",
    "BuildError",
    "BuildReport",
    "Figure",
    "FigureGroup",
    "Hit",
    "IndexInfo",
    "IndexUnavailable",
    "KnowledgeIndex",
    "Person",
    "Region",
    "RegionMatch",
    "RegionReport",
    "SkippedFile",
    "Source",
    "build_index",
    "ensure_index",
    "index_is_stale",
    "load_index",
    "normalize",
]

logger = logging.getLogger(__name__)


def load_index(seeds_dir: Path, index_path: Path) -> tuple[KnowledgeIndex, BuildReport | None]:
    """Open the index, building it first when it is missing or older than the seeds.

    If the rebuild fails but an older index exists, the older one is opened (and the failure
    logged), so a broken seeds directory never takes the bot down.

    :raises BuildError: when there is no index and none can be built.
    """
    report = None
    try:
        report = ensure_index(seeds_dir, index_path)
    except BuildError as exc:
        if not index_path.is_file():
            raise
        logger.warning("index rebuild failed, serving the existing index: %s", exc)
    return KnowledgeIndex.open(index_path), report
