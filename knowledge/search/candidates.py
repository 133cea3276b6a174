"""Candidates stage: passages from FTS5, the question's rarer words first.

BM25 has to score every passage any OR-ed word occurs in, so the cost grows with the words'
document frequencies.  Words are taken rarest first while the total stays within a postings
budget (always at least two); a word in more than 2 % of passages only joins when nothing
rarer is left.  Reranking still sees every word.
"""

from __future__ import annotations

from collections.abc import Callable

from .query import Query, Vocabulary

__all__ = ["CANDIDATES", "COMMON_FLOOR", "POSTINGS_BUDGET", "candidates", "match_expression"]

# words in more than max(COMMON_FLOOR, 2 % of passages) are common
COMMON_FLOOR = 200
POSTINGS_BUDGET = 20_000
CANDIDATES = 40


def match_expression(query: Query, vocabulary: Vocabulary) -> str | None:
    """The FTS5 MATCH expression for a question (``None`` when no word is in the corpus)."""
    lemmas, stems = query.fts_tokens()
    total = vocabulary.passages
    pool = [(vocabulary.lemma_df(t), "lemmas", t) for t in lemmas if t]
    pool += [(vocabulary.stem_df(t), "stems", t) for t in stems if t]
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
    return " OR ".join(parts) if parts else None


def candidates(
    query: Query, vocabulary: Vocabulary, fts: Callable[[str, int], list[int]]
) -> list[int]:
    """Candidate passage ids, best bm25 first (``fts`` runs a MATCH with a limit)."""
    match = match_expression(query, vocabulary)
    return fts(match, CANDIDATES) if match else []
