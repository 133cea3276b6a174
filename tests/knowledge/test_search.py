"""Answering questions from the seed index: ranking, facts, declines and robustness."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import KnowledgeIndex, build_index
from knowledge.evaluate import evaluate, load_cases
from knowledge.reply import REPLY_LIMIT, answer_reply, plain

ROOT = Path(__file__).resolve().parents[2]


def test_answer_carries_snippets_with_sources(seeds_index: KnowledgeIndex) -> None:
    """A plain question gets short sourced snippets, best first."""
    answer = seeds_index.search("Сколько посетителей было на выставке?")
    assert answer.answered
    first = answer.hits[0]
    assert "14" in first.text
    assert first.source.agency == "ТАСС"
    assert first.source.date is not None
    scores = [h.score for h in answer.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(len(h.text) <= 430 for h in answer.hits)
    assert len({h.passage_id for h in answer.hits}) == len(answer.hits)


def test_disagreeing_figures_are_shown_side_by_side(seeds_index: KnowledgeIndex) -> None:
    """520 / свыше 510 / более 500 companies: every source's figure, none hidden."""
    answer = seeds_index.search("сколько компаний участвовало в выставке")
    companies = [g for g in answer.figures if g.category == "компании"]
    assert companies and companies[0].disagree
    values = {f.value for f in companies[0].figures}
    assert {520.0, 510.0, 500.0} <= values
    assert len({f.source.article_id for f in companies[0].figures}) >= 3


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("скока народу пришло на иннопром", "14"),
        ("гдепройдет следующй иннопром", "Эр-Рияд"),
        ("посетитилей сколько было", "14"),
        ("что подписал белмедпрепараты", "лицензионный договор"),
        ("kto gubernator smolenskoy oblasti", "Анохин"),
        ("Kogda sleduyushchiy Innoprom v Er-Riyade?", "8 по 10 февраля"),
        ("skolko bylo posetiteley", "14"),
        ("Gidropress po ch'ey iniciative popal v proekt skorostnoy dorogi?", "инициативе"),
        ("Какую должнсть занимает Дмитрий Крутой?", "Крут"),  # a frame word misspelt
    ],
)
def test_typos_slang_and_missing_spaces(
    seeds_index: KnowledgeIndex, question: str, expected: str
) -> None:
    """Misspellings are corrected towards the corpus vocabulary, run-together words split."""
    answer = seeds_index.search(question)
    assert answer.answered
    assert expected in answer.hits[0].text


def test_answer_in_the_following_sentence_is_shown_with_its_subject(
    seeds_index: KnowledgeIndex,
) -> None:
    """«Это предприятие …»: the snippet keeps the sentence that names the subject."""
    answer = seeds_index.search("Что выпускает Полесье?")
    assert answer.answered
    assert "Полесье" in answer.hits[0].text and "игрушек" in answer.hits[0].text


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Сколько компаний из Турции приехало?", "unknown_entity"),
        ("Кто губернатор Омской области?", "unknown_entity"),
        ("Кто губернатор Нижегородской области?", "no_person"),
        ("Кто президент Беларуси?", "no_person"),
        ("Сколько стоит гидроцикл завода Авангард?", "no_value"),
        ("Когда откроется центр белорусской техники?", "no_value"),
        ("Проводился ли Иннопром в Ташкенте?", "unknown_entity"),
        ("Сколько стоит обед в павильоне?", None),
        ("Напиши стихотворение про осень", None),
        ("qwerty", None),
        ("Добрый вечер!", None),
        ("", "empty"),
    ],
)
def test_declines_what_the_articles_do_not_say(
    seeds_index: KnowledgeIndex, question: str, reason: str | None
) -> None:
    """Unknown entities, roles nobody holds, values never given: an honest no."""
    answer = seeds_index.search(question)
    assert not answer.answered
    assert answer.hits == ()
    if reason:
        assert answer.decline_reason == reason
    text = plain(answer_reply(answer))
    assert "/region" in text and len(text) < REPLY_LIMIT


def test_decline_names_the_unknown_entity(seeds_index: KnowledgeIndex) -> None:
    """The reply says which thing the articles know nothing about."""
    answer = seeds_index.search("Сколько компаний из Турции приехало?")
    assert "Турция" in plain(answer_reply(answer))


def test_role_questions_name_the_person(seeds_index: KnowledgeIndex) -> None:
    """«Кто руководит …?» is answered from extracted people, in any wording of the role."""
    for question in ("кто руководит витебской областью", "Кто губернатор Смоленской области?"):
        answer = seeds_index.search(question)
        assert answer.answered
        assert answer.people, question
    assert seeds_index.search("Кто губернатор Смоленщины?").people[0].name == "Василий Анохин"


@pytest.mark.parametrize(
    "question",
    [
        '"AND OR NOT NEAR(*) ^ : - ( ) {lemmas}',
        "'; DROP TABLE passages; --",
        "<b>выставка</b> &amp; <script>alert(1)</script>",
        "\u200b\u202e\x00 выставка 🙂 ́",
        "выставка " * 700,
        "?" * 5000,
    ],
)
def test_hostile_input_never_raises(seeds_index: KnowledgeIndex, question: str) -> None:
    """Query syntax, SQL, markup and control characters are just text."""
    answer = seeds_index.search(question)
    assert len(plain(answer_reply(answer))) < REPLY_LIMIT


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("Смоленск", "Смоленская область"),
        ("смоленская", "Смоленская область"),
        ("Смаленская", "Смоленская область"),
        ("витебской", "Витебская область"),
        ("Витебщина", "Витебская область"),
        ("Брестская", "Брестская область"),
        ("ульяновск", "Ульяновская область"),
    ],
)
def test_region_lookup_in_all_forms(seeds_index: KnowledgeIndex, spelling: str, name: str) -> None:
    """Case forms, adjectives, cities, nicknames and typos find the region."""
    match = seeds_index.find_region(spelling)
    assert match.region is not None and match.region.name == name


def test_region_not_in_articles_offers_known_ones(seeds_index: KnowledgeIndex) -> None:
    """A real region the articles never mention is named as such, with suggestions."""
    match = seeds_index.find_region("Омская область")
    assert match.region is None
    assert match.known_elsewhere == "Омская область"
    assert seeds_index.find_region("Атлантида").region is None


def test_region_report_collects_people_agreements_and_passages(
    seeds_index: KnowledgeIndex,
) -> None:
    """/region Смоленск: the governor, the ТВЦ agreement, figures and passages."""
    match = seeds_index.find_region("Смоленск")
    assert match.region is not None
    report = seeds_index.region_report(match.region.key)
    assert report is not None
    assert any(p.name == "Василий Анохин" for p in report.people)
    assert any("торгово-выставочного" in a.subject for a in report.agreements)
    assert any(f.category == "деньги" for f in report.figures)
    assert report.hits


def test_agreements_exclude_plans_and_statistics(seeds_index: KnowledgeIndex) -> None:
    """The four deals of the show are there; «32 соглашения», «ожидается подписание» are not."""
    agreements = seeds_index.agreements()
    kinds = {a.kind for a in agreements}
    assert {"план-график", "лицензионный договор", "совместное предприятие"} <= kinds
    sentences = " ".join(a.sentence for a in agreements)
    assert "Реализуются 32 соглашения" not in sentences
    assert "Ожидается подписание" not in sentences


def test_context_returns_the_paragraph(seeds_index: KnowledgeIndex) -> None:
    """«Источник» shows the whole paragraph around a hit."""
    hit = seeds_index.search("Что выпускает Полесье?").hits[0]
    found = seeds_index.context(hit.passage_id)
    assert found is not None
    paragraph, source = found
    assert hit.text.split(". ")[0][:40] in paragraph or "Полесье" in paragraph
    assert source == hit.source


def test_continuation_reads_on_into_the_next_paragraph(seeds_index: KnowledgeIndex) -> None:
    """«подробнее» reads the article on: the hit's paragraph, then the one after it."""
    hit = seeds_index.search("что сказал Субботин губернаторам России?").hits[0]
    assert "мы открыты к сотрудничеству" in hit.text
    found = seeds_index.continuation(hit.passage_id)
    assert found is not None
    text, source = found
    first, second = text.split("\n")
    assert "мы открыты к сотрудничеству" in first
    assert "значительный опыт в развитии эффективного партнерства" in second
    assert source == hit.source
    assert seeds_index.continuation(10**9) is None


def test_dev_set_quality_floor(seeds_index: KnowledgeIndex) -> None:
    """The issue's floor on the dev sample: hit@1 ≥ 0.90, out-of-scope declined ≥ 0.85."""
    report = evaluate(load_cases(ROOT / "eval" / "dev_qa.jsonl"), seeds_index.search)
    assert report.hit1 >= 0.90, report.as_dict()["misses"]
    assert report.oos_refused >= 0.85


def test_unseen_articles_answer_questions(unseen_index: KnowledgeIndex) -> None:
    """Questions about articles the engine was not tuned on are answered as well."""
    cases = load_cases(ROOT / "tests" / "fixtures" / "unseen" / "questions.jsonl")
    report = evaluate(cases, unseen_index.search)
    assert report.hit1 >= 0.85, report.as_dict()["misses"]
    assert report.oos_refused >= 0.8


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("какие страны привезли нацэкспозиции", "национальных экспозиций"),  # compound head
        ("innoprom minsk", "Минск"),  # transliteration
        ("что смоляне привезли на выставку", "Смоленск"),  # demonym → region
        ("тормоза для какого завода делают смоленские предприятия", "тормозные"),  # one root
        ("с кем Анохин вёл переговоры", "переговоры"),  # вёл ~ провёл
        ("кто рулит витебской областью", "Субботин"),  # slang role verb
        ("кто представлял кубу", "Альварес"),  # a person of the place, whatever the verb
        ("тема пленарки", "Союз новых технологий"),  # «тема» asks for a quoted title
        ("итоговое число экспонентов", "компаний"),  # «итоговое число» is «сколько»
        ("кгода открылась выставка", "29 сентября"),  # transposed letters; opened ~ held
        ("когда начнется следующий иннопром", "Эр-Рияде"),  # starts ~ will be held
        ("кто будет строить высокоскоростную магистраль", "Гидропресс"),  # строить ~ строительство
        ("могилевские лифтостроители наращивают локализацию?", "локализацию"),  # лифт-о-строители
        ("Прошу предоставить сведения о торговом центре в Смоленске", "торгово-выставочного"),
        ("будут ли белорусские спецы в смоленских проектах", "специалистов"),  # slang
        ("со сколькими регионами россии сотрудничает витебская область", "78"),
    ],
)
def test_paraphrase_machinery(seeds_index: KnowledgeIndex, question: str, expected: str) -> None:
    """Compounds, Latin spelling, demonyms, shared roots and prefixed verbs still meet."""
    answer = seeds_index.search(question)
    assert answer.answered, question
    assert any(expected in h.text for h in answer.hits[:2]), answer.hits[:2]


def test_role_question_checks_the_other_words(seeds_index: KnowledgeIndex) -> None:
    """«директор завода Авангард» is not the director of the Mogilev lift plant."""
    answer = seeds_index.search("Кто директор завода Авангард?")
    assert not answer.answered or "Страхар" not in answer.hits[0].text


@pytest.mark.parametrize(
    "question",
    [
        "Сколько стендов было у Казахстана?",  # figures count other things
        "сколько журналистов аккредитовали",  # the only number counts documents
        "Кто модерировал пленарную сессию?",  # the verb is the question
        "Какая столица у Узбекистана?",  # a known country, an unknown attribute
        "Кто представлял Омскую область?",  # a person of a place the articles never name
    ],
)
def test_declines_near_misses(seeds_index: KnowledgeIndex, question: str) -> None:
    """Familiar words around something the articles do not say: no answer."""
    assert not seeds_index.search(question).answered


def test_duration_is_answered_by_dates(seeds_index: KnowledgeIndex) -> None:
    """«сколько дней» needs dates, not a count."""
    answer = seeds_index.search("Сколько дней длилась выставка?")
    assert answer.answered
    assert "сентября" in answer.hits[0].text or "три дня" in answer.hits[0].text


def test_first_person_quote_belongs_to_the_speaker(tmp_path: Path) -> None:
    """«Мы …» in a quote after «Имя, должность:» is the speaker's and his company's word."""
    article = (
        " date 2025-10-01 Гродненские станкостроители на выставке\n"
        "На стенде Гродненской области показали новый токарный станок.\n"
        "Олег Верасов, генеральный директор Гродненского станкостроительного завода:\n"
        "«Этот станок собран из отечественных узлов. В этом году мы удвоили выпуск "
        "и открыли сборку в Казани».\n"
        "Также на стенде работали студенты местного колледжа.\n"
    )
    questions = (
        "Что Верасов сказал о выпуске?",
        "Как станкостроители нарастили выпуск?",
        "Гродностанкозавод удвоил выпуск?",  # the plant by a name made of word stumps
    )
    _assert_first_hit(tmp_path, article, questions, "удвоили выпуск")


def _assert_first_hit(tmp_path: Path, article: str, questions: tuple[str, ...], text: str) -> None:
    """Index one article of our own; every question's first snippet must hold ``text``."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "article.txt").write_text(article, encoding="utf-8")
    build_index(seeds, tmp_path / "index.db")
    with KnowledgeIndex.open(tmp_path / "index.db") as index:
        for question in questions:
            answer = index.search(question)
            assert answer.answered, question
            assert text in answer.hits[0].text, question


def test_a_list_question_prefers_the_snippet_naming_more(seeds_index: KnowledgeIndex) -> None:
    """«какие страны …?» is best answered by the sentence that names the most countries."""
    answer = seeds_index.search("какие страны участвовали")
    assert answer.answered
    first = answer.hits[0].text
    assert sum(c in first for c in ("Узбекистан", "Казахстан", "Кыргызстан", "России")) >= 3


def test_agreements_are_not_shown_for_russia_alone(seeds_index: KnowledgeIndex) -> None:
    """Russia is named almost everywhere: it does not make a question about agreements."""
    assert not seeds_index.search("из каких регионов россии были компании").agreements
    assert seeds_index.search("что делала смоленская область на выставке").agreements


def test_today_means_the_article_date(tmp_path: Path) -> None:
    """«Сегодня» in an article dated on the first day of an event «с … по …» is that day."""
    article = (
        " date 2025-05-12 Форум станкостроителей открылся в Гомеле\n"
        "Форум станкостроителей проходит в Гомеле с 12 по 14 мая.\n"
        "Сегодня участники подписали семь соглашений о поставках станков.\n"
        "В павильоне работает выставка студенческих проектов.\n"
    )
    questions = ("сколько соглашений подписали в первый день форума?", "что подписали 12 мая?")
    _assert_first_hit(tmp_path, article, questions, "семь соглашений")
