"""Knowledge engine for the INNOPROM. Belarus bot: seeds → SQLite index → sourced answers.

A plain, typed library: no Telegram here.  Build an index with :func:`build_index`, open it
with :class:`KnowledgeIndex` (read-only) and ask :meth:`KnowledgeIndex.search`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .index import BuildError, build_index, ensure_index, index_is_stale, index_problem
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
from .schema import engine_fingerprint
from .search import IndexUnavailable, KnowledgeIndex
from .seeds import failure

__all__ = [
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
    "engine_fingerprint",
    "ensure_index",
    "index_is_stale",
    "index_problem",
    "load_index",
    "normalize",
]

logger = logging.getLogger(__name__)


def load_index(seeds_dir: Path, index_path: Path) -> tuple[KnowledgeIndex, BuildReport | None]:
    """Open the index, building it first when it is missing, older than the seeds or damaged.

    If the build fails, whatever the error, and the index on disk is sound, that one is
    opened (and the failure logged), so a broken seeds directory never takes the bot down.

    :raises BuildError: when there is no sound index and none can be built.
    """
    report = None
    try:
        report = ensure_index(seeds_dir, index_path)
    except Exception as exc:
        error = exc if isinstance(exc, BuildError) else BuildError(failure(exc))
        problem = index_problem(index_path)
        if problem is not None:
            if index_path.is_file():
                message = f"{error}; прежний индекс не годится: {problem}"
                raise BuildError(message, error.skipped) from exc
            if error is exc:
                raise
            raise error from exc
        logger.warning("index rebuild failed, serving the existing index: %s", exc)
    try:
        return KnowledgeIndex.open(index_path), report
    except IndexUnavailable as exc:
        raise BuildError(str(exc)) from exc
