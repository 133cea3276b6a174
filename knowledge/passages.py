"""One article → its passage rows and facts (the per-article part of a build, which runs in
worker processes for a big corpus: articles are independent until people are linked)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from .agreements import extract_agreements
from .analysis import SentenceFeatures, sentence_features
from .answer_types import ordered
from .coreference import clues
from .extract import article_regions, extract_people
from .figures import extract_figures
from .lexicon import gazetteer, months
from .normalize import lemma, normalize, words
from .seeds import Article
from .sentences import split_paragraphs

__all__ = ["Facts", "article_rows", "main_regions"]

_TODAY = re.compile(r"\bсегодн(?:я|яшн)", re.IGNORECASE)
_RANGE = re.compile(
    r"\bс\s+(\d{1,2})(?:\s+([а-яё]+))?\s+по\s+(\d{1,2})\s+([а-яё]+)", re.IGNORECASE
)  # «с 29 сентября по 1 октября», «с 12 по 14 мая»

Row = dict[str, Any]


@dataclass
class Facts:
    """The fact rows of one article (people, agreements, figures)."""

    people: list[Row]
    agreements: list[Row]
    figures: list[Row]


def article_rows(article: Article, first_id: int) -> tuple[list[Row], Facts, Counter[str]]:
    """Passage rows (ids from ``first_id``), facts and region mentions of one article."""
    sentences: list[str] = []
    rows: list[Row] = []
    today = _today_words(article)
    for p_index, paragraph in enumerate(split_paragraphs(article.text)):
        for sentence in paragraph:
            features = sentence_features(sentence)
            if today and _TODAY.search(sentence):
                # «сегодня», «на сегодняшний день» in an article dated 29 September
                features = replace(
                    features,
                    lemmas=(*features.lemmas, *today),
                    flags=ordered((*features.flags, "day")),
                )
            rows.append(_passage_row(article, first_id + len(rows), len(rows), p_index,
                                     sentence, features))
            sentences.append(sentence)
    regions = article_regions(sentences)
    return rows, _facts(article, sentences, rows, regions), regions


def _passage_row(
    article: Article, pid: int, seq: int, paragraph: int, text: str, f: SentenceFeatures
) -> Row:
    return {
        "id": pid,
        "article_id": article.id,
        "seq": seq,
        "paragraph": paragraph,
        "text": text,
        "lemmas": " ".join(f.lemmas),
        "stems": " ".join(f.stems),
        "entities": " ".join(f.entities),
        "flags": " ".join(f.flags),
        "anaphoric": int(f.anaphoric),
        # for linking people across the corpus and for the spelling vocabulary (not stored)
        "_clues": clues(text),
        "_surfaces": sorted({w for w in words(text) if len(w) > 2 and not w.isdigit()}),
    }


def _facts(
    article: Article, sentences: list[str], rows: list[Row], regions: Counter[str]
) -> Facts:
    """People, agreements (each kind and subject once) and figures (each value once)."""
    by_sentence = {row["text"]: row["id"] for row in rows}
    # the extractors read only sentences that can hold their facts (a role noun, a signing
    # verb …); most sentences hold neither, and the patterns are the costly part of a build
    lemma_sets = [frozenset(row["lemmas"].split()) for row in rows]
    people = [
        {"name": p.name, "role": p.role, "organisation": p.organisation, "region": p.region,
         "sentence": p.sentence, "article_id": article.id,
         "passage_id": by_sentence.get(p.sentence)}
        for p in extract_people(sentences, regions, lemma_sets)
    ]  # fmt: skip
    agreements = []
    seen_agreements: set[tuple[str, str]] = set()  # (kind, subject)
    for a in extract_agreements(sentences, lemma_sets):
        agreement_key = (a.kind, normalize(a.subject))
        if agreement_key not in seen_agreements:
            seen_agreements.add(agreement_key)
            agreements.append(
                {"kind": a.kind, "parties": json.dumps(list(a.parties), ensure_ascii=False),
                 "subject": a.subject, "sentence": a.sentence, "article_id": article.id,
                 "regions": " ".join(a.regions), "passage_id": by_sentence.get(a.sentence)}
            )  # fmt: skip
    figures = []
    seen_figures: set[tuple[float, str, str]] = set()  # (value, category, display)
    for f in extract_figures(sentences):
        figure_key = (f.value, f.category, normalize(f.display))
        if figure_key not in seen_figures:
            seen_figures.add(figure_key)
            figures.append(
                {"value": f.value, "display": f.display, "counts": f.counts,
                 "category": f.category, "qualifier": f.qualifier, "sentence": f.sentence,
                 "article_id": article.id, "regions": " ".join(f.regions),
                 "passage_id": by_sentence.get(f.sentence)}
            )  # fmt: skip
    return Facts(people, agreements, figures)


def _today_words(article: Article) -> tuple[str, ...]:
    """What «сегодня» means in this article: its date, and «первый / последний день» when
    the article itself dates an event «с 29 сентября по 1 октября» that starts or ends then."""
    if article.date is None:
        return ()
    day, month = article.date.day, months()[article.date.month - 1].lemma
    found: list[str] = [str(day), month]
    for match in _RANGE.finditer(article.text):
        end = (int(match.group(3)), lemma(match.group(4).lower()))
        start = (int(match.group(1)), lemma((match.group(2) or match.group(4)).lower()))
        if start == (day, month):
            found += ["первый", "день", "открытие"]
        elif end == (day, month):
            found += ["последний", "день", "закрытие"]
    return tuple(dict.fromkeys(found))


def main_regions(counts: Counter[str]) -> list[str]:
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
