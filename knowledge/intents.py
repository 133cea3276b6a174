"""What a message is besides a question: small talk, and questions that ask «да или нет».

``small_talk("Спасибо! 🙏")`` → ``frozenset({"thanks"})``: a message made only of greetings,
thanks, goodbyes, «ок», «как дела» (and fillers, punctuation, emoji) is answered in kind and
never searched.  ``yes_no_claim("правда что выставку посетили 20 тыс человек?")`` → the number
the question states (20 000 человек, посетители), to be checked against the articles' figures.
The words live in ``knowledge/data/reply/intents.json``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .figures import extract_figures
from .normalize import normalize, words
from .russian import reply_data

__all__ = ["SMALL_TALK_KINDS", "Claim", "asks_yes_no", "small_talk", "yes_no_claim"]

# in the order a reply answers them when a message holds several («привет, как дела?»)
SMALL_TALK_KINDS = ("how_are_you", "who_are_you", "greeting", "thanks", "bye", "ok", "emoji")
MAX_SMALL_TALK_WORDS = 12
_REPEATS = re.compile(r"(\w)\1{2,}")


@dataclass(frozen=True)
class _Talk:
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # longest first
    fuzzy: dict[str, str]  # long single words, for typos («спсибо»)
    fillers: frozenset[str]
    emoji: dict[str, str]


@lru_cache(maxsize=1)
def _talk() -> _Talk:
    data = reply_data("intents")
    phrases = [
        (tuple(words(phrase)), kind)
        for kind, items in data["small_talk"].items()
        for phrase in items
    ]
    phrases.sort(key=lambda item: -len(item[0]))
    fuzzy = {p[0]: kind for p, kind in phrases if len(p) == 1 and len(p[0]) >= 6}
    emoji = {e: kind for kind, items in data["emoji"].items() for e in items}
    return _Talk(tuple(phrases), fuzzy, frozenset(words(" ".join(data["fillers"]))), emoji)


def _emoji_kinds(text: str) -> tuple[set[str], bool]:
    """Kinds of the emoji in ``text`` and whether anything else but emoji and punctuation is
    left (letters or digits)."""
    talk = _talk()
    kinds: set[str] = set()
    for char in text:
        if char in talk.emoji:
            kinds.add(talk.emoji[char])
        elif unicodedata.category(char) == "So":
            kinds.add("emoji")
    return kinds, any(c.isalnum() for c in text)


def small_talk(text: str) -> frozenset[str]:
    """The kinds of small talk a message is made of, or an empty set when it is a question
    (or anything else worth searching)."""
    talk = _talk()
    emoji, has_words = _emoji_kinds(text)
    if not has_words:
        return frozenset(emoji - {"emoji"} or emoji)
    tokens = [_REPEATS.sub(r"\1", w) for w in words(text)]
    if len(tokens) > MAX_SMALL_TALK_WORDS or any(t.isdigit() for t in tokens):
        return frozenset()
    kinds: set[str] = set()
    i = 0
    while i < len(tokens):
        for phrase, kind in talk.phrases:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                kinds.add(kind)
                i += len(phrase)
                break
        else:
            token = tokens[i]
            if token in talk.fillers:
                i += 1
                continue
            typo = _typo_kind(token)
            if typo is None:
                return frozenset()
            kinds.add(typo)
            i += 1
    if not kinds:
        return frozenset()
    return frozenset(kinds | (emoji - {"emoji"}))


def _typo_kind(token: str) -> str | None:
    if len(token) < 5:
        return None
    best = max(_talk().fuzzy, key=lambda w: fuzz.ratio(token, w), default=None)
    if best is not None and fuzz.ratio(token, best) >= 85:
        return _talk().fuzzy[best]
    return None


# --------------------------------------------------------------------------- yes / no


@dataclass(frozen=True, slots=True)
class Claim:
    """A number a yes/no question states: «20 тыс человек» → 20 000, «человек», посетители."""

    value: float
    display: str
    counts: str
    category: str
    bound: str  # "exact", "above", "below" or "near"


@dataclass(frozen=True)
class _YesNo:
    cues: tuple[tuple[str, ...], ...]
    particle: str
    wh_words: frozenset[str]
    bounds: tuple[tuple[tuple[str, ...], str], ...]  # longest first


@lru_cache(maxsize=1)
def _yes_no() -> _YesNo:
    data = reply_data("intents")
    yes_no = data["yes_no"]
    bounds = [
        (tuple(words(phrase)), kind)
        for kind in ("above", "below", "near")
        for phrase in data["bounds"][kind]
    ]
    bounds.sort(key=lambda item: -len(item[0]))
    return _YesNo(
        tuple(tuple(words(c)) for c in yes_no["cues"]),
        yes_no["particle"],
        frozenset(yes_no["wh_words"]),
        tuple(bounds),
    )


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1))


def asks_yes_no(question: str) -> bool:
    """Whether a question asks «да или нет» («правда что…», «…ли…», «было 30 стран?»)."""
    rules = _yes_no()
    tokens = words(question)
    if not tokens:
        return False
    if any(_contains(tokens, cue) for cue in rules.cues):
        return True
    if rules.particle in tokens[1:]:
        return True
    return question.rstrip().endswith("?") and not rules.wh_words & set(tokens)


@lru_cache(maxsize=4096)
def yes_no_claim(question: str) -> Claim | None:
    """The number a yes/no question states, with what it counts and how it is bounded."""
    if not asks_yes_no(question):
        return None
    text = question.strip().rstrip("?!. ")
    for figure in extract_figures([text]):
        if not figure.counts:
            continue
        number = re.search(r"\d", figure.display)
        if number is None:
            continue
        return Claim(
            value=figure.value,
            display=figure.display,
            counts=figure.counts,
            category=figure.category,
            bound=_bound_before(text, figure.display[number.start() :]),
        )
    return None


def _bound_before(text: str, from_number: str) -> str:
    """How the words right before a number bound it («больше 20 тысяч» → above)."""
    at = normalize(text).find(normalize(from_number)[:8])
    if at < 0:
        return "exact"
    before = words(normalize(text)[:at])[-3:]
    for phrase, kind in _yes_no().bounds:
        if tuple(before[-len(phrase) :]) == phrase:
            return kind
    return "exact"
