"""Checks a reply must pass to read as a person wrote it (run by the tests over every eval
question and every command; ``innoprom-bot check-replies`` prints the counts).

Each check looks at one message as a reader sees it (``Shown``): the fact lines' figures, the
snippets with their articles, the whole text, and which parts of it are quoted article text.

Rules:

* ``figure_twice`` — one article's figure (same value, same thing) said twice in one message:
  twice in a fact line, or in a fact line and a snippet, or in two snippets.
* ``numerals`` — a count whose noun does not agree with it in our own words («24 стран» on a
  line of its own); article text is judged by its authors, not here.
* ``too_long`` — longer than ``knowledge.reply.REPLY_LIMIT`` (the library's reply budget,
  below Telegram's 4096 UTF-16 units, which the transport enforces: ``bot.limits``).
* ``no_source`` — an answer that names no source.
* ``lower_start`` / ``conjunction_start`` — a snippet starting mid-sentence: lower case, or a
  dangling «а», «и», «но»…
* ``quote_tail`` — a snippet starting inside a quote (its first quote mark closes one).
* ``colon_end`` — a snippet ending on a colon, cut before what it introduces.
* ``scope`` — a fact-line figure whose scope is not the question's, as far as text shows it:
  a count relative to something unsaid («78 из них»), a figure for the whole show given to a
  question about one day, a figure whose sentence does not name the region asked about or
  names several.  A heuristic: it finds suspects, the engine decides scope.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .extract import sentence_regions
from .models import Figure, RegionReport
from .normalize import normalize
from .present import Presentation, present_region
from .reply import REPLY_LIMIT, Span, answer_reply, plain, region_reply
from .russian import disagreeing_numerals, reply_data

__all__ = [
    "ENGINE_RULES",
    "REPLY_RULES",
    "RULES",
    "Shown",
    "Violation",
    "answer_messages",
    "region_message",
    "violations",
]

# rules this layer (knowledge.present / knowledge.reply) keeps
REPLY_RULES = ("figure_twice", "numerals", "too_long", "no_source")
# rules that depend on the engine's snippets and figures
ENGINE_RULES = ("lower_start", "conjunction_start", "quote_tail", "colon_end", "scope")
RULES = REPLY_RULES + ENGINE_RULES

_SOURCE_MARKS = ("Источник", "по данным", "по статье")


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule in one message."""

    rule: str
    detail: str


@dataclass(frozen=True, slots=True)
class Shown:
    """One message as a reader sees it, in the parts the checks need."""

    text: str
    facts: tuple[Figure, ...] = ()
    snippets: tuple[tuple[str, tuple[str, ...]], ...] = ()  # text, articles that say it
    quoted: tuple[str, ...] = ()  # article text inside the message
    question: str = ""
    region: str | None = None  # the region key of a /region reply
    answer: bool = False  # an answer to a question (must name its source)
    extra: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- building


def answer_messages(
    shown: Presentation,
    count: int = 3,
    agreements_total: int | None = None,
    *,
    start: int = 0,
    lead: Sequence[Span] = (),
) -> list[Shown]:
    """Every page of the answer to a question from ``start`` on, as messages (a decline is
    one message); ``lead`` heads each of them (how a follow-up was understood: the user's
    words, quoted, not ours)."""
    led = tuple(span.text for span in lead)
    if not shown.answered:
        reply = answer_reply(shown, lead=lead)
        return [Shown(plain(reply), quoted=led, question=shown.answer.question)]
    quoted = (*_quoted_of(shown), *led)
    pages = max(1, -(-(len(shown.snippets) - start) // count))
    messages = []
    for page in range(pages):
        first = start + page * count
        reply = answer_reply(shown, first, count, agreements_total, lead)
        snippets = tuple(
            (s.text, tuple(src.article_id for src in s.sources))
            for s in shown.snippets[first : first + count]
        )
        facts = tuple(f for line in shown.figures for f in line.figures) if first == 0 else ()
        messages.append(
            Shown(
                plain(reply),
                facts=facts,
                snippets=snippets,
                quoted=quoted,
                question=shown.answer.question,
                # «Больше ничего…» (a conversation read to the end) has nothing to source
                answer=bool(snippets or facts),
            )
        )
    return messages


def _quoted_of(shown: Presentation) -> tuple[str, ...]:
    parts: list[str] = []
    for s in shown.snippets:
        parts.append(s.text)
        parts.extend(src.title for src in s.sources)
    for a in shown.agreements:
        parts.extend((a.subject, a.source.title, *a.parties))
    for p in shown.people:
        parts.extend((p.role, p.name))
    for line in shown.figures:
        parts.extend(f.source.title for f in line.figures)
    if shown.verdict is not None:
        parts.extend(f.source.title for f in shown.verdict.figures)
    return tuple(parts)


def region_message(report: RegionReport) -> Shown:
    """A /region reply as a message."""
    view = present_region(report)
    quoted: list[str] = []
    for s in view.snippets:
        quoted.append(s.text)
        quoted.extend(src.title for src in s.sources)
    for a in view.agreements:
        quoted.extend((a.subject, a.source.title, *a.parties))
    for p in view.people:
        quoted.extend((p.role, p.name, p.organisation or ""))
    quoted.extend(f.counts for f in view.figures)
    return Shown(
        plain(region_reply(report)),
        facts=view.figures,
        snippets=tuple((s.text, tuple(x.article_id for x in s.sources)) for s in view.snippets),
        quoted=tuple(quoted),
        region=report.region.key,
    )


def own_text(reply: Iterable[Span], quoted: Iterable[str]) -> str:
    """The reply without the article text in it (for the checks on our own wording)."""
    text = plain(reply)
    return _mask(text, quoted)


def _mask(text: str, quoted: Iterable[str]) -> str:
    for part in sorted((q for q in quoted if q), key=len, reverse=True):
        text = text.replace(part, " … ")
    return re.sub(r"«[^«»]*»", " … ", text)


# --------------------------------------------------------------------------- rules


@lru_cache(maxsize=1)
def _day_part() -> re.Pattern[str]:
    stems = "|".join(reply_data("russian")["day_parts"])
    return re.compile(rf"\b({stems})\w*\s+д(ень|ня|не)\b")


@lru_cache(maxsize=1)
def _conjunctions() -> frozenset[str]:
    return frozenset(reply_data("russian")["dangling_conjunctions"])


def _core(display: str, qualifier: str) -> str:
    return normalize(display.removeprefix(qualifier).strip())


def _statements(
    text: str, articles: Sequence[str], by_article: dict[str, list[Figure]]
) -> set[tuple[str, float, str]]:
    """The index's figures a snippet states (the quoted article's, and the same values for
    the other articles it names)."""
    norm = normalize(text)
    found = {
        (f.source.article_id, f.value, f.category)
        for f in by_article.get(articles[0], ())
        if _core(f.display, f.qualifier) and _core(f.display, f.qualifier) in norm
    }
    values = {(v, c) for _, v, c in found}
    for other in articles[1:]:
        found |= {
            (other, f.value, f.category)
            for f in by_article.get(other, ())
            if (f.value, f.category) in values
        }
    return found


def _first_word(text: str) -> str:
    m = re.search(r"[A-Za-zА-Яа-яЁё0-9]+", text)
    return m.group(0) if m else ""


def _quote_tail(text: str) -> bool:
    marks = [c for c in text if c in '«»"']
    if not marks:
        return False
    if marks[0] == "»":
        return True
    # a straight quote closing right away: «…работа", — подытожил Анохин»
    return bool(re.match(r'^[^"«»]*"\s*,?\s*[—–-]\s', text))


def _scope(message: Shown) -> list[str]:
    suspects = []
    day = _day_part().search(normalize(message.question)) if message.question else None
    named_in_question = sentence_regions(message.question) if message.question else ()
    asked = {key for _, _, key in named_in_question if key[:3] in ("ru-", "by-")}
    if message.region and message.region[:3] in ("ru-", "by-"):
        asked = {message.region}
    for f in message.facts:
        if "из них" in f.display:
            suspects.append(f.display)
            continue
        if day and day.group(1) not in normalize(f.sentence):
            suspects.append(f"{f.display} (день)")
            continue
        if asked:
            named = [k for _, _, k in sentence_regions(f.sentence) if k[:3] in ("ru-", "by-")]
            if not asked & set(named) or len(set(named)) > 1:
                suspects.append(f"{f.display} (регион)")
    return suspects


def violations(message: Shown, figures: Sequence[Figure]) -> list[Violation]:
    """Every rule ``message`` breaks; ``figures`` are all the index's figures (to find the
    figures a snippet states, independently of how the reply chose them)."""
    found: list[Violation] = []
    by_article: dict[str, list[Figure]] = {}
    for f in figures:
        by_article.setdefault(f.source.article_id, []).append(f)
    # figure_twice
    units: Counter[tuple[str, float, str]] = Counter()
    for f in message.facts:
        units[(f.source.article_id, f.value, f.category)] += 1
    for text, articles in message.snippets:
        units.update(_statements(text, articles, by_article))
    for key, n in units.items():
        if n > 1:
            found.append(Violation("figure_twice", f"{key[1]:g} ({key[2]}) ×{n}"))
    # numerals in our own words
    found.extend(
        Violation("numerals", pair)
        for pair in disagreeing_numerals(_mask(message.text, message.quoted))
    )
    # longer than the library ever makes a reply (Telegram's own limit is the transport's
    # business: bot.limits, enforced when the reply is rendered)
    if len(message.text) > REPLY_LIMIT:
        found.append(Violation("too_long", str(len(message.text))))
    if message.answer and not any(mark in message.text for mark in _SOURCE_MARKS):
        found.append(Violation("no_source", ""))
    # the snippets themselves
    for text, _ in message.snippets:
        start = text.lstrip(" \"«'—–-.…")
        first = _first_word(start)
        if start[:1].islower():
            found.append(Violation("lower_start", first))
            if first in _conjunctions():
                found.append(Violation("conjunction_start", first))
        if _quote_tail(text):
            found.append(Violation("quote_tail", text[:30]))
        if text.rstrip().endswith(":"):
            found.append(Violation("colon_end", text[-30:]))
    found.extend(Violation("scope", s) for s in _scope(message))
    return found
