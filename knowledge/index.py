"""Building the SQLite index (sqlite-utils, FTS5) from a seeds directory.

The index is one file: articles, passages with their lemma/stem text under FTS5, document
frequencies for query analysis, extracted facts and build metadata, laid out as
``knowledge.schema`` says.  It is written into a temporary file next to the target and moved
into place with ``os.replace``, so readers only ever see a complete index.
"""

from __future__ import annotations

import fcntl
import json
import logging
import multiprocessing
import os
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils

from . import schema
from .analysis import entity_token
from .answer_types import ordered
from .coreference import link_people, merge_people
from .lexicon import gazetteer
from .models import BuildReport, SkippedFile
from .passages import Facts, article_rows, main_regions
from .schema import probe_tables
from .seeds import Article, failure, read_seeds, seed_names

__all__ = [
    "BuildError",
    "analyse_article",
    "build_index",
    "build_lock",
    "ensure_index",
    "index_is_stale",
    "index_problem",
    "probe_tables",
    "seeds_fingerprint",
]

logger = logging.getLogger(__name__)


class BuildError(RuntimeError):
    """The seeds could not produce a usable index; the previous index stays in place."""

    def __init__(self, message: str, skipped: tuple[SkippedFile, ...] = ()) -> None:
        super().__init__(message)
        self.skipped = skipped


def seeds_fingerprint(seeds_dir: Path) -> str:
    """A cheap fingerprint of the seeds directory: names, sizes and modification times."""
    import hashlib

    digest = hashlib.sha256()
    for name in seed_names(seeds_dir):
        try:
            # the entry itself: a link is never read, so where it points does not matter
            st = os.stat(seeds_dir / name, follow_symlinks=False)
        except OSError:
            continue
        digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


# Below this many articles starting worker processes costs more than it saves.
PARALLEL_FROM = 200

_Analysed = tuple[list[dict[str, Any]], Facts, Counter[str]]


@contextmanager
def _pool(seeds_dir: Path, workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for a big build (``None`` for a small one or ``workers=1``)."""
    files = len(seed_names(seeds_dir))
    if workers < 2 or files < PARALLEL_FROM:
        yield None
        return
    context = multiprocessing.get_context("spawn")  # never fork a process with threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool


def _analyse(
    articles: list[Article], pool: ProcessPoolExecutor | None
) -> Iterator[_Analysed | str]:
    """Per-article analysis (sentences, features, facts), in the pool when there is one.

    Articles are independent until people are linked across them, so this is the part that
    parallelises.  Passage ids are local (from 1) and renumbered by the caller.
    """
    if pool is None:
        yield from map(analyse_article, articles)
        return
    chunk = max(1, len(articles) // 32)
    yield from pool.map(analyse_article, articles, chunksize=chunk)


def analyse_article(article: Article) -> _Analysed | str:
    """One article's passages and facts (passage ids from 1), or the reason (Russian) it
    cannot be indexed: whatever goes wrong in one article costs that article only, which
    the build skips and names."""
    try:
        return article_rows(article, 1)
    except Exception as exc:
        logger.exception("article %s could not be analysed", article.id)
        return f"не удалось разобрать статью: {failure(exc)}"


def _renumber(rows: list[dict[str, Any]], facts: Facts, offset: int) -> None:
    """Shift an article's local passage ids (from 1) after the passages already written."""
    if not offset:
        return
    for row in rows:
        row["id"] += offset
    for item in (*facts.people, *facts.agreements, *facts.figures):
        if item.get("passage_id") is not None:
            item["passage_id"] += offset


def build_index(seeds_dir: Path, db_path: Path, workers: int = 1) -> BuildReport:
    """Build the index for ``seeds_dir`` into ``db_path`` atomically and report what was done.

    Builds of one ``db_path`` from several processes take turns (:func:`build_lock`).  An
    article that cannot be analysed is skipped with its reason; any other failure is a
    ``BuildError`` saying what went wrong, and ``db_path`` is then left untouched.

    :param workers: processes analysing articles in parallel (for big corpora; the analysis
        is ~90 % of a build). Workers are spawned, so the caller's ``__main__`` must be
        import-safe, as for any ``multiprocessing`` use.
    :raises BuildError: when no usable article is left or the build failed.
    """
    with build_lock(db_path):
        return _build_index(seeds_dir, db_path, workers)


def _build_index(seeds_dir: Path, db_path: Path, workers: int = 1) -> BuildReport:
    started = time.perf_counter()
    skipped: list[SkippedFile] = []
    try:
        fingerprint = seeds_fingerprint(seeds_dir)
        with _pool(seeds_dir, workers) as pool:
            mapper = partial(pool.map, chunksize=64) if pool is not None else map
            articles, skipped = read_seeds(seeds_dir, mapper)
            return _build(seeds_dir, db_path, articles, skipped, fingerprint, pool, started)
    except BuildError:
        raise
    except Exception as exc:
        logger.exception("index build failed")
        raise BuildError(f"сборка не удалась: {failure(exc)}", tuple(skipped)) from exc


def _build(
    seeds_dir: Path,
    db_path: Path,
    articles: list[Article],
    skipped: list[SkippedFile],
    fingerprint: str,
    pool: ProcessPoolExecutor | None,
    started: float,
) -> BuildReport:
    """Write, validate and move the index into place (the body of ``build_index``)."""
    if not articles:
        reason = "нет ни одной пригодной статьи"
        if skipped and skipped[0].name == str(seeds_dir):
            reason = skipped[0].reason
        raise BuildError(reason, tuple(skipped))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(db_path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        counts = _write(tmp, articles, skipped, fingerprint, pool)
        _validate(tmp)
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    elapsed = (time.perf_counter() - started) * 1000
    report = BuildReport(
        index_path=str(db_path),
        articles=counts["articles"],
        passages=counts["passages"],
        facts={k: counts[k] for k in ("agreements", "people", "figures", "regions")},
        skipped=tuple(skipped),
        elapsed_ms=round(elapsed, 1),
        fingerprint=fingerprint,
    )
    logger.info(
        "index built: %d articles, %d passages, %d skipped, %.0f ms",
        report.articles,
        report.passages,
        len(report.skipped),
        report.elapsed_ms,
    )
    return report


STALE_TEMP_SECONDS = 3600


def _remove_stale_temp_files(db_path: Path) -> None:
    """Temp files left by a build that was killed (no build takes an hour) are removed."""
    now = time.time()
    for path in db_path.parent.glob(f".{db_path.name}*.tmp"):
        try:
            if now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                path.unlink()
                logger.info("removed a stale temp file of a killed build: %s", path.name)
        except OSError:
            continue


@dataclass
class _Corpus:
    """Every row of the index, collected from the articles before anything is written."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    region_mentions: Counter[str] = field(default_factory=Counter)
    region_articles: Counter[str] = field(default_factory=Counter)


def _collect(
    articles: list[Article], skipped: list[SkippedFile], pool: ProcessPoolExecutor | None
) -> _Corpus:
    """Analyse the articles (one that cannot be is added to ``skipped``), link people across
    passages, mark passages with agreements."""
    corpus = _Corpus()
    for article, analysed in zip(articles, _analyse(articles, pool), strict=True):
        if isinstance(analysed, str):
            skipped.append(SkippedFile(article.id, analysed))
            continue
        rows, facts, regions = analysed
        _renumber(rows, facts, len(corpus.passages))
        corpus.passages.extend(rows)
        corpus.people.extend(facts.people)
        corpus.agreements.extend(facts.agreements)
        corpus.figures.extend(facts.figures)
        corpus.region_mentions.update(regions)
        corpus.region_articles.update(regions.keys())
        corpus.articles.append(
            {
                "regions": " ".join(main_regions(regions)),
                "id": article.id,
                "title": article.title,
                "date": article.date.isoformat() if article.date else None,
                "agency": article.agency,
                "text": article.text,
                "fingerprint": article.fingerprint,
                "passages": len(rows),
                "chars": len(article.text),
            }
        )
    if not corpus.articles:
        raise BuildError("нет ни одной пригодной статьи", tuple(skipped))
    link_people(corpus.passages, corpus.people)
    corpus.people = merge_people(corpus.people)
    # «agreement» is an answer type the extracted agreements set, not a sentence test
    signed = {a["passage_id"] for a in corpus.agreements if a["passage_id"] is not None}
    for row in corpus.passages:
        if row["id"] in signed:
            row["flags"] = " ".join(ordered((*row["flags"].split(), "agreement")))
    return corpus


def _write(
    path: Path,
    articles: list[Article],
    skipped: list[SkippedFile],
    fingerprint: str,
    pool: ProcessPoolExecutor | None = None,
) -> dict[str, int]:
    corpus = _collect(articles, skipped, pool)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    for table in schema.TABLES:
        db.table(table.name).create(table.columns, pk=table.pk)
    _insert(db, schema.ARTICLES, corpus.articles)
    _insert_df(db, corpus.passages)
    _insert(db, schema.PASSAGES, corpus.passages)
    db.table(schema.PASSAGES.name).enable_fts(
        list(schema.FTS_COLUMNS), tokenize=schema.FTS_TOKENIZER, create_triggers=False
    )
    _insert(db, schema.PEOPLE, corpus.people)
    _insert(db, schema.AGREEMENTS, corpus.agreements)
    _insert(db, schema.FIGURES, corpus.figures)
    for table in schema.TABLES:
        for columns in table.indexes:
            # passages are read by article; facts by the passages that answer a question
            db.table(table.name).create_index(list(columns))
    entries = gazetteer().entries
    regions = [
        {"key": k, "name": entries[k].name, "kind": entries[k].kind, "mentions": n,
         "articles": corpus.region_articles[k]}
        for k, n in corpus.region_mentions.items()
        if k in entries
    ]  # fmt: skip
    _insert(db, schema.REGIONS, regions)
    counts = {
        "articles": len(corpus.articles),
        "passages": len(corpus.passages),
        "agreements": len(corpus.agreements),
        "people": len(corpus.people),
        "figures": len(corpus.figures),
        "regions": len(regions),
    }
    meta = {
        "engine": schema.engine_fingerprint(),
        "fingerprint": fingerprint,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": counts,
        "skipped": [{"name": s.name, "reason": s.reason} for s in skipped],
    }
    _insert(db, schema.META, [{"key": k, "value": json.dumps(v, ensure_ascii=False)}
                              for k, v in meta.items()])
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.commit()  # written once, append-only: nothing for VACUUM to reclaim
    db.close()
    return counts


def _insert(
    db: sqlite_utils.Database, table: schema.Table, rows: Iterable[dict[str, Any]]
) -> None:
    """Insert rows with executemany (sqlite-utils' insert_all checks every value's type,
    seconds at 175,000 passages); keys not in the table (``_clues`` …) are left out."""
    names = ", ".join(f"[{c}]" for c in table.names)
    marks = ", ".join("?" * len(table.names))
    db.conn.executemany(
        f"INSERT INTO [{table.name}] ({names}) VALUES ({marks})",
        (table.values(row) for row in rows),
    )


def _insert_df(db: sqlite_utils.Database, passages: list[dict[str, Any]]) -> None:
    """Document frequencies of lemmas, stems and surface words, for question analysis."""
    lemma_df: Counter[str] = Counter()
    stem_df: Counter[str] = Counter()
    surface_df: Counter[str] = Counter()
    for row in passages:
        lemma_df.update(set(row["lemmas"].split()))
        stem_df.update(set(row["stems"].split()))
        surface_df.update(row["_surfaces"])
    _insert(db, schema.LEMMA_DF, ({"term": k, "df": v} for k, v in lemma_df.items()))
    _insert(db, schema.STEM_DF, ({"term": k, "df": v} for k, v in stem_df.items()))
    _insert(db, schema.SURFACE_DF, ({"word": k, "df": v} for k, v in surface_df.items()))


def _validate(path: Path) -> None:
    """A freshly written index must open, hold passages and answer an FTS query."""
    conn = sqlite3.connect(path)
    try:
        (count,) = conn.execute("SELECT count(*) FROM passages").fetchone()
        if not count:
            raise BuildError("в статьях не нашлось ни одного предложения")
        conn.execute(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1",
            (f'"{entity_token("c-belarus")}" OR "выставка"',),
        ).fetchall()
        (check,) = conn.execute("PRAGMA quick_check").fetchone()
        if check != "ok":
            raise BuildError(f"проверка целостности индекса не прошла: {check}")
    finally:
        conn.close()


def index_is_stale(seeds_dir: Path, db_path: Path) -> bool:
    """True when the index is missing, built from other seeds, or built by other code or
    language data (``schema.engine_fingerprint``)."""
    if not db_path.is_file():
        return True
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            rows = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return True
    try:
        engine = str(json.loads(rows.get("engine", '""')))
        fingerprint = str(json.loads(rows.get("fingerprint", '""')))
    except ValueError:
        return True
    return engine != schema.engine_fingerprint() or fingerprint != seeds_fingerprint(seeds_dir)


def ensure_index(seeds_dir: Path, db_path: Path) -> BuildReport | None:
    """Build the index when it is missing, stale or damaged; return the report, or ``None``
    when the index on disk serves as it is.

    Several processes starting on a stale index build it once: each takes the build lock
    and looks again, so the ones that waited find it fresh and build nothing.
    """
    if _rebuild_reason(seeds_dir, db_path) is None:
        return None
    with build_lock(db_path):
        reason = _rebuild_reason(seeds_dir, db_path)
        if reason is None:
            logger.info("the index was built by another process meanwhile")
            return None
        logger.info("building the index: %s", reason)
        return _build_index(seeds_dir, db_path)


def _rebuild_reason(seeds_dir: Path, db_path: Path) -> str | None:
    if index_is_stale(seeds_dir, db_path):
        return "missing or stale"
    problem = index_problem(db_path)
    if problem is not None:
        logger.warning("the index is damaged, rebuilding it: %s", problem)
        return f"damaged: {problem}"
    return None


def index_problem(db_path: Path) -> str | None:
    """What is wrong with the index file, or ``None`` when it checks out: SQLite's
    ``quick_check`` of every page (about 40 ms per 20 MB) and :func:`probe_tables`."""
    if not db_path.is_file():
        return "файла индекса нет"
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            (check,) = conn.execute("PRAGMA quick_check(1)").fetchone()
            if check != "ok":
                return "проверка целостности не прошла: " + " ".join(str(check).split())
            probe_tables(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"индекс повреждён: {exc}"
    return None


@contextmanager
def build_lock(db_path: Path) -> Iterator[None]:
    """Hold the build lock of ``db_path``: an ``flock`` on ``.<name>.lock`` next to it.

    One process builds, the others wait here (a killed holder releases it with its file
    descriptors).  The holder removes the lock file when done, so a waiter that got the lock
    on a file already removed tries again on the one now at the path.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                logger.info("waiting for another build of %s", db_path.name)
                fcntl.flock(fd, fcntl.LOCK_EX)
            held = os.fstat(fd)
            try:
                current = os.stat(lock_path, follow_symlinks=False)
            except FileNotFoundError:
                current = None
        except BaseException:
            os.close(fd)
            raise
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            break
        os.close(fd)
    try:
        yield
    finally:
        with suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)
