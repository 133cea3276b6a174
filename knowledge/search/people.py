"""People and roles: «кто губернатор X?», «кто такой Y?», organisations named by stumps.

The extracted people are loaded once; an index by surname stem, person token, role head and
the first letters of their posts' words is built on first use, the word index of their posts
only when a question needs it (lemmatising every post costs ~1 s at 10,000 articles).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from ..analysis import person_token
from ..lexicon import gazetteer, lexicon, role_head, word_list
from ..models import Person
from ..normalize import is_known_word, lemma, normalize, words
from .lexical import is_number, surname_stem, text_lemmas, text_stems
from .query import Query, Term
from .store import Store

__all__ = ["People", "stump_compound", "stump_span"]



@dataclass(frozen=True, slots=True)
class PeopleIndex:
    """Lookups over the extracted people."""

    by_surname: dict[str, list[Person]]
    by_token: dict[str, list[Person]]
    by_role: dict[str, list[Person]]
    positions: dict[int, int]  # id(person) → position
    # the first three letters of each word of a person's post and organisation → the people:
    # a stump compound («Могилевлифтмаш») can only be made of words starting that way
    by_prefix: dict[str, set[int]]
    # built on the first «кто директор X?»: lemmas and stems of each post and organisation
    # → the people (by position)
    by_word: dict[str, set[int]] = field(default_factory=dict)


class People:
    """The people of one index and the questions about them."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._people: tuple[Person, ...] | None = None
        self._index: PeopleIndex | None = None
        self._organisations: dict[str, tuple[str, ...]] = {}  # stump compound → its name

    def all(self) -> tuple[Person, ...]:
        """Every person extracted from the articles (loaded once: the index is read-only)."""
        if self._people is not None:
            return self._people
        store = self._store
        rows = store.query(
            "SELECT name, role, organisation, region, sentence, article_id FROM people"
            " ORDER BY id"
        )
        entries = gazetteer().entries
        self._people = tuple(
            Person(
                name=r[0],
                role=r[1],
                organisation=r[2],
                region=entries[r[3]].name if r[3] in entries else None,
                sentence=r[4],
                source=store.sources[r[5]],
            )
            for r in rows
        )
        return self._people

    def index(self) -> PeopleIndex:
        """People by surname stem, index token and role head (built once)."""
        if self._index is None:
            index = PeopleIndex({}, {}, {}, {}, {})
            for n, person in enumerate(self.all()):
                index.by_surname.setdefault(surname_stem(person.name), []).append(person)
                index.by_token.setdefault(person_token(person.name), []).append(person)
                index.by_role.setdefault(role_head(person.role), []).append(person)
                index.positions[id(person)] = n
                for word in words(f"{person.role} {person.organisation or ''}"):
                    if len(word) > 2:
                        index.by_prefix.setdefault(word[:3], set()).add(n)
            self._index = index
        return self._index

    def with_words(self) -> PeopleIndex:
        """The people index with its word lookups filled in (on first use)."""
        index = self.index()
        if not index.by_word:
            for n, person in enumerate(self.all()):
                text = f"{person.role} {person.organisation or ''}"
                for word in {*text_lemmas(text), *text_stems(text)}:
                    index.by_word.setdefault(word, set()).add(n)
        return index

    def names_by_stem(self, stems: frozenset[str]) -> list[str]:
        """Names of the people whose surname has one of these stems."""
        if not stems:
            return []
        index = self.index()
        return [p.name for s in stems for p in index.by_surname.get(s, ())]

    def named_in(self, query: Query) -> tuple[Person, ...]:
        """People the question names (by surname), for the fact line."""
        tokens = [t.entity for t in query.terms if t.entity]
        if not tokens:
            return ()
        by_token = self.index().by_token
        return tuple(p for token in tokens for p in by_token.get(token, ()))[:3]

    # ------------------------------------------------------------------ organisations

    def organisation_phrase(self, compact: str) -> tuple[str, ...]:
        """Content lemmas of the name ``compact`` stands for, found in the extracted people's
        posts and organisations («гендиректор Могилевского завода …»)."""
        found = self._organisations.get(compact)
        if found is None:
            found = ()
            index = self.index()
            stopwords = lexicon().stopwords
            for n in sorted(index.by_prefix.get(compact[:3], ())):
                person = self.all()[n]
                named = stump_span(compact, f"{person.role} {person.organisation or ''}")
                if named:
                    found = tuple(dict.fromkeys(lemma(w) for w in named))
                    found = tuple(w for w in found if w not in stopwords)
                    break
            if len(self._organisations) > 10_000:
                self._organisations.clear()
            self._organisations[compact] = found
        return found

    def spell_out_organisations(self, query: Query) -> Query:
        """«Могилевлифтмаш» is how people name the Могилевский завод лифтового
        машиностроения: a question word made of the beginnings of an organisation's words (as
        the extracted people's organisations spell them) also matches the full name."""
        originals = {v: k for k, v in query.corrections.items()}
        terms = list(query.terms)
        for n, term in enumerate(terms):
            compact = normalize(originals.get(term.surface, term.surface)).replace(" ", "")
            if term.entity or term.phrase or len(compact) < 8 or is_known_word(compact):
                continue
            phrase = self.organisation_phrase(compact)
            if phrase:
                terms[n] = replace(term, phrase=phrase, known=True)
        if terms == list(query.terms):
            return query
        return replace(query, terms=tuple(terms))

    # ------------------------------------------------------------------ roles

    def for_roles(self, query: Query) -> tuple[Person, ...] | None:
        """For «кто губернатор X?»: the people of that role (and region), or ``None``.

        ``None`` means the question does not ask for a person by role; an empty tuple means it
        does and the articles name nobody in that role — the honest answer is then «не знаю».
        """
        if "person" not in query.strong_cues:
            return None
        roles = _asked_roles(query)
        if not roles:
            return None
        wanted_regions = {gazetteer().entries[k].name for k in query.entities}
        if wanted_regions and roles & lexicon().regional_heads:
            # a Belarusian oblast is headed by a «председатель облисполкома» whom people
            # call its governor: any head of the region answers «кто губернатор …?»
            roles |= lexicon().regional_heads
        by_role = self.index().by_role
        found = [
            person
            for person in (p for role in roles for p in by_role.get(role, ()))
            if not wanted_regions or person.region in wanted_regions
        ]
        # «кто директор завода Авангард?»: the other words must fit the person's role too;
        # if none does, the role is not verified either way and ranking decides
        other = [
            t
            for t in query.terms
            if not t.entity and not is_number(t.lemma) and t.lemma not in roles
            and not (t.synonyms & roles) and t.lemma not in word_list("role_verbs")
        ]
        if found and other:
            originals = {v: k for k, v in query.corrections.items()}
            fitting = self._fitting(found, other, originals)
            if fitting:
                return tuple(fitting)
            # «кто гендиректор БЕЛАЗа?» when the articles name nobody of BELAZ: a known role,
            # but not for that organisation — the honest answer is no
            if any(t.specific for t in other):
                return ()
            return None
        return tuple(found)

    def _fitting(
        self, people: list[Person], terms: list[Term], originals: dict[str, str]
    ) -> list[Person]:
        """The people whose role and organisation hold most of ``terms`` (looked up in the
        people's word index rather than re-reading every role); an organisation named by a
        stump compound counts too («Могилевлифтмаш» ~ Могилевский завод лифтового
        машиностроения)."""
        index = self.with_words()
        hits: Counter[int] = Counter()
        for term in terms:
            holders: set[int] = set()
            for word in (term.lemma, term.stem, *term.synonyms, *term.derived):
                holders |= index.by_word.get(word, set())
            original = originals.get(term.surface, term.surface)
            for spelling in {term.surface, original, lemma(original)}:
                compact = normalize(spelling).replace(" ", "")
                if len(compact) < 6:
                    continue
                maybe = index.by_prefix.get(compact[:3], set()) - holders
                for person in people:
                    n = index.positions[id(person)]
                    if n in maybe and stump_compound(
                        compact, f"{person.role} {person.organisation or ''}"
                    ):
                        holders.add(n)
            hits.update(holders)
        return [p for p in people if hits[index.positions[id(p)]] * 2 > len(terms)]


def _asked_roles(query: Query) -> set[str]:
    """The posts a «кто …?» question asks about: role nouns, and the posts a verb implies
    («кто руководит …» → руководитель, директор …)."""
    heads = lexicon().role_heads
    roles: set[str] = set()
    for term in query.terms:
        if term.entity:
            continue
        if term.lemma in heads:
            roles.add(term.lemma)
            roles |= term.synonyms & heads
        elif (term.synonyms | term.related) & heads and term.lemma in word_list("role_verbs"):
            roles |= (term.synonyms | term.related) & heads
    return roles


@lru_cache(maxsize=50_000)
def stump_compound(word: str, text: str) -> bool:
    """True when ``word`` is made of the beginnings of consecutive words of ``text``, the way
    Russian names organisations: «Могилевлифтмаш» ← Могилевский завод лифтового
    машиностроения, «Белмедпрепараты» ← белорусские медицинские препараты."""
    return bool(stump_span(word, text))


def stump_span(word: str, text: str) -> list[str]:
    """The words of ``text`` from the first to the last one ``word`` takes a beginning of
    (words in between included: «завода» in Могилев·ского завода лифт·ового маш·иностроения),
    or [] when ``word`` is no such compound of them."""
    word = normalize(word).replace(" ", "")
    parts = [w for w in words(text) if len(w) > 2]
    if len(word) < 6 or len(parts) < 2:
        return []

    @cache
    def fits(i: int, j: int, pieces: int, linked: bool) -> tuple[int, ...] | None:
        if i == len(word):
            return () if pieces >= 2 else None
        if pieces and not linked and word[i] in "ое":
            # a linking vowel between the stumps: «Гродн·о·станко·завод»
            rest = fits(i + 1, j, pieces, True)
            if rest is not None:
                return rest
        for k in range(j, len(parts)):
            part = parts[k]
            size = 0
            while size < len(part) and i + size < len(word) and part[size] == word[i + size]:
                size += 1
            for take in range(size, 2, -1):  # a piece is at least three letters
                rest = fits(i + take, k + 1, pieces + 1, False)
                if rest is not None:
                    return (k, *rest)
        return None

    used = fits(0, 0, 0, False)
    return parts[used[0] : used[-1] + 1] if used else []
