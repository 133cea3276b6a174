"""The read-only knowledge index and the search pipeline behind it.

A question goes through named stages, one module each:

``question`` (analysis) → ``candidates`` (FTS5 within a postings budget) → ``features`` (term
coverage, answer types, entities, neighbour sentences) → ``scoring`` → ``decision`` (answer or
decline) → ``snippets``, with ``facts`` (figures, agreements), ``people`` (people and roles) and
``regions`` alongside.  ``KnowledgeIndex`` (``index``) is the front that runs them.
"""

from __future__ import annotations

from .front import IndexUnavailable, KnowledgeIndex

__all__ = ["IndexUnavailable", "KnowledgeIndex"]
