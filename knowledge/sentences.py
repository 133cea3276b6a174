"""Russian sentence splitting for news text.

razdel does most of the work; two tested rules fix what it gets wrong in this genre:

* a period inside an open quotation does not end the sentence (``«ИННОПРОМ. Беларусь»``,
  ``"Иннопром. Беларусь"``), and a name from the lexicon's list of dotted names is never split,
  quoted or not;
* fragments without letters (``−0-``) are glued to the sentence before them.

Sentences longer than ``MAX_SENTENCE`` characters are cut at the clause boundary nearest to
their middle, so every unit shown to a user stays short.
"""

from __future__ import annotations

import re
from functools import lru_cache

import razdel

__all__ = ["MAX_SENTENCE", "split_paragraphs", "split_sentences"]

MAX_SENTENCE = 400

_OPENERS = "«„“"
_CLOSERS = "»”"
_LETTER = re.compile(r"[A-Za-zА-Яа-яЁё]")
_CLAUSE = re.compile(
    r"(?:,\s+(?=(?:а|но|однако|причем|причём|при этом|а также)\s)|;\s+|\s+[—–]\s+)"
)
_PLACEHOLDER = "\ue000"


@lru_cache(maxsize=1)
def _dotted_names() -> re.Pattern[str]:
    from .lexicon import dotted_names

    names = sorted(dotted_names(), key=len, reverse=True)
    if not names:
        return re.compile(r"(?!x)x")
    body = "|".join(re.escape(n).replace(r"\.\ ", r"\.\s+").replace(r"\ ", r"\s+") for n in names)
    return re.compile(body, re.IGNORECASE)


def _open_quote_tail(text: str) -> str | None:
    """The text after the last quotation left open in ``text``, or ``None`` if all closed."""
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            stack.append(i)
        elif ch in _CLOSERS:
            if stack:
                stack.pop()
        elif ch == '"':
            before = text[i - 1] if i else " "
            if i == 0 or before.isspace() or before in "([{-—–:":
                stack.append(i)
            elif stack:
                stack.pop()
    return text[stack[-1] + 1 :] if stack else None


def _inside_quoted_name(text: str) -> bool:
    """True when ``text`` ends inside a short quoted name: ``выставка "ИННОПРОМ.``.

    Direct speech often spans several sentences, so only a quotation of at most three words
    that ends in a period is treated as a name interrupted by a false sentence break.
    """
    tail = _open_quote_tail(text)
    return tail is not None and len(tail.split()) <= 3 and tail.rstrip().endswith(".")


def _protect(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        return re.sub(r"\.(\s)", lambda m: _PLACEHOLDER + m.group(1), match.group(0))

    return _dotted_names().sub(repl, text)


def split_sentences(text: str) -> list[str]:
    """Split one paragraph into sentences."""
    protected = _protect(text)
    pieces = [s.text for s in razdel.sentenize(protected)]
    merged: list[str] = []
    for piece in pieces:
        if merged and (not _LETTER.search(piece) or _inside_quoted_name(merged[-1])):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    result: list[str] = []
    for sentence in merged:
        sentence = sentence.replace(_PLACEHOLDER, ".").strip()
        if sentence:
            result.extend(_cut_long(sentence))
    return result


def _cut_long(sentence: str) -> list[str]:
    """Cut a sentence longer than ``MAX_SENTENCE`` at clause boundaries."""
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    middle = len(sentence) / 2
    best: int | None = None
    for match in _CLAUSE.finditer(sentence):
        cut = match.end()
        if 60 <= cut <= len(sentence) - 60 and (
            best is None or abs(cut - middle) < abs(best - middle)
        ):
            best = cut
    if best is None:
        return [sentence]
    head = sentence[:best].rstrip()
    tail = sentence[best:].lstrip()
    return _cut_long(head) + _cut_long(tail)


def split_paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (non-empty lines) of an article, each as a list of sentences."""
    paragraphs: list[list[str]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        sentences = split_sentences(line)
        if sentences:
            paragraphs.append(sentences)
    return paragraphs
