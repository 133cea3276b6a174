"""Questions typed with the wrong keyboard layout (knowledge/layout.py)."""

from __future__ import annotations

from knowledge import KnowledgeIndex
from knowledge.layout import from_wrong_layout

RUSSIAN = {"где", "будет", "следующая", "выставка", "в", "сколько", "белаз"}
LATIN = {"belaz", "it", "innoprom"}


def russian(word: str) -> bool:
    return word in RUSSIAN


def latin(word: str) -> bool:
    return word in LATIN


def test_a_message_typed_on_the_latin_layout_is_read_on_the_russian_one() -> None:
    """Every key stands for the Russian letter on it, punctuation keys included."""
    assert from_wrong_layout("ult ,eltn cktle.ofz dscnfdrf&", russian, latin) == (
        "где будет следующая выставка?"
    )


def test_short_chunks_follow_the_words_that_prove_the_layout() -> None:
    """«d» alone proves nothing, beside a re-read word it is «в»."""
    assert from_wrong_layout("ult d", russian, latin) == "где в"
    assert from_wrong_layout("d", russian, latin) is None


def test_latin_names_and_russian_text_stay_as_typed() -> None:
    """A Latin name is no Russian word on the other layout; Cyrillic is never touched."""
    assert from_wrong_layout("что подписал BelAZ", russian, latin) is None
    assert from_wrong_layout("IT innoprom", russian, latin) is None
    assert from_wrong_layout("где будет выставка", russian, latin) is None


def test_names_keep_their_spelling_in_a_re_read_message() -> None:
    """In a wrong-layout message a chunk that reads as a Latin name stays Latin."""
    assert from_wrong_layout("ult ,eltn belaz", russian, latin) == "где будет belaz"


def test_wrong_layout_question_is_answered(seeds_index: KnowledgeIndex) -> None:
    """«crjkmrj ,skj gjctnbntktq» is «сколько было посетителей»: the visitors' figure."""
    answer = seeds_index.search("crjkmrj ,skj gjctnbntktq")
    assert answer.answered
    assert "14" in answer.hits[0].text


def test_transliterated_typo_is_repaired(seeds_index: KnowledgeIndex) -> None:
    """«ploshad» (ш for щ, no soft sign) is «площадь»: the exhibition's area."""
    answer = seeds_index.search("kakaya ploshad u vystavki")
    assert answer.answered
    assert "20 тыс" in answer.hits[0].text
