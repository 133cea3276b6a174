"""The read-only knowledge index: question answering, facts, regions and sources.

Candidates come from SQLite FTS5 over lemmas and stems; a bounded set of them is reranked in
Python by weighted term coverage (lemma, stem, synonym, entity), the expected answer type
(сколько → a number, когда → a date, кто → a person, что подписали → an agreement) and the
neighbouring sentence, which in news text often carries the subject («Это предприятие …»).
When the best candidate covers too little of the question, or the question names something
the articles never mention, the index declines instead of showing weak matches.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ..analysis import (
    Query,
    SentenceFeatures,
    Term,
    Vocabulary,
    analyze_question,
    entity_token,
    person_token,
    sentence_features,
)
from ..index import probe_tables
from ..lexicon import gazetteer, known_forms, lexicon, role_head
from ..models import (
    Agreement,
    Answer,
    ArticleInfo,
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
from ..normalize import is_known_word, lemma, normalize, parse, stem, words

__all__ = ["IndexUnavailable", "KnowledgeIndex"]

logger = logging.getLogger(__name__)

MAX_SNIPPET = 420
# candidate retrieval: words in more than max(COMMON_FLOOR, 2 % of passages) are common
COMMON_FLOOR = 200
POSTINGS_BUDGET = 20_000
MAX_STATED = 10
CANDIDATES = 40
ROW_CACHE = 50_000
# Below this share of the question's weight covered by the best snippet, the answer is "no".
MIN_COVERAGE = 0.55
# …and below this share of what the question asks about (its words other than names of
# places and people): «Какой товарооборот Ульяновской области?» needs «товарооборот».
MIN_CONTENT = 0.5
AMBIENT_WEIGHT = 0.3
# «Марс» must not suggest «Беларусь»: a suggestion has to look like what was typed
SUGGEST_SIMILARITY = 65
ARTICLE_ENTITY = 0.6
_CATEGORY_KINDS = {
    "страна": frozenset({"country"}),
    "государство": frozenset({"country"}),
    "город": frozenset({"city", "by_city"}),
    "регион": frozenset({"ru_subject", "by_oblast"}),
    "область": frozenset({"by_oblast", "ru_subject"}),
    "субъект": frozenset({"ru_subject"}),
}
# Hits after the first must keep at least this share of the best score.
RELATIVE_FLOOR = 0.6
# Bonus when a snippet holds what the question asks for.
CUE_BONUS = {
    "count": 0.2,
    "date": 0.2,
    "time": 0.2,
    "person": 0.12,
    "place": 0.08,
    "speech": 0.1,
    "name": 0.08,
    "address": 0.2,
    "agreement": 0.3,
}
# A strong cue (сколько, когда, во сколько) needs that kind of value in the answer at all.
REQUIRED = frozenset({"count", "date", "time", "address"})
# Entities mentioned in at least this share of articles (the host city, the two countries)
# are ambient: a snippet need not repeat them.
AMBIENT_SHARE = 0.75
PERSON_BONUS = 0.25
# «какие страны …?» asks for a list: up to this much more for a snippet naming five of them
LIST_BONUS = 0.1
DAY_BONUS = 0.15
ROLE_BONUS = 0.15
VERIFIED_BONUS = 0.5
# The second look (_refine) reorders this many leading units.
REFINE = 12
MODIFIER_PENALTY = 0.15
FIGURE_BONUS = 0.15
# Verbs are paraphrased far more often than nouns; they weigh less.
POS_WEIGHT = {"VERB": 0.6, "INFN": 0.6, "PRTF": 0.6, "PRTS": 0.6, "GRND": 0.6, "ADVB": 0.5}
# …and an adjective narrows its noun, the noun is what the question is about.
ADJECTIVE_WEIGHT = 0.75
# a sentence naming a person of the place a «кто <verb> <place>?» asks about
PERSON_OF_PLACE_MATCH = 0.85
# …and the noun a «какой …?» asks about is what the answer must be about.
FOCUS_WEIGHT = 1.5


class IndexUnavailable(RuntimeError):
    """The index file is missing or not a valid index."""


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    article_id: str
    seq: int
    paragraph: int
    text: str
    lemmas: frozenset[str]
    stems: frozenset[str]
    flags: frozenset[str]
    anaphoric: bool
    article_regions: frozenset[str]
    kinds: frozenset[str] = frozenset()  # kinds of the entities named (country, city, …)


@dataclass(frozen=True, slots=True)
class _PeopleIndex:
    by_surname: dict[str, list[Person]]
    by_token: dict[str, list[Person]]
    by_role: dict[str, list[Person]]
    positions: dict[int, int]  # id(person) → position
    # the first three letters of each word of a person's post and organisation → the people:
    # a stump compound («Могилевлифтмаш») can only be made of words starting that way
    by_prefix: dict[str, set[int]]
    # built on the first «кто директор X?» (lemmatising every post costs ~1 s at 10k
    # articles): lemmas and stems of each post and organisation → the people (by position)
    by_word: dict[str, set[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Unit:
    rows: tuple[_Row, ...]
    texts: tuple[str, ...]
    score: float
    coverage: float
    content: float
    satisfied: bool


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class KnowledgeIndex:
    """A built index opened read-only.  Thread-safe; cheap to query."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise IndexUnavailable(f"index not found: {self.path}")
        try:
            self._conn = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            self._conn.execute("PRAGMA query_only=1")
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
            probe_tables(self._conn)  # a damaged table fails here, not in a user's question
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error, AttributeError):
                self._conn.close()
            raise IndexUnavailable(f"not a valid index: {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._columns: dict[str, frozenset[str]] = {}
        self._meta = {k: json.loads(v) for k, v in meta.items()}
        self._sources: dict[str, Source] = {}
        self._article_sizes: dict[str, tuple[int, int]] = {}
        self._article_regions: dict[str, frozenset[str]] = {}
        for row in self._conn.execute(
            "SELECT id, title, agency, date, passages, chars, regions FROM articles"
            " ORDER BY date, id"
        ):
            self._sources[row[0]] = Source(row[0], row[1], row[2], _parse_date(row[3]))
            self._article_sizes[row[0]] = (row[4], row[5])
            self._article_regions[row[0]] = frozenset(
                entity_token(k) for k in (row[6] or "").split()
            )
        n_articles = max(len(self._sources), 1)
        self._ambient = frozenset(
            entity_token(key)
            for key, articles in self._conn.execute("SELECT key, articles FROM regions")
            if articles / n_articles >= AMBIENT_SHARE
        )
        counts = self._meta.get("counts", {})
        persons = {}
        if self._has_column("people", "name"):
            for (name,) in self._conn.execute("SELECT name FROM people"):
                token = person_token(name)
                if len(token) > 6:
                    persons[token[3:]] = token
        self.vocabulary = Vocabulary(
            passages=int(counts.get("passages", 1)),
            lemma_df=self._lemma_df,
            stem_df=self._stem_df,
            correct=self._correct,
            persons=persons,
            stems_with_prefix=self._stems_with_prefix,
            names_organisation=lambda word: bool(self._organisation_phrase(word)),
        )
        self._surfaces: dict[tuple[str, int], list[str]] | None = None
        self._surface_df: dict[str, int] = {}
        self._people: tuple[Person, ...] | None = None
        self._people_by: _PeopleIndex | None = None
        self._organisations: dict[str, tuple[str, ...]] = {}  # stump compound → its name
        self._regions: tuple[Region, ...] | None = None
        self._row_cache: dict[int, _Row] = {}
        # passages where a person's role is stated: the answer to «кто такой X?»
        self._role_passages: dict[str, set[int]] = {}
        if self._has_column("people", "role_passages"):
            for name, ids in self._conn.execute("SELECT name, role_passages FROM people"):
                self._role_passages.setdefault(person_token(name), set()).update(
                    int(i) for i in (ids or "").split()
                )
        self._agreement_passages = frozenset(
            r[0]
            for r in self._conn.execute(
                "SELECT passage_id FROM agreements WHERE passage_id IS NOT NULL"
            )
        ) if self._has_column("agreements", "passage_id") else frozenset()

    # ------------------------------------------------------------------ plumbing

    @classmethod
    def open(cls, path: Path | str) -> KnowledgeIndex:
        """Open an index file read-only."""
        return cls(Path(path))

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def problem(self) -> str | None:
        """What is wrong with this open index (a file truncated or overwritten under it), or
        ``None`` when every table reads and SQLite's ``quick_check`` passes."""
        try:
            with self._lock:
                probe_tables(self._conn)
                (check,) = self._conn.execute("PRAGMA quick_check(1)").fetchone()
        except sqlite3.Error as exc:
            return str(exc)
        return None if check == "ok" else str(check)

    def __enter__(self) -> KnowledgeIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _has_column(self, table: str, column: str) -> bool:
        """Whether the index has this column (a corpus without figures has an empty, bare
        figures table; older indexes lack newer columns)."""
        columns = self._columns.get(table)
        if columns is None:
            rows = self._query(f"PRAGMA table_info({table})")
            columns = self._columns[table] = frozenset(str(c[1]) for c in rows)
        return column in columns

    def _lemma_df(self, term: str) -> int:
        rows = self._query("SELECT df FROM lemma_df WHERE term = ?", (term,))
        return int(rows[0][0]) if rows else 0

    def _stem_df(self, term: str) -> int:
        rows = self._query("SELECT df FROM stem_df WHERE term = ?", (term,))
        return int(rows[0][0]) if rows else 0

    def _stems_with_prefix(self, prefix: str) -> list[str]:
        rows = self._query(
            "SELECT term FROM stem_df WHERE term > ? AND term < ? LIMIT 20",
            (prefix, prefix + "\uffff"),
        )
        return [r[0] for r in rows]

    def _correct(self, word: str, min_score: int) -> str | None:
        """Closest corpus word for a misspelt one (rapidfuzz over words of similar length);
        among equally close ones the more frequent wins («росии» → «россии», not «росли»)."""
        if self._surfaces is None:
            # by first letter and length: a typo keeps the first letter and about the length
            buckets: dict[tuple[str, int], list[str]] = {}
            frequency = dict(self._query("SELECT word, df FROM surface_df"))
            for w in sorted(set(frequency) | known_forms()):
                buckets.setdefault((w[:1], len(w)), []).append(w)
            self._surfaces = buckets
            self._surface_df = frequency
        first, size = word[:1], len(word)
        choices = [
            w for n in range(size - 3, size + 4) for w in self._surfaces.get((first, n), ())
        ]
        if not choices:
            return None
        found: list[tuple[str, float]]
        if len(word) <= 5:
            # a short word may differ by one letter at most: «каие» → «какие», not «ждлоп» →
            # «ждало»; closeness is the negated edit distance
            found = [
                (str(f[0]), -float(f[1]))
                for f in process.extract(
                    word, choices, scorer=OSA.distance, score_cutoff=1, limit=20
                )
            ]
        else:
            found = [
                (str(f[0]), float(f[1]))
                for f in process.extract(
                    word, choices, scorer=fuzz.ratio, score_cutoff=min_score, limit=20
                )
            ]
        best = max((f[1] for f in found), default=None)
        tied = [w for w, score in found if score == best]
        if not tied:
            return None
        return max(tied, key=lambda w: (self._surface_df.get(w, 0), w))

    def warm_up(self) -> None:
        """Load what the first questions would otherwise pay for: the people index and the
        spelling vocabulary (up to a second on a big corpus).  A long-running server calls
        this before serving; a one-off ``ask`` does not need to."""
        self._people_words()
        self._correct("прогрев", 100)
        self.search("Сколько было посетителей?")

    # ------------------------------------------------------------------ info

    @property
    def info(self) -> IndexInfo:
        """Counts and dates for /start, /help and logs."""
        counts = self._meta.get("counts", {})
        dates = [s.date for s in self._sources.values() if s.date]
        return IndexInfo(
            schema_version=int(self._meta.get("schema_version", 0)),
            articles=int(counts.get("articles", 0)),
            passages=int(counts.get("passages", 0)),
            facts={k: int(counts.get(k, 0)) for k in ("agreements", "people", "figures")},
            latest_date=max(dates) if dates else None,
            built_at=str(self._meta.get("built_at", "")),
            fingerprint=str(self._meta.get("fingerprint", "")),
            skipped=tuple(
                SkippedFile(s["name"], s["reason"]) for s in self._meta.get("skipped", [])
            ),
        )

    def sources(self) -> tuple[ArticleInfo, ...]:
        """Every indexed article, newest first (articles without a date last)."""
        items = [
            ArticleInfo(src, *self._article_sizes[src.article_id])
            for src in self._sources.values()
        ]
        items.sort(key=lambda a: (a.source.date is None, -(a.source.date or date.min).toordinal(),
                                  a.source.article_id))
        return tuple(items)

    def source(self, article_id: str) -> Source | None:
        """The source of one article."""
        return self._sources.get(article_id)

    # ------------------------------------------------------------------ search

    def analyze(self, question: str) -> Query:
        """The analysed form of a question (terms, cues, entities, corrections)."""
        return self._spell_out_organisations(analyze_question(question, self.vocabulary))

    def _spell_out_organisations(self, query: Query) -> Query:
        """«Могилевлифтмаш» is how people name the Могилевский завод лифтового
        машиностроения: a question word made of the beginnings of an organisation's words (as
        the extracted people's organisations spell them) also matches the full name."""
        originals = {v: k for k, v in query.corrections.items()}
        terms = list(query.terms)
        for n, term in enumerate(terms):
            compact = normalize(originals.get(term.surface, term.surface)).replace(" ", "")
            if term.entity or term.phrase or len(compact) < 8 or is_known_word(compact):
                continue
            phrase = self._organisation_phrase(compact)
            if phrase:
                terms[n] = replace(term, phrase=phrase, known=True)
        if terms == list(query.terms):
            return query
        return replace(query, terms=tuple(terms))

    def _organisation_phrase(self, compact: str) -> tuple[str, ...]:
        """Content lemmas of the name ``compact`` stands for, found in the extracted people's
        posts and organisations («гендиректор Могилевского завода …»)."""
        found = self._organisations.get(compact)
        if found is None:
            found = ()
            index = self._people_index()
            stopwords = lexicon().stopwords
            for n in sorted(index.by_prefix.get(compact[:3], ())):
                person = self.people()[n]
                named = _stump_span(compact, f"{person.role} {person.organisation or ''}")
                if named:
                    found = tuple(dict.fromkeys(lemma(w) for w in named))
                    found = tuple(w for w in found if w not in stopwords)
                    break
            if len(self._organisations) > 10_000:
                self._organisations.clear()
            self._organisations[compact] = found
        return found

    def search(self, question: str, limit: int = 9) -> Answer:
        """Answer a question with ranked, sourced snippets and facts, or decline."""
        question = question.strip()
        query = self.analyze(question)
        topics = self._topics()
        if not query.terms:
            return Answer(question, False, decline_reason="empty", topics=topics)
        if query.unknown_entities:
            names = tuple(gazetteer().entries[k].name for k in query.unknown_entities)
            return Answer(
                question,
                False,
                decline_reason="unknown_entity",
                unknown_terms=names,
                topics=topics,
            )
        unknown = query.unknown_specific
        if unknown:
            return Answer(
                question,
                False,
                decline_reason="unknown_entity",
                unknown_terms=tuple(t.surface for t in unknown),
                topics=topics,
            )
        counted = [t for t in query.terms if not t.entity and not _is_number(t.lemma)]
        if "count" in query.strong_cues and not counted:
            # «сколько лет Крутому?», «сколько будет 17*23»: nothing the articles count
            return Answer(question, False, decline_reason="no_value", topics=topics)
        people_asked = self._people_for_roles(query)
        if people_asked is not None and not people_asked:
            return Answer(question, False, decline_reason="no_person", topics=topics)
        boost = frozenset(
            stem(words(p.name)[-1]) for p in (people_asked or ()) if words(p.name)
        )
        units = self._rank(query, boost)
        good = [u for u in units if u.coverage >= MIN_COVERAGE and u.content >= MIN_CONTENT]
        if good and not good[0].satisfied:
            # the articles speak of it, but none of those passages gives the number / date /
            # time asked for (unsatisfied units rank last, so good[0] is the best there is)
            return Answer(question, False, decline_reason="no_value", topics=topics)
        if not units or units[0].coverage < MIN_COVERAGE or units[0].content < MIN_CONTENT:
            unknown_terms = tuple(t.surface for t in query.terms if not t.known)
            return Answer(
                question,
                False,
                decline_reason="weak",
                unknown_terms=unknown_terms,
                topics=topics,
            )
        best = units[0].score
        # facts come from the passages that answer the question, not from the whole corpus
        relevant = [
            r.id for u in units if u.coverage >= MIN_COVERAGE and u.satisfied for r in u.rows
        ]
        hits: list[Hit] = []
        for unit in units:
            if len(hits) >= limit:
                break
            if hits and (
                unit.score < best * RELATIVE_FLOOR
                or unit.coverage < MIN_COVERAGE
                or unit.content < MIN_CONTENT
            ):
                break
            text = " ".join(unit.texts)
            source = self._sources[unit.rows[0].article_id]
            hits.append(Hit(text, source, round(unit.score, 4), unit.rows[0].id))
        return Answer(
            question,
            True,
            hits=tuple(hits),
            figures=self._answer_figures(query, relevant),
            agreements=self._answer_agreements(query, relevant),
            people=people_asked or self._answer_people(query),
            topics=topics,
        )

    def _people_by_stem(self, stems: frozenset[str]) -> list[str]:
        if not stems:
            return []
        people = self._people_index()
        return [p.name for s in stems for p in people.by_surname.get(s, ())]

    def _people_for_roles(self, query: Query) -> tuple[Person, ...] | None:
        """For «кто губернатор X?»: the people of that role (and region), or ``None``.

        ``None`` means the question does not ask for a person by role; an empty tuple means it
        does and the articles name nobody in that role — the honest answer is then «не знаю».
        """
        if "person" not in query.strong_cues:
            return None
        heads = lexicon().role_heads
        roles: set[str] = set()
        for term in query.terms:
            if term.entity:
                continue
            if term.lemma in heads:
                roles.add(term.lemma)
                roles |= term.synonyms & heads
            elif (term.synonyms | term.related) & heads and term.lemma in _ROLE_VERBS:
                roles |= (term.synonyms | term.related) & heads
        if not roles:
            return None
        wanted_regions = {gazetteer().entries[k].name for k in query.entities}
        heads_of_region = lexicon().regional_heads
        if wanted_regions and roles & heads_of_region:
            # a Belarusian oblast is headed by a «председатель облисполкома» whom people
            # call its governor: any head of the region answers «кто губернатор …?»
            roles |= heads_of_region
        found = []
        by_role = self._people_index().by_role
        for person in (p for role in roles for p in by_role.get(role, ())):
            if wanted_regions and person.region not in wanted_regions:
                continue
            found.append(person)
        # «кто директор завода Авангард?»: the other words must fit the person's role too;
        # if none does, the role is not verified either way and ranking decides
        other = [
            t
            for t in query.terms
            if not t.entity and not _is_number(t.lemma) and t.lemma not in roles
            and not (t.synonyms & roles) and t.lemma not in _ROLE_VERBS
        ]
        if found and other:
            originals = {v: k for k, v in query.corrections.items()}
            fitting = self._fitting(found, other, originals)
            if fitting:
                return tuple(fitting)
            # «кто гендиректор БЕЛАЗа?» when the articles name nobody of BELAZ: a known role,
            # but not for that organisation — the honest answer is no
            if any(t.specific for t in other):
                return ()
            return None
        return tuple(found)

    def _candidates(self, query: Query) -> list[int]:
        """Candidate passages from FTS5: the question's rarer words first.

        BM25 has to score every passage any OR-ed word occurs in, so the cost grows with the
        words' document frequencies.  Words are taken rarest first while the total stays
        within a postings budget (always at least two); a word in more than 2 % of passages
        only joins when nothing rarer is left.  Reranking still sees every word.
        """
        lemmas, stems = query.fts_tokens()
        total = self.vocabulary.passages
        pool = [(self.vocabulary.lemma_df(t), "lemmas", t) for t in lemmas if t]
        pool += [(self.vocabulary.stem_df(t), "stems", t) for t in stems if t]
        pool = sorted(x for x in pool if x[0] > 0)
        common = max(COMMON_FLOOR, total // 50)
        chosen: dict[str, list[str]] = {"lemmas": [], "stems": []}
        postings = 0
        for df, column, token in pool:
            picked = len(chosen["lemmas"]) + len(chosen["stems"])
            if picked >= 2 and (df > common or postings + df > POSTINGS_BUDGET):
                break
            chosen[column].append(token)
            postings += df
        parts = [
            f"{column} : (" + " OR ".join(f'"{t}"' for t in tokens) + ")"
            for column, tokens in chosen.items()
            if tokens
        ]
        if not parts:
            return []
        match = " OR ".join(parts)
        rows = self._query(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, CANDIDATES),
        )
        return [r[0] for r in rows]

    def _rows(self, ids: Iterable[int]) -> dict[int, _Row]:
        """Passages by id; parsed rows are kept (the index never changes under us)."""
        wanted = list(dict.fromkeys(ids))
        result = {i: self._row_cache[i] for i in wanted if i in self._row_cache}
        missing = [i for i in wanted if i not in result]
        if missing:
            fresh = self._load_rows(missing)
            if len(self._row_cache) > ROW_CACHE:
                self._row_cache.clear()
            self._row_cache.update(fresh)
            result.update(fresh)
        return result

    def _load_rows(self, ids: list[int]) -> dict[int, _Row]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        result: dict[int, _Row] = {}
        for r in self._query(
            "SELECT id, article_id, seq, paragraph, text, lemmas, stems, has_number, has_date,"
            " has_person, has_place, has_speech, has_time, has_quote, has_address, anaphoric,"
            " has_day"
            f" FROM passages WHERE id IN ({marks})",
            ids,
        ):
            flags = {
                name
                for name, on in zip(
                    ("count", "date", "person", "place", "speech", "time", "name", "address"),
                    r[7:15],
                    strict=True,
                )
                if on
            }
            if r[0] in self._agreement_passages:
                flags.add("agreement")
            if r[16]:
                flags.add("day")
            result[r[0]] = _Row(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                frozenset(r[5].split()),
                frozenset(r[6].split()),
                frozenset(flags),
                bool(r[15]),
                self._article_regions.get(r[1], frozenset()),
                _kinds_of(r[5]),
            )
        return result

    def _rank(self, query: Query, boost: frozenset[str] = frozenset()) -> list[_Unit]:
        ids = self._candidates(query)
        # a verified role question knows where the answer is stated: those passages compete
        # even if full-text retrieval ranked them out (in a big corpus it often does)
        stated = sorted(
            {i for p in self._people_by_stem(boost) for i in self._role_passages.get(
                person_token(p), set())}
        )[:MAX_STATED]
        ids = list(dict.fromkeys([*ids, *stated]))
        if not ids:
            return []
        neighbours = [i + d for i in ids for d in (-1, 1)]
        rows = self._rows([*ids, *neighbours])
        weights = [
            _term_weight(t) * (AMBIENT_WEIGHT if t.entity in self._ambient else 1.0)
            for t in query.terms
        ]
        total = sum(weights) or 1.0
        # what the question asks about: its words other than names, minus unknown verbs
        # (a verb the articles never use is most likely a paraphrase, not a new topic)
        content_idx = [
            i
            for i, t in enumerate(query.terms)
            if not t.entity and (t.known or _pos(t) not in _PARAPHRASED_POS)
        ]
        content_total = sum(weights[i] for i in content_idx)
        # «кто представлял Кубу?», «кто приехал из Ирана?»: only a verb beside a place —
        # a sentence naming a person of that place answers it, whatever its verb
        # «какие страны участвовали?»: the more countries a snippet names, the better
        list_kinds = frozenset().union(
            *(
                _CATEGORY_KINDS[t.lemma]
                for t in query.terms
                if t.focus and t.lemma in _CATEGORY_KINDS and _may_be_plural(t.surface)
            )
        )
        person_of_place = (
            "person" in query.strong_cues
            and bool(_places_of(query))
            and not any(t.entity and not t.entity.startswith("ent") for t in query.terms)
            and bool(content_idx)
            and all(_pos(query.terms[i]) in _VERB_POS for i in content_idx)
        )
        cues = set(query.cues)
        if query.wants_speech:
            cues.add("speech")
        if _asks_agreement(query) and "count" not in cues:
            cues.add("agreement")
        required = query.strong_cues & REQUIRED
        counted = {t.lemma for t in query.terms if t.focus}
        if "count" in required and counted and counted <= _TIME_UNITS:
            # «сколько дней длилась выставка» is answered by its dates
            required = (required - {"count"}) | {"date"}
        counted_ok, counting = (
            self._counted_passages(query, [*ids, *neighbours])
            if "count" in required
            else (None, set())
        )
        strict_entities = [
            t.entity for t in query.terms if t.entity and t.known and t.entity not in self._ambient
        ]
        role_ids: set[int] = set()
        if "person" in cues:
            for t in query.terms:
                if t.entity and t.entity in self._role_passages:
                    role_ids |= self._role_passages[t.entity]
        # «кто губернатор X?» verified against the extracted people: we know who it is and
        # where the article says so
        verified = set(stated)
        units: list[_Unit] = []
        terms = query.terms
        vectors: dict[int, list[float]] = {}
        wanted_flags = cues | {"agreement", "person"}

        def vector(r: _Row) -> list[float]:
            found = vectors.get(r.id)
            if found is None:
                found = vectors[r.id] = [_match(t, r) for t in terms]
            return found

        for pid in ids:
            row = rows.get(pid)
            if row is None:
                continue
            own = vector(row)
            options: list[tuple[tuple[_Row, ...], tuple[str, ...], list[float], float]] = [
                ((row,), (row.text,), own, 0.0)
            ]
            for other, first in ((rows.get(pid - 1), False), (rows.get(pid + 1), True)):
                if other is None or other.article_id != row.article_id:
                    continue
                theirs = vector(other)
                # a neighbour is only worth scoring if it adds a word or a kind of answer
                adds_flag = bool((other.flags - row.flags) & wanted_flags)
                adds_words = any(o > m for o, m in zip(theirs, own, strict=True))
                if not adds_flag and not adds_words:
                    continue
                leaning = (other if first else row).anaphoric
                factor = _partner_factor(leaning, other.paragraph == row.paragraph)
                room = MAX_SNIPPET - len(row.text) - 1
                # a neighbour that supplies words of the question is shown whole; one that
                # only gives context may be cut to a clause
                shown = _fit_context(other.text, room, tail=not first)
                if not shown:
                    continue
                if shown != other.text and adds_words:
                    # score the neighbour by the part that is actually shown
                    clipped = _clipped(other, shown)
                    theirs = [_match(t, clipped) for t in terms]
                pair = (row, other) if first else (other, row)
                options.append(
                    (
                        pair,
                        (row.text, shown) if first else (shown, row.text),
                        [max(m, factor * o) for m, o in zip(own, theirs, strict=True)],
                        _penalty(*pair),
                    )
                )
            for unit_rows, texts, matches, penalty in options:
                flags = unit_rows[0].flags.union(*(r.flags for r in unit_rows[1:]))
                if person_of_place and "person" in flags:
                    matches = [
                        max(m, PERSON_OF_PLACE_MATCH) if i in content_idx else m
                        for i, m in enumerate(matches)
                    ]
                # a region the question names must be what the snippet (or its article) is about
                if strict_entities and any(
                    e not in row.article_regions and all(e not in r.lemmas for r in unit_rows)
                    for e in strict_entities
                ):
                    continue
                coverage = sum(w * m for w, m in zip(weights, matches, strict=True)) / total
                content = (
                    sum(weights[i] * matches[i] for i in content_idx) / content_total
                    if content_total
                    else 1.0
                )
                bonus = sum(CUE_BONUS[c] for c in cues if c in flags)
                if "date" in cues and "date" in flags and "day" not in flags:
                    bonus -= DAY_BONUS  # «По итогам 2024 года» is a weaker «когда» than a date
                if boost and any(r.stems & boost for r in unit_rows):
                    bonus += PERSON_BONUS
                if list_kinds:
                    named = {
                        x
                        for r in unit_rows
                        for x in r.lemmas
                        if x.startswith("ent") and _entity_kind(x) in list_kinds
                    }
                    bonus += LIST_BONUS * min(len(named), 5) / 5
                if role_ids and any(r.id in role_ids for r in unit_rows):
                    bonus += ROLE_BONUS
                if verified and any(r.id in verified for r in unit_rows):
                    bonus += VERIFIED_BONUS
                satisfied = required <= flags
                if satisfied and counted_ok is not None:
                    # «сколько компаний …» needs a figure that counts companies, if the
                    # articles count that thing anywhere among the candidates
                    satisfied = any(r.id in counted_ok for r in unit_rows)
                elif satisfied and "count" in required:
                    # nothing counts it: a number will do, unless every number in the
                    # snippet is known to count something else («10 документов»)
                    satisfied = not all(r.id in counting for r in unit_rows if "count" in r.flags)
                score = coverage + bonus - penalty - (0.0 if satisfied else 1.0)
                units.append(_Unit(unit_rows, texts, score, coverage, content, satisfied))
        units.sort(key=lambda u: (-u.score, -u.coverage, u.rows[0].id))
        units = self._refine(query, units)
        chosen: list[_Unit] = []
        used: set[int] = set()
        for unit in units:
            ids_in = {r.id for r in unit.rows}
            if ids_in & used:
                continue
            unit = _with_continuation(unit, rows)
            used |= {r.id for r in unit.rows}
            chosen.append(unit)
        return chosen

    def _counted_passages(
        self, query: Query, ids: list[int]
    ) -> tuple[set[int] | None, set[int]]:
        """Passages holding a figure that counts what the question counts (``None`` when no
        candidate counts it at all), and all passages holding some figure."""
        wanted: set[str] = set()
        for t in query.terms:
            if not t.entity and not _is_number(t.lemma) and _pos(t) == "NOUN":
                wanted |= {t.lemma} | t.synonyms | t.alternatives | t.related
        if not wanted or not ids or not self._has_column("figures", "counts"):
            return None, set()
        marks = ",".join("?" * len(ids))
        rows = self._query(
            f"SELECT passage_id, counts, category FROM figures WHERE passage_id IN ({marks})",
            ids,
        )
        found = {
            pid
            for pid, counts, category in rows
            # «сколько квадратов» is answered by an area, whatever noun the figure names
            if (_count_nouns(counts) | {lemma(category)}) & wanted
        }
        return found or None, {r[0] for r in rows}

    def _refine(self, query: Query, units: list[_Unit]) -> list[_Unit]:
        """Second look at the leading units: modifiers the question did not ask for, and
        for «сколько» questions the figure that counts exactly what was asked."""
        head = units[:REFINE]
        if not head:
            return units
        wanted = _query_lemmas(query)
        wanted |= {a for t in query.terms if t.entity for a in _entity_adjectives(t.entity)}
        # the noun a «какой …?» asks about is answered by its modifier («какого завода» →
        # «Минского автомобильного завода»), so only the other nouns are checked
        focus = {x for t in query.terms if t.focus for x in {t.lemma} | t.synonyms}
        nouns = {
            t.lemma: ({t.lemma} | t.synonyms) - focus
            for t in query.terms
            if not t.entity and not t.focus and _pos(t) == "NOUN"
        }
        fits: dict[int, float] = {}
        if "count" in query.cues:
            fits = self._figure_fits(
                {r.id for u in head for r in u.rows}, wanted
            )
        best_fit = max(fits.values(), default=None)
        refined = []
        for unit in head:
            adjust = 0.0
            if nouns and _unrequested_modifier(" ".join(unit.texts), nouns, wanted):
                adjust -= MODIFIER_PENALTY
            if best_fit is not None:
                unit_fit = max((fits.get(r.id, -9.0) for r in unit.rows), default=-9.0)
                if unit_fit >= best_fit:
                    adjust += FIGURE_BONUS
            if adjust:
                unit = _Unit(
                    unit.rows, unit.texts, unit.score + adjust, unit.coverage, unit.content,
                    unit.satisfied,
                )
            refined.append(unit)
        refined.sort(key=lambda u: (-u.score, -u.coverage, u.rows[0].id))
        return refined + units[REFINE:]

    def _figure_fits(self, passage_ids: set[int], wanted: set[str]) -> dict[int, float]:
        """How exactly the figures in these passages count what the question asks about."""
        if not passage_ids or not self._has_column("figures", "counts"):
            return {}
        marks = ",".join("?" * len(passage_ids))
        fits: dict[int, float] = {}
        for pid, display, counts in self._query(
            f"SELECT passage_id, display, counts FROM figures WHERE passage_id IN ({marks})",
            list(passage_ids),
        ):
            fit = _figure_fit(display, counts, wanted)
            if fit is not None:
                fits[pid] = max(fits.get(pid, -9.0), fit)
        return fits

    # ------------------------------------------------------------------ facts

    def _topics(self) -> tuple[str, ...]:
        regions = [r.name for r in self.regions() if r.kind != "country"][:6]
        return tuple(regions)

    def agreements(self, passage_ids: Iterable[int] | None = None) -> tuple[Agreement, ...]:
        """Agreements extracted from the articles (optionally only from some passages)."""
        if not self._has_column("agreements", "kind"):
            return ()
        sql = "SELECT kind, parties, subject, sentence, article_id, regions FROM agreements"
        rows = self._query_in(sql, "passage_id", passage_ids)
        return tuple(
            Agreement(
                kind=r[0],
                parties=tuple(json.loads(r[1] or "[]")),
                subject=r[2] or "",
                sentence=r[3],
                source=self._sources[r[4]],
                regions=tuple((r[5] or "").split()),
            )
            for r in rows
        )

    def people(self) -> tuple[Person, ...]:
        """Every person extracted from the articles (loaded once: the index is read-only)."""
        if self._people is not None:
            return self._people
        rows = self._query(
            "SELECT name, role, organisation, region, sentence, article_id FROM people"
            " ORDER BY id"
        ) if self._has_column("people", "name") else []
        entries = gazetteer().entries
        self._people = tuple(
            Person(
                name=r[0],
                role=r[1],
                organisation=r[2],
                region=entries[r[3]].name if r[3] in entries else None,
                sentence=r[4],
                source=self._sources[r[5]],
            )
            for r in rows
        )
        return self._people

    def _fitting(
        self, people: list[Person], terms: list[Term], originals: dict[str, str]
    ) -> list[Person]:
        """The people whose role and organisation hold most of ``terms`` (looked up in the
        people's word index rather than re-reading every role); an organisation named by a
        stump compound counts too («Могилевлифтмаш» ~ Могилевский завод лифтового
        машиностроения)."""
        index = self._people_words()
        hits: Counter[int] = Counter()
        for term in terms:
            holders: set[int] = set()
            for word in (term.lemma, term.stem, *term.synonyms, *term.derived):
                holders |= index.by_word.get(word, set())
            original = originals.get(term.surface, term.surface)
            for spelling in {term.surface, original, lemma(original)}:
                compact = normalize(spelling).replace(" ", "")
                if len(compact) < 6:
                    continue
                maybe = index.by_prefix.get(compact[:3], set()) - holders
                for person in people:
                    n = index.positions[id(person)]
                    if n in maybe and _stump_compound(
                        compact, f"{person.role} {person.organisation or ''}"
                    ):
                        holders.add(n)
            hits.update(holders)
        return [p for p in people if hits[index.positions[id(p)]] * 2 > len(terms)]

    def _people_index(self) -> _PeopleIndex:
        """People by surname stem, index token and role head (built once)."""
        if self._people_by is None:
            index = _PeopleIndex({}, {}, {}, {}, {})
            for n, person in enumerate(self.people()):
                index.by_surname.setdefault(_surname_stem(person.name), []).append(person)
                index.by_token.setdefault(person_token(person.name), []).append(person)
                index.by_role.setdefault(role_head(person.role), []).append(person)
                index.positions[id(person)] = n
                for word in words(f"{person.role} {person.organisation or ''}"):
                    if len(word) > 2:
                        index.by_prefix.setdefault(word[:3], set()).add(n)
            self._people_by = index
        return self._people_by

    def _people_words(self) -> _PeopleIndex:
        """The people index with its word lookups filled in (on first use)."""
        index = self._people_index()
        if not index.by_word:
            for n, person in enumerate(self.people()):
                text = f"{person.role} {person.organisation or ''}"
                for word in {*_text_lemmas(text), *_text_stems(text)}:
                    index.by_word.setdefault(word, set()).add(n)
        return index

    def _query_in(
        self, sql: str, column: str, ids: Iterable[int] | None
    ) -> list[tuple[Any, ...]]:
        """``sql`` (a plain SELECT) for all rows, or only rows whose ``column`` is in ``ids``."""
        if ids is None:
            return self._query(sql + " ORDER BY id")
        chosen = list(dict.fromkeys(ids))
        if not chosen:
            return []
        marks = ",".join("?" * len(chosen))
        return self._query(f"{sql} WHERE {column} IN ({marks}) ORDER BY id", chosen)

    def figures(self, passage_ids: Iterable[int] | None = None) -> tuple[Figure, ...]:
        """Key figures (optionally only those stated in some passages)."""
        if not self._has_column("figures", "value"):
            return ()
        sql = (
            "SELECT value, display, counts, category, sentence, article_id, qualifier, regions"
            " FROM figures"
        )
        rows = self._query_in(sql, "passage_id", passage_ids)
        return tuple(
            Figure(
                value=r[0],
                display=r[1],
                counts=r[2],
                category=r[3],
                sentence=r[4],
                source=self._sources[r[5]],
                qualifier=r[6] or "",
                regions=tuple((r[7] or "").split()),
            )
            for r in rows
        )

    def _answer_figures(self, query: Query, ids: list[int]) -> tuple[FigureGroup, ...]:
        """Figures that count what a «сколько» question asks about, from every source among
        the passages that answer it."""
        if "count" not in query.cues:
            return ()
        wanted = _query_lemmas(query)
        wanted |= {a for t in query.terms if t.entity for a in _entity_adjectives(t.entity)}
        groups: dict[str, list[tuple[float, Figure]]] = {}
        for figure in self.figures(ids):
            fit = _figure_fit(figure.display, figure.counts, wanted)
            if fit is None:
                continue
            groups.setdefault(figure.category, []).append((fit, figure))
        result = []
        for category, items in groups.items():
            items.sort(key=lambda x: (-x[0], x[1].source.date or date.max))
            best = items[0][0]
            figs = tuple(f for fit, f in items if fit >= best)[:6]
            result.append((best, FigureGroup(category, category, figs)))
        result.sort(key=lambda g: (-g[0], -len(g[1].figures)))
        return tuple(g for _, g in result[:2])

    def _answer_agreements(self, query: Query, ids: list[int]) -> tuple[Agreement, ...]:
        """Agreements reported in the passages that answer an agreements question."""
        # unasked, agreements are shown for a region the question names — not for Russia or
        # Belarus, which nearly every passage names
        named = [t.entity for t in query.terms if t.entity and t.entity not in self._ambient]
        if not _asks_agreement(query) and not named:
            return ()
        agreements = self.agreements(ids)
        if not agreements:
            return ()
        vocab = _agreement_vocabulary()
        specific = [t for t in query.terms if t.lemma not in vocab and not t.entity]
        entity_keys = {t.entity for t in query.terms if t.entity}
        picked = []
        for a in agreements:
            text_lemmas = {lemma(w) for w in words(" ".join(a.parties) + " " + a.subject)}
            text_stems = {stem(w) for w in words(" ".join(a.parties) + " " + a.subject)}
            region_tokens = {entity_token(k) for k in a.regions}
            hit_terms = [
                t for t in specific
                if t.lemma in text_lemmas or t.stem in text_stems or t.synonyms & text_lemmas
            ]
            if entity_keys and not entity_keys & region_tokens and not hit_terms:
                continue
            if specific and not hit_terms and not entity_keys & region_tokens:
                continue
            picked.append(a)
        return tuple(picked)

    def _answer_people(self, query: Query) -> tuple[Person, ...]:
        """People the question names (by surname), for the fact line."""
        tokens = [t.entity for t in query.terms if t.entity]
        if not tokens:
            return ()
        by_token = self._people_index().by_token
        return tuple(p for token in tokens for p in by_token.get(token, ()))[:3]

    # ------------------------------------------------------------------ regions

    def regions(self) -> tuple[Region, ...]:
        """Regions and countries the articles mention, most mentioned first."""
        if self._regions is None:
            rows = self._query("SELECT key, name, kind, mentions FROM regions")
            order = {"ru_subject": 0, "by_oblast": 0, "by_city": 1, "country": 2}
            items = [Region(r[0], r[1], r[2], r[3]) for r in rows]
            items.sort(key=lambda r: (order.get(r.kind, 3), -r.mentions, r.name))
            self._regions = tuple(items)  # the index never changes under us
        return self._regions

    def find_region(self, text: str) -> RegionMatch:
        """Look a region up by any spelling: case forms, adjectives, cities, typos."""
        known = {r.key: r for r in self.regions()}
        tokens = words(text)[:20]
        if not tokens:
            return RegionMatch(None, tuple(known.values())[:6])
        lemmas = [lemma(w) for w in tokens]
        stems = [stem(w) for w in tokens]
        spans = gazetteer().find(lemmas, stems)
        for _, _, key in spans:
            if key in known:
                return RegionMatch(known[key])
        if spans:
            entry = gazetteer().entries[spans[0][2]]
            # a real region the articles never mention: offer the best-covered ones of its kind
            same_kind = tuple(r for r in known.values() if r.kind == entry.kind)[:3]
            return RegionMatch(None, same_kind, known_elsewhere=entry.name)
        # typos: compare with every spelling of the regions the index knows
        suggestions = self._closest_regions(text, known)
        if suggestions and _similar(text, suggestions[0]) >= 85:
            return RegionMatch(suggestions[0], suggestions[1:3])
        return RegionMatch(None, suggestions)

    def _closest_regions(self, text: str, known: dict[str, Region]) -> tuple[Region, ...]:
        scored = sorted(((_resembles(text, r), r) for r in known.values()), key=lambda x: -x[0])
        return tuple(r for s, r in scored[:3] if s >= SUGGEST_SIMILARITY)

    def region_report(self, key: str, limit: int = 5) -> RegionReport | None:
        """People, agreements, figures and passages concerning one region."""
        region = next((r for r in self.regions() if r.key == key), None)
        if region is None:
            return None
        people = tuple(p for p in self.people() if p.region == region.name)
        names = {region.name} | {p.name for p in people}
        agreements = tuple(
            a
            for a in self.agreements(self._ids_mentioning("agreements", key))
            if key in a.regions or names & set(a.parties)
        )
        figures = self.figures(self._ids_mentioning("figures", key))
        figures = tuple(f for f in figures if key in f.regions)
        token = entity_token(key)
        rows = self._query(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT 40",
            (f'lemmas : "{token}"',),
        )
        passages = self._rows(r[0] for r in rows)
        ranked = sorted(
            passages.values(),
            key=lambda r: (-_region_focus(r, token), r.id),
        )
        hits = tuple(
            Hit(r.text, self._sources[r.article_id], round(_region_focus(r, token), 3), r.id)
            for r in ranked[:limit]
        )
        if region.kind == "country":
            figures = figures[:8]
        return RegionReport(region, people, agreements, figures, hits)

    def _ids_mentioning(self, table: str, key: str) -> list[int]:
        """Passage ids of a fact table's rows that concern a region."""
        rows = self._query(
            f"SELECT passage_id FROM {table} WHERE ' ' || regions || ' ' LIKE ?",
            (f"% {key} %",),
        )
        return [r[0] for r in rows if r[0] is not None]

    def context(self, passage_id: int) -> tuple[str, Source] | None:
        """The paragraph around a passage (for the «Источник» button)."""
        rows = self._query(
            "SELECT article_id, paragraph FROM passages WHERE id = ?", (passage_id,)
        )
        if not rows:
            return None
        article_id, paragraph = rows[0]
        texts = self._query(
            "SELECT text FROM passages WHERE article_id = ? AND paragraph = ? ORDER BY seq",
            (article_id, paragraph),
        )
        text = " ".join(t[0] for t in texts)
        if len(text) < 160:
            # a headline or a one-line paragraph says little on its own: add what follows
            more = self._query(
                "SELECT text FROM passages WHERE article_id = ? AND paragraph = ? ORDER BY seq",
                (article_id, paragraph + 1),
            )
            text = " ".join([text, *(t[0] for t in more)])
        return text, self._sources[article_id]

    def continuation(self, passage_id: int, paragraphs: int = 2) -> tuple[str, Source] | None:
        """The paragraph around a passage and the ones after it, as the article goes on
        («подробнее» in a conversation); paragraphs are separated by a line break."""
        rows = self._query(
            "SELECT article_id, paragraph FROM passages WHERE id = ?", (passage_id,)
        )
        if not rows:
            return None
        article_id, paragraph = rows[0]
        texts = self._query(
            "SELECT paragraph, text FROM passages WHERE article_id = ? AND paragraph >= ?"
            " AND paragraph < ? ORDER BY paragraph, seq",
            (article_id, paragraph, paragraph + max(1, paragraphs)),
        )
        by_paragraph: dict[int, list[str]] = {}
        for number, text in texts:
            by_paragraph.setdefault(number, []).append(text)
        body = "\n".join(" ".join(parts) for _, parts in sorted(by_paragraph.items()))
        return body, self._sources[article_id]


_TIME_UNITS = frozenset({"день", "неделя", "месяц", "год", "час", "сутки"})
_ORDINAL = frozenset(
    {
        "следующий", "прошлый", "предыдущий", "первый", "второй", "третий", "последний",
        "будущий", "очередной", "прежний", "нынешний", "иностранный", "зарубежный",
        "отечественный", "местный",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _restrictive_adjectives() -> frozenset[str]:
    """Adjectives that narrow what a noun covers: order/time and origin (белорусских)."""
    adjectives = {a for e in gazetteer().entries.values() for a in e.adjectives}
    return frozenset(adjectives | _ORDINAL)


@lru_cache(maxsize=4096)
def _entity_adjectives(token: str) -> frozenset[str]:
    for key, entry in gazetteer().entries.items():
        if entity_token(key) == token:
            return frozenset(entry.adjectives)
    return frozenset()


def _figure_fit(display: str, counts: str, wanted: set[str]) -> float | None:
    """How exactly a figure counts what was asked: words shared with the question, minus
    narrowing words it did not ask for («белорусских», «из Беларуси»).  ``None`` when the
    figure counts something else."""
    nouns = _count_nouns(counts)
    if not nouns & wanted:
        return None
    # only nouns and adjectives qualify a count; verbs of the clause say nothing about it
    lemmas = {
        lemma(w)
        for w in words(f"{display} {counts}")
        if parse(w).tag.POS in ("NOUN", "ADJF", "PRTF")
    } - nouns
    extra = {x for x in lemmas if x in _narrowing_words()} - wanted
    return 1 + len(lemmas & wanted) - 0.5 * len(extra)


@lru_cache(maxsize=8192)
def _count_nouns(counts: str) -> frozenset[str]:
    """What a figure counts: its head noun («площадь экспозиции» → площадь), and for a
    unit noun the thing after it too («наименований товаров» → наименование, товар)."""
    nouns = [lemma(w) for w in words(counts) if parse(w).tag.POS == "NOUN"]
    if not nouns:
        return frozenset()
    if nouns[0] in lexicon().unit_nouns:
        return frozenset(nouns[:2])
    return frozenset(nouns[:1])


@lru_cache(maxsize=1)
def _narrowing_words() -> frozenset[str]:
    """Origin adjectives, ordinals and single-word place names."""
    names = set()
    for entry in gazetteer().entries.values():
        for spelling in entry.spellings:
            parts = words(spelling)
            if len(parts) == 1:
                names.add(lemma(parts[0]))
    return _restrictive_adjectives() | frozenset(names)


@lru_cache(maxsize=50_000)
def _text_stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text))


@lru_cache(maxsize=50_000)
def _text_lemmas(text: str) -> tuple[str, ...]:
    """Lemmas of a passage in order (cached: the same passages come up again and again)."""
    return tuple(lemma(w) for w in words(text))


def _unrequested_modifier(text: str, nouns: dict[str, set[str]], wanted: set[str]) -> bool:
    """True when a noun the question asks about is narrowed by a modifier it did not ask for:
    «сколько компаний» vs «200 белорусских компаний», «где прошла выставка» vs «Следующая
    выставка пройдёт …»."""
    restrictive = _restrictive_adjectives()
    lemmas = _text_lemmas(text)
    asked = set().union(*nouns.values())
    for i, lem in enumerate(lemmas):
        if lem not in asked:
            continue
        for j in range(max(0, i - 2), i):
            if lemmas[j] in restrictive and lemmas[j] not in wanted:
                return True
    return False


_ROLE_VERBS = frozenset({"руководить", "возглавлять", "руководство", "управлять", "рулить"})


@lru_cache(maxsize=50_000)
@lru_cache(maxsize=50_000)
def _stump_compound(word: str, text: str) -> bool:
    """True when ``word`` is made of the beginnings of consecutive words of ``text``, the way
    Russian names organisations: «Могилевлифтмаш» ← Могилевский завод лифтового
    машиностроения, «Белмедпрепараты» ← белорусские медицинские препараты."""
    return bool(_stump_span(word, text))


def _stump_span(word: str, text: str) -> list[str]:
    """The words of ``text`` from the first to the last one ``word`` takes a beginning of
    (words in between included: «завода» in Могилев·ского завода лифт·ового маш·иностроения),
    or [] when ``word`` is no such compound of them."""
    word = normalize(word).replace(" ", "")
    parts = [w for w in words(text) if len(w) > 2]
    if len(word) < 6 or len(parts) < 2:
        return []

    @cache
    def fits(i: int, j: int, pieces: int, linked: bool) -> tuple[int, ...] | None:
        if i == len(word):
            return () if pieces >= 2 else None
        if pieces and not linked and word[i] in "ое":
            # a linking vowel between the stumps: «Гродн·о·станко·завод»
            rest = fits(i + 1, j, pieces, True)
            if rest is not None:
                return rest
        for k in range(j, len(parts)):
            part = parts[k]
            size = 0
            while size < len(part) and i + size < len(word) and part[size] == word[i + size]:
                size += 1
            for take in range(size, 2, -1):  # a piece is at least three letters
                rest = fits(i + take, k + 1, pieces + 1, False)
                if rest is not None:
                    return (k, *rest)
        return None

    used = fits(0, 0, 0, False)
    return parts[used[0] : used[-1] + 1] if used else []


def _region_focus(row: _Row, token: str) -> float:
    """How much a passage is about a region: facts and names weigh more than a mention."""
    score = 1.0
    score += 0.3 * len(row.flags & {"agreement", "person", "count"})
    score -= 0.002 * len(row.text)
    return score + (0.2 if token in row.lemmas else 0.0)


def _similar(text: str, region: Region) -> float:
    """How close a user's spelling is to any spelling of a region (names, cities, adjectives,
    each word of them): «Смаленская» → Смоленская область."""
    typed = normalize(text)
    typed_words = [w for w in words(typed) if len(w) > 3 and w not in _AREA_WORDS] or [typed]
    entry = gazetteer().entries.get(region.key)
    spellings = list(entry.spellings) if entry else [region.name]
    best = 0.0
    for spelling in spellings:
        norm = normalize(spelling)
        best = max(best, fuzz.WRatio(typed, norm))
        for word in words(norm):
            if len(word) > 3 and word not in _AREA_WORDS:
                best = max(best, *(fuzz.ratio(t, word) for t in typed_words))
    return best


def _resembles(text: str, region: Region) -> float:
    """Looser likeness for suggestions: spelling plus a shared beginning, which is what
    Russian place names keep under typos («Смолвиль» ~ Смоленская, «Марс» ≁ Беларусь)."""
    typed = [w for w in words(text) if len(w) > 2 and w not in _AREA_WORDS]
    entry = gazetteer().entries.get(region.key)
    best = 0.0
    for spelling in entry.spellings if entry else (region.name,):
        for word in words(spelling):
            if len(word) <= 2 or word in _AREA_WORDS:
                continue
            for t in typed:
                score = fuzz.ratio(t, word) + (15 if t[:3] == word[:3] else 0)
                best = max(best, score)
    return best


_AREA_WORDS = frozenset({"область", "области", "край", "республика", "автономный", "округ"})


@lru_cache(maxsize=8192)
def _clause_features(text: str) -> SentenceFeatures:
    return sentence_features(text)


def _clipped(row: _Row, shown: str) -> _Row:
    """A neighbour cut to the clause that is shown: its words are only those still there."""
    features = _clause_features(shown)
    stems = frozenset(features.stems)
    lemmas = set(features.lemmas)
    lemmas |= {x for x in row.lemmas if x.startswith("prs") and x[3:] in stems}
    return _Row(
        row.id, row.article_id, row.seq, row.paragraph, shown, frozenset(lemmas), stems,
        row.flags, row.anaphoric, row.article_regions, _kinds_of(" ".join(lemmas)),
    )


def _with_continuation(unit: _Unit, rows: dict[int, _Row]) -> _Unit:
    """Never cut a hit right before a sentence that leans on it («Там будут представлены…»,
    «Среди них …»): the continuation is usually what the reader wanted."""
    last = unit.rows[-1]
    nxt = rows.get(last.id + 1)
    if nxt is None or nxt.article_id != last.article_id or not nxt.anaphoric:
        return unit
    if sum(len(t) for t in unit.texts) + len(unit.texts) + len(nxt.text) > MAX_SNIPPET:
        return unit
    return _Unit(
        (*unit.rows, nxt),
        (*unit.texts, nxt.text),
        unit.score,
        unit.coverage,
        unit.content,
        unit.satisfied,
    )


_CLAUSE_BREAK = (", ", " — ", " – ", ": ", "; ")


def _fit_context(text: str, room: int, tail: bool) -> str | None:
    """A neighbour sentence shown as context, cut to a clause so the snippet stays short.

    ``tail=True`` keeps the end of the sentence before the hit («…на стенде региона
    представлены разработки смоленских предприятий.»), ``tail=False`` the start of the next.
    """
    if len(text) <= room:
        return text
    if room < 40:
        return None
    cuts = [
        i + len(mark) for mark in _CLAUSE_BREAK for i in _find_all(text, mark)
    ]
    if tail:
        options = [text[c:] for c in cuts if len(text) - c + 1 <= room]
        return "…" + max(options, key=len) if options else None
    options = [text[: c - len(", ")].rstrip(",;:—– ") for c in cuts if c <= room]
    return max(options, key=len) + "…" if options else None


def _find_all(text: str, mark: str) -> list[int]:
    found = []
    start = text.find(mark)
    while start >= 0:
        found.append(start)
        start = text.find(mark, start + 1)
    return found


def _partner_factor(leans_back: bool, same_paragraph: bool) -> float:
    """How much a neighbour sentence's words count for a hit: fully when one sentence leans
    on the other («Это предприятие …»), less across a paragraph break."""
    if leans_back:
        return 1.0
    return 0.85 if same_paragraph else 0.7


def _penalty(first: _Row, second: _Row) -> float:
    """Two sentences cost a little more than one, unless the second leans on the first
    (then showing both is better than showing either)."""
    if second.anaphoric or first.text.rstrip().endswith(":"):
        return 0.0
    return 0.04


@lru_cache(maxsize=1)
def _entity_kinds() -> dict[str, str]:
    return {entity_token(k): e.kind for k, e in gazetteer().entries.items()}


def _entity_kind(token: str) -> str:
    return _entity_kinds().get(token, "")


@lru_cache(maxsize=50_000)
def _surname_stem(name: str) -> str:
    parts = words(name)
    return stem(parts[-1]) if parts else ""


@lru_cache(maxsize=5_000)
def _may_be_plural(word: str) -> bool:
    """«страны» may be plural (a list is asked for), «страна» may not."""
    from ..normalize import morph

    return any(p.tag.number == "plur" for p in morph().parse(word))


def _kinds_of(lemmas: str) -> frozenset[str]:
    return frozenset(_entity_kind(x) for x in lemmas.split() if x.startswith("ent"))


def _is_number(token: str) -> bool:
    return token[:1] == "n" and token[1:2].isdigit()


def _match(term: Term, row: _Row) -> float:
    if term.entity:
        if term.entity in row.lemmas:
            return 1.0
        # a sentence of an article about Vitebsk is about Vitebsk, named or not
        return ARTICLE_ENTITY if term.entity in row.article_regions else 0.0
    kinds = _CATEGORY_KINDS.get(term.lemma)
    if kinds and kinds & row.kinds:
        # «в какой стране …» is answered by a sentence naming a country
        return 1.0 if term.focus else 0.85
    if term.lemma in row.lemmas or term.stem in row.stems:
        return 1.0
    if term.alternatives & row.lemmas:
        return 0.95
    if term.phrase and all(w in row.lemmas for w in term.phrase):
        return 0.95
    if term.synonyms & row.lemmas:
        return 0.85
    if "agreement" in row.flags and term.lemma in _agreement_vocabulary():
        # the passage reports an agreement, whatever words it uses («стороны определили…»)
        return 0.85
    if term.related & row.lemmas or term.variants & row.stems or term.derived & row.stems:
        return 0.7
    return 0.0


_PARAPHRASED_POS = frozenset(POS_WEIGHT)
_VERB_POS = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND"})


def _places_of(query: Query) -> list[str]:
    """The places (not people) a question names."""
    return [t.entity for t in query.terms if t.entity and t.known and t.entity.startswith("ent")]


def _pos(term: Term) -> str:
    from ..normalize import parse

    return str(parse(term.surface).tag.POS)


def _term_weight(term: Term) -> float:
    if term.entity:
        return term.weight * 1.2
    if not term.known:
        return term.weight  # already set by how much an unknown word of its kind matters
    if term.focus:
        return term.weight * FOCUS_WEIGHT
    pos = _pos(term)
    if pos in ("ADJF", "ADJS"):
        return term.weight * ADJECTIVE_WEIGHT
    return term.weight * POS_WEIGHT.get(pos, 1.0)


@lru_cache(maxsize=1)
def _agreement_vocabulary() -> frozenset[str]:
    lex = lexicon()
    vocab = set(lex.signing_verbs)
    for seq, _ in lex.agreement_kinds:
        vocab.update(seq)
    vocab.update({"подписание", "договоренность", "сп", "соглашение", "договориться"})
    vocab.discard("план")
    vocab.discard("дорожный")
    vocab.discard("торговый")
    vocab.discard("дом")
    vocab.discard("совместный")
    vocab.discard("предприятие")
    vocab.discard("программа")
    vocab.discard("сотрудничество")
    vocab.discard("мероприятие")
    return frozenset(vocab)


def _asks_agreement(query: Query) -> bool:
    vocab = _agreement_vocabulary()
    return any(t.lemma in vocab for t in query.terms)


def _query_lemmas(query: Query) -> set[str]:
    result: set[str] = set()
    for t in query.terms:
        result.add(t.lemma)
        result |= t.synonyms
        result |= t.related
    return result
