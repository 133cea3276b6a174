"""From an Answer to what a person reads: each statement once, a verdict for yes/no."""

from __future__ import annotations

from datetime import date

from knowledge import Agreement, Answer, Figure, FigureGroup, Hit, Region, RegionReport, Source
from knowledge.present import present, present_region, sources_disagree
from knowledge.reply import answer_reply, plain, region_reply

TASS = Source("tass", "Выставку посетили более 14 тыс. человек", "ТАСС", date(2025, 10, 1))
BELTA = Source("belta", "Планами на новые проекты поделился", "БЕЛТА", date(2025, 9, 29))
BARE = Source("bare", "С 29 сентября по 1 октября в Минске проходит выставка", None, None)


def figure(value: float, display: str, source: Source, qualifier: str = "") -> Figure:
    """A visitors figure as the index gives it."""
    return Figure(value, display, "человек", "посетители", display, source, qualifier)


def hit(text: str, source: Source, passage_id: int) -> Hit:
    """A snippet as the engine ranks it."""
    return Hit(text, source, 1.0, passage_id)


def answer(question: str, hits: tuple[Hit, ...], *groups: tuple[Figure, ...]) -> Answer:
    """An answered question with fact groups."""
    return Answer(
        question,
        True,
        hits=hits,
        figures=tuple(FigureGroup("посетители", "посетители", g) for g in groups),
    )


UNRELATED = hit("Следующая выставка пройдёт в Эр-Рияде с 8 по 10 февраля.", BELTA, 90)


def test_one_article_says_a_figure_once() -> None:
    """«более 14 тыс. / свыше 14 тыс. / более 14 000» from one article: one statement."""
    group = (
        figure(14_000, "более 14 тыс. человек", TASS, "более"),
        figure(14_000, "свыше 14 тыс. человек из 24 стран мира", TASS, "свыше"),
        figure(14_000, "более 14 000 человек из 24 стран мира", TASS, "более"),
    )
    shown = present(answer("Сколько было посетителей?", (UNRELATED,), group))
    (line,) = shown.figures
    assert [f.display for f in line.figures] == ["более 14 тыс. человек"]
    assert not line.disagree
    text = plain(answer_reply(shown))
    assert text.count("14 тыс.") == 1 and "14 000" not in text
    assert "расходятся" not in text


def test_sources_disagree_only_when_values_cannot_both_be_true() -> None:
    """«более 500», «520», «свыше 510» agree; 14 тыс. against 20 тыс. do not; one article
    giving two values counts two things, not a disagreement."""
    agreeing = (
        figure(500, "более 500 компаний", TASS, "более"),
        figure(520, "520 компаний", BELTA),
        figure(510, "свыше 510 компаний", BARE, "свыше"),
    )
    assert not sources_disagree(agreeing)
    assert sources_disagree((figure(14_000, "14 тыс.", TASS), figure(20_000, "20 тыс.", BELTA)))
    parts = (figure(32, "32", BELTA), figure(148, "148", BELTA), figure(10, "порядка 10", TASS))
    assert not sources_disagree(parts)


def test_disagreeing_sources_are_said_so_once() -> None:
    """Different articles, values that cannot both be true: both figures and the note."""
    group = (figure(14_000, "14 тыс. человек", TASS), figure(20_000, "20 тыс. человек", BELTA))
    text = plain(answer_reply(present(answer("Сколько было посетителей?", (UNRELATED,), group))))
    assert "14 тыс. человек (ТАСС" in text and "20 тыс. человек (БЕЛТА" in text
    assert text.count("источники расходятся") == 1


def test_a_figure_a_first_page_snippet_states_is_left_to_the_snippet() -> None:
    """The snippet says it with its context; the fact line keeps what no snippet says."""
    group = (
        figure(14_000, "более 14 тыс. человек", TASS, "более"),
        figure(14_000, "14 тыс. человек", BARE),
    )
    stating = hit('Выставку "Иннопром. Беларусь" посетили более 14 тыс. человек', TASS, 1)
    shown = present(answer("Сколько было посетителей?", (stating, UNRELATED), group))
    (line,) = shown.figures
    assert [f.source for f in line.figures] == [BARE]
    assert line.in_snippets == 1
    assert [s.passage_id for s in shown.snippets] == [1, 90]


def test_a_snippet_repeating_a_figure_of_its_own_article_is_dropped() -> None:
    """The second ТАСС snippet with 14 000 visitors goes; another article's stays."""
    hits = (
        hit('Выставку "Иннопром. Беларусь" посетили более 14 тыс. человек', TASS, 1),
        hit("За три дня мероприятие посетили более 14 000 человек из 24 стран мира.", TASS, 2),
        hit("Участниками форума стали 14 тыс. человек из разных регионов.", BELTA, 3),
    )
    shown = present(answer("Сколько было посетителей?", hits))
    assert [s.passage_id for s in shown.snippets] == [1, 3]
    assert [s.rank for s in shown.snippets] == [0, 2]


def test_near_duplicates_collapse_with_all_their_sources() -> None:
    """The same statement in two articles is one snippet naming both."""
    hits = (
        hit("Общая площадь экспозиции составила свыше 20 тыс. кв. м", TASS, 1),
        hit("Общая площадь экспозиции составила свыше 20 тыс. кв. м.", BELTA, 2),
        hit("Общая площадь экспозиции превысила 20 тыс. кв. м, включая улицу.", BARE, 3),
    )
    shown = present(answer("Какая площадь выставки?", hits))
    (snippet,) = shown.snippets
    assert snippet.source == TASS
    assert snippet.echoes == (BELTA,)
    assert snippet.same_figures == (BARE,)
    text = plain(answer_reply(shown))
    assert "то же — БЕЛТА, 29 сентября 2025" in text
    assert "те же цифры даёт «С 29 сентября" in text and "агентство и дата не указаны" in text


def test_a_later_snippet_repeating_the_fact_line_is_dropped() -> None:
    """When no first-page snippet says it, the fact line does — and no later page again."""
    group = (figure(14_000, "более 14 тыс. человек", TASS, "более"),)
    hits = (UNRELATED, hit("Выставку посетили более 14 тыс. человек", TASS, 5))
    shown = present(answer("Сколько было посетителей?", hits, group), first_page=1)
    assert [f.source for line in shown.figures for f in line.figures] == [TASS]
    assert [s.passage_id for s in shown.snippets] == [90]


def test_an_agreement_a_snippet_states_is_not_listed_again() -> None:
    """The bullet and the snippet were the same sentence: the snippet stays."""
    sentence = "Стороны подписали соглашение о создании в Смоленске торгового центра."
    deal = Agreement("соглашение", ("Анохин", "Субботин"), "о создании центра", sentence, BARE)
    other = Agreement("договор", ("Герофарм",), "о передаче права", "Подписан договор.", TASS)
    base = Answer(
        "что за торговый центр в смоленске?",
        True,
        hits=(hit(sentence + " Там будут белорусские товары.", BARE, 1),),
        agreements=(deal, other),
    )
    shown = present(base)
    assert shown.agreements == (other,)
    text = plain(answer_reply(shown, agreements_total=6))
    assert "1 соглашение по вашему вопросу:" in text
    assert "Все 6 соглашений выставки — /agreements" in text


def _verdict(question: str, *figures: Figure) -> str | None:
    shown = present(answer(question, (UNRELATED,), figures))
    return shown.verdict.outcome if shown.verdict else None


def test_yes_no_questions_get_a_verdict_from_the_figures() -> None:
    """«правда что выставку посетили 20 тыс человек?» against «более 14 тыс.»: нет."""
    more = figure(14_000, "более 14 тыс. человек", TASS, "более")
    assert _verdict("правда что выставку посетили 20 тыс человек?", more) == "no"
    assert _verdict("правда что выставку посетили 14 тысяч человек?", more) == "yes"
    assert _verdict("правда, что выставку посетили больше 10 тысяч человек?", more) == "yes"
    assert _verdict("правда что выставку посетили около 15 тысяч человек?", more) == "yes"
    assert _verdict("правда что выставку посетили 16 тысяч человек?", more) == "unsettled"
    other = figure(20_000, "20 тыс. человек", BELTA)
    assert _verdict("правда что выставку посетили 20 тыс человек?", more, other) == "mixed"
    assert _verdict("Сколько было посетителей?", more) is None
    text = plain(answer_reply(present(answer("правда что было 20 тыс человек?", (), (more,)))))
    assert text.startswith("Нет: по данным ТАСС — более 14 тыс. человек.")


def test_a_yes_no_question_the_figures_do_not_settle_says_so() -> None:
    """No figure counts what the question states: say so, then what the articles say."""
    shown = present(answer("правда что на выставке было 30 стран?", (UNRELATED,)))
    assert shown.verdict is not None and shown.verdict.outcome == "unknown"
    assert plain(answer_reply(shown)).startswith("Проверить эту цифру по статьям нельзя")


def test_a_decline_shows_words_as_typed() -> None:
    """«нет сведений о: лукашенко» was the analysis' lower case; the user typed «Лукашенко»."""
    declined = Answer(
        "Что сказал Лукашенко?",
        False,
        decline_reason="unknown_entity",
        unknown_terms=("лукашенко",),
    )
    assert present(declined).unknown_terms == ("Лукашенко",)
    assert plain(answer_reply(declined)).startswith("Слово «Лукашенко» в статьях о выставке")


def test_a_region_overview_keeps_its_lists_and_drops_repeating_passages() -> None:
    """/region: one figure per article and value; a passage only restating one goes."""
    report = RegionReport(
        Region("c-belarus", "Беларусь", "country"),
        people=(),
        agreements=(),
        figures=(
            figure(14_000, "более 14 тыс. человек", TASS, "более"),
            figure(14_000, "свыше 14 тыс. человек", TASS, "свыше"),
        ),
        hits=(hit("Выставку посетили более 14 тыс. человек", TASS, 1), UNRELATED),
    )
    view = present_region(report)
    assert [f.display for f in view.figures] == ["более 14 тыс. человек"]
    assert [s.passage_id for s in view.snippets] == [90]


def test_a_region_figure_reads_as_a_count_of_its_own() -> None:
    """«на 70 стендах» listed alone is «70 стендов», without «— стендах» after it."""
    stands = Figure(70, "70 стендах", "стендах", "стенды", "…на 70 стендах…", BARE)
    report = RegionReport(Region("c-belarus", "Беларусь", "country"), (), (), (stands,), ())
    text = plain(region_reply(report))
    assert "• 70 стендов (" in text
    assert "стендах" not in text
