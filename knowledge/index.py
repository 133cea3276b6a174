"""Building the SQLite index (sqlite-utils, FTS5) from a seeds directory.

The index is one file: articles, passages with their lemma/stem text under FTS5, document
frequencies for query analysis, extracted facts and build metadata.  It is written into a
temporary file next to the target and moved into place with ``os.replace``, so readers only
ever see a complete index.
"""

from __future__ import annotations

import fcntl
import json
import logging
import multiprocessing
import os
import re
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import sqlite_utils

from .agreements import extract_agreements
from .analysis import MONTHS, entity_token, person_token, sentence_features
from .extract import article_regions, extract_figures, extract_people
from .lexicon import gazetteer, role_head
from .models import BuildReport, SkippedFile
from .normalize import lemma, normalize, stem, words
from .seeds import Article, failure, read_seeds, seed_names
from .sentences import split_paragraphs

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
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

SCHEMA_VERSION = 11


class BuildError(RuntimeError):
    """The seeds could not produce a usable index; the previous index stays in place."""

    def __init__(self, message: str, skipped: tuple[SkippedFile, ...] = ()) -> None:
        super().__init__(message)
        self.skipped = skipped


@lru_cache(maxsize=1)
def language_fingerprint() -> str:
    """A hash of the language data (lexicon, thesaurus, gazetteer) the index was built with:
    build and query must normalise alike, so an index built with other data is stale."""
    import hashlib
    from importlib import resources

    digest = hashlib.sha256()
    folder = resources.files("knowledge") / "data"
    for name in sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json")):
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes())
    return digest.hexdigest()[:20]


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


@dataclass
class _Facts:
    people: list[dict[str, Any]]
    agreements: list[dict[str, Any]]
    figures: list[dict[str, Any]]


def _article_rows(
    article: Article, first_id: int
) -> tuple[list[dict[str, Any]], _Facts, Counter[str]]:
    """Passage rows and facts of one article."""
    paragraphs = split_paragraphs(article.text)
    sentences: list[str] = []
    rows: list[dict[str, Any]] = []
    today = _today_words(article)
    for p_index, paragraph in enumerate(paragraphs):
        for sentence in paragraph:
            feats = sentence_features(sentence)
            if today and _TODAY.search(sentence):
                # «сегодня», «на сегодняшний день» in an article dated 29 September
                feats = replace(feats, lemmas=(*feats.lemmas, *today), has_day=True)
            rows.append(
                {
                    "id": first_id + len(rows),
                    "article_id": article.id,
                    "seq": len(rows),
                    "paragraph": p_index,
                    "text": sentence,
                    "lemmas": " ".join(feats.lemmas),
                    "stems": " ".join(feats.stems),
                    "entities": " ".join(feats.entities),
                    "has_number": int(feats.has_number),
                    "has_date": int(feats.has_date),
                    "has_day": int(feats.has_day),
                    "has_person": int(feats.has_person),
                    "has_place": int(feats.has_place),
                    "has_speech": int(feats.has_speech),
                    "has_time": int(feats.has_time),
                    "has_quote": int(feats.has_quote),
                    "has_address": int(feats.has_address),
                    "anaphoric": int(feats.anaphoric),
                    # for linking people across the corpus later (not stored)
                    "_capitals": [stem(w) for w in _capitalised(sentence)],
                    "_surfaces": sorted(
                        {w for w in words(sentence) if len(w) > 2 and not w.isdigit()}
                    ),
                    "_singular": sorted(_singular_nouns(sentence)),
                    "_pronoun": _has_personal_pronoun(sentence),
                    "_first_person": _speaks_in_first_person(sentence),
                    "_sides": _mentions_sides(sentence),
                }
            )
            sentences.append(sentence)
    regions = article_regions(sentences)
    by_sentence = {row["text"]: row["id"] for row in rows}
    # the extractors read only sentences that can hold their facts (a role noun, a signing
    # verb …); most sentences hold neither, and the patterns are the costly part of a build
    lemma_sets = [frozenset(row["lemmas"].split()) for row in rows]
    people = [
        {
            "name": p.name,
            "role": p.role,
            "organisation": p.organisation,
            "region": p.region,
            "sentence": p.sentence,
            "article_id": article.id,
            "passage_id": by_sentence.get(p.sentence),
        }
        for p in extract_people(sentences, regions, lemma_sets)
    ]
    agreements = []
    seen_agreements: set[tuple[str, str]] = set()  # (kind, subject)
    for a in extract_agreements(sentences, lemma_sets):
        agreement_key = (a.kind, normalize(a.subject))
        if agreement_key in seen_agreements:
            continue
        seen_agreements.add(agreement_key)
        agreements.append(
            {
                "kind": a.kind,
                "parties": json.dumps(list(a.parties), ensure_ascii=False),
                "subject": a.subject,
                "sentence": a.sentence,
                "article_id": article.id,
                "regions": " ".join(a.regions),
                "passage_id": by_sentence.get(a.sentence),
            }
        )
    figures = []
    seen_figures: set[tuple[float, str, str]] = set()  # (value, category, display)
    for f in extract_figures(sentences):
        figure_key = (f.value, f.category, normalize(f.display))
        if figure_key in seen_figures:
            continue
        seen_figures.add(figure_key)
        figures.append(
            {
                "value": f.value,
                "display": f.display,
                "counts": f.counts,
                "category": f.category,
                "qualifier": f.qualifier,
                "sentence": f.sentence,
                "article_id": article.id,
                "regions": " ".join(f.regions),
                "passage_id": by_sentence.get(f.sentence),
            }
        )
    return rows, _Facts(people, agreements, figures), regions


def _main_regions(counts: Counter[str]) -> list[str]:
    """The regions an article is about (not countries): its most mentioned ones."""
    entries = gazetteer().entries
    local = [
        (k, n)
        for k, n in counts.most_common()
        if k in entries and entries[k].kind not in ("country", "city")
    ]
    if not local:
        return []
    top = local[0][1]
    return [k for k, n in local if n >= max(2, (top + 1) // 2)] or [local[0][0]]


def _link_people(
    passages: list[dict[str, Any]],
    people: list[dict[str, Any]],
    articles: dict[str, dict[str, Any]],
) -> None:
    """Coreference at build time, so a question and a passage meet through a person.

    A passage naming a person also stands for their role and region («Алексей Русских» →
    губернатор, Ульяновская область); a bare role noun in an article with one person of that
    role stands for the person («… добавил председатель» → Субботин).
    """
    by_surname: dict[str, dict[str, Any]] = {}
    by_article_role: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for person in people:
        parts = words(person["name"])
        if len(parts) < 2:
            continue
        by_surname.setdefault(stem(parts[-1]), person)
        key = (person["article_id"], role_head(person["role"]))
        if person not in by_article_role.setdefault(key, []):
            by_article_role[key].append(person)
    last: dict[str, dict[str, Any]] = {}  # article → the person mentioned last
    group: dict[str, list[dict[str, Any]]] = {}  # article → the last people named together
    for row in passages:
        linked: list[dict[str, Any]] = []
        for capital_stem in row["_capitals"]:
            named_person = by_surname.get(capital_stem)
            if named_person is not None and named_person not in linked:
                linked.append(named_person)
        named = {p["name"] for p in linked}
        for lem in row["_singular"]:
            candidates = by_article_role.get((row["article_id"], lem), [])
            if len({p["name"] for p in candidates}) == 1 and candidates[0]["name"] not in named:
                linked.append(candidates[0])
        article = row["article_id"]
        if not linked and article in last and (row["_pronoun"] or row["_first_person"]):
            # «…, — отметил он.», «По его словам, …»: the person spoken of just before;
            # «мы», «наши» in news text is a quote, by the person who was given the word
            linked.append(last[article])
        if not linked and article in group and row["_sides"]:
            # «стороны определили …»: the people who just met
            linked.extend(group[article])
        if linked:
            last[article] = linked[-1]
        if len(linked) >= 2:
            group[article] = list(linked)
        extra_l: list[str] = []
        extra_s: list[str] = []
        for person in linked:
            extra_l.append(person_token(person["name"]))
            if person["name"] not in named:
                # a passage about someone unnamed in it: their name, post and organisation
                # («мы» of a director's quote is his plant) are what a question would use
                said = f"{person['name']} {person['role']} {person.get('organisation') or ''}"
                for w in words(said):
                    extra_l.append(lemma(w))
                    extra_s.append(stem(w))
            head = role_head(person["role"])
            if head:
                extra_l.append(head)
            if person.get("region"):
                extra_l.append(entity_token(person["region"]))
        if extra_l or extra_s:
            lemmas = row["lemmas"].split()
            stems = row["stems"].split()
            row["lemmas"] = " ".join(lemmas + [x for x in extra_l if x not in lemmas])
            row["stems"] = " ".join(stems + [x for x in extra_s if x not in stems])


_TODAY = re.compile(r"\bсегодн(?:я|яшн)", re.IGNORECASE)
_RANGE = re.compile(
    r"\bс\s+(\d{1,2})(?:\s+([а-яё]+))?\s+по\s+(\d{1,2})\s+([а-яё]+)", re.IGNORECASE
)  # «с 29 сентября по 1 октября», «с 12 по 14 мая»


def _today_words(article: Article) -> tuple[str, ...]:
    """What «сегодня» means in this article: its date, and «первый / последний день» when
    the article itself dates an event «с 29 сентября по 1 октября» that starts or ends then."""
    if article.date is None:
        return ()
    day, month = article.date.day, MONTHS[article.date.month - 1]
    found: list[str] = [str(day), month]
    for match in _RANGE.finditer(article.text):
        end = (int(match.group(3)), lemma(match.group(4).lower()))
        start = (int(match.group(1)), lemma((match.group(2) or match.group(4)).lower()))
        if start == (day, month):
            found += ["первый", "день", "открытие"]
        elif end == (day, month):
            found += ["последний", "день", "закрытие"]
    return tuple(dict.fromkeys(found))


_PRONOUNS = frozenset({"он", "его", "ему", "им", "нем", "него", "она", "ее", "ей", "нее", "ней"})


def _mentions_sides(text: str) -> bool:
    return any(w in ("стороны", "сторонам", "сторонами") for w in words(text))


def _has_personal_pronoun(text: str) -> bool:
    return any(w in _PRONOUNS for w in words(text))


_FIRST_PERSON = frozenset(
    {"я", "меня", "мне", "мной", "мы", "нас", "нам", "нами", "наш", "наша", "наше", "наши",
     "нашего", "нашей", "нашему", "нашим", "нашими", "наших", "нашу", "нашем"}
)  # fmt: skip


def _speaks_in_first_person(text: str) -> bool:
    return any(w in _FIRST_PERSON for w in words(text))


def _singular_nouns(text: str) -> set[str]:
    """Lemmas of singular nouns: «председатель» refers to one person, «губернаторы» do not."""

    return {lem for lem in map(_singular_noun, words(text)) if lem}


@lru_cache(maxsize=200_000)
def _singular_noun(word: str) -> str:
    """The lemma of a word read as a singular noun, else ""."""
    from .normalize import parse

    tag = parse(word).tag
    return lemma(word) if tag.POS == "NOUN" and tag.number == "sing" else ""


def _capitalised(text: str) -> list[str]:
    import re

    return [normalize(w) for w in re.findall(r"\b[А-ЯЁ][а-яё]+", text)]


# Below this many articles starting worker processes costs more than it saves.
PARALLEL_FROM = 200

_Analysed = tuple[list[dict[str, Any]], _Facts, Counter[str]]


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
        return _article_rows(article, 1)
    except Exception as exc:
        logger.exception("article %s could not be analysed", article.id)
        return f"не удалось разобрать статью: {failure(exc)}"


def _renumber(rows: list[dict[str, Any]], facts: _Facts, offset: int) -> None:
    """Shift an article's local passage ids (from 1) after the passages already written."""
    if not offset:
        return
    for row in rows:
        row["id"] += offset
    for item in (*facts.people, *facts.agreements, *facts.figures):
        if item.get("passage_id") is not None:
            item["passage_id"] += offset


def _merge_people(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per person: the most informative role wins, the first source is kept."""
    merged: dict[tuple[str, ...], dict[str, Any]] = {}
    for person in people:
        # one row per name and kind of role: a namesake (or the same person later) in
        # another role is another fact, not a longer description of this one
        key = (*(stem(w) for w in words(person["name"])), role_head(person["role"]))
        best = merged.get(key)
        if best is None:
            merged[key] = dict(person)
            merged[key]["role_passages"] = [person["passage_id"]]
            continue
        best["role_passages"].append(person["passage_id"])
        if len(person["role"]) > len(best["role"]) and person["role"] != best["role"]:
            best["role"] = person["role"]
        best["region"] = best["region"] or person["region"]
        best["organisation"] = best["organisation"] or person["organisation"]
    for person in merged.values():
        ids = [i for i in dict.fromkeys(person.pop("role_passages")) if i is not None]
        person["role_passages"] = " ".join(map(str, ids))
    return list(merged.values())


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


def _write(
    path: Path,
    articles: list[Article],
    skipped: list[SkippedFile],
    fingerprint: str,
    pool: ProcessPoolExecutor | None = None,
) -> dict[str, int]:
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    passages: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    agreements: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    article_rows: list[dict[str, Any]] = []
    region_mentions: Counter[str] = Counter()
    region_articles: Counter[str] = Counter()
    for article, analysed in zip(articles, _analyse(articles, pool), strict=True):
        if isinstance(analysed, str):
            skipped.append(SkippedFile(article.id, analysed))
            continue
        rows, facts, regions = analysed
        _renumber(rows, facts, len(passages))
        passages.extend(rows)
        people.extend(facts.people)
        agreements.extend(facts.agreements)
        figures.extend(facts.figures)
        region_mentions.update(regions)
        region_articles.update(regions.keys())
        article_rows.append(
            {
                "regions": " ".join(_main_regions(regions)),
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
    if not article_rows:
        raise BuildError("нет ни одной пригодной статьи", tuple(skipped))
    _link_people(passages, people, {a["id"]: a for a in article_rows})
    people = _merge_people(people)
    db.table("articles").insert_all(article_rows, pk="id")
    _insert_df(db, passages)
    for row in passages:
        del row["_capitals"], row["_singular"], row["_surfaces"], row["_pronoun"], row["_sides"]
        del row["_first_person"]
    _bulk_insert(db, "passages", passages)
    db.table("passages").create_index(["article_id", "seq"])
    db.table("passages").enable_fts(
        ["lemmas", "stems"], tokenize="unicode61 remove_diacritics 0", create_triggers=False
    )
    db.table("people").insert_all(people, pk="id") if people else None
    db.table("agreements").insert_all(agreements, pk="id") if agreements else None
    db.table("figures").insert_all(figures, pk="id") if figures else None
    for name in ("people", "agreements", "figures"):
        if not db.table(name).exists():
            db.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, passage_id INTEGER)")
        # facts are looked up by the passages that answer a question
        db.table(name).create_index(["passage_id"], if_not_exists=True)
    entries = gazetteer().entries
    region_rows = [
        {
            "key": k,
            "name": entries[k].name,
            "kind": entries[k].kind,
            "mentions": n,
            "articles": region_articles[k],
        }
        for k, n in region_mentions.items()
        if k in entries
    ]
    db.table("regions").insert_all(region_rows, pk="key") if region_rows else db.execute(
        "CREATE TABLE regions (key TEXT PRIMARY KEY, name TEXT, kind TEXT, mentions INTEGER,"
        " articles INTEGER)"
    )
    counts = {
        "articles": len(article_rows),
        "passages": len(passages),
        "agreements": len(agreements),
        "people": len(people),
        "figures": len(figures),
        "regions": len(region_rows),
    }
    meta = {
        "schema_version": SCHEMA_VERSION,
        "fingerprint": fingerprint,
        "language": language_fingerprint(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": counts,
        "skipped": [{"name": s.name, "reason": s.reason} for s in skipped],
    }
    db.table("meta").insert_all(
        [{"key": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in meta.items()],
        pk="key",
    )
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.commit()  # written once, append-only: nothing for VACUUM to reclaim
    db.close()
    return counts


def _bulk_insert(db: sqlite_utils.Database, name: str, rows: list[dict[str, Any]]) -> None:
    """Create the table from the first rows with sqlite-utils, then insert with executemany:
    insert_all's per-value type checks cost seconds at 175,000 passages."""
    if not rows:
        return
    table = db.table(name)
    table.insert_all(rows[:1], pk="id")
    columns = list(rows[0])
    marks = ", ".join("?" * len(columns))
    names = ", ".join(f"[{c}]" for c in columns)
    db.conn.executemany(
        f"INSERT INTO [{name}] ({names}) VALUES ({marks})",
        ([row[c] for c in columns] for row in rows[1:]),
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
    db.table("lemma_df").insert_all(
        ({"term": k, "df": v} for k, v in lemma_df.items()), pk="term", batch_size=5000
    )
    db.table("stem_df").insert_all(
        ({"term": k, "df": v} for k, v in stem_df.items()), pk="term", batch_size=5000
    )
    db.table("surface_df").insert_all(
        ({"word": k, "df": v} for k, v in surface_df.items()), pk="word", batch_size=5000
    )


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
    """True when the index is missing, of another schema, or built from other seeds."""
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
        version = json.loads(rows.get("schema_version", "0"))
        fingerprint = json.loads(rows.get("fingerprint", '""'))
        language = json.loads(rows.get("language", '""'))
    except ValueError:
        return True
    return bool(
        version != SCHEMA_VERSION
        or fingerprint != seeds_fingerprint(seeds_dir)
        # the passages were normalised with other language data (stop words, synonyms …)
        or language != language_fingerprint()
    )


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


# Every table a search reads; the FTS table is a virtual one over shadow tables.
TABLES = (
    "meta", "articles", "passages", "passages_fts", "lemma_df", "stem_df", "surface_df",
    "people", "agreements", "figures", "regions",
)  # fmt: skip


def probe_tables(conn: sqlite3.Connection) -> None:
    """Read a row of every table and run a full-text query: a missing table, a damaged page
    on the way or a broken FTS table («vtable constructor failed») raises here.

    :raises sqlite3.DatabaseError: what the damage looks like to SQLite.
    """
    for table in TABLES:
        conn.execute(f"SELECT * FROM [{table}] LIMIT 1").fetchall()
    conn.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1", ('"выставка"',)
    ).fetchall()


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
