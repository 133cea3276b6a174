"""People across passages, at build time: who a passage is about, and one row per person.

A passage naming a person also stands for their role and region («Алексей Русских» →
губернатор, Ульяновская область); a bare role noun in an article with one person of that role
stands for the person («… добавил председатель» → Субботин); «он», «по его словам», «мы» in
a quote stand for the person spoken of just before; «стороны» for the people who just met.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .analysis import entity_token, person_token
from .lexicon import role_head, word_list
from .normalize import lemma, normalize, parse, stem, words

__all__ = ["Clues", "clues", "link_people", "merge_people"]

_CAPITALISED = re.compile(r"\b[А-ЯЁ][а-яё]+")

Person = dict[str, Any]  # a person row as the build collects it


@dataclass(frozen=True, slots=True)
class Clues:
    """What of one sentence can point at a person (read per article, used across them)."""

    capitals: tuple[str, ...]  # stems of capitalised words (surnames among them)
    singular: tuple[str, ...]  # lemmas of singular nouns («председатель», not «губернаторы»)
    pronoun: bool  # «он», «его», «ей» …
    first_person: bool  # «мы», «наши» in news text is a quote
    sides: bool  # «стороны определили …»


def clues(sentence: str) -> Clues:
    """The clues of one sentence."""
    tokens = words(sentence)
    return Clues(
        capitals=tuple(stem(normalize(w)) for w in _CAPITALISED.findall(sentence)),
        singular=tuple(sorted({lem for lem in map(_singular_noun, tokens) if lem})),
        pronoun=any(w in word_list("personal_pronouns") for w in tokens),
        first_person=any(w in word_list("first_person") for w in tokens),
        sides=any(w in word_list("sides") for w in tokens),
    )


@lru_cache(maxsize=200_000)
def _singular_noun(word: str) -> str:
    """The lemma of a word read as a singular noun, else ""."""
    tag = parse(word).tag
    return lemma(word) if tag.POS == "NOUN" and tag.number == "sing" else ""


def link_people(passages: list[dict[str, Any]], people: list[Person]) -> None:
    """Add to each passage's lemmas and stems the people it is about (see the module)."""
    by_surname: dict[str, Person] = {}
    by_article_role: dict[tuple[str, str], list[Person]] = {}
    for person in people:
        parts = words(person["name"])
        if len(parts) < 2:
            continue
        by_surname.setdefault(stem(parts[-1]), person)
        key = (person["article_id"], role_head(person["role"]))
        if person not in by_article_role.setdefault(key, []):
            by_article_role[key].append(person)
    last: dict[str, Person] = {}  # article → the person mentioned last
    group: dict[str, list[Person]] = {}  # article → the last people named together
    for row in passages:
        found: Clues = row["_clues"]
        linked: list[Person] = []
        for capital_stem in found.capitals:
            named_person = by_surname.get(capital_stem)
            if named_person is not None and named_person not in linked:
                linked.append(named_person)
        named = {p["name"] for p in linked}
        for lem in found.singular:
            candidates = by_article_role.get((row["article_id"], lem), [])
            if len({p["name"] for p in candidates}) == 1 and candidates[0]["name"] not in named:
                linked.append(candidates[0])
        article = row["article_id"]
        if not linked and article in last and (found.pronoun or found.first_person):
            # «…, — отметил он.», «По его словам, …»: the person spoken of just before;
            # «мы», «наши» in news text is a quote, by the person who was given the word
            linked.append(last[article])
        if not linked and article in group and found.sides:
            # «стороны определили …»: the people who just met
            linked.extend(group[article])
        if linked:
            last[article] = linked[-1]
        if len(linked) >= 2:
            group[article] = list(linked)
        _add_people(row, linked, named)


def _add_people(row: dict[str, Any], linked: list[Person], named: set[str]) -> None:
    """A passage stands for the people linked to it: their token, role and region — and for
    someone unnamed in it their name, post and organisation (the «мы» of a director's quote
    is his plant), which is what a question would use."""
    extra_l: list[str] = []
    extra_s: list[str] = []
    for person in linked:
        extra_l.append(person_token(person["name"]))
        if person["name"] not in named:
            said = f"{person['name']} {person['role']} {person.get('organisation') or ''}"
            for w in words(said):
                extra_l.append(lemma(w))
                extra_s.append(stem(w))
        head = role_head(person["role"])
        if head:
            extra_l.append(head)
        if person.get("region"):
            extra_l.append(entity_token(person["region"]))
    if extra_l or extra_s:
        lemmas = row["lemmas"].split()
        stems = row["stems"].split()
        row["lemmas"] = " ".join(lemmas + [x for x in extra_l if x not in lemmas])
        row["stems"] = " ".join(stems + [x for x in extra_s if x not in stems])


def merge_people(people: list[Person]) -> list[Person]:
    """One row per person: the most informative role wins, the first source is kept."""
    merged: dict[tuple[str, ...], Person] = {}
    for person in people:
        # one row per name and kind of role: a namesake (or the same person later) in
        # another role is another fact, not a longer description of this one
        key = (*(stem(w) for w in words(person["name"])), role_head(person["role"]))
        best = merged.get(key)
        if best is None:
            merged[key] = dict(person)
            merged[key]["role_passages"] = [person["passage_id"]]
            continue
        best["role_passages"].append(person["passage_id"])
        if len(person["role"]) > len(best["role"]) and person["role"] != best["role"]:
            best["role"] = person["role"]
        best["region"] = best["region"] or person["region"]
        best["organisation"] = best["organisation"] or person["organisation"]
    for person in merged.values():
        ids = [i for i in dict.fromkeys(person.pop("role_passages")) if i is not None]
        person["role_passages"] = " ".join(map(str, ids))
    return list(merged.values())
