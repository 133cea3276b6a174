"""Conversations on the seed index: converse() turn by turn, and dialogue evaluation."""

from __future__ import annotations

from pathlib import Path

from knowledge import KnowledgeIndex
from knowledge.dialogue import PAGE, Exchange, converse
from knowledge.evaluate import (
    Dialogue,
    DialogueTurn,
    evaluate_dialogues,
    is_dialogue_file,
    load_dialogues,
)
from knowledge.followup import MORE, STANDALONE, Turn

ROOT = Path(__file__).resolve().parents[2]


def talk(index: KnowledgeIndex, *messages: str) -> list[Exchange]:
    exchanges: list[Exchange] = []
    previous: Turn | None = None
    for message in messages:
        exchanges.append(converse(index, message, previous))
        previous = exchanges[-1].turn
    return exchanges


def test_a_follow_up_is_answered_about_the_previous_topic(seeds_index: KnowledgeIndex) -> None:
    """«а где именно, в каком городе?» after the dates: the place comes first."""
    first, second = talk(
        seeds_index, "Подскажите, когда проходила выставка?", "а где именно, в каком городе?"
    )
    assert first.resolution.kind == STANDALONE
    assert second.resolution.understood == "Где именно, в каком городе проходила выставка?"
    assert "Минске" in second.answer.hits[0].text
    assert second.turn.question == second.resolution.understood
    # kept as shown: the hits up to the last presented snippet of the first page (the ones
    # between were merged into a snippet shown or dropped as said already)
    last = second.presentation.snippets[:PAGE][-1].rank
    assert second.turn.answer_ids == tuple(h.passage_id for h in second.answer.hits[: last + 1])


def test_a_standalone_turn_is_the_plain_search(seeds_index: KnowledgeIndex) -> None:
    """A complete question mid-conversation gets exactly the answer it gets alone."""
    exchanges = talk(seeds_index, "Что подписали БЕЛАЗ и ИнДев?", "Сколько было посетителей?")
    assert exchanges[1].answer == seeds_index.search("Сколько было посетителей?")


def test_who_questions_keep_the_people_their_answer_named(seeds_index: KnowledgeIndex) -> None:
    """After «кто …?» the answer's person is what «он» means next."""
    first, second = talk(
        seeds_index, "кто губернатор смоленщины?", "с кем он встретился на иннопроме?"
    )
    assert "prsанохин" in {m.key for m in first.turn.mentions}
    assert "Анохин" in second.resolution.understood
    assert "Крутым" in second.answer.hits[0].text


def test_more_pages_on_then_reads_the_article_on(seeds_index: KnowledgeIndex) -> None:
    """«ещё» shows the snippets after those shown; «подробнее» the article from the best
    snippet on, two paragraphs at a time, until there is nothing more."""
    first, more = talk(seeds_index, "Какие соглашения подписали?", "ещё")
    assert more.resolution.kind == MORE
    assert more.start == PAGE
    # the next presented snippet: what the «Ещё» button would show
    assert more.presentation.snippets == first.presentation.snippets
    assert more.shown.hits[0] == first.answer.hits[first.presentation.snippets[PAGE].rank]
    assert set(first.turn.answer_ids) < set(more.turn.answer_ids)
    exchanges = talk(seeds_index, "что сказал субботин губернаторам россии?", *["подробнее"] * 6)
    best = exchanges[0].answer.hits[0]
    read_on = exchanges[1].answer.hits[0]
    assert read_on.passage_id == best.passage_id
    assert "мы открыты к сотрудничеству" in read_on.text
    assert "значительный опыт" in read_on.text
    assert exchanges[2].answer.hits[0].text not in read_on.text
    assert not exchanges[-1].answer.hits  # the article has ended


def test_a_yes_no_answer_keeps_its_verdict_to_itself(seeds_index: KnowledgeIndex) -> None:
    """The verdict is on the answer; «подробнее» reads the article on without saying it
    again, and «ещё» past the one snippet presented reads on too."""
    first, detail, more = talk(
        seeds_index, "правда что выставку посетили 20 тыс человек?", "подробнее", "ещё"
    )
    assert first.presentation.verdict is not None
    assert first.presentation.verdict.outcome == "no"
    assert len(first.presentation.snippets) == 1  # ТАСС said it three ways: one statement
    assert set(first.turn.answer_ids) == {h.passage_id for h in first.answer.hits}
    for later in (detail, more):
        assert later.presentation.verdict is None and not later.presentation.figures
        assert later.answer.hits and later.start == 0
    assert more.turn.read > detail.turn.read > 0


def test_dialogues_are_scored_turn_by_turn(seeds_index: KnowledgeIndex) -> None:
    """Follow-up hit@1, out-of-scope follow-ups refused, and standalone turns compared with
    the answer without context."""
    dialogues = [
        Dialogue(
            "d1",
            (
                DialogueTurn("Когда проходила выставка?", ("с 29 сентября",)),
                DialogueTurn("а где?", ("в минске",), kind="ellipsis"),
                DialogueTurn("Сколько было посетителей?", ("14",), kind="standalone"),
            ),
        ),
        Dialogue(
            "d2",
            (
                DialogueTurn("Сколько компаний из России участвовало?", ("россии",)),
                DialogueTurn("а сколько стоил билет?", expect_none=True, kind="ellipsis"),
                DialogueTurn("а где?", ("этого текста нет в статьях",), kind="ellipsis"),
            ),
        ),
    ]

    def converse_on(text: str, previous: Turn | None) -> Exchange:
        return converse(seeds_index, text, previous)

    report = evaluate_dialogues(dialogues, converse_on, seeds_index.search)
    assert (report.dialogues, report.turns, report.followups) == (2, 6, 2)
    assert report.followup_hit1 == 0.5
    assert (report.followup_oos, report.followup_oos_refused) == (1, 1.0)
    assert (report.standalone, report.standalone_same) == (1, 1.0)
    assert (report.followups_after_right, report.followup_hit1_after_right) == (2, 0.5)
    assert [(m.dialogue, m.number) for m in report.misses] == [("d2", 3)]
    sealed = evaluate_dialogues(dialogues, converse_on, seeds_index.search, sealed=True)
    assert sealed.misses == () and sealed.followup_hit1 == report.followup_hit1


def test_dev_dialogues_quality_floor(seeds_index: KnowledgeIndex) -> None:
    """The dev dialogues: follow-ups mostly right, complete questions never hijacked."""
    path = ROOT / "eval" / "dialogues_dev_qa.jsonl"
    assert is_dialogue_file(path)
    assert not is_dialogue_file(ROOT / "eval" / "dev_qa.jsonl")
    report = evaluate_dialogues(
        load_dialogues(path),
        lambda text, previous: converse(seeds_index, text, previous),
        seeds_index.search,
    )
    assert report.followup_hit1 >= 0.75, report.as_dict()["misses"]
    assert report.standalone_same == 1.0
