"""Snippets stage: what is shown of a hit — a sentence, a neighbour cut to a clause, the
sentence that continues it — and the paragraph behind the «Источник» button."""

from __future__ import annotations

from ..models import Source
from .lexical import clause_features, kinds_of
from .store import Row, Store

__all__ = [
    "MAX_SNIPPET",
    "clipped",
    "context",
    "continuation",
    "fit_context",
    "with_continuation",
]

MAX_SNIPPET = 420
# a paragraph shorter than this says little on its own: the next one is added
SHORT_PARAGRAPH = 160
_CLAUSE_BREAK = (", ", " — ", " – ", ": ", "; ")


def fit_context(text: str, room: int, tail: bool) -> str | None:
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


def clipped(row: Row, shown: str) -> Row:
    """A neighbour cut to the clause that is shown: its words are only those still there."""
    features = clause_features(shown)
    stems = frozenset(features.stems)
    lemmas = set(features.lemmas)
    lemmas |= {x for x in row.lemmas if x.startswith("prs") and x[3:] in stems}
    return Row(
        row.id, row.article_id, row.seq, row.paragraph, shown, frozenset(lemmas), stems,
        row.flags, row.anaphoric, row.article_regions, kinds_of(" ".join(lemmas)),
    )


def with_continuation(
    rows: tuple[Row, ...], texts: tuple[str, ...], following: Row | None
) -> tuple[tuple[Row, ...], tuple[str, ...]]:
    """Never cut a hit right before a sentence that leans on it («Там будут представлены…»,
    «Среди них …»): the continuation is usually what the reader wanted.  ``following`` is
    the passage after the hit's last one, if the index has it."""
    last = rows[-1]
    if following is None or following.article_id != last.article_id or not following.anaphoric:
        return rows, texts
    if sum(len(t) for t in texts) + len(texts) + len(following.text) > MAX_SNIPPET:
        return rows, texts
    return (*rows, following), (*texts, following.text)


def context(store: Store, passage_id: int) -> tuple[str, Source] | None:
    """The paragraph around a passage (for the «Источник» button)."""
    found = store.paragraph(passage_id)
    if found is None:
        return None
    article_id, text, paragraph = found
    if len(text) < SHORT_PARAGRAPH:
        # a headline or a one-line paragraph says little on its own: add what follows
        more = store.paragraph_text(article_id, paragraph + 1)
        if more:
            text = f"{text} {more}"
    return text, store.sources[article_id]


def continuation(
    store: Store, passage_id: int, paragraphs: int = 2
) -> tuple[str, Source] | None:
    """The paragraph around a passage and the ones after it, as the article goes on
    («подробнее» in a conversation); paragraphs are separated by a line break."""
    found = store.paragraph(passage_id)
    if found is None:
        return None
    article_id, _, paragraph = found
    by_paragraph: dict[int, list[str]] = {}
    for number, text in store.paragraphs(article_id, paragraph, max(1, paragraphs)):
        by_paragraph.setdefault(number, []).append(text)
    body = "\n".join(" ".join(parts) for _, parts in sorted(by_paragraph.items()))
    return body, store.sources[article_id]
