"""Agreements signed or agreed at the exhibition, extracted from article sentences.

An agreement is reported by a signing verb in the past (``подписали``, ``был подписан``,
``заключили``, ``договорились о создании``) together with an agreement noun (соглашение,
контракт, меморандум, дорожная карта, план-график, лицензионный договор, …).  Not agreements:
plans (``ожидается подписание``, ``планируется подписать``), statistics (``реализуются 32
соглашения``, ``подписано 63 документа``) and agreements mentioned only as the topic of
another one (``план мероприятий по реализации соглашения``).  A later sentence that only names
the signatories of the same document (``Документ скрепили подписями …``, ``Соответствующее
соглашение подписали …``) adds its parties to that agreement instead of making a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .extract import (
    Tok,
    _case_of,
    _is_name_word,
    _name_at,
    _normal_name,
    _region_spans,
    _role_before,
    _role_text,
    tokenize,
)
from .lexicon import gazetteer, lexicon, word_list
from .normalize import lemma, normalize, parse

__all__ = ["RawAgreement", "extract_agreements"]


@dataclass(frozen=True, slots=True)
class RawAgreement:
    """An agreement found in a sentence."""

    kind: str
    parties: tuple[str, ...]
    subject: str
    sentence: str
    regions: tuple[str, ...]
    # «Документ скрепили подписями …»: refers to the agreement just reported
    follow_up: bool = False


_CLAUSE_SPLIT = re.compile(r",\s+а\s+|;\s+")
_QUOTE_OPEN = "«„“"
_QUOTE_CLOSE = "»”"
_VENUE = re.compile(
    r"^(?:на\s+(?:полях|площадке|международной|выставке|форуме|ИННОПРОМ)|в\s+рамках|в\s+ходе)",
    re.IGNORECASE,
)
# where a subject ends: attribution or venue tails
_SUBJECT_END = re.compile(
    r",?\s+(?:на\s+полях|в\s+рамках|в\s+ходе|на\s+(?:международной\s+)?(?:промышленной\s+)?"
    r"выставке)\b|,\s*(?:передает|передаёт|сообщает|сообщили|говорится|отмечается|"
    r"рассказал|пишет)\b",
    re.IGNORECASE,
)


def _back_reference() -> frozenset[str]:
    """«соответствующее соглашение», «этот документ»: the agreement already reported."""
    return word_list("back_reference")


def _clauses(sentence: str) -> list[tuple[int, int]]:
    bounds = [0]
    for m in _CLAUSE_SPLIT.finditer(sentence):
        bounds.extend((m.start(), m.end()))
    bounds.append(len(sentence))
    return [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]


def _kind_spans(toks: Sequence[Tok]) -> list[tuple[int, int, str]]:
    """(start, end, display) of every agreement noun phrase, longest match first."""
    kinds = sorted(lexicon().agreement_kinds, key=lambda kv: -len(kv[0]))
    lemmas: list[str] = []
    owners: list[int] = []
    for i, t in enumerate(toks):
        if t.is_word:
            for part in t.norm.split("-"):
                lemmas.append(lemma(part))
                owners.append(i)
    found: list[tuple[int, int, str]] = []
    k = 0
    while k < len(lemmas):
        for seq, display in kinds:
            if tuple(lemmas[k : k + len(seq)]) == seq:
                span = (owners[k], owners[k + len(seq) - 1] + 1, display)
                if not found or found[-1][0] != span[0]:
                    found.append(span)
                k += len(seq)
                break
        else:
            k += 1
    return found


def _in_complement(toks: Sequence[Tok], start: int) -> bool:
    """True when a kind noun is the topic of something else: «… по реализации соглашения»,
    «соглашение о создании торгового дома»."""
    for j in range(start - 1, max(-1, start - 3), -1):
        tok = toks[j]
        if tok.lemma in word_list("topic_prepositions"):
            return True
        if not tok.is_word or "VERB" in parse(tok.norm).tag:
            return False
    return False


def _signing(toks: Sequence[Tok]) -> list[int]:
    """Signing verbs reported as done: a past finite verb or a short passive participle."""
    verbs = lexicon().signing_verbs
    found = []
    for i, tok in enumerate(toks):
        if tok.is_word and tok.lemma in verbs:
            tag = parse(tok.norm).tag
            if ("VERB" in tag and "past" in tag) or "PRTS" in tag:
                found.append(i)
    return found


def _planned(toks: Sequence[Tok], upto: int) -> bool:
    lex = lexicon()
    return any(
        tok.lemma in lex.planned_words
        or tok.lemma in lex.background_words
        or tok.norm in ("будут", "будет")
        for tok in toks[:upto]
    )


def _statistics(toks: Sequence[Tok]) -> bool:
    """«Реализуются 32 соглашения», «подписано 63 документа»: counts, not a signing."""
    counted = {"соглашение", "договор", "контракт", "документ", "меморандум"}
    return any(
        tok.text.isdigit() and toks[i + 1].lemma in counted for i, tok in enumerate(toks[:-1])
    )


def _enumerated(
    kinds: list[tuple[int, int, str]], toks: Sequence[Tok]
) -> list[tuple[int, int, str]]:
    """«подписаны соглашения, среди которых план-график …»: keep the specific ones."""
    generic = {"соглашение", "договор", "документ", "договорённости"}
    if len(kinds) > 1 and kinds[0][2] in generic:
        between = {t.lemma for t in toks[kinds[0][1] : kinds[1][0]]}
        if between & {"среди", "который", "число", "включая"} or ":" in between:
            return [k for k in kinds if k[2] not in generic]
    return kinds


def _np_parties(sentence: str, toks: Sequence[Tok], start: int, end: int) -> list[str]:
    """The acting noun phrases of a span, one per conjunct: «Министерство промышленности
    Белоруссии и правительство Свердловской области» → two parties; people by name."""
    groups: list[tuple[int, int]] = []
    depth = 0
    g_start = start
    for i in range(start, end):
        text = toks[i].text
        if text in _QUOTE_OPEN or (text == '"' and depth == 0):
            depth += 1
        elif text in _QUOTE_CLOSE or (text == '"' and depth > 0):
            depth = max(0, depth - 1)
        elif depth == 0 and (text == "," or toks[i].norm == "и"):
            groups.append((g_start, i))
            g_start = i + 1
    groups.append((g_start, end))
    parties: list[str] = []
    entries = gazetteer().entries
    for group_start, g1 in groups:
        start_at = _np_start(toks, group_start, g1)
        if start_at is None or g1 - start_at > 9:
            continue
        g0 = start_at
        person = _person_in(sentence, toks, g0, g1)
        if person:
            parties.append(person)
            continue
        spans = _region_spans(toks[g0:g1])
        # «Гродненская и Калужская области» → the regions; «Могилевский облисполком» stays
        # the body that signed
        if (
            spans
            and spans[0][0] == 0
            and spans[0][1] == g1 - g0
            and toks[g1 - 1].lemma not in lexicon().oblast_words
        ):
            entry = entries[spans[0][2]]
            if entry.kind != "country" or len(groups) > 1:
                parties.append(entry.name)
            continue
        text = sentence[toks[g0].start : toks[g1 - 1].end].strip(" ,.;:")
        if text and any(t.capital or t.text in _QUOTE_OPEN or t.text == '"' for t in toks[g0:g1]):
            parties.append(_tidy_quotes(text))
    return list(dict.fromkeys(parties))


def _np_start(toks: Sequence[Tok], start: int, end: int) -> int | None:
    """Where the noun phrase of a conjunct begins, past introductory adverbials
    («В последний день выставки Министерство …», «Кроме того, ОАО …»)."""
    in_pp = False
    first = True
    i = start
    while i < end:
        tok = toks[i]
        if not tok.is_word and tok.text not in _QUOTE_OPEN and tok.text != '"':
            i += 1
            continue
        tag = parse(tok.norm).tag if tok.is_word else None
        if first and tag is not None and ("VERB" in tag or "GRND" in tag):
            return None  # «…, сообщает «СБ. Беларусь сегодня»»: attribution, not a party
        first = False
        if in_pp and not tok.is_word:
            # «на выставке «ИННОПРОМ. Беларусь»»: a name in apposition to the place
            i += 1
            while i < end and toks[i].text not in _QUOTE_CLOSE and toks[i].text != '"':
                i += 1
            i += 1
            continue
        i += 1
        if tag is not None and "PREP" in tag:
            in_pp = True
            continue
        if tag is not None and ("ADVB" in tag or "CONJ" in tag or "PRCL" in tag or "NPRO" in tag):
            continue
        if in_pp and not (tok.capital and i - 1 > start) and tok.text not in lexicon().legal_forms:
            continue
        if tok.norm in ("того", "этого", "также", "тот") or tok.lemma in _back_reference():
            continue
        return i - 1
    return None


def _person_in(sentence: str, toks: Sequence[Tok], start: int, end: int) -> str | None:
    for i in range(start, end):
        if _is_name_word(toks[i]):
            role = _role_before(toks, i)
            size = _name_at(toks, i, after_role=role is not None)
            if size:
                case = _role_text(sentence, toks, *role)[1] if role else _case_of(
                    toks[i].text, ("Name",)
                )
                return _normal_name(toks[i : i + size], case)
    return None


def _tidy_quotes(text: str) -> str:
    """Typographic quotes for organisation names: ООО "Х" → ООО «Х»."""
    return re.sub(r'"([^"]+)"', r"«\1»", text)


def _subject(sentence: str, toks: Sequence[Tok], start: int, end: int) -> str:
    """What the agreement is about: its «о …/по …/на …» complement, without venue or
    attribution tails."""
    k = start
    while k < end and toks[k].lemma not in word_list("topic_prepositions"):
        if toks[k].text in ",;":
            return ""
        k += 1
    if k >= end:
        return ""
    text = sentence[toks[k].start : toks[end - 1].end].strip(" ,.;")
    if _VENUE.match(text):
        return ""
    cut = _SUBJECT_END.search(text)
    if cut:
        text = text[: cut.start()]
    return _tidy_quotes(text.strip(" ,.;"))


def _people_after(
    sentence: str, toks: Sequence[Tok], start: int, end: int, any_case: bool = False
) -> list[str]:
    """People named in a span with their role («соглашение с председателем … Субботиным»);
    with ``any_case`` also people named without a role."""
    found = []
    i = start
    while i < end:
        if _is_name_word(toks[i]):
            role = _role_before(toks, i)
            size = _name_at(toks, i, after_role=role is not None)
            if size and (role or any_case):
                case = (
                    _role_text(sentence, toks, *role)[1]
                    if role
                    else _case_of(toks[i].text, ("Name",))
                )
                found.append(_normal_name(toks[i : i + size], case))
                i += size
                continue
        i += 1
    return found


def _clause_agreements(
    sentence: str, toks: Sequence[Tok], regions: tuple[str, ...]
) -> list[RawAgreement]:
    verbs = _signing(toks)
    if not verbs:
        return []
    anchor = verbs[0]
    if _planned(toks, anchor + 1) or _statistics(toks):
        return []
    verb = toks[anchor]
    all_kinds = _kind_spans(toks)
    kinds = _enumerated([k for k in all_kinds if not _in_complement(toks, k[0])], toks)
    clause_start = 0
    for j in range(anchor):
        if toks[j].norm in ("что", "чтобы", "который", "которые", "которая", "как"):
            clause_start = j + 1
    before = _np_parties(sentence, toks, clause_start, anchor)
    if verb.lemma in ("договориться", "условиться"):
        # «договорились о создании совместного предприятия …»: the complement is the deal
        inner = [k for k in all_kinds if k[0] > anchor]
        kind = inner[0][2] if inner else "договорённость"
        return [
            RawAgreement(
                kind, tuple(before), _subject(sentence, toks, anchor + 1, len(toks)), sentence,
                regions,
            )
        ]
    if not kinds:
        # «Документ скрепили подписями X и Y»: signatories of the agreement just reported
        if any(t.lemma in _back_reference() for t in toks[:anchor]):
            after = _np_parties(sentence, toks, anchor + 1, len(toks))
            people = before + [p for p in after if p not in before]
            if people:
                return [RawAgreement("", tuple(people), "", sentence, regions, follow_up=True)]
        return []
    found = []
    for n, (k_start, k_end, display) in enumerate(kinds):
        nxt = kinds[n + 1][0] if n + 1 < len(kinds) else len(toks)
        if k_start > anchor:
            parties = before + [
                p for p in _people_after(sentence, toks, k_end, nxt) if p not in before
            ]
            subject = _subject(sentence, toks, k_end, nxt)
        else:
            # «Соглашение о создании торгового дома подписали председатель … и …»
            subject = _subject(sentence, toks, k_end, anchor)
            parties = _np_parties(sentence, toks, anchor + 1, len(toks))
        back = any(t.lemma in _back_reference() for t in toks[max(0, k_start - 2) : k_start])
        found.append(
            RawAgreement(display, tuple(parties), subject, sentence, regions, follow_up=back)
        )
    return found


def _sides_agreement(
    sentences: list[str], idx: int, toks: Sequence[Tok], regions: tuple[str, ...]
) -> RawAgreement | None:
    """«Стороны определили …» and «Результатом встречи стал ряд договорённостей. Среди
    них …»: agreements reached without a signed document."""
    words_ = [t.norm for t in toks]
    past = [
        i
        for i, t in enumerate(toks)
        if t.is_word and {"VERB", "past"} <= set(parse(t.norm).tag.grammemes)
    ]
    subject = ""
    if "стороны" in words_ and past and not _planned(toks, len(toks)):
        # «стороны определили дальнейшие действия по …»: what was agreed follows the verb
        subject = sentences[idx][toks[past[0]].end :].strip(" .")
    elif (
        any(t.lemma == "договоренность" for t in toks)
        and any(t.lemma in ("стать", "достичь", "достигнуть", "прийти") for t in toks)
        and idx + 1 < len(sentences)
        and normalize(sentences[idx + 1]).startswith(("среди них", "в их числе", "в том числе"))
    ):
        rest = sentences[idx + 1].split(" ", 2)[-1].strip(" .")
        head, _, tail = rest.partition(" ")
        subject = tail if tail and "VERB" in parse(normalize(head)).tag else rest
    if not subject:
        return None
    people: list[str] = []
    for back in sentences[max(0, idx - 2) : idx]:
        back_toks = tokenize(back)
        people.extend(_people_after(back, back_toks, 0, len(back_toks), any_case=True))
    return RawAgreement(
        "договорённости", tuple(dict.fromkeys(people)), subject, sentences[idx], regions
    )


def extract_agreements(
    sentences: list[str], lemma_sets: Sequence[frozenset[str]] | None = None
) -> list[RawAgreement]:
    """Agreements signed or agreed at the exhibition, from the sentences of one article.

    :param lemma_sets: each sentence's lemmas, when known: sentences without a signing verb
        or «договорённость»/«сторона» are then skipped unread.
    """
    found: list[RawAgreement] = []
    triggers = lexicon().signing_verbs | {"договоренность", "сторона"}
    for idx, sentence in enumerate(sentences):
        if lemma_sets is not None and not lemma_sets[idx] & triggers:
            continue
        toks_all = tokenize(sentence)
        regions = tuple(dict.fromkeys(k for _, _, k in _region_spans(toks_all)))
        clause_found: list[RawAgreement] = []
        for c_start, c_end in _clauses(sentence):
            toks = [t for t in toks_all if c_start <= t.start < c_end]
            if toks:
                clause_found.extend(_clause_agreements(sentence, toks, regions))
        if not clause_found:
            sides = _sides_agreement(sentences, idx, toks_all, regions)
            if sides:
                clause_found.append(sides)
        found.extend(clause_found)
    return _merge(found)


def _merge(items: list[RawAgreement]) -> list[RawAgreement]:
    """Fold follow-ups and repeated mentions of one document into a single agreement."""
    merged: list[RawAgreement] = []
    for item in items:
        if merged and (item.follow_up or not item.kind):
            target = merged[-1]
            if not item.kind or item.kind == target.kind or item.kind == "соглашение":
                merged[-1] = _combine(target, item)
                continue
        # «был подписан и контракт на поставку продукции» + the next sentence naming it
        if merged and merged[-1].kind == item.kind and not merged[-1].parties:
            merged[-1] = _combine(item, merged[-1])
            continue
        if not item.kind:
            continue
        # «договорились о создании торгового дома» … «Соглашение о создании торгового дома
        # подписали …»: the same deal told twice
        same = next((m for m in merged if _same_subject(m.subject, item.subject)), None)
        if same is not None:
            merged[merged.index(same)] = _combine(same, item)
            continue
        merged.append(replace(item, follow_up=False))
    return merged


def _same_subject(a: str, b: str) -> bool:
    a, b = normalize(a), normalize(b)
    if len(a) < 15 or len(b) < 15:
        return False
    return a in b or b in a


def _combine(main: RawAgreement, extra: RawAgreement) -> RawAgreement:
    subject = main.subject if len(main.subject) >= len(extra.subject) else extra.subject
    parties = tuple(dict.fromkeys([*main.parties, *extra.parties]))
    regions = tuple(dict.fromkeys([*main.regions, *extra.regions]))
    return replace(main, parties=parties, subject=subject, regions=regions, follow_up=False)
