"""Facts from four articles the extraction rules were never written against.

The articles and what they contain (tests/fixtures/unseen/expected.json) were written by
someone else; nothing in the code names them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from knowledge import KnowledgeIndex
from knowledge.normalize import normalize

UNSEEN = Path(__file__).resolve().parents[1] / "fixtures" / "unseen"
EXPECTED: dict[str, Any] = json.loads((UNSEEN / "expected.json").read_text(encoding="utf-8"))


def _has(haystack: str, needle: str) -> bool:
    return normalize(needle)[:-1] in normalize(haystack)


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_article_metadata(unseen_index: KnowledgeIndex, article_id: str) -> None:
    """Date, agency and a title are derived from the file's own text."""
    expected = EXPECTED[article_id]
    source = unseen_index.source(article_id)
    assert source is not None
    assert (source.date.isoformat() if source.date else None) == expected["date"]
    assert source.agency == expected["agency"]
    assert _has(source.title, expected["title_contains"])
    assert len(source.title) <= 100


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_agreements_are_found_with_parties_and_subject(
    unseen_index: KnowledgeIndex, article_id: str
) -> None:
    """Every signed agreement shows up with its kind, its parties and what it is about."""
    found = [a for a in unseen_index.agreements() if a.source.article_id == article_id]
    for want in EXPECTED[article_id]["agreements"]:
        matches = [
            a
            for a in found
            if a.kind == want["kind"] and _has(a.subject, want["subject_contains"])
        ]
        assert matches, f"{want['kind']}: {want['subject_contains']} not in {found}"
        parties = " ".join(matches[0].parties)
        for party in want["parties_contain"]:
            assert _has(parties, party), (party, matches[0].parties)


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_background_and_planned_deals_are_not_agreements(
    unseen_index: KnowledgeIndex, article_id: str
) -> None:
    """«действуют 12 соглашений», «планируется подписать» are not signings at the show."""
    found = [a for a in unseen_index.agreements() if a.source.article_id == article_id]
    for text in EXPECTED[article_id]["not_agreements_contain"]:
        assert not any(_has(a.sentence, text) for a in found), text
    assert len(found) <= len(EXPECTED[article_id]["agreements"]) + 1


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_people_with_roles(unseen_index: KnowledgeIndex, article_id: str) -> None:
    """Names come out in the nominative with their role and organisation or region."""
    people = {p.name: p for p in unseen_index.people()}
    for want in EXPECTED[article_id]["people"]:
        assert want["name"] in people, (want["name"], sorted(people))
        person = people[want["name"]]
        assert _has(person.role, want["role_contains"])
        where = " ".join(filter(None, [person.role, person.organisation, person.region]))
        assert _has(where, want["org_or_region_contains"])


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_regions_in_all_their_forms(unseen_index: KnowledgeIndex, article_id: str) -> None:
    """Regions named by adjective, case form, city or nickname are all recognised."""
    names = {r.name for r in unseen_index.regions()}
    aliases = {"Кыргызстан": "Киргизия", "Россия": "Россия", "Беларусь": "Беларусь"}
    for region in EXPECTED[article_id]["regions"]:
        assert region in names or aliases.get(region) in names, (region, sorted(names))


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_key_figures(unseen_index: KnowledgeIndex, article_id: str) -> None:
    """Numbers are read with their multipliers and what they count."""
    figures = [f for f in unseen_index.figures() if f.source.article_id == article_id]
    for want in EXPECTED[article_id]["figures"]:
        value = want["value"]
        matching = [
            f
            for f in figures
            if any(abs(f.value - value * scale) < 1e-6 * max(1, value * scale)
                   for scale in (1, 1_000, 1_000_000, 1_000_000_000))
            and _has(f"{f.display} {f.counts} {f.category}", want["counts_contains"])
        ]
        assert matching, (want, [(f.value, f.display, f.counts) for f in figures])
