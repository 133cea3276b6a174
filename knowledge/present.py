"""From an ``Answer`` to what a person reads: each statement once, figures in agreed Russian,
a verdict for a yes/no question.

``present(answer)`` is the one step between the engine and every reply (the CLI, the bot's
answers and its inline mode), so all of them show the same thing:

* **A figure is said once per article.**  «более 14 тыс.», «свыше 14 тыс.» and «более 14 000»
  from one ТАСС article are one statement: the fact line keeps one of them, with its source.
* **«Источники расходятся» only when they do**: different articles giving values that cannot
  both be true («более 500» and «520» can; «14 тыс.» and «20 тыс.» cannot).  One article giving
  several values in a group counts several things, not a disagreement.
* **A statement is shown where it reads best, once.**  A figure or agreement that a snippet on
  the first page states (same article) is left out of the fact line — the snippet says it with
  its context and its «Источник» button; one that no first-page snippet states stays in the fact
  line, and later snippets that only state it again are dropped.  Among snippets, one that
  repeats a figure an earlier snippet of the same article gave is dropped, and near-duplicates
  from different articles collapse into one snippet carrying all their sources.
* **A yes/no question with a number** («правда что выставку посетили 20 тыс человек?») gets a
  verdict from the figures that count the same thing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz

from .figures import extract_figures
from .intents import Claim, yes_no_claim
from .models import Agreement, Answer, Figure, FigureGroup, Hit, Person, RegionReport, Source
from .normalize import lemma, normalize, words
from .russian import agree_display, reply_data, typed_forms

__all__ = [
    "FIRST_PAGE",
    "FactLine",
    "Presentation",
    "RegionView",
    "Snippet",
    "Verdict",
    "one_per_article",
    "present",
    "present_region",
    "snippet_statements",
    "sources_disagree",
    "verdict",
]

FIRST_PAGE = 3
# near-duplicate snippets: token-set likeness of their normalised texts (0-100)
NEAR_DUPLICATE = 88
# how far above its number a source's «более N» may be
ROUNDING = 0.15
# … or the same figures and this much likeness
SAME_FIGURES = 50
# an agreement's sentence «is in» a snippet when they overlap this much (partial ratio)
SAME_SENTENCE = 90


@dataclass(frozen=True, slots=True)
class Snippet:
    """One snippet as shown: its text and article, the passage behind it (for «Источник»),
    and the other articles that say the same: in nearly the same words (``echoes``) or with
    the same figures in other words (``same_figures``)."""

    text: str
    source: Source
    passage_id: int
    rank: int  # the hit's position in ``Answer.hits``
    echoes: tuple[Source, ...] = ()
    same_figures: tuple[Source, ...] = ()

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every article behind the snippet, the quoted one first."""
        return (self.source, *self.echoes, *self.same_figures)


@dataclass(frozen=True, slots=True)
class FactLine:
    """Figures for one thing, one per article and value, worded to stand on their own.

    ``figures`` may be empty when every figure is stated by a snippet on the first page;
    the line then only says that the sources disagree (when they do).
    """

    category: str
    figures: tuple[Figure, ...]
    disagree: bool
    in_snippets: int = 0  # figures of this group left to the first-page snippets


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to a yes/no question about a number.

    ``outcome``: "yes", "no", "mixed" (the sources disagree), "unsettled" (compatible but not
    the same: «около 15 тыс.» against «более 14 тыс.») or "unknown" (no figure counts it).
    """

    outcome: str
    claim: Claim
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True, slots=True)
class Presentation:
    """An answer ready to be worded: what to say, each thing once."""

    answer: Answer
    snippets: tuple[Snippet, ...] = ()
    figures: tuple[FactLine, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    people: tuple[Person, ...] = ()
    verdict: Verdict | None = None
    unknown_terms: tuple[str, ...] = field(default=())
    first_page: int = FIRST_PAGE

    @property
    def answered(self) -> bool:
        """Whether the engine answered (a decline has nothing to present)."""
        return self.answer.answered


# --------------------------------------------------------------------------- statements


def _figures_in(text: str) -> tuple[tuple[float, str], ...]:
    """(value, category) of every figure a snippet states."""
    return tuple((f.value, f.category) for f in _extract(text))


@lru_cache(maxsize=4096)
def _extract(text: str) -> tuple[Figure, ...]:
    placeholder = Source("", "", None, None)
    return tuple(
        Figure(f.value, f.display, f.counts, f.category, f.sentence, placeholder, f.qualifier)
        for f in extract_figures([text])
    )


def snippet_statements(hit: Hit) -> frozenset[tuple[str, float, str]]:
    """The figures a snippet states, as (article, value, category) statements."""
    return frozenset((hit.source.article_id, v, c) for v, c in _figures_in(hit.text))


def _states_figure(snippet_text: str, article: str, figure: Figure) -> bool:
    """Whether a snippet from ``article`` states ``figure`` (same article, same value)."""
    if figure.source.article_id != article:
        return False
    if (figure.value, figure.category) in _figures_in(snippet_text):
        return True
    shown = _norm(figure.display.removeprefix(figure.qualifier).strip())
    return bool(shown) and shown in _norm(snippet_text)


def _states_agreement(snippet_text: str, article: str, agreement: Agreement) -> bool:
    if agreement.source.article_id != article:
        return False
    return _same_sentence(snippet_text, agreement.sentence)


@lru_cache(maxsize=8192)
def _same_sentence(snippet_text: str, sentence: str) -> bool:
    """Whether a snippet holds a sentence (or the sentence the snippet), give or take the
    clipping of either (partial likeness is slow on long texts: cached)."""
    a, b = _norm(snippet_text), _norm(sentence)
    if not a or not b:
        return False
    return a in b or b in a or fuzz.partial_ratio(a, b) >= SAME_SENTENCE


_AMOUNT = re.compile(r"(\d[\d \u00a0]*(?:[.,]\d+)?)\s*(тыс|млн|млрд|миллион|миллиард|тысяч)?")
_SCALE = {"тыс": 1e3, "тысяч": 1e3, "млн": 1e6, "миллион": 1e6, "млрд": 1e9, "миллиард": 1e9}


@lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    """``normalize`` cached: the same passages come back answer after answer."""
    return normalize(text)


@lru_cache(maxsize=8192)
def _amounts(text: str) -> frozenset[float]:
    found = set()
    for m in _AMOUNT.finditer(_norm(text)):
        digits = m.group(1).replace(" ", "").replace("\u00a0", "").replace(",", ".")
        try:
            value = float(digits.rstrip("."))
        except ValueError:
            continue
        found.add(value * _SCALE.get(m.group(2) or "", 1.0))
    return frozenset(found)


def _near_duplicate(a: str, b: str) -> str | None:
    """The same statement in other words: nearly the same words and no number of the shorter
    text missing from the longer one; or the very same figures, worded alike enough that they
    are about the same thing («площадь экспозиции составила свыше 20 тыс. кв. м» /
    «площадь экспозиции превысила 20 тыс. кв. м, включая уличную площадку»)."""
    short, long_ = sorted((a, b), key=len)
    if not _amounts(short) <= _amounts(long_):
        return None
    likeness = fuzz.token_set_ratio(_norm(short), _norm(long_))
    if likeness >= NEAR_DUPLICATE:
        return "text"
    figures = set(_figures_in(short))
    if figures and figures == set(_figures_in(long_)) and likeness >= SAME_FIGURES:
        return "figures"
    return None


# --------------------------------------------------------------------------- figures


@lru_cache(maxsize=1)
def _bounds() -> dict[str, str]:
    data = reply_data("intents")["bounds"]
    return {normalize(w): kind for kind in ("above", "below", "near") for w in data[kind]}


def _interval(value: float, bound: str, claim: bool = False) -> tuple[float, float]:
    """The values a figure allows.  A source's «более 14 тыс.» is a little above 14 тыс. (news
    round down: up to ``ROUNDING`` more); a question's «больше 10 тысяч» is anything above."""
    if bound == "above":
        return (value, math.inf) if claim else (value, value * (1 + ROUNDING))
    if bound == "below":
        return (0.0, value) if claim else (value * 0.5, value)
    if bound == "near":
        return (value * 0.9, value * 1.1)
    tolerance = 0.03 if claim else 0.005
    return (value * (1 - tolerance), value * (1 + tolerance))


def _figure_bound(figure: Figure) -> str:
    return _bounds().get(normalize(figure.qualifier), "exact") if figure.qualifier else "exact"


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return max(a[0], b[0]) <= min(a[1], b[1])


def one_per_article(figures: Iterable[Figure]) -> tuple[Figure, ...]:
    """The first figure of each (article, value) — one statement, said once — worded to
    stand on its own line («24 стран» → «24 страны»)."""
    seen: set[tuple[str, float]] = set()
    kept = []
    for figure in figures:
        key = (figure.source.article_id, figure.value)
        if key in seen:
            continue
        seen.add(key)
        kept.append(replace(figure, display=agree_display(figure.display)))
    return tuple(kept)


def sources_disagree(figures: Sequence[Figure]) -> bool:
    """True when two articles give values for the thing that cannot both be true.  An article
    giving several values counts several things (a whole and its parts), so nothing it says
    is set against the others."""
    by_article: dict[str, set[float]] = {}
    for figure in figures:
        by_article.setdefault(figure.source.article_id, set()).add(figure.value)
    if len(by_article) < 2 or any(len(values) > 1 for values in by_article.values()):
        return False
    intervals = [(f.source.article_id, _interval(f.value, _figure_bound(f))) for f in figures]
    return any(
        not _overlap(a, b)
        for i, (article_a, a) in enumerate(intervals)
        for article_b, b in intervals[i + 1 :]
        if article_a != article_b
    )


# --------------------------------------------------------------------------- snippets


def _collapse(hits: Sequence[Hit]) -> list[Snippet]:
    """Snippets in rank order, each statement once: near-duplicates from other articles merge
    their sources, and a snippet repeating a figure its own article already gave is dropped."""
    kept: list[Snippet] = []
    said: set[tuple[str, float, str]] = set()
    for rank, hit in enumerate(hits):
        article = hit.source.article_id
        statements = snippet_statements(hit)
        for i, snippet in enumerate(kept):
            likeness = _near_duplicate(snippet.text, hit.text)
            if likeness is None:
                continue
            if all(s.article_id != article for s in snippet.sources):
                if likeness == "text":
                    snippet = replace(snippet, echoes=(*snippet.echoes, hit.source))
                else:
                    snippet = replace(snippet, same_figures=(*snippet.same_figures, hit.source))
                kept[i] = snippet
            said |= statements
            break
        else:
            if statements & said:
                continue
            said |= statements
            kept.append(Snippet(hit.text, hit.source, hit.passage_id, rank))
    return kept


def _states_any_figure(snippet: Snippet, figures: Iterable[Figure]) -> bool:
    return any(
        _states_figure(snippet.text, source.article_id, f)
        for f in figures
        for source in snippet.sources
    )


def _states_any_agreement(snippet: Snippet, agreements: Iterable[Agreement]) -> bool:
    return any(
        _states_agreement(snippet.text, source.article_id, a)
        for a in agreements
        for source in snippet.sources
    )


def _fact_lines(
    groups: Sequence[FigureGroup], first: Sequence[Snippet]
) -> tuple[FactLine, ...]:
    lines = []
    for group in groups:
        figures = one_per_article(group.figures)
        disagree = sources_disagree(figures)
        left = tuple(f for f in figures if not any(_states_any_figure(s, (f,)) for s in first))
        moved = len(figures) - len(left)
        if left or disagree:
            lines.append(FactLine(group.category, left, disagree, moved))
    return tuple(lines)


# --------------------------------------------------------------------------- verdict


def _content_lemmas(text: str) -> frozenset[str]:
    return frozenset(lemma(w) for w in words(text) if not w.isdigit())


def _narrowed(figure: Figure, question_lemmas: frozenset[str]) -> bool:
    """A figure counting a part («290 компаний из 23 регионов России», «свыше 200 белорусских
    компаний») that the question does not ask about."""
    extra = _content_lemmas(figure.counts) - question_lemmas
    if any("ADJ" in str(_tag(w)) for w in extra):
        return True
    scope = re.search(r"\bиз\s+(.+)$", figure.display)
    return bool(
        scope
        and re.search(r"[А-ЯЁA-Z]", scope.group(1))
        and not _content_lemmas(scope.group(1)) <= question_lemmas
    )


@lru_cache(maxsize=4096)
def _tag(word: str) -> object:
    from .normalize import parse

    return parse(word).tag


def _comparable(answer: Answer, claim: Claim) -> tuple[Figure, ...]:
    """The figures that count what the claim counts: the answer's fact groups first, else the
    figures stated in its snippets."""
    question = _content_lemmas(answer.question)
    from_groups = [f for g in answer.figures if g.category == claim.category for f in g.figures]
    from_hits = [
        replace(f, source=hit.source)
        for hit in answer.hits
        for f in _extract(hit.text)
        if f.category == claim.category
    ]
    for candidates in (from_groups, from_hits):
        usable = [f for f in candidates if not _narrowed(f, question)]
        if usable:
            return one_per_article(usable)
    return ()


def _judge(claim: Claim, figure: Figure) -> str:
    wanted = _interval(claim.value, claim.bound, claim=True)
    given = _interval(figure.value, _figure_bound(figure))
    if not _overlap(wanted, given):
        return "no"
    if abs(claim.value - figure.value) <= 0.03 * max(claim.value, figure.value):
        return "yes"
    if wanted[0] <= given[0] and given[1] <= wanted[1]:
        return "yes"
    return "unsettled"


def verdict(answer: Answer) -> Verdict | None:
    """The verdict on a yes/no question about a number, or None for any other question."""
    claim = yes_no_claim(answer.question)
    if claim is None:
        return None
    figures = _comparable(answer, claim)
    if not figures:
        return Verdict("unknown", claim)
    outcomes = {_judge(claim, f) for f in figures}
    if outcomes == {"yes"} or outcomes == {"yes", "unsettled"}:
        outcome = "yes"
    elif outcomes == {"no"}:
        outcome = "no"
    elif {"yes", "no"} <= outcomes:
        outcome = "mixed"
    else:
        outcome = "unsettled"
    return Verdict(outcome, claim, figures)


# --------------------------------------------------------------------------- present


def present(answer: Answer, first_page: int = FIRST_PAGE) -> Presentation:
    """What to show for an answer, each statement once (see the module docstring).

    ``first_page`` is how many snippets the first message shows (the fact lines go with it).
    """
    if not answer.answered:
        return Presentation(
            answer,
            unknown_terms=typed_forms(answer.unknown_terms, answer.question),
            first_page=first_page,
        )
    snippets = _collapse(answer.hits)
    first = snippets[:first_page]
    lines = _fact_lines(answer.figures, first)
    agreements = tuple(
        a for a in answer.agreements if not any(_states_any_agreement(s, (a,)) for s in first)
    )
    judged = verdict(answer)
    if judged is not None and judged.figures:
        # the verdict line gives these figures; a fact line would say them again
        lines = tuple(line for line in lines if line.category != judged.claim.category)
    in_lines = [f for line in lines for f in line.figures]
    later = [
        s
        for s in snippets[first_page:]
        if not _states_any_figure(s, in_lines) and not _states_any_agreement(s, agreements)
    ]
    return Presentation(
        answer,
        snippets=(*first, *later),
        figures=lines,
        agreements=agreements,
        people=answer.people,
        verdict=judged,
        first_page=first_page,
    )


@dataclass(frozen=True, slots=True)
class RegionView:
    """A region report as shown: its lists, and the passages that add to them."""

    report: RegionReport
    people: tuple[Person, ...]
    agreements: tuple[Agreement, ...]
    figures: tuple[Figure, ...]
    snippets: tuple[Snippet, ...]


def present_region(
    report: RegionReport,
    *,
    people: int = 5,
    agreements: int = 5,
    figures: int = 6,
    snippets: int = 3,
) -> RegionView:
    """A region overview, each statement once.  Here the lists are what the reader asked
    for, so they keep their facts and a passage that only says one of them again (same
    article) is left out; passages repeating each other collapse as in ``present``."""
    listed_agreements = report.agreements[:agreements]
    listed_figures = one_per_article(report.figures)[:figures]
    kept = [
        s
        for s in _collapse(report.hits)
        if not _states_any_figure(s, listed_figures)
        and not _states_any_agreement(s, listed_agreements)
    ]
    return RegionView(
        report,
        report.people[:people],
        listed_agreements,
        listed_figures,
        tuple(kept[:snippets]),
    )
