"""Replies as a person reads them: Russian wording, built once for the CLI and the bot.

A reply is a tuple of ``Span``s (text plus an optional style).  The CLI joins them into plain
text; the bot turns them into ``aiogram.utils.formatting`` nodes, so Telegram gets entities and
article text never needs escaping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .models import (
    Agreement,
    Answer,
    ArticleInfo,
    Figure,
    FigureGroup,
    Hit,
    IndexInfo,
    Person,
    Region,
    RegionMatch,
    RegionReport,
    Source,
    russian_date,
)

__all__ = [
    "EXAMPLE_QUESTIONS",
    "TELEGRAM_LIMIT",
    "Span",
    "agreements_reply",
    "answer_reply",
    "decline_reply",
    "fit",
    "plain",
    "region_reply",
    "region_unknown_reply",
    "regions_list",
    "source_line",
    "sources_reply",
]

TELEGRAM_LIMIT = 4096
SAFE_LIMIT = 3900
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


def fit(reply: Sequence[Span], limit: int = SAFE_LIMIT) -> Reply:
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
    if source.agency or source.date:
        return f"Источник: {source.label()} · «{source.title}»"
    return f"Источник: «{source.title}» (агентство и дата не указаны)"


def _figure_line(group: FigureGroup) -> list[Span]:
    spans = [Span(_category_title(group.category) + ": ", "bold")]
    parts = [f"{figure.display} ({figure.source.label()})" for figure in group.figures]
    spans.append(Span("; ".join(parts)))
    if group.disagree:
        spans.append(Span(" — источники расходятся, приводим все цифры", "italic"))
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


def _hit_spans(hit: Hit, number: int) -> list[Span]:
    return [
        Span(f"{number}. "),
        Span(hit.text),
        Span("\n   "),
        Span(source_line(hit.source), "italic"),
        Span("\n"),
    ]


def answer_reply(
    answer: Answer, start: int = 0, count: int = 3, lead: Sequence[Span] = ()
) -> Reply:
    """The reply to a question: fact lines first, then snippets with their sources.

    :param lead: spans put before everything else (how a follow-up question was understood).
    """
    if not answer.answered:
        return decline_reply(answer, lead)
    spans: list[Span] = []
    if start == 0:
        for group in answer.figures:
            spans.extend(_figure_line(group))
        for person in answer.people[:3]:
            spans.extend(_person_line(person))
        if answer.agreements and len(answer.agreements) <= 6:
            spans.append(Span("Соглашения на выставке:\n", "bold"))
            for a in answer.agreements:
                spans.extend(_agreement_spans(a))
        if spans:
            spans.append(Span("\n"))
    page = answer.hits[start : start + count]
    for i, hit in enumerate(page, start=start + 1):
        spans.extend(_hit_spans(hit, i))
    if not page:
        spans.append(Span("Больше ничего по этому вопросу в статьях нет."))
    return fit(_strip_end([*lead, *spans]))


def decline_reply(answer: Answer, lead: Sequence[Span] = ()) -> Reply:
    """An honest «не знаю»: why, what the bot covers, and what to try instead."""
    spans: list[Span] = list(lead)
    if answer.decline_reason == "empty":
        spans.append(Span("Задайте вопрос о выставке " + EXHIBITION + " словами — "))
        spans.append(Span("я отвечаю по статьям о ней.\n\n"))
    elif answer.decline_reason == "unknown_entity" and answer.unknown_terms:
        spans.append(Span("В статьях о выставке " + EXHIBITION + " нет сведений о: "))
        spans.append(Span(", ".join(answer.unknown_terms), "bold"))
        spans.append(Span(".\n\n"))
    else:
        spans.append(Span("В статьях о выставке " + EXHIBITION + " ответа на этот вопрос нет"))
        if answer.unknown_terms:
            spans.append(Span(" (не встречается: " + ", ".join(answer.unknown_terms[:4]) + ")"))
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
    """Everything about one region: people, agreements, figures, best passages."""
    spans: list[Span] = [Span(report.region.name, "bold"), Span("\n")]
    if report.people:
        spans.append(Span("\nЛюди:\n", "bold"))
        for p in report.people[:5]:
            spans.extend(_person_line(p))
    if report.agreements:
        spans.append(Span("\nСоглашения:\n", "bold"))
        for a in report.agreements[:5]:
            spans.extend(_agreement_spans(a))
    if report.figures:
        spans.append(Span("\nЦифры:\n", "bold"))
        for f in report.figures[:6]:
            spans.extend(_figure_item(f))
    if report.hits:
        spans.append(Span("\nИз статей:\n", "bold"))
        for i, hit in enumerate(report.hits[:3], start=1):
            spans.extend(_hit_spans(hit, i))
    return fit(_strip_end(spans))


def _figure_item(f: Figure) -> list[Span]:
    return [
        Span(f"• {f.display}"),
        Span(f" — {f.counts}" if f.counts and f.counts not in f.display else ""),
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
        lead = "\nВ статьях есть: " if match.known_elsewhere else "\nПохожие из известных: "
        spans.append(Span(lead + names))
    return fit(tuple(spans))


def sources_reply(articles: Sequence[ArticleInfo], info: IndexInfo | None = None) -> Reply:
    """The articles the bot answers from."""
    spans: list[Span] = [Span(f"Статьи, по которым я отвечаю ({len(articles)}):\n\n", "bold")]
    for i, a in enumerate(articles, start=1):
        spans.append(Span(f"{i}. «{a.source.title}»\n"))
        spans.append(Span(f"   {a.source.label()}", "italic"))
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
