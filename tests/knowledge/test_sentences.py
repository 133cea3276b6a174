"""Sentence splitting rules on top of razdel."""

from __future__ import annotations

from knowledge.sentences import MAX_SENTENCE, split_paragraphs, split_sentences


def test_exhibition_name_with_period_is_not_split() -> None:
    """«ИННОПРОМ. Беларусь» survives with either kind of quotes, and without quotes."""
    for text in (
        'Международная промышленная выставка "ИННОПРОМ. Беларусь" открылась в Минске.',
        "Выставка «Иннопром. Беларусь» впервые проходит в Минске.",
        "На выставке ИННОПРОМ. Беларусь подписали соглашения.",
    ):
        assert split_sentences(text) == [text]


def test_abbreviations_and_units_do_not_end_sentences() -> None:
    """«тыс.», «кв. м», initials and «т.д.» stay inside their sentence."""
    text = (
        "Выставку посетили более 14 тыс. человек, площадь составила 20 тыс. кв. м. "
        "Выступил А. С. Петров, говорили о кадрах, станках и т.д. Это второе предложение."
    )
    sentences = split_sentences(text)
    assert sentences[0].endswith("20 тыс. кв. м.")
    assert len(sentences) == 3


def test_multi_sentence_direct_speech_is_still_split() -> None:
    """A quotation spanning sentences is not glued into one giant unit."""
    text = '"Мы открыты к сотрудничеству. Ждём новых проектов. Работаем вместе", - сказал он.'
    assert len(split_sentences(text)) == 3


def test_letterless_fragment_is_glued_to_previous() -> None:
    """The BELTA end mark «−0-» is not a sentence of its own."""
    assert split_sentences("Общая площадь превысила 20 тыс. кв.м. −0-") == [
        "Общая площадь превысила 20 тыс. кв.м. −0-"
    ]


def test_long_sentence_is_cut_at_a_clause() -> None:
    """Nothing shown to a user is longer than the snippet limit when a clause break exists."""
    clause = "компания подписала договор о поставке оборудования для объектов региона"
    text = (
        f"Сначала {clause} и {clause}, а затем {clause} и {clause}, "
        f"а также {clause} и {clause}."
    )
    assert len(text) > MAX_SENTENCE
    parts = split_sentences(text)
    assert len(parts) > 1
    assert all(len(p) <= MAX_SENTENCE for p in parts)
    assert " ".join(parts).replace("  ", " ") == text


def test_paragraphs_follow_lines() -> None:
    """Each non-empty line is a paragraph."""
    assert split_paragraphs("Первый абзац. Ещё.\n\nВторой абзац.") == [
        ["Первый абзац.", "Ещё."],
        ["Второй абзац."],
    ]
