"""Automatic fact extraction: tokens, regions and people (agreements: ``agreements.py``,
figures: ``figures.py``).

Rules are linguistic, not per article: a signing verb in the past (``подписали``,
``договорились``, ``были подписаны``) with an agreement noun makes an agreement, unless the
clause is planned (``ожидается подписание``) or background (``реализуются 32 соглашения``);
a role noun next to a capitalised first-name + surname makes a person; a number followed by
what it counts makes a figure.  The same code reads any article dropped into ``seeds/``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import gazetteer, lexicon
from .normalize import lemma, normalize_word, parse, stem

__all__ = [
    "RawPerson",
    "Tok",
    "article_regions",
    "extract_people",
    "has_grammeme",
    "sentence_regions",
    "tokenize",
]

_TOKEN = re.compile(
    r"[A-Za-zА-Яа-яЁё]+(?:-[A-Za-zА-Яа-яЁё]+)*|\d+(?:[.,]\d+)?|[«»\"“”„]|[,;:—–()%$€₽]|-(?=\s)|\."
)
_QUOTE_OPEN = "«„“"
_QUOTE_CLOSE = "»”"


@dataclass(frozen=True, slots=True)
class Tok:
    """A token of a sentence with its position in the original text."""

    text: str
    start: int
    end: int
    norm: str
    lemma: str
    stem: str

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()


@lru_cache(maxsize=20_000)
def tokenize(sentence: str) -> tuple[Tok, ...]:
    """Tokens with offsets, lemmas and stems (punctuation kept for the patterns).

    Cached: people, agreements, figures and regions all read the same sentences."""
    toks: list[Tok] = []
    for m in _TOKEN.finditer(sentence):
        text = m.group(0)
        norm = normalize_word(text) if text[:1].isalnum() else text
        lem = lemma(norm) if text[:1].isalpha() else norm
        toks.append(Tok(text, m.start(), m.end(), norm, lem, stem(norm)))
    return tuple(toks)


def _region_spans(toks: Sequence[Tok]) -> list[tuple[int, int, str]]:
    """Gazetteer entities over word tokens, mapped back to token indexes."""
    idx = [i for i, t in enumerate(toks) if t.is_word]
    lemmas: list[str] = []
    stems: list[str] = []
    owners: list[int] = []
    for i in idx:
        for part in toks[i].norm.split("-"):
            lemmas.append(lemma(part))
            stems.append(stem(part))
            owners.append(i)
    spans = []
    for s, e, key in gazetteer().find(lemmas, stems):
        spans.append((owners[s], owners[e - 1] + 1, key))
    return spans


@lru_cache(maxsize=20_000)
def sentence_regions(sentence: str) -> tuple[tuple[int, int, str], ...]:
    """Gazetteer entities of a sentence (cached)."""
    return tuple(_region_spans(tokenize(sentence)))


def article_regions(sentences: list[str]) -> Counter[str]:
    """How often each gazetteer entity is mentioned in an article."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(key for _, _, key in sentence_regions(sentence))
    return counts


def _main_region(counts: Counter[str], kinds: tuple[str, ...]) -> str | None:
    entries = gazetteer().entries
    for key, _ in counts.most_common():
        if key in entries and entries[key].kind in kinds:
            return key
    return None


# --------------------------------------------------------------------------- people


@dataclass(frozen=True, slots=True)
class RawPerson:
    """A person found in a sentence (before merging across the corpus)."""

    name: str
    role: str
    organisation: str | None
    region: str | None
    sentence: str


def _is_name_word(tok: Tok) -> bool:
    return tok.is_word and tok.capital and not tok.text.isupper() and len(tok.text) > 1


@lru_cache(maxsize=100_000)
def has_grammeme(word: str, grammeme: str) -> bool:
    from .normalize import morph

    return any(grammeme in p.tag for p in morph().parse(word))


def _name_at(toks: Sequence[Tok], i: int, after_role: bool) -> int:
    """Length (2–3) of a person's name starting at token ``i``, or 0."""
    if i >= len(toks) or not _is_name_word(toks[i]):
        return 0
    size = 0
    j = i
    while j < len(toks) and size < 3 and _is_name_word(toks[j]):
        size += 1
        j += 1
    if size < 2:
        return 0
    first = toks[i].norm
    if has_grammeme(first, "Name") or after_role:
        # a region is not a name («Смоленск Василий»), but a first name that happens to look
        # like a town («Борис» ~ Борисов) still starts one
        spans = _region_spans(toks[i : i + size])
        if spans and spans[0][0] == 0 and not has_grammeme(first, "Name"):
            return 0
        # «Элой Альварес Мартинес» is a name of three words; «Василий Анохин Смоленск» is not
        third = toks[i + 2].norm if size == 3 else ""
        if third and not after_role and not (
            has_grammeme(third, "Patr") or has_grammeme(third, "Surn")
        ):
            size = 2
        return size
    return 0


def _nominative(word: str, grammemes: tuple[str, ...], case: str | None = None) -> str:
    from .normalize import morph

    parses = morph().parse(word.lower())
    ranked = sorted(
        parses,
        key=lambda p: (
            not any(g in p.tag for g in grammemes),
            case is not None and case not in p.tag,
            "plur" in p.tag,
        ),
    )
    for p in ranked:
        if any(g in p.tag for g in grammemes):
            inflected = p.inflect({"nomn", "sing"}) or p.inflect({"nomn"})
            if inflected is not None:
                return str(inflected.word)
    return word.lower()


def _cap(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def _case_of(word: str, grammemes: tuple[str, ...]) -> str | None:
    from .normalize import morph

    for p in morph().parse(word.lower()):
        if any(g in p.tag for g in grammemes):
            return str(p.tag.case) if p.tag.case else None
    return None


def _normal_name(toks: Sequence[Tok], case: str | None) -> str:
    """A name in the nominative: «Александром Субботиным» → «Александр Субботин»."""
    if case in (None, "nomn"):
        return " ".join(t.text for t in toks)
    out = []
    for k, tok in enumerate(toks):
        grams = ("Name",) if k == 0 else ("Surn", "Patr", "ADJF")
        out.append(_cap(_nominative(tok.text, grams, case)).replace("ё", "е").replace("Ё", "Е"))
    return " ".join(out)


def _role_before(toks: Sequence[Tok], name_start: int) -> tuple[int, int] | None:
    """Token span of a role phrase ending right before a name («губернатор … области»)."""
    heads = lexicon().role_heads
    start = None
    for j in range(name_start - 1, max(-1, name_start - 14), -1):
        tok = toks[j]
        if tok.text in ".;:!?":
            break
        if tok.text in "—–" and not (
            # «глава Чувашской Республики — Чувашии»: a dash inside an official name
            0 < j < name_start - 1 and toks[j - 1].capital and toks[j + 1].capital
        ):
            break
        if tok.is_word and (tok.lemma in heads or tok.norm in heads):
            start = j
            # «главой администрации президента»: the head is the leftmost role noun
            for k in range(j - 1, max(-1, j - 4), -1):
                if not toks[k].is_word or toks[k].capital:
                    break
                if toks[k].lemma in heads:
                    start = k
            # include modifiers: «генеральный директор», «первый заместитель»
            while start > 0 and toks[start - 1].lemma in lexicon().role_modifiers:
                start -= 1
            break
        if tok.is_word and tok.capital and j != name_start - 1 and _is_verb(tok):
            break
    if start is None:
        return None
    return start, name_start


def _role_after(toks: Sequence[Tok], name_end: int) -> tuple[int, int] | None:
    """Token span of a role phrase in apposition: «Петр Пархомчик, председатель …,»."""
    if name_end >= len(toks) or toks[name_end].text != ",":
        return None
    j = name_end + 1
    heads = lexicon().role_heads
    modifiers = lexicon().role_modifiers
    k = j
    while k < len(toks) and toks[k].lemma in modifiers:
        k += 1
    if k >= len(toks) or not (toks[k].lemma in heads or toks[k].norm in heads):
        return None
    end = k + 1
    depth = 0
    while end < len(toks):
        tok = toks[end]
        if tok.text in _QUOTE_OPEN or (tok.text == '"' and depth == 0):
            depth += 1
        elif tok.text in _QUOTE_CLOSE or (tok.text == '"' and depth > 0):
            depth -= 1
        elif depth == 0 and (tok.text in ",;:.—–" or _is_verb(tok)):
            break
        end += 1
    return j, end


def _is_verb(tok: Tok) -> bool:
    if not tok.is_word:
        return False
    tag = parse(tok.norm).tag
    return "VERB" in tag or "GRND" in tag


def _role_text(sentence: str, toks: Sequence[Tok], start: int, end: int) -> tuple[str, str | None]:
    """Role phrase in the nominative, and the grammatical case it stood in."""
    head_idx = start
    heads = lexicon().role_heads
    for k in range(start, end):
        if toks[k].lemma in heads or toks[k].norm in heads:
            head_idx = k
            break
    head = toks[head_idx]
    head_parse = None
    from .normalize import morph

    for p in morph().parse(head.norm):
        if p.normal_form.replace("ё", "е") == head.lemma:
            head_parse = p
            break
    case = str(head_parse.tag.case) if head_parse is not None and head_parse.tag.case else None
    oblique = case not in (None, "nomn")
    words = []
    for k in range(start, end):
        tok = toks[k]
        if oblique and k <= head_idx and tok.is_word:
            words.append(_nominative(tok.norm, ("NOUN", "ADJF")))
        else:
            words.append(tok.text)
    text = sentence[toks[start].start : toks[end - 1].end] if end > start else ""
    if oblique:
        prefix = " ".join(words[: head_idx - start + 1])
        rest = sentence[toks[head_idx].end : toks[end - 1].end] if end - 1 > head_idx else ""
        text = (prefix + rest).strip()
    text = text.strip(" ,")
    return text[:1].lower() + text[1:], case


@lru_cache(maxsize=1)
def _quoted_name() -> re.Pattern[str]:
    """An organisation's quoted name, with its legal form before it if any (ОАО «БЕЛАЗ»)."""
    forms = "|".join(map(re.escape, lexicon().legal_forms))
    return re.compile(rf"((?:{forms})\s*)?[«\"“]([^»\"”]+)[»\"”]")


def _quoted_org(sentence: str, toks: Sequence[Tok], start: int, end: int) -> str | None:
    span = sentence[toks[start].start : toks[end - 1].end]
    m = _quoted_name().search(span)
    if m:
        return (m.group(1) or "") + "«" + m.group(2).strip() + "»"
    return None


def extract_people(
    sentences: list[str],
    regions: Counter[str],
    lemma_sets: Sequence[frozenset[str]] | None = None,
) -> list[RawPerson]:
    """People with their roles, from every sentence of one article.

    :param lemma_sets: each sentence's lemmas, when known: sentences without a role noun
        are then skipped unread.
    """
    people: list[RawPerson] = []
    entries = gazetteer().entries
    lex = lexicon()
    for idx, sentence in enumerate(sentences):
        if lemma_sets is not None and not lemma_sets[idx] & lex.role_heads:
            continue
        toks = tokenize(sentence)
        i = 0
        while i < len(toks):
            role_span = None
            size = 0
            if _is_name_word(toks[i]):
                role_span = _role_before(toks, i)
                size = _name_at(toks, i, after_role=role_span is not None)
                if size and role_span is None:
                    role_span = _role_after(toks, i + size)
            if not size or role_span is None:
                i += 1
                continue
            role, case = _role_text(sentence, toks, *role_span)
            if role_span[0] > i:  # apposition after the name: the name's own case
                case = _case_of(toks[i].text, ("Name",)) or "nomn"
            name = _normal_name(toks[i : i + size], case)
            spans = _region_spans(toks[role_span[0] : role_span[1]])
            region = None
            for _, _, key in spans:
                if entries[key].kind != "country" or region is None:
                    region = key
                    if entries[key].kind != "country":
                        break
            head_lemmas = {t.lemma for t in toks[role_span[0] : role_span[1]]}
            if region is None and head_lemmas & lex.governor_roles:
                region = _main_region(regions, ("ru_subject",))
            if region is None and head_lemmas & lex.oblast_words:
                region = _main_region(regions, ("by_oblast",))
            org = _quoted_org(sentence, toks, *role_span)
            if org is None and not spans:
                complement = [t for t in toks[role_span[0] : role_span[1]] if t.is_word]
                if len(complement) > 1 and any(
                    t.lemma not in lex.role_heads and t.lemma not in lex.role_modifiers
                    for t in complement
                ):
                    org = None
            people.append(RawPerson(name, role, org, region, sentence))
            i += size
    return people
