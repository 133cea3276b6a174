"""Follow-up questions understood in the context of the previous turn of a conversation.

People chat in turns: after «Когда проходила выставка?» they ask «а где?», «а кто его
подписал?», «а в Витебской?» or «подробнее».  :func:`resolve` turns such a message into a
question the search can answer on its own, using only the previous turn (its question as
understood, the names it mentioned and the ids of the snippets shown).  A message that stands
on its own is left exactly as it is: context never hijacks a complete question.

The decision is linguistic and general, made on the words of the message (pymorphy3 lemmas and
parts of speech, the gazetteer, the names of the people the articles mention):

* a **complete** question has a topic of its own — a content noun, or a name with a verb
  («что сказал Субботин?») or with «кто/где» («кто такой Субботин?») — and no pronoun pointing
  back;
* an **ellipsis** has only a question word, a verb or a frame («а когда?», «а кто подписал?»,
  «в каком городе?»): the previous topic is added;
* a **pronoun** («его», «там», «этот центр») stands for a name of the previous turn (agreeing
  in gender where it can) or for its whole topic;
* a **swap** names something of the kind the previous question named («а в Витебской?», «а у
  БЕЛАЗа?»): the previous question is asked again about the new name;
* **more** («подробнее», «ещё») asks to continue the previous answer.

The word lists live in ``knowledge/data/followup.json``; this module holds no Russian words.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .lexicon import dotted_names, gazetteer, lexicon
from .normalize import is_known_word, lemma, normalize_word, parse, stem, words

__all__ = [
    "ELLIPSIS",
    "KINDS",
    "MORE",
    "PRONOUN",
    "STANDALONE",
    "SWAP",
    "Mention",
    "Resolution",
    "Turn",
    "asks_for_person",
    "find_mentions",
    "names_in",
    "resolve",
]

STANDALONE = "standalone"
ELLIPSIS = "ellipsis"
PRONOUN = "pronoun"
SWAP = "swap"
MORE = "more"
KINDS = (STANDALONE, ELLIPSIS, PRONOUN, SWAP, MORE)
# what «ещё»/«подробнее» asks for: the next snippets, or the text around the best one
NEXT = "next"
DETAIL = "detail"

PLACE = "place"
PERSON = "person"
NAME = "name"
# a person and an organisation answer the same questions («что подписал X?»)
_GROUP = {PLACE: PLACE, PERSON: "actor", NAME: "actor"}

MAX_TEXT = 400
MAX_MENTIONS = 8
MAX_IDS = 30
MAX_READ = 1000
_TOKEN = re.compile(r"[A-Za-zА-Яа-яЁё]+|[0-9]+")
_PROPER = frozenset({"Name", "Surn", "Patr", "Orgn", "Trad"})
_INDEFINITE = frozenset({"то", "нибудь", "либо"})
_PERSONAL = frozenset({"Name", "Surn"})
_VERBS = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND"})
# what says something about the subject: verbs, and «сильна», «известно», «нужно»
_PREDICATES = _VERBS | {"ADJS", "PRED"}
_FUNCTION = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in a question: a place of the gazetteer, a person or an organisation."""

    kind: str
    key: str
    text: str

    @property
    def group(self) -> str:
        """Places swap with places; people and organisations with each other."""
        return _GROUP.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class Turn:
    """What a conversation keeps of its last turn: the question as understood, the names it
    mentioned, the ids of the snippets shown and how many paragraphs of the article were read
    on from the best of them («подробнее»)."""

    question: str
    mentions: tuple[Mention, ...] = ()
    answer_ids: tuple[int, ...] = ()
    read: int = 0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly form (for aiogram's FSM storage)."""
        return {
            "question": self.question,
            "mentions": [[m.kind, m.key, m.text] for m in self.mentions],
            "answer_ids": list(self.answer_ids),
            "read": self.read,
        }

    @classmethod
    def from_dict(cls, data: object) -> Turn | None:
        """The turn stored by :meth:`as_dict`; ``None`` for anything else (a record written by
        another version, or garbage), so a bad record costs the context, never the answer."""
        if not isinstance(data, Mapping):
            return None
        question = data.get("question")
        mentions = data.get("mentions", [])
        ids = data.get("answer_ids", [])
        read = data.get("read", 0)
        if not isinstance(question, str) or not question.strip():
            return None
        if not isinstance(mentions, list) or not isinstance(ids, list):
            return None
        parsed: list[Mention] = []
        for item in mentions[:MAX_MENTIONS]:
            if (
                not isinstance(item, list)
                or len(item) != 3
                or not all(isinstance(x, str) for x in item)
                or item[0] not in _GROUP
            ):
                return None
            parsed.append(Mention(item[0], item[1], item[2][:MAX_TEXT]))
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in [*ids, read]):
            return None
        read = min(max(0, read), MAX_READ)
        return cls(question[:MAX_TEXT], tuple(parsed), tuple(ids[:MAX_IDS]), read)


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a message was understood.

    ``question`` is what to search (the message itself when it stands on its own);
    ``understood`` renders it for the «Понял так: …» line ("" when no context was used);
    ``mentions`` are the names the understood question is about (kept for the next turn);
    ``more`` is ``"next"`` or ``"detail"`` for a request to continue the previous answer.
    """

    question: str
    kind: str
    understood: str = ""
    mentions: tuple[Mention, ...] = ()
    more: str = ""

    @property
    def used_context(self) -> bool:
        """Whether the previous turn shaped the question."""
        return self.kind != STANDALONE


# ---------------------------------------------------------------- language data


_Phrase = tuple[tuple[str, ...], str, str]


@dataclass(frozen=True)
class _Data:
    openers: tuple[tuple[str, ...], ...]
    question_words: frozenset[str]
    head_seeking: frozenset[str]
    yes_no: frozenset[str]
    entity_questions: frozenset[str]
    person_questions: frozenset[str]
    anaphora: dict[str, str]
    demonstratives: frozenset[str]
    deictic_nouns: frozenset[str]
    more: dict[str, str]
    telling: frozenset[str]
    auxiliary: frozenset[str]
    frame: frozenset[str]
    render: dict[str, str]
    exhibition: frozenset[str]
    # multi-word phrases by their first word, longest first: («что ещё», «что за», «об этом»)
    phrases: dict[str, tuple[_Phrase, ...]]


def _phrases(items: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    found = {tuple(words(item)) for item in items}
    return tuple(sorted((p for p in found if p), key=len, reverse=True))


def _forms(items: Sequence[str]) -> frozenset[str]:
    """Normalised forms and lemmas of single words."""
    out: set[str] = set()
    for item in items:
        for word in words(item):
            out.add(word)
            out.add(lemma(word))
    return frozenset(out)


@lru_cache(maxsize=1)
def _data() -> _Data:
    raw = json.loads(
        resources.files("knowledge").joinpath("data", "followup.json").read_text("utf-8")
    )
    anaphora: dict[str, str] = {}
    anaphora_phrases: list[tuple[tuple[str, ...], str]] = []
    for kind, items in raw["anaphora"].items():
        for item in items:
            phrase = tuple(words(item))
            if len(phrase) == 1:
                anaphora[phrase[0]] = kind  # forms only: «ее», «нем» lemmatise oddly
            elif phrase:
                anaphora_phrases.append((phrase, kind))
    more: dict[str, str] = {}
    more_phrases: list[tuple[tuple[str, ...], str]] = []
    for kind, items in raw["more"].items():
        for item in items:
            phrase = tuple(words(item))
            if len(phrase) == 1:
                more[phrase[0]] = kind
            elif phrase:
                more_phrases.append((phrase, kind))
    lex = lexicon()
    # a cue of one word («дата», «цена», «тема») frames a question; the words of longer cues
    # («на какой улице», «в какой день») are topics elsewhere
    cue_words = {phrase[0] for phrase in lex.cues if len(phrase) == 1}
    # order matters between equally long phrases: «что ещё» is more, not a question word
    listed: list[_Phrase] = [(p, MORE_WORD, k) for p, k in more_phrases]
    listed += [(p, QWORD, "") for p in _phrases(raw["question_phrases"])]
    listed += [(p, ANAPHOR, k) for p, k in anaphora_phrases]
    by_first: dict[str, list[_Phrase]] = {}
    for item in listed:
        by_first.setdefault(item[0][0], []).append(item)
    return _Data(
        openers=_phrases(raw["openers"]),
        question_words=_forms(raw["question_words"]),
        head_seeking=_forms(raw["head_seeking"]),
        yes_no=_forms(raw["yes_no"]),
        entity_questions=_forms(raw["entity_questions"]),
        person_questions=_forms(raw["person_questions"]),
        anaphora=anaphora,
        demonstratives=_forms(raw["demonstratives"]),
        deictic_nouns=_forms(raw["deictic_nouns"]),
        more=more,
        telling=_forms(raw["telling_verbs"]),
        auxiliary=_forms(raw["auxiliary_verbs"]),
        # «в каком городе», «какая цена»: words that frame a question, not its topic
        frame=lex.frame_words
        | frozenset(w for w in cue_words if w not in lex.stopwords)
        | frozenset(lex.units)
        | lex.unit_nouns,
        render=dict(raw["render"]),
        exhibition=frozenset(w for name in dotted_names() for w in words(name)),
        phrases={k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in by_first.items()},
    )


# ---------------------------------------------------------------- tokens and roles


@dataclass(frozen=True, slots=True)
class _Tok:
    raw: str
    start: int
    end: int
    norm: str
    lemma: str
    stem: str
    pos: str
    # pymorphy3's grammemes of the likeliest parse, as a plain set (fast to test)
    tag: frozenset[str]


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[_Tok, ...]:
    toks = []
    for m in _TOKEN.finditer(text[:MAX_TEXT]):
        norm = normalize_word(m.group())
        colloquial = lexicon().colloquial.get(norm)
        if colloquial and len(words(colloquial)) == 1:
            norm = words(colloquial)[0]
        if norm.isalpha():
            parsed = parse(norm).tag
            pos = "LATN" if norm.isascii() else str(parsed.POS)
            tag = frozenset(str(g) for g in parsed.grammemes)
        else:
            pos, tag = "NUMB", frozenset()
        toks.append(_Tok(m.group(), m.start(), m.end(), norm, lemma(norm), stem(norm), pos, tag))
    return tuple(toks)


OPENER = "opener"
QWORD = "qword"
ANAPHOR = "anaphor"
DEMONSTRATIVE = "demonstrative"
MORE_WORD = "more"
TELLING = "telling"
FILLER = "filler"
FUNCTION = "function"
FRAME = "frame"
MENTION = "mention"
NOUN = "noun"
VERB = "verb"
MODIFIER = "modifier"
_CONTENT = frozenset({NOUN, VERB, MODIFIER})


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    mention: Mention


@dataclass
class _Message:
    """One message cut into roles."""

    text: str
    toks: tuple[_Tok, ...]
    roles: list[str]
    spans: list[_Span]
    anaphora: dict[int, str]
    more: dict[int, str]

    def positions(self, *roles: str) -> list[int]:
        return [i for i, r in enumerate(self.roles) if r in roles]

    def has(self, *roles: str) -> bool:
        return any(r in roles for r in self.roles)

    @property
    def opener(self) -> bool:
        return OPENER in self.roles

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return tuple(dict.fromkeys(s.mention for s in self.spans))

    def in_phrase(self, i: int) -> bool:
        """Whether the word at ``i`` is governed by a preposition («из скольких стран»,
        «в Смоленске»): it narrows a question, it is not what the question is about."""
        j = i - 1
        # «из скольких стран», «на каком новом стенде»: over determiners and modifiers
        while j >= 0 and (
            self.toks[j].pos in ("ADJF", "PRTF", "NUMR", "NUMB") or self.roles[j] == QWORD
        ):
            j -= 1
        return j >= 0 and self.toks[j].pos == "PREP"

    def heads(self) -> list[int]:
        """Content nouns not governed by a preposition."""
        return [i for i in self.positions(NOUN) if not self.in_phrase(i)]

    def bare_mentions(self) -> list[Mention]:
        """Names not governed by a preposition («кто такой Субботин», not «кто из Беларуси»)."""
        return [s.mention for s in self.spans if not self.in_phrase(s.start)]

    def question_lemmas(self) -> set[str]:
        return {self.toks[i].lemma for i in self.positions(QWORD)}

    def groups(self) -> set[str]:
        return {s.mention.group for s in self.spans}


def _match(norms: Sequence[str], i: int, phrases: Sequence[tuple[str, ...]]) -> int:
    """Length of the longest phrase starting at ``i`` (0 if none)."""
    for phrase in phrases:
        if tuple(norms[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _phrase_at(
    norms: Sequence[str], i: int, table: Mapping[str, tuple[_Phrase, ...]]
) -> tuple[int, str, str] | None:
    """(length, role, kind) of the longest multi-word phrase starting at ``i``."""
    for phrase, role, kind in table.get(norms[i], ()):
        if tuple(norms[i : i + len(phrase)]) == phrase:
            return len(phrase), role, kind
    return None


def asks_for_person(question: str) -> bool:
    """Whether a question asks «кто?» (its answer names the people it is about)."""
    data = _data()
    return any(t.lemma in data.person_questions or t.norm in data.person_questions
               for t in _tokens(question))


def find_mentions(text: str, persons: Mapping[str, str] | None = None) -> tuple[Mention, ...]:
    """The places, people and organisations a question names (see :func:`resolve`); the
    question is read whole and kept for the next turn."""
    return _analyse(text, persons or _NO_PERSONS).mentions


def names_in(text: str, persons: Mapping[str, str] | None = None) -> tuple[Mention, ...]:
    """The places, people and organisations any text names (a snippet: names only, no
    reading of the question in it)."""
    return tuple(dict.fromkeys(s.mention for s in _spans(_tokens(text), persons or {})))


def _spans(toks: Sequence[_Tok], persons: Mapping[str, str]) -> list[_Span]:
    """Places (gazetteer), people (the articles' surnames, or a surname by its form) and
    organisations (a proper name by its form, capitals or case)."""
    data = _data()
    gaz = gazetteer()
    lemmas = [t.lemma for t in toks]
    stems = [t.stem for t in toks]
    spans: list[_Span] = []
    taken: set[int] = set()
    for start, end, key in gaz.find(lemmas, stems):
        text = _slice_text(toks, start, end)
        spans.append(_Span(start, end, Mention(PLACE, key, text)))
        taken.update(range(start, end))
    i = 0
    while i < len(toks):
        tok = toks[i]
        if i in taken or not _name_like(toks, i, persons):
            i += 1
            continue
        if persons.get(tok.stem) or (tok.tag & _PERSONAL and tok.raw[:1].isupper()):
            end = i + 1
            # «Александр Субботин», «Руслан Страхар»: first name and surname are one person
            while end < len(toks) and end not in taken and toks[end].raw[:1].isupper() and (
                persons.get(toks[end].stem)
                or "Surn" in toks[end].tag
                or ("Name" in toks[end - 1].tag and not is_known_word(toks[end].norm))
            ):
                end += 1
            key = "prs" + toks[end - 1].stem
            spans.append(_Span(i, end, Mention(PERSON, key, _slice_text(toks, i, end))))
            taken.update(range(i, end))
            i = end
            continue
        end = i + 1
        # «СП Полесье», «ИнДев Солюшенс», «Университет Иннопром»: one name
        while end < len(toks) and end not in taken and toks[end].raw[:1].isupper() and (
            _name_like(toks, end, persons) or toks[end].lemma in data.exhibition
        ):
            end += 1
        key = toks[end - 1].lemma
        spans.append(_Span(i, end, Mention(NAME, key, _slice_text(toks, i, end))))
        taken.update(range(i, end))
        i = end
    spans.sort(key=lambda s: s.start)
    return spans


def _name_like(toks: Sequence[_Tok], i: int, persons: Mapping[str, str]) -> bool:
    """A person's or an organisation's name by its form: a surname the articles name, a proper
    name of the dictionary, capitals («МАЗ»), or a capital letter where a sentence does not
    start / on a word the dictionary does not know («Герофарм»)."""
    tok = toks[i]
    data = _data()
    if not tok.norm.isalpha() or len(tok.norm) < 2:
        return False
    if tok.norm in data.exhibition or tok.lemma in data.exhibition:
        return False  # the exhibition is what every question is about
    if tok.lemma in lexicon().stopwords:
        return False
    if len(tok.norm) >= 4 and persons.get(tok.stem):
        return True
    # «сп», «твц» typed small are words the lexicon spells out, not names
    abbreviations = lexicon().abbreviations
    if tok.tag & _PROPER and tok.norm not in abbreviations and tok.lemma not in abbreviations:
        return True
    if tok.raw.isupper() and len(tok.raw) >= 2:
        return True
    capital = tok.raw[:1].isupper() and tok.pos in ("NOUN", "LATN", "ADJF", "None")
    return capital and (i > 0 or not is_known_word(tok.norm))


def _slice_text(toks: Sequence[_Tok], start: int, end: int) -> str:
    return " ".join(t.raw for t in toks[start:end])


_NO_PERSONS: Mapping[str, str] = {}
ANALYSED = 2048
# text → (the persons mapping it was read with, the message): the previous question is read
# again at every turn, and an answer's snippet for every «кто?»; the mapping is held, so its
# id cannot be reused while the entry lives
_analysed: OrderedDict[tuple[str, int], tuple[Mapping[str, str], _Message]] = OrderedDict()
_analysed_lock = threading.Lock()  # converse() may run in a worker thread


def _analyse(text: str, persons: Mapping[str, str]) -> _Message:
    """The message cut into roles (read once, then from a small cache; never modified)."""
    key = (text, id(persons))
    with _analysed_lock:
        cached = _analysed.get(key)
        if cached is not None and cached[0] is persons:
            _analysed.move_to_end(key)
            return cached[1]
    message = _read(text, persons)
    with _analysed_lock:
        _analysed[key] = (persons, message)
        if len(_analysed) > ANALYSED:
            _analysed.popitem(last=False)
    return message


def _read(text: str, persons: Mapping[str, str]) -> _Message:
    data = _data()
    lex = lexicon()
    toks = _tokens(text)
    norms = [t.norm for t in toks]
    roles = [""] * len(toks)
    anaphora: dict[int, str] = {}
    more: dict[int, str] = {}
    size = _match(norms, 0, data.openers)
    for i in range(size):
        roles[i] = OPENER
    spans = _spans(toks, persons)
    for span in spans:
        for i in range(span.start, span.end):
            roles[i] = MENTION
    i = size
    while i < len(toks):
        found = None if roles[i] else _phrase_at(norms, i, data.phrases)
        if found is None:
            i += 1
            continue
        length, role, kind = found
        for j in range(i, i + length):
            roles[j] = role
            if role == MORE_WORD:
                more[j] = kind
            elif role == ANAPHOR:
                anaphora[j] = kind
        i += length
    # «добрый день», «как дела», «по итогам»: phrases, not a topic or a question
    for i in range(len(toks)):
        length = 0 if roles[i] else _match(norms, i, lex.grammar_phrases)
        for j in range(i, i + length):
            roles[j] = FILLER
    for i, tok in enumerate(toks[:-1]):
        # «кто-то», «что-нибудь», «какой-либо»: someone, not a question
        if toks[i + 1].norm in _INDEFINITE and text[tok.end : tok.end + 1] == "-":
            roles[i] = roles[i + 1] = FILLER
    for i, tok in enumerate(toks):
        if roles[i]:
            continue
        nxt = _noun_after(toks, i)
        if (tok.lemma in data.demonstratives or tok.lemma == "это") and nxt is not None:
            # «этот центр» points back; «в этом году» does not
            if toks[nxt].lemma not in data.deictic_nouns:
                roles[i], anaphora[i] = DEMONSTRATIVE, "demonstrative"
            else:
                roles[i] = FILLER
        elif tok.norm in data.anaphora:
            roles[i], anaphora[i] = ANAPHOR, data.anaphora[tok.norm]
        elif tok.norm in data.more:
            roles[i], more[i] = MORE_WORD, data.more[tok.norm]
        elif tok.norm in data.question_words or tok.lemma in data.question_words:
            roles[i] = QWORD
        elif tok.norm in data.telling or (tok.pos in _VERBS and "impr" in tok.tag):
            roles[i] = TELLING
        elif tok.pos in _PREDICATES and not (tok.pos == "PRED" and tok.lemma in lex.stopwords):
            roles[i] = FILLER if tok.lemma in data.auxiliary else VERB
        elif tok.lemma in data.frame or tok.norm in data.frame:
            roles[i] = FRAME
        elif tok.pos == "PREP" and (i + 1 == len(toks) or toks[i + 1].pos == "PREP"):
            roles[i] = MODIFIER  # «а внутри?»: a preposition governing nothing is an adverb
        elif tok.pos in _FUNCTION:
            roles[i] = FUNCTION
        elif tok.lemma in lex.stopwords or tok.norm in lex.stopwords:
            roles[i] = FILLER
        elif tok.pos in ("NOUN", "LATN", "NUMB", "None"):
            roles[i] = NOUN
        else:
            roles[i] = MODIFIER
    wh = [i for i, r in enumerate(roles) if r == QWORD and toks[i].norm not in data.yes_no]
    if not wh:
        # «Киргизия была на выставке?», «был ли кто-то из Тегерана?»: with no question word
        # (or only «ли»), «быть» is what is asked
        for i, tok in enumerate(toks):
            if roles[i] == FILLER and tok.pos in _VERBS and tok.lemma in data.auxiliary:
                roles[i] = VERB
    return _Message(text, toks, roles, spans, anaphora, more)


def _noun_after(toks: Sequence[_Tok], i: int) -> int | None:
    """Position of the noun a determiner at ``i`` goes with («этот новый центр» → центр)."""
    for j in range(i + 1, min(i + 4, len(toks))):
        if toks[j].pos == "NOUN":
            return j
        if toks[j].pos not in ("ADJF", "PRTF", "NUMR"):
            return None
    return None


# ---------------------------------------------------------------- the decision


def resolve(
    previous: Turn | None, text: str, persons: Mapping[str, str] | None = None
) -> Resolution:
    """How to understand ``text`` after ``previous``: the question to search and how it was
    arrived at.

    :param persons: surname stem → person token, the people the articles name
        (``KnowledgeIndex.vocabulary.persons``); surnames are recognised by their form too.
    """
    persons = persons or {}
    message = _analyse(text, persons)
    standalone = Resolution(text, STANDALONE, mentions=message.mentions)
    if previous is None or not message.toks:
        return standalone
    prev = _analyse(previous.question, persons)
    anaphoric = _anaphoric(message, prev)
    more = _more_kind(message)
    if more:
        template = _data().render[more]
        return Resolution(
            previous.question,
            MORE,
            _sentence(template.format(question=_lower_first(previous.question))),
            previous.mentions,
            more,
        )
    if not anaphoric and _complete(message, prev):
        return standalone
    if not message.has(NOUN, VERB, MODIFIER, MENTION, QWORD, ANAPHOR, DEMONSTRATIVE, FRAME):
        return standalone  # «спасибо», «ок»: not a question at all
    own = prev.mentions
    answered = [m for m in previous.mentions if m not in own]  # people its answer named
    # after «кто …?» the people the answer named come first: «он» is the one asked about —
    # unless the message asks for others («с кем ещё он встречался?»: «он» is not the answer)
    answer_first = asks_for_person(previous.question) and not message.more
    first, then = (answered, own) if answer_first else (own, answered)
    prev_mentions = list(dict.fromkeys([*first, *then]))
    prev_groups = {m.group for m in prev_mentions}
    swapped = message.groups() & prev_groups
    qwords = message.question_lemmas()
    bare = not qwords and not message.has(VERB)
    names_only = swapped and qwords <= prev.question_lemmas() and not message.has(
        NOUN, VERB, MODIFIER
    )
    if not anaphoric and (bare or names_only):
        # the previous question again, about what the message names instead
        question, replaced = _swap(message, prev, swapped)
        kind = SWAP if replaced else ELLIPSIS
    else:
        question = _extend(message, prev, prev_mentions, swapped, anaphoric)
        kind = PRONOUN if anaphoric else SWAP if swapped else ELLIPSIS
    # «а что ещё подписали?»: the answer goes on past what was shown
    more = NEXT if NEXT in message.more.values() else ""
    # the names the understood question is about (a pronoun's name is in it now)
    return Resolution(question, kind, question, find_mentions(question, persons), more)


def _anaphoric(message: _Message, prev: _Message) -> bool:
    """Whether a pronoun or «этот …» in the message points back to the previous turn."""
    heads = message.heads()
    for i, kind in message.anaphora.items():
        if kind in ("person", "place") and _antecedent_before(message, i):
            # «что сказал Субботин и где он работает?»: the message names what its
            # pronoun stands for
            continue
        if (
            kind == "thing"
            and message.toks[i].norm == "это"
            and (heads or message.bare_mentions() or message.has(VERB))
        ):
            continue  # «это правда, что ИННОПРОМ проходит в Минске?»: not a pronoun here
        if kind == "demonstrative":
            noun = _noun_after(message.toks, i)
            exhibition = noun is not None and message.toks[noun].lemma in _data().exhibition
            if exhibition or message.spans:
                continue  # «когда был этот ИННОПРОМ в Минске?» names its own topic
            # «где будет этот центр?», «какое это место в стране?» point back; «сколько
            # компаний участвует в этой выставке?» has a topic of its own
            if [j for j in heads if j != noun]:
                continue
        return True
    return False


def _antecedent_before(message: _Message, i: int) -> bool:
    """A noun or a name before the pronoun at ``i``, in an earlier clause («…, что он …»,
    «… и где он …»): not «какую долю экспорта она дает?», where «она» is the subject of the
    very clause its object is in."""
    boundary = False
    for j in range(i - 1, -1, -1):
        between = message.text[message.toks[j].end : message.toks[j + 1].start]
        if any(c in between for c in ",;:—–-(?!.") or message.roles[j + 1] == QWORD:
            boundary = True
        if message.toks[j].pos == "CONJ" and message.roles[j] != OPENER:
            boundary = True
        if boundary and message.roles[j] in (NOUN, MENTION):
            return True
    return False


def _more_kind(message: _Message) -> str:
    """``"detail"``/``"next"`` when the message only asks to go on («подробнее», «а ещё?»)."""
    if not message.more or message.has(NOUN, VERB, MODIFIER, MENTION):
        return ""
    kinds = set(message.more.values())
    return "detail" if "detail" in kinds else "next"


def _complete(message: _Message, prev: _Message) -> bool:
    """A question with a topic of its own (no pronoun pointing back was found)."""
    data = _data()
    qwords = message.question_lemmas()
    bare = not qwords and not message.has(VERB)
    if bare:
        # «а в Витебской?», «а беспилотник?», «из Казахстана?»: a name, a noun or a phrase
        # continues the previous question; typed alone («водородные самосвалы») it is a
        # search of its own, and so is «Расскажи о соглашениях»
        toks = message.toks
        # one phrase of a preposition and its words: «из Казахстана?», «про Полесье?»
        leading = toks[0].pos == "PREP" and sum(t.pos == "PREP" for t in toks) == 1
        return not message.opener and not leading
    if message.has(FRAME) and (message.spans or message.has(NOUN)):
        # «какой девиз у пленарной сессии?», «сколько лет Субботину?»: what is asked (the
        # frame) and what it is asked about
        return True
    if (
        qwords & data.head_seeking
        and not message.has(VERB)
        and not message.heads()
        and not message.bare_mentions()
    ):
        # «а из скольких стран?», «а на каком топливе?»: «сколько/какой» asks about a
        # thing the message does not name
        return False
    nouns = {message.toks[i].lemma for i in message.positions(NOUN)}
    if nouns and not message.has(VERB) and not message.spans:
        # «а что это за центр?» after a question about the centre: nothing new but the
        # question word, so it asks about the previous topic
        return not nouns <= {t.lemma for t in prev.toks}
    if nouns:
        return True
    if message.spans and message.has(VERB):
        return True
    # «кто такой Субботин?», «что за Герофарм?», «где Минск?»; not «а кто из Беларуси?»
    return bool(
        message.bare_mentions()
        and qwords & data.entity_questions
        and not qwords & data.head_seeking
    )


# ---------------------------------------------------------------- building the question


def _swap(message: _Message, prev: _Message, groups: set[str]) -> tuple[str, bool]:
    """The previous question about what the message names instead, and whether something
    was replaced: «Сколько компаний из России?» + «а из Казахстана?» → «Сколько компаний из
    Казахстана?»; «сколько было посетителей?» + «а компаний?» → «Сколько было компаний?»;
    «что сказал Русских про станки?» + «а про Полесье?» → «Что сказал Русских про Полесье?».
    Nothing to replace: the message is added to the previous question."""
    toks = prev.toks
    keep = [r != OPENER for r in prev.roles]
    removed: list[int] = []

    def drop(start: int, end: int) -> None:
        for i in range(start, end):
            keep[i] = False
        removed.append(start)

    content = [i for i, r in enumerate(message.roles) if r in (NOUN, MODIFIER, MENTION)]
    first = content[0] if content else None
    before = message.toks[first - 1] if first else None
    lead = before.lemma if before is not None and before.pos == "PREP" else ""
    same_group = [span for span in prev.spans if span.mention.group in groups]
    # a name of the same kind after the same preposition (or none) is the one replaced:
    # «а с Брестской?» after «что подписала Смоленская область с Витебской?»
    agreeing = [span for span in same_group if _preposition(prev, span.start) == lead]
    phrase = _phrase_with(prev, lead) if lead else None
    if agreeing:
        for span in agreeing:
            drop(span.start - 1 if lead else span.start, span.end)
    elif phrase is not None:
        # «а про Полесье?» after «что сказал Русских про станки?»: the phrase with the same
        # preposition, whatever it names
        drop(*phrase)
    else:
        for span in same_group:
            drop(span.start, span.end)
    if message.heads() and not lead:
        # «а компаний?», «а белорусских компаний?»: the thing the previous question asked about
        focus = next((i for i in prev.heads() if keep[i]), None)
        if focus is not None:
            start = focus
            while start > 0 and prev.roles[start - 1] == MODIFIER and keep[start - 1]:
                start -= 1
            drop(start, focus + 1)
    segment = _message_core(message)
    new_lemmas = {message.toks[i].lemma for i in message.positions(NOUN, MODIFIER)}
    for i, tok in enumerate(toks):
        if keep[i] and prev.roles[i] in _CONTENT and tok.lemma in new_lemmas:
            keep[i] = False
    _drop_dangling(prev, keep)
    insert_at = min(removed) if removed else None
    pieces: list[str] = []
    for run_start, run_end in _runs(keep):
        if insert_at is not None and insert_at <= run_start and segment:
            pieces.append(segment)
            segment = ""
        pieces.append(prev.text[toks[run_start].start : toks[run_end - 1].end])
    if segment:
        pieces.append(segment)
    return _sentence(" ".join(pieces)), bool(removed)


def _preposition(message: _Message, i: int) -> str:
    """The preposition right before word ``i`` ("" when none)."""
    return message.toks[i - 1].lemma if i and message.toks[i - 1].pos == "PREP" else ""


def _phrase_with(message: _Message, preposition: str) -> tuple[int, int] | None:
    """Where the first phrase of ``preposition`` and its words is, if the message has one."""
    toks, roles = message.toks, message.roles
    for j, tok in enumerate(toks):
        if tok.pos == "PREP" and tok.lemma == preposition:
            end = j + 1
            while end < len(toks) and roles[end] in (NOUN, MODIFIER, MENTION):
                end += 1
            if end > j + 1:
                return j, end
    return None


def _message_core(message: _Message) -> str:
    """The message without its opener, question words (the previous question has them) and
    «ещё»-words, as typed."""
    keep = [r not in (OPENER, MORE_WORD, QWORD) for r in message.roles]
    _drop_dangling(message, keep)
    return _join_runs(message, keep)


def _extend(
    message: _Message,
    prev: _Message,
    prev_mentions: Sequence[Mention],
    swapped: set[str],
    anaphoric: bool,
) -> str:
    """The message with its pronoun resolved or the previous topic added:
    «а кто его подписал?» → «кто подписал торговый центр в Смоленске?»."""
    data = _data()
    # «а что ещё подписали?» keeps «что», drops «ещё»
    keep = [
        r != OPENER and not (r == MORE_WORD and t.norm in data.more)
        for r, t in zip(message.roles, message.toks, strict=True)
    ]
    replacements: dict[int, str] = {}
    referent_named = False
    if anaphoric:
        for i, kind in message.anaphora.items():
            if kind == "demonstrative":
                keep[i] = False  # «этот центр» → «центр» + the previous topic
                continue
            referent = _referent(message.toks[i], kind, prev, prev_mentions)
            if referent:
                replacements[i] = referent
                referent_named = True
            else:
                keep[i] = False
                if i and message.toks[i - 1].pos == "PREP":
                    keep[i - 1] = False  # «где у них …» → «где …» + the topic
    _drop_dangling(message, keep)
    pieces: list[str] = []
    for run_start, run_end in _runs(keep):
        start = run_start
        for i in range(run_start, run_end):
            if i in replacements:
                if i > start:
                    pieces.append(_text(message, start, i))
                pieces.append(replacements[i])
                start = i + 1
        if start < run_end:
            pieces.append(_text(message, start, run_end))
    core = " ".join(p for p in pieces if p)
    if not referent_named:
        topic = _topic(prev, message, swapped, prev_mentions)
        if topic:
            core = f"{core} {topic}" if core else topic
    return _sentence(core)


def _referent(
    tok: _Tok, kind: str, prev: _Message, prev_mentions: Sequence[Mention]
) -> str:
    """The name a pronoun stands for (agreeing in gender and number where the forms say), or
    "" when it stands for the whole previous topic."""
    wanted = _gender(tok.tag)
    if kind == "person":
        actors = [m for m in prev_mentions if m.group == "actor"]
        agreeing = [m for m in actors if wanted is None or _mention_gender(m) in (wanted, None)]
        nouns = [prev.toks[i] for i in prev.positions(NOUN)]
        if not agreeing and any(wanted is None or _gender(t.tag) == wanted for t in nouns):
            return ""  # «кто его подписал?» after «что за центр …?»: «его» is the centre
        places = [] if nouns else [m for m in prev_mentions if m.group == PLACE]
        ordered = actors + places
    elif kind == "place":
        if prev.positions(NOUN):
            return ""  # «что там будут продавать?» after «какой центр создадут в Смоленске?»
        ordered = [m for m in prev_mentions if m.group == PLACE]
    else:
        return ""
    if not ordered:
        return ""
    if kind == "person" and wanted == "plur":
        names = [m.text for m in ordered if m.group == "actor"]
        if len(names) > 1:
            return " и ".join(names[:3])
    for mention in ordered:
        if wanted is None or _mention_gender(mention) in (wanted, None):
            return _with_preposition(mention, prev) if kind == "place" else mention.text
    return "" if kind == "person" and wanted else ordered[0].text


def _with_preposition(mention: Mention, prev: _Message) -> str:
    for span in prev.spans:
        if span.mention == mention and span.start > 0 and prev.toks[span.start - 1].pos == "PREP":
            return prev.text[prev.toks[span.start - 1].start : prev.toks[span.end - 1].end]
    return mention.text


def _gender(tag: frozenset[str]) -> str | None:
    for gender in ("plur", "masc", "femn", "neut"):
        if gender in tag:
            return gender
    return None


def _mention_gender(mention: Mention) -> str | None:
    toks = _tokens(mention.text)
    if not toks:
        return None
    head = next((t for t in toks if t.pos == "NOUN"), toks[-1])
    gender = _gender(head.tag)
    if gender == "plur" and mention.kind == PLACE:
        return None  # «Эмираты», «Нидерланды» are one place
    return gender


def _topic(
    prev: _Message, message: _Message, swapped: set[str], mentions: Sequence[Mention] = ()
) -> str:
    """What the previous question was about: its names and content words with their
    prepositions, without its question words and without what the message replaces; and the
    people its answer named when it asked «кто?» (``mentions`` not in its text)."""
    keep = [r in _CONTENT or r in (MENTION, FUNCTION) for r in prev.roles]
    for span in prev.spans:
        if span.mention.group in swapped:
            for i in range(span.start, span.end):
                keep[i] = False
    own = {t.lemma for t, r in zip(message.toks, message.roles, strict=True) if r in _CONTENT}
    own |= {s.mention.key for s in message.spans}
    if message.has(VERB):
        # «с кем Анохин встретился?» + «а о чем договорились?»: the new verb is the question
        for i in prev.positions(VERB):
            keep[i] = False
    names = _data().exhibition
    exhibition = [
        i
        for i, t in enumerate(prev.toks)
        if (t.norm in names or t.lemma in names)
        and prev.roles[i] != MENTION
        and not (i and prev.roles[i - 1] == MODIFIER)  # «следующий ИННОПРОМ» is a topic
    ]
    if len(exhibition) < len(prev.positions(NOUN)) or prev.spans:
        # every question is about the exhibition: its name adds nothing to a topic
        for i in exhibition:
            keep[i] = False
    for i, tok in enumerate(prev.toks):
        if keep[i] and prev.roles[i] in _CONTENT and tok.lemma in own:
            keep[i] = False
    for span in prev.spans:
        if span.mention.key in own:
            for i in range(span.start, span.end):
                keep[i] = False
    _drop_dangling(prev, keep, strict=True)
    topic = _join_runs(prev, keep)
    in_text = {s.mention.key for s in prev.spans}
    extra = [
        m.text
        for m in mentions
        if m.key not in in_text and m.key not in own and m.group not in swapped
    ]
    return " ".join([topic, *extra]).strip()


def _drop_dangling(message: _Message, keep: list[bool], strict: bool = False) -> None:
    """Drop prepositions and conjunctions left with nothing to govern («что подписали … и»);
    with ``strict``, keep a function word only right before a kept content word."""
    roles = message.roles
    for i in range(len(keep) - 1, -1, -1):
        if not keep[i] or roles[i] != FUNCTION:
            continue
        nxt = next((j for j in range(i + 1, len(keep)) if keep[j]), None)
        if nxt is None:
            keep[i] = False
        elif strict:
            # «с кем Анохин встретился» → not «с Анохин встретился»
            keep[i] = nxt == i + 1 and roles[nxt] in (*_CONTENT, MENTION, FUNCTION)
    first = next((j for j in range(len(keep)) if keep[j]), None)
    while first is not None and roles[first] == FUNCTION and message.toks[first].pos == "CONJ":
        keep[first] = False
        first = next((j for j in range(first, len(keep)) if keep[j]), None)


def _runs(keep: Sequence[bool]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, flag in enumerate([*keep, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _text(message: _Message, start: int, end: int) -> str:
    """The message as typed from token ``start`` to token ``end`` (exclusive)."""
    return message.text[message.toks[start].start : message.toks[end - 1].end]


def _join_runs(message: _Message, keep: Sequence[bool]) -> str:
    toks = message.toks
    return " ".join(
        _clean(message.text[toks[a].start : toks[b - 1].end]) for a, b in _runs(keep)
    )


def _clean(text: str) -> str:
    return text.strip(" ,;:—–-")


def _lower_first(text: str) -> str:
    """«Кто подписал …?» inside another sentence: «… кто подписал …» (a name keeps its
    capital)."""
    text = _strip_question(text)
    toks = _tokens(text)
    if not toks or toks[0].start != 0 or toks[0].raw[1:2].isupper():
        return text
    first = toks[0]
    data = _data()
    if first.pos in _FUNCTION or first.lemma in data.question_words or (
        first.lemma in lexicon().stopwords
    ):
        return text[:1].lower() + text[1:]
    return text


def _strip_question(text: str) -> str:
    return text.strip().rstrip("?!.… ")


def _sentence(text: str) -> str:
    """One line, capitalised, ending with a question mark."""
    text = " ".join(_strip_question(text).split())
    text = re.sub(r"\s+([,;:])", r"\1", text).strip(" ,;:—–-")
    if not text:
        return ""
    return text[:1].upper() + text[1:] + "?"
