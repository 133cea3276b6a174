"""Replies as a person reads them: Russian wording, built once for the CLI and the bot.

A reply is a tuple of ``Span``s (text plus an optional style).  The CLI joins them into plain
text; the bot turns them into ``aiogram.utils.formatting`` nodes, so Telegram gets entities and
article text never needs escaping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import russian
from .intents import SMALL_TALK_KINDS
from .lexicon import lexicon
from .models import (
    Agreement,
    Answer,
    ArticleInfo,
    Figure,
    IndexInfo,
    Person,
    Region,
    RegionMatch,
    RegionReport,
    Source,
    russian_date,
)
from .normalize import lemma, words
from .present import FactLine, Presentation, Snippet, Verdict, present, present_region
from .russian import typed_forms

__all__ = [
    "EXAMPLE_QUESTIONS",
    "REPLY_LIMIT",
    "Span",
    "agreements_reply",
    "answer_reply",
    "decline_reply",
    "fit",
    "plain",
    "region_reply",
    "region_unknown_reply",
    "regions_list",
    "small_talk_reply",
    "snippet_sources",
    "source_label",
    "source_name",
    "source_line",
    "sources_reply",
    "verdict_reply",
]

# A reply is cut at a span boundary to this many characters: below a chat message's limit
# (Telegram's is 4096, see bot.limits) with room for the cut mark.
REPLY_LIMIT = 3900
EXHIBITION = "«ИННОПРОМ. Беларусь»"
EXAMPLE_QUESTIONS = (
    "Сколько было посетителей?",
    "Что подписали БЕЛАЗ и ИнДев?",
    "Кто такой Александр Субботин?",
    "Где пройдёт следующая выставка?",
)


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of reply text; ``style`` is "", "bold" or "italic"."""

    text: str
    style: str = ""


Reply = tuple[Span, ...]


def plain(reply: Iterable[Span]) -> str:
    """The reply as plain text."""
    return "".join(s.text for s in reply)


def fit(reply: Sequence[Span], limit: int = REPLY_LIMIT) -> Reply:
    """Cut a reply at a span boundary so it stays within Telegram's message limit."""
    out: list[Span] = []
    size = 0
    for span in reply:
        if size + len(span.text) > limit:
            room = limit - size
            if room > 40:
                cut = span.text[: room - 1]
                cut = cut[: cut.rfind(" ")] if " " in cut else cut
                out.append(Span(cut + "…", span.style))
            break
        out.append(span)
        size += len(span.text)
    return tuple(out)


def source_line(source: Source) -> str:
    """``Источник: ТАСС, 1 октября 2025 · «Заголовок»``."""
    return f"Источник: {_article_line(source)}"


def _article_line(source: Source) -> str:
    """``ТАСС, 1 октября 2025 · «Заголовок»``, saying plainly what the article does not give."""
    if source.agency and source.date:
        return f"{source.label()} · «{source.title}»"
    return f"«{source.title}» ({_missing(source)})"


def source_label(source: Source) -> str:
    """``ТАСС, 1 октября 2025``, or what the article gives and what it does not."""
    return source.label() if source.agency and source.date else _missing(source)


def _missing(source: Source) -> str:
    """What an article does not give, with what it does: «29 сентября 2025, агентство не
    указано», «агентство и дата не указаны»."""
    if source.agency:
        return f"{source.agency}, дата не указана"
    if source.date:
        return f"{russian_date(source.date)}, агентство не указано"
    return "агентство и дата не указаны"


def _figure_line(line: FactLine) -> list[Span]:
    spans = [Span(_category_title(line.category) + ": ", "bold")]
    parts = [f"{figure.display} ({figure.source.label()})" for figure in line.figures]
    spans.append(Span("; ".join(parts)))
    if line.disagree and not line.figures:
        spans.append(
            Span("источники расходятся — каждая цифра ниже, со своим источником", "italic")
        )
    elif line.disagree:
        note = " — источники расходятся, приводим все цифры"
        if line.in_snippets:
            note += " (остальные — во фрагментах ниже)"
        spans.append(Span(note, "italic"))
    spans.append(Span("\n"))
    return spans


_CATEGORY_TITLES = {
    "посетители": "Посетители",
    "компании": "Компании",
    "страны": "Страны",
    "регионы": "Регионы",
    "площадь": "Площадь",
    "деньги": "Суммы",
    "доля": "Доли",
    "документы": "Документы",
    "товары": "Товары",
    "стенды": "Стенды",
}


def _category_title(category: str) -> str:
    return _CATEGORY_TITLES.get(category, category[:1].upper() + category[1:])


def _according(source: Source) -> str:
    """«по данным ТАСС», «по статье от 29 сентября 2025», «по статье «Заголовок…»»."""
    if source.agency:
        return f"по данным {source.agency}"
    if source.date:
        return f"по статье от {russian_date(source.date)}"
    title = source.title if len(source.title) <= 40 else source.title[:38].rsplit(" ", 1)[0]
    return f"по статье «{title}…»" if title != source.title else f"по статье «{title}»"


_VERDICT_LEADS = {
    "yes": "Да",
    "no": "Нет",
    "mixed": "Источники расходятся",
    "unsettled": "Точно статьи этого не говорят",
}


def _verdict_line(verdict: Verdict) -> list[Span]:
    if verdict.outcome == "unknown":
        return [
            Span("Проверить эту цифру по статьям нельзя: ", "bold"),
            Span("они не называют, сколько это. Вот что в них сказано:\n\n"),
        ]
    given = "; ".join(f"{_according(f.source)} — {f.display}" for f in verdict.figures)
    return [
        Span(_VERDICT_LEADS[verdict.outcome] + ": ", "bold"),
        Span(given[:1].upper() + given[1:] if verdict.outcome == "mixed" else given),
        Span("\n\n" if given.endswith(".") else ".\n\n"),
    ]


def verdict_reply(shown: Presentation) -> Reply:
    """The verdict line alone (an inline result of its own), or nothing when the question
    is not a yes/no question about a number the articles give."""
    if shown.verdict is None or shown.verdict.outcome == "unknown":
        return ()
    return _strip_end(_verdict_line(shown.verdict))


def _agreement_spans(a: Agreement, numbered: int | None = None) -> list[Span]:
    head = a.kind[:1].upper() + a.kind[1:]
    prefix = f"{numbered}. " if numbered is not None else "• "
    spans = [Span(prefix), Span(head, "bold")]
    if a.parties:
        spans.append(Span(": " + ", ".join(a.parties)))
    if a.subject:
        spans.append(Span(" — " + a.subject))
    spans.append(Span("\n   "))
    spans.append(Span(source_line(a.source), "italic"))
    spans.append(Span("\n"))
    return spans


def _person_line(p: Person) -> list[Span]:
    role = p.role
    if p.region and p.region.split()[0].lower()[:5] not in role.lower():
        role += f" ({p.region})"
    return [Span(p.name, "bold"), Span(f" — {role}\n")]


def snippet_sources(snippet: Snippet) -> str:
    """The «Источник» line of a snippet, with every other article that says the same."""
    line = source_line(snippet.source)
    if snippet.echoes:
        line += "; то же — " + ", ".join(source_name(s) for s in snippet.echoes)
    if snippet.same_figures:
        same = ", ".join(source_name(s) for s in snippet.same_figures)
        verb = "дают" if len(snippet.same_figures) > 1 else "даёт"
        line += f"; те же цифры {verb} {same}"
    return line


def source_name(source: Source) -> str:
    """An article named briefly: agency and date, or its title and what it does not give."""
    if source.agency or source.date:
        return source.label()
    return f"«{source.title}» ({_missing(source)})"


def _snippet_spans(snippet: Snippet, number: int) -> list[Span]:
    return [
        Span(f"{number}. "),
        Span(snippet.text),
        Span("\n   "),
        Span(snippet_sources(snippet), "italic"),
        Span("\n"),
    ]


def _agreements_header(shown: int, total: int | None, asked: bool) -> list[Span]:
    """A header true to what follows: how many, and whether the question asked for them."""
    noun = russian.count(shown, "соглашение")
    if total is not None and shown >= total:
        head = f"Все {noun} на выставке:" if shown > 1 else "Соглашение на выставке:"
    else:
        head = f"{noun} по вашему вопросу:" if asked else f"{noun} на эту тему:"
    return [Span(head[:1].upper() + head[1:] + "\n", "bold")]


def _all_agreements_hint(total: int) -> Span:
    return Span(f"Все {russian.count(total, 'соглашение')} выставки — /agreements\n", "italic")


def _asks_agreements(question: str) -> bool:
    """Whether a question is about agreements at all («что подписали…», «какие соглашения…»),
    not about a region or a person that agreements merely concern."""
    lex = lexicon()
    vocabulary = set(lex.signing_verbs) | {w for phrase, _ in lex.agreement_kinds for w in phrase}
    return bool(vocabulary & {lemma(w) for w in words(question)})


def _names_a_party(shown: Presentation) -> bool:
    """Whether the question names a party of the agreements found («что подписали БЕЛАЗ и
    ИнДев?» asks for one deal, not for the list of all)."""
    asked = {w[:5] for w in words(shown.answer.question) if len(w) > 3}
    return any(
        w[:5] in asked
        for a in shown.answer.agreements
        for party in a.parties
        for w in words(party)
        if len(w) > 3
    )


def answer_reply(
    answer: Answer | Presentation,
    start: int = 0,
    count: int = 3,
    agreements_total: int | None = None,
    lead: Sequence[Span] = (),
) -> Reply:
    """The reply to a question: verdict and fact lines first, then snippets with their
    sources — each statement once (see ``knowledge.present``).

    ``agreements_total`` (the index's count) lets the agreements header say how many of
    them it lists and point to /agreements for the rest; ``lead`` is put before everything
    else (how a follow-up question was understood).
    """
    shown = answer if isinstance(answer, Presentation) else present(answer, count)
    if not shown.answered:
        return decline_reply(shown.answer, lead)
    spans: list[Span] = []
    hint = False
    if start == 0:
        if shown.verdict is not None:
            spans.extend(_verdict_line(shown.verdict))
        for line in shown.figures:
            spans.extend(_figure_line(line))
        for person in shown.people[:3]:
            spans.extend(_person_line(person))
        agreements = shown.agreements
        if agreements and len(agreements) <= 6:
            if spans and not spans[-1].text.endswith("\n\n"):
                spans.append(Span("\n"))
            asked = _asks_agreements(shown.answer.question)
            spans.extend(_agreements_header(len(agreements), agreements_total, asked))
            for a in agreements:
                spans.extend(_agreement_spans(a))
        listed = len(agreements) if len(agreements) <= 6 else 0
        hint = bool(
            shown.answer.agreements
            and agreements_total
            and agreements_total > listed
            and _asks_agreements(shown.answer.question)
            and (listed or not _names_a_party(shown))
        )
        if hint and listed and agreements_total:
            spans.append(_all_agreements_hint(agreements_total))
        if spans and not spans[-1].text.endswith("\n\n"):
            spans.append(Span("\n"))
    page = shown.snippets[start : start + count]
    for i, snippet in enumerate(page, start=start + 1):
        spans.extend(_snippet_spans(snippet, i))
    if not page:
        spans.append(Span("Больше ничего по этому вопросу в статьях нет."))
    elif start == 0 and hint and not listed and agreements_total:
        # the agreements asked about are in the snippets; the full list is one command away
        spans.extend((Span("\n"), _all_agreements_hint(agreements_total)))
    return fit(_strip_end([*lead, *spans]))


def decline_reply(answer: Answer, lead: Sequence[Span] = ()) -> Reply:
    """An honest «не знаю»: why, what the bot covers, and what to try instead."""
    spans: list[Span] = list(lead)
    # the analysis lower-cases (and may cut) words; show them as the user typed them
    terms = typed_forms(answer.unknown_terms, answer.question)
    if answer.decline_reason == "empty":
        spans.append(Span("Задайте вопрос о выставке " + EXHIBITION + " словами — "))
        spans.append(Span("я отвечаю по статьям о ней.\n\n"))
    elif answer.decline_reason == "unknown_entity" and terms:
        # quoted as typed: a word in any case form reads right after «слово»
        spans.extend(_words_not_found(terms))
        spans.append(Span(" в статьях о выставке " + EXHIBITION + " "))
        spans.append(Span("не встречается.\n\n" if len(terms) == 1 else "не встречаются.\n\n"))
    else:
        spans.append(Span("В статьях о выставке " + EXHIBITION + " ответа на этот вопрос нет"))
        if terms:
            spans.append(Span(" ("))
            words_spans = _words_not_found(terms[:4])
            first = words_spans[0]
            spans.append(Span(first.text.lower(), first.style))
            spans.extend(words_spans[1:])
            verb = "не встречается" if len(terms[:4]) == 1 else "не встречаются"
            spans.append(Span(f" в них {verb})"))
        spans.append(Span(".\n\n"))
    spans.append(Span("Я знаю: ", "bold"))
    spans.append(
        Span(
            "даты и место выставки, участников и посетителей, подписанные соглашения, "
            "людей и регионы"
        )
    )
    if answer.topics:
        spans.append(Span(" (" + ", ".join(answer.topics[:5]) + ")"))
    spans.append(Span(".\n"))
    spans.append(Span("Попробуйте /agreements, /region <область> или спросите, например: "))
    spans.append(Span("«" + EXAMPLE_QUESTIONS[0] + "»", "italic"))
    return fit(tuple(spans))


_SMALL_TALK = {
    "how_are_you": "Спасибо, всё хорошо: отвечаю на вопросы о выставке " + EXHIBITION + ".",
    "who_are_you": (
        "Я бот-справочник по выставке " + EXHIBITION + ": отвечаю на вопросы по статьям о ней "
        "и в каждом ответе называю источник."
    ),
    "greeting": "Здравствуйте! Спрашивайте о выставке " + EXHIBITION + " — отвечу по статьям.",
    "thanks": "Пожалуйста! Будут ещё вопросы о выставке — спрашивайте.",
    "bye": "До свидания! Будут вопросы о выставке — пишите.",
    "ok": "Хорошо. Если появится вопрос о выставке — спрашивайте.",
    "emoji": "Если появится вопрос о выставке — напишите его словами.",
}
_SMALL_TALK_PAIRS = {
    frozenset({"thanks", "bye"}): "Пожалуйста! До свидания — будут вопросы о выставке, пишите.",
    frozenset({"greeting", "how_are_you"}): (
        "Здравствуйте! Всё хорошо, спасибо: отвечаю на вопросы о выставке " + EXHIBITION + "."
    ),
}
_INVITES = frozenset({"greeting", "how_are_you", "who_are_you"})


def small_talk_reply(kinds: Iterable[str]) -> Reply:
    """A short reply in kind to small talk (``knowledge.intents.small_talk``): a greeting
    gets a greeting and an example question, thanks get «пожалуйста»."""
    kinds = frozenset(kinds)
    text = next((t for pair, t in _SMALL_TALK_PAIRS.items() if pair <= kinds), None)
    if text is None:
        kind = next((k for k in SMALL_TALK_KINDS if k in kinds), "emoji")
        text = _SMALL_TALK[kind]
    spans = [Span(text)]
    if kinds & _INVITES:
        spans.append(Span(" Например: "))
        spans.append(Span("«" + EXAMPLE_QUESTIONS[0] + "»", "italic"))
        spans.append(Span(". Подсказки — /help."))
    return tuple(spans)


def _words_not_found(terms: Sequence[str]) -> list[Span]:
    """«Слово «Лукашенко»», «Слова «Мантуров», «Марсе»»."""
    spans = [Span("Слово " if len(terms) == 1 else "Слова ")]
    for i, term in enumerate(terms):
        if i:
            spans.append(Span(", "))
        spans.append(Span(f"«{term}»", "bold"))
    return spans


def agreements_reply(
    agreements: Sequence[Agreement], page: int = 0, per_page: int = 5
) -> tuple[Reply, int]:
    """One page of the agreements list and the number of pages."""
    if not agreements:
        return (Span("В статьях пока нет сведений о подписанных соглашениях."),), 1
    pages = (len(agreements) + per_page - 1) // per_page
    page = max(0, min(page, pages - 1))
    spans: list[Span] = [
        Span(f"Соглашения и договорённости на выставке ({len(agreements)})", "bold"),
    ]
    if pages > 1:
        spans.append(Span(f", стр. {page + 1}/{pages}"))
    spans.append(Span("\n\n"))
    chunk = agreements[page * per_page : (page + 1) * per_page]
    for i, a in enumerate(chunk, start=page * per_page + 1):
        spans.extend(_agreement_spans(a, i))
    return fit(_strip_end(spans)), pages


def region_reply(report: RegionReport) -> Reply:
    """Everything about one region: people, agreements, figures, best passages — a passage
    that only says again what a list above gives is left out."""
    view = present_region(report, people=5, agreements=5, figures=6, snippets=3)
    spans: list[Span] = [Span(report.region.name, "bold"), Span("\n")]
    if view.people:
        spans.append(Span("\nЛюди:\n", "bold"))
        for p in view.people:
            spans.extend(_person_line(p))
    if view.agreements:
        spans.append(Span("\nСоглашения:\n", "bold"))
        for a in view.agreements:
            spans.extend(_agreement_spans(a))
    if view.figures:
        spans.append(Span("\nЦифры:\n", "bold"))
        for f in view.figures:
            spans.extend(_figure_item(f))
    if view.snippets:
        spans.append(Span("\nИз статей:\n", "bold"))
        for i, snippet in enumerate(view.snippets, start=1):
            spans.extend(_snippet_spans(snippet, i))
    return fit(_strip_end(spans))


def _figure_item(f: Figure) -> list[Span]:
    # what is counted, unless the figure names it already («70 стендов», not «— стендах»)
    named = {lemma(w) for w in words(f.display)}
    counted = f.counts and not {lemma(w) for w in words(f.counts)} <= named
    return [
        Span(f"• {f.display}"),
        Span(f" — {f.counts}" if counted else ""),
        Span(f" ({f.source.label()})\n", "italic"),
    ]


def region_unknown_reply(query: str, match: RegionMatch) -> Reply:
    """A region the index does not know: say so and offer the closest known ones."""
    spans: list[Span] = []
    if match.known_elsewhere:
        spans.append(Span("О регионе "))
        spans.append(Span(match.known_elsewhere, "bold"))
        spans.append(Span(" в статьях о выставке ничего нет."))
    else:
        spans.append(Span("Не нашёл такого региона: "))
        spans.append(Span(query[:100], "bold"))
        spans.append(Span("."))
    if match.suggestions:
        names = ", ".join(r.name for r in match.suggestions)
        lead = "\nВ статьях есть: " if match.known_elsewhere else "\nМожет быть, вы имели в виду: "
        spans.append(Span(lead + names))
    elif match.known_elsewhere:
        spans.append(Span("\nВыберите регион из тех, о которых в них пишут."))
    else:
        spans.append(Span("\nПохожих названий в статьях нет — выберите регион из тех, о которых "))
        spans.append(Span("в них пишут."))
    return fit(tuple(spans))


def sources_reply(articles: Sequence[ArticleInfo], info: IndexInfo | None = None) -> Reply:
    """The articles the bot answers from, saying plainly when one gives no agency or date."""
    head = f"Я отвечаю по {russian.count(len(articles), 'статья', 'datv')}:\n\n"
    spans: list[Span] = [Span(head, "bold")]
    for i, a in enumerate(articles, start=1):
        spans.append(Span(f"{i}. «{a.source.title}»\n"))
        spans.append(Span(f"   {source_label(a.source)}", "italic"))
        spans.append(Span("\n"))
    if info and info.latest_date:
        spans.append(Span(f"\nСамая свежая статья — от {russian_date(info.latest_date)}."))
    return fit(_strip_end(spans))


def regions_list(regions: Sequence[Region]) -> Reply:
    """A short list of the regions the index knows."""
    names = ", ".join(r.name for r in regions)
    return fit((Span("Регионы в статьях: ", "bold"), Span(names)))


def _strip_end(spans: list[Span]) -> tuple[Span, ...]:
    while spans and not spans[-1].text.strip():
        spans.pop()
    if spans and spans[-1].text.endswith("\n"):
        spans[-1] = Span(spans[-1].text.rstrip("\n"), spans[-1].style)
    return tuple(spans)
