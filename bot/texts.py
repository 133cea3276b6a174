"""Every Russian string the bot itself shows: help, buttons, errors, admin reports, console.

Answers about the exhibition are worded once in ``knowledge.reply``; this module holds only
what is specific to the Telegram bot.  Longer texts are built as ``Span`` tuples like the
knowledge replies, so both reach Telegram through the same entity rendering.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge import ArticleInfo, IndexInfo, SkippedFile, Source
from knowledge.models import russian_date
from knowledge.present import Snippet
from knowledge.preview import ArticlePreview
from knowledge.reply import (
    EXAMPLE_QUESTIONS,
    Reply,
    Span,
    fit,
    snippet_sources,
    source_label,
    source_line,
)
from knowledge.russian import count
from knowledge.seeds import origin_of
from knowledge.service import ReloadFailed, ReloadResult, RemovalResult, UploadResult

from .state import BroadcastStats, Stats

EXHIBITION = "«ИННОПРОМ. Беларусь»"
EXHIBITION_WHEN = "Минск, 29 сентября — 1 октября 2025"

# ---------------------------------------------------------------- command menu (a-z only)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Что я знаю и примеры вопросов"),
    ("help", "Как спрашивать: примеры, кнопки, команды"),
    ("agreements", "Соглашения, подписанные на выставке"),
    ("region", "Регион: люди, соглашения, цифры"),
    ("sources", "Статьи, по которым я отвечаю"),
    ("subscribe", "Присылать новые статьи о выставке"),
    ("unsubscribe", "Больше не присылать новые статьи"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("reload", "Перестроить индекс из папки со статьями"),
    ("stats", "Статистика вопросов, оценок и рассылки"),
    ("articles", "Статьи в базе: список и удаление"),
    ("restore", "Вернуть последнюю удалённую статью"),
)

# ---------------------------------------------------------------- buttons

BUTTON_MORE = "Ещё"
BUTTON_BACK = "◂ Назад"
BUTTON_NEXT = "Дальше ▸"
BUTTON_SOURCE = "Источник"
BUTTON_LIKE = "👍"
BUTTON_DISLIKE = "👎"
BUTTON_ALL_REGIONS = "◂ Все регионы"
INLINE_NOTHING_BUTTON = "Ничего не нашлось — спросить бота"
INLINE_EMPTY_BUTTON = "Задать вопрос боту"
INLINE_VERDICT = "Проверка цифры по статьям"
BUTTON_ADD = "Добавить"
BUTTON_CANCEL = "Отмена"
BUTTON_REMOVE_YES = "Да, удалить"
BUTTON_REMOVE = "🗑 {n}"

# ---------------------------------------------------------------- short replies

NON_TEXT_HINT = (
    "Я понимаю только текст. Напишите вопрос о выставке словами, например: "
    f"«{EXAMPLE_QUESTIONS[0]}» — или посмотрите /help."
)
UNKNOWN_COMMAND = "Не знаю такой команды. Что я умею — /help."
ERROR_FALLBACK = (
    "Простите, у меня что-то сломалось, и ответа не получилось. Спросите ещё раз "
    "другими словами или загляните в /help — там команды и примеры вопросов."
)
TELEGRAM_FAILURE = (
    "Не получилось отправить ответ: у Telegram сейчас перебои. Повторите вопрос через минуту."
)
STALE_BUTTON = "Эта кнопка устарела — задайте вопрос заново."
INDEX_REPAIRING = (
    "Простите, справочник сейчас повреждён — я уже восстанавливаю его. "
    "Спросите ещё раз через минуту."
)
SOURCE_GONE = "Этого фрагмента в статьях больше нет — задайте вопрос заново."
FEEDBACK_THANKS = {1: "Спасибо! Рад, что пригодилось.", -1: "Спасибо, учту — передам редакции."}
REGION_PICK = "Выберите регион или напишите /region и название, например: /region Смоленская"
NO_REGIONS = "В статьях пока не упоминается ни один регион."

# ---------------------------------------------------------------- conversations

UNDERSTOOD = "Понял так: "
UNDERSTOOD_CHARS = 200


def understood(question: str) -> tuple[Span, ...]:
    """One short line before an answer that used the previous turn: how the message was
    understood (empty when it was answered on its own)."""
    question = " ".join(question.split())
    if not question:
        return ()
    if len(question) > UNDERSTOOD_CHARS:
        cut = question[: UNDERSTOOD_CHARS - 1]
        question = (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"
    return (Span(UNDERSTOOD, "italic"), Span(question, "italic"), Span("\n\n"))


def throttled(seconds: float) -> str:
    """The one-time notice for a user who writes faster than the bot answers."""
    whole = max(1, round(seconds))
    return f"Слишком часто — подождите {whole} с, и я отвечу на следующий вопрос."


# ---------------------------------------------------------------- /start, /help


def _what_i_know(info: IndexInfo) -> list[Span]:
    spans = [
        Span("Я отвечаю на вопросы о выставке "),
        Span(EXHIBITION, "bold"),
        Span(f" ({EXHIBITION_WHEN}) по {count(info.articles, 'статья', 'datv')}"),
    ]
    if info.latest_date:
        spans.append(Span(f", самая свежая — от {russian_date(info.latest_date)}"))
    spans.append(Span(". В каждом ответе — источник: агентство, дата и статья.\n\n"))
    return spans


def start_reply(info: IndexInfo) -> Reply:
    """/start: what the bot knows, the example buttons, and where to read how to ask."""
    spans = [Span("Здравствуйте! "), *_what_i_know(info)]
    spans.append(Span("Спросите своими словами или нажмите пример ниже. "))
    spans.append(Span("Ещё есть /agreements, /region и /sources, а как спрашивать — в /help."))
    return fit(spans)


# Examples of each kind of question for /help (each one answered by the seed articles; a test
# asks them all).
HELP_EXAMPLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Цифры", ("Сколько было посетителей?", "Какая площадь экспозиции?")),
    ("Соглашения", ("Что подписали БЕЛАЗ и ИнДев?", "Какие договорённости у Смоленской области?")),
    ("Люди", ("Кто такой Александр Субботин?", "Кто губернатор Смоленской области?")),
    ("Регионы", ("С какими регионами сотрудничает Витебская область?",)),
    ("Даты и места", ("Когда проходила выставка?", "Где пройдёт следующий ИННОПРОМ?")),
    ("Проверить цифру", ("Правда, что выставку посетили 20 тысяч человек?",)),
)


def help_reply(info: IndexInfo, bot_username: str | None, admin: bool = False) -> Reply:
    """/help: how to ask (examples of each kind), the buttons under answers, the commands,
    inline mode and groups."""
    spans: list[Span] = [Span("Как спрашивать\n", "bold")]
    spans.append(
        Span(
            "Пишите вопрос своими словами, как человеку: опечатки и разговорные слова я "
            f"пойму. Отвечаю только о выставке {EXHIBITION} — по "
            f"{count(info.articles, 'статья', 'datv')} о ней — и называю источник.\n\n"
        )
    )
    for kind, questions in HELP_EXAMPLES:
        spans.append(Span(f"{kind}: "))
        spans.append(Span(", ".join(f"«{q}»" for q in questions), "italic"))
        spans.append(Span("\n"))
    spans.append(Span("\nПод ответом\n", "bold"))
    spans.append(Span(f"«{BUTTON_SOURCE} 1», «{BUTTON_SOURCE} 2»… — абзац статьи вокруг "))
    spans.append(Span(f"фрагмента; «{BUTTON_MORE}» — следующие фрагменты; "))
    spans.append(Span(f"{BUTTON_LIKE} / {BUTTON_DISLIKE} — оценка ответа "))
    spans.append(Span("(помогает понять, о чём писать дальше).\n"))
    spans.append(Span("\nКоманды\n", "bold"))
    spans.append(Span("/agreements — все соглашения, подписанные на выставке\n"))
    spans.append(Span("/region <область> — регион: люди, соглашения, цифры; "))
    spans.append(Span("без названия — список регионов\n"))
    spans.append(Span("/sources — статьи, по которым я отвечаю\n"))
    spans.append(Span("/subscribe — присылать новые статьи (/unsubscribe — перестать)\n"))
    spans.append(Span("/start — начало и примеры вопросов кнопками\n"))
    spans.append(Span("/help — эта справка\n"))
    if bot_username:
        spans.append(Span("\nВ других чатах\n", "bold"))
        spans.append(Span("В любом чате наберите "))
        spans.append(Span(f"@{bot_username} вопрос", "italic"))
        spans.append(Span(" и выберите ответ из списка — он уйдёт в чат с источником. "))
        spans.append(Span("В группе спросите "))
        spans.append(Span(f"@{bot_username} вопрос", "italic"))
        spans.append(Span(" или ответьте на моё сообщение.\n"))
    if admin:
        spans.append(Span("\nДля администраторов\n", "bold"))
        spans.append(Span("/reload — перестроить индекс из папки со статьями\n"))
        spans.append(Span("/stats — статистика вопросов, оценок и рассылки\n"))
        spans.append(Span("/articles — статьи в базе, удаление; /restore — вернуть удалённую\n"))
        spans.append(
            Span(
                "Перешлите пост канала, вставьте текст статьи или пришлите ссылку на неё — "
                "покажу, что в ней нашёл, и добавлю по кнопке. Файл .txt — добавлю сразу.\n"
            )
        )
    return fit(_strip(spans))


# ---------------------------------------------------------------- «Источник», inline


def source_reply(paragraph: str, source: Source) -> Reply:
    """The paragraph around a snippet, headed by its article."""
    return fit(
        (
            Span(f"«{source.title}»", "bold"),
            Span("\n"),
            Span(source_label(source), "italic"),
            Span("\n\n"),
            Span(paragraph),
        )
    )


def inline_card(snippet: Snippet) -> Reply:
    """One inline-mode result as posted into a chat: the snippet and its sources."""
    return fit(
        (
            Span(snippet.text),
            Span("\n— "),
            Span(snippet_sources(snippet).removeprefix("Источник: "), "italic"),
        )
    )


# ---------------------------------------------------------------- admin

RELOAD_BUSY = "Перезагрузка уже идёт — дождитесь её окончания."
UPLOAD_NOT_TXT = "Принимаю только текстовые статьи в файлах .txt (UTF-8 или cp1251)."
UPLOAD_DOWNLOAD_FAILED = (
    "Не удалось скачать файл из Telegram. Ничего не сохранено, индекс прежний — "
    "пришлите файл ещё раз чуть позже."
)


def upload_too_big(limit: int) -> str:
    """A document over the size limit (checked before downloading)."""
    return f"Файл больше {_kilobytes(limit)} — такой не приму. Пришлите статью поменьше."


def upload_rejected(reason: str) -> str:
    """An uploaded file that is not a usable article; nothing was saved."""
    return f"Файл не принят: {reason}. Ничего не сохранено, индекс прежний."


def _kilobytes(size: int) -> str:
    return f"{size // 1000} КБ" if size >= 1000 else f"{size} байт"


def reload_reply(result: ReloadResult) -> Reply:
    """Old → new counts, skipped files with reasons and the build time."""
    old, new = result.old, result.new
    spans: list[Span] = [
        Span(f"Индекс перестроен за {result.elapsed_ms:.0f} мс.\n", "bold"),
        Span(f"Статей: {old.articles} → {new.articles}\n"),
        Span(f"Фрагментов: {old.passages} → {new.passages}\n"),
    ]
    for key, label in (("agreements", "Соглашений"), ("people", "Людей"), ("figures", "Цифр")):
        spans.append(Span(f"{label}: {old.facts.get(key, 0)} → {new.facts.get(key, 0)}\n"))
    spans.extend(_skipped(result.skipped))
    return fit(_strip(spans))


def reload_failed_reply(error: ReloadFailed, info: IndexInfo) -> Reply:
    """A failed reload: why, and that the old index keeps serving."""
    spans: list[Span] = [
        Span("Индекс не перестроен: ", "bold"),
        Span(f"{error.reason}.\n"),
        Span(f"Продолжаю отвечать по прежнему индексу ({count(info.articles, 'статья')}).\n"),
    ]
    spans.extend(_skipped(error.skipped))
    return fit(_strip(spans))


def upload_reply(result: UploadResult) -> Reply:
    """An accepted upload: the title it was saved with, then the reload report."""
    head = (
        Span("Статья сохранена: ", "bold"),
        Span(f"«{result.title}» (файл {result.saved_as}).\n\n"),
    )
    return fit(head + reload_reply(result.reload))


# ---------------------------------------------------------------- the newsroom

ORIGIN_LABELS = {
    "seed": "исходная",
    "upload": "файл",
    "forward": "пересылка",
    "paste": "вставка",
    "link": "ссылка",
}
PREVIEW_STALE = "Этот предпросмотр устарел — пришлите статью ещё раз."
PREVIEW_CANCELLED = "Отменено: статья не сохранена."
ARTICLES_STALE = "Список устарел — откройте /articles заново."
NOTHING_TO_RESTORE = "Корзина пуста: возвращать нечего."
REMOVE_CANCELLED = "Удаление отменено."
NO_ARTICLES = "В базе нет ни одной статьи."
DRAFT_NOT_KEPT = (
    "Черновик сейчас негде сохранить (хранилище недоступно), поэтому кнопки «Добавить» нет: "
    "пришлите статью ещё раз через минуту или загрузите её файлом .txt."
)
_PREVIEW_ITEMS = 5


def preview_reply(preview: ArticlePreview, ttl_seconds: float, *, kept: bool = True) -> Reply:
    """What the bot read from a forwarded post, a pasted text or a page, before saving it."""
    spans: list[Span] = [
        Span(
            f"Предпросмотр статьи ({ORIGIN_LABELS.get(preview.origin, preview.origin)})\n", "bold"
        ),
        Span(f"«{preview.title}»\n\n"),
        Span("Дата: ", "bold"),
        Span(russian_date(preview.date) if preview.date else "не найдена — статья будет без даты"),
        Span("\nАгентство: ", "bold"),
        Span(preview.agency or "не найдено — в ответах будет название статьи"),
    ]
    if preview.outlet and preview.outlet != preview.agency:
        spans.extend((Span("\nОткуда: ", "bold"), Span(preview.outlet)))
    if preview.url:
        spans.extend((Span("\nСсылка: ", "bold"), Span(preview.url[:300])))
    spans.append(Span(f"\nПредложений: {preview.sentences}, знаков: {preview.chars}\n"))
    spans.extend(_fact_list("Соглашения", [a.summary() for a in preview.agreements]))
    people = [
        f"{p.name} — {p.role}" + (f" ({p.region})" if p.region and p.region not in p.role else "")
        for p in preview.people
    ]
    spans.extend(_fact_list("Люди с должностями", people))
    spans.extend(_fact_list("Регионы", list(preview.regions)))
    figures = [_figure_text(f.display, f.counts) for f in preview.figures]
    spans.extend(_fact_list("Цифры", figures))
    if not (preview.agreements or preview.people or preview.figures):
        spans.append(Span("\nСоглашений, людей с должностями и цифр не нашёл.\n", "italic"))
    minutes = max(1, round(ttl_seconds / 60))
    if kept:
        spans.append(
            Span(
                f"\n«{BUTTON_ADD}» — сохранить и перестроить индекс; «{BUTTON_CANCEL}» — "
                f"забыть. Предпросмотр действует {minutes} мин.",
                "italic",
            )
        )
    else:
        spans.append(Span("\n" + DRAFT_NOT_KEPT, "italic"))
    return fit(_strip(spans))


def _figure_text(display: str, counts: str) -> str:
    return display if not counts or counts in display else f"{display} — {counts}"


def _fact_list(title: str, items: Sequence[str]) -> list[Span]:
    if not items:
        return []
    spans = [Span(f"\n{title} ({len(items)}):\n", "bold")]
    spans.extend(Span(f"• {item[:200]}\n") for item in items[:_PREVIEW_ITEMS])
    if len(items) > _PREVIEW_ITEMS:
        spans.append(Span(f"…и ещё {len(items) - _PREVIEW_ITEMS}\n"))
    return spans


def preview_rejected(reason: str) -> str:
    """A forwarded, pasted or linked text that is not a usable article; nothing was saved."""
    return f"Статью не добавить: {reason}. Ничего не сохранено."


def added_reply(result: UploadResult, subscribers: int | None) -> Reply:
    """An article saved from a preview: its title, the reload report, the digest."""
    spans: list[Span] = [
        Span("Статья добавлена: ", "bold"),
        Span(f"«{result.title}» (файл {result.saved_as}).\n"),
    ]
    if subscribers:
        spans.append(Span(f"Дайджест уходит подписчикам: {subscribers}.\n"))
    spans.append(Span("\n"))
    return fit(tuple(spans) + reload_reply(result.reload))


_LINK_ERRORS = {
    "bad_url": "это не ссылка на веб-страницу (нужен адрес http:// или https://)",
    "blocked": "адрес ведёт во внутреннюю сеть или на этот сервер — такие ссылки не открываю",
    "redirects": "сайт перенаправляет слишком много раз",
    "timeout": "сайт не ответил вовремя",
    "too_big": "страница слишком большая",
    "not_html": "по ссылке не веб-страница, а файл",
    "status": "сайт ответил ошибкой",
    "unreachable": "сайт недоступен",
    "no_article": "на странице не нашлось текста статьи (только меню, ссылки или заглушка)",
}


def link_failed(kind: str, detail: str = "") -> str:
    """A link that gave no article, and why, in one sentence."""
    reason = _LINK_ERRORS.get(kind, "страницу не удалось загрузить")
    if kind == "status" and detail:
        reason += f" {detail}"
    elif kind == "not_html" and detail:
        reason += f" ({detail[:60]})"
    elif kind == "timeout" and detail:
        reason += f" (ждал {detail} с)"
    elif kind == "too_big" and detail.isdigit():
        reason += f" (больше {_kilobytes(int(detail))})"
    return (
        f"Ссылка не открылась: {reason}. Ничего не сохранено — пришлите другую ссылку "
        "или вставьте текст статьи."
    )


def article_line(n: int, info: ArticleInfo) -> str:
    """``3. 30 сентября 2025 · БЕЛТА · «Заголовок» — пересылка``."""
    source = info.source
    parts = [russian_date(source.date) if source.date else "без даты"]
    if source.agency:
        parts.append(source.agency)
    origin = ORIGIN_LABELS.get(origin_of(source.article_id), "")
    return f"{n}. " + " · ".join(parts) + f" · «{source.title}» — {origin}"


def articles_reply(articles: Sequence[ArticleInfo], page: int, per_page: int) -> Reply:
    """One page of the numbered list of articles in the index."""
    if not articles:
        return (Span(NO_ARTICLES),)
    pages = (len(articles) + per_page - 1) // per_page
    spans: list[Span] = [Span(f"Статьи в базе ({len(articles)})", "bold")]
    if pages > 1:
        spans.append(Span(f", стр. {page + 1}/{pages}"))
    spans.append(Span("\n\n"))
    start = page * per_page
    for n, info in enumerate(articles[start : start + per_page], start=start + 1):
        spans.append(Span(article_line(n, info) + "\n"))
    spans.append(
        Span(
            "\nКнопка с номером удаляет статью (спрошу ещё раз). "
            "/restore вернёт последнюю удалённую.",
            "italic",
        )
    )
    return fit(tuple(spans))


def remove_confirm_reply(n: int, info: ArticleInfo) -> Reply:
    """Asks once more before an article goes to the trash."""
    return (
        Span("Удалить статью?\n", "bold"),
        Span(article_line(n, info) + "\n\n"),
        Span(
            "Файл переедет в корзину в папке статей, индекс перестроится, и я перестану "
            "отвечать по этой статье. /restore вернёт её.",
            "italic",
        ),
    )


def removed_reply(result: RemovalResult) -> Reply:
    """An article moved to the trash."""
    new = result.reload.new
    return fit(
        (
            Span("Статья удалена: ", "bold"),
            Span(f"«{result.title}».\n"),
            Span(f"Статей в индексе: {result.reload.old.articles} → {new.articles}. "),
            Span("Вернуть — /restore."),
        )
    )


def restored_reply(result: RemovalResult) -> Reply:
    """An article back from the trash."""
    return fit(
        (
            Span("Статья возвращена: ", "bold"),
            Span(f"«{result.title}» (файл {result.article_id}).\n"),
            Span(
                f"Статей в индексе: {result.reload.old.articles} → {result.reload.new.articles}."
            ),
        )
    )


def restore_rejected(reason: str) -> str:
    """The last removed article cannot come back; it stays in the trash."""
    return f"Не вернуть: {reason}. Статья остаётся в корзине."


# ---------------------------------------------------------------- subscribers

SUBSCRIBED = (
    "Готово: пришлю коротко о каждой новой статье о выставке — заголовок, главное, соглашения "
    "и цифры. Отписаться — /unsubscribe."
)
ALREADY_SUBSCRIBED = "Вы уже подписаны. Отписаться — /unsubscribe."
UNSUBSCRIBED = "Вы отписались: новые статьи больше не пришлю. Вернуться — /subscribe."
NOT_SUBSCRIBED = "Вы не подписаны. Подписаться — /subscribe."
SUBSCRIBE_IN_PRIVATE = "Подписка на новые статьи — в личном чате со мной: напишите мне /subscribe."


def digest_reply(preview: ArticlePreview) -> Reply:
    """What subscribers get about a new article: title, lead, agreements, figures, source."""
    spans: list[Span] = [
        Span("Новая статья о выставке\n", "italic"),
        Span(f"«{preview.title}»\n\n", "bold"),
    ]
    if preview.lead:
        spans.append(Span(" ".join(preview.lead) + "\n"))
    if preview.agreements:
        spans.append(Span("\nСоглашения:\n", "bold"))
        spans.extend(Span(f"• {a.summary()[:300]}\n") for a in preview.agreements[:3])
    if preview.figures:
        spans.append(Span("\nЦифры:\n", "bold"))
        spans.extend(Span(f"• {_figure_text(f.display, f.counts)}\n") for f in preview.figures[:3])
    line = source_line(preview.source)
    if preview.url:
        line += f" · {preview.url[:300]}"
    spans.append(Span("\n" + line + "\n", "italic"))
    spans.append(Span("Спросите меня о ней. Не присылать такие сообщения — /unsubscribe."))
    return fit(tuple(spans))


def _skipped(skipped: tuple[SkippedFile, ...]) -> list[Span]:
    if not skipped:
        return []
    n = len(skipped)
    verb = "Пропущен" if n % 10 == 1 and n % 100 != 11 else "Пропущено"
    spans = [Span(f"\n{verb} {count(n, 'файл')}:\n", "bold")]
    spans.extend(Span(f"• {item.name} — {item.reason}\n") for item in skipped)
    return spans


def stats_reply(stats: Stats) -> Reply:
    """Questions, answered share, feedback, subscribers, the last broadcast, what to write
    about next."""
    tail = _subscription_spans(stats.subscribers, stats.broadcast)
    if not stats.questions:
        return _strip([Span("Вопросов пока не было.\n"), *tail])
    spans: list[Span] = [
        Span(f"Статистика за {_days(stats.retention_days)}\n", "bold"),
        Span(
            f"{count(stats.questions, 'вопрос')}, из них с ответом — {stats.answered} "
            f"({stats.answered_share:.0%})\n"
        ),
        Span(f"Оценки: {BUTTON_LIKE} {stats.likes}, {BUTTON_DISLIKE} {stats.dislikes}\n"),
    ]
    if stats.top_declined:
        spans.append(Span("\nЧаще всего без ответа — о чём стоит написать:\n", "bold"))
        for i, (question, times) in enumerate(stats.top_declined, start=1):
            spans.append(Span(f"{i}. «{masked(question[:200])}» — {count(times, 'раз')}\n"))
    spans.append(Span("\n"))
    spans.extend(tail)
    return fit(_strip(spans))


# Five digits or more, however spaced or bracketed: a phone, card or document number (a year
# or «14 тыс.» stays); and anything shaped like an e-mail address.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s().-]{0,3}\d){4,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MASK = "•••"


def masked(text: str) -> str:
    """A question as /stats shows it: digit runs and e-mail addresses masked."""
    return _DIGIT_RUN.sub(MASK, _EMAIL.sub(f"{MASK}@{MASK}", text))


def _days(n: int) -> str:
    """``1 день``, ``3 дня``, ``30 дней`` (the dative-free «за N дней» form)."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} день"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} дня"
    return f"{n} дней"


def _short(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters (with «…» when cut)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—– ") + "…"


def _subscription_spans(subscribers: int, broadcast: BroadcastStats | None) -> list[Span]:
    spans = [Span(f"Подписчиков: {subscribers}\n")]
    if broadcast is not None:
        state = "закончена" if broadcast.finished else f"идёт, в очереди {broadcast.pending}"
        spans.append(
            Span(
                f"Последняя рассылка («{_short(broadcast.title, 60)}», {state}): "
                f"доставлено {broadcast.delivered}, не доставлено {broadcast.failed}\n"
            )
        )
    return spans


def _strip(spans: list[Span]) -> Reply:
    if spans and spans[-1].text.endswith("\n"):
        spans[-1] = Span(spans[-1].text.rstrip("\n"), spans[-1].style)
    return tuple(spans)


# ---------------------------------------------------------------- operator messages

NO_TOKEN = (
    "BOT_TOKEN не задан: боту нечем войти в Telegram. Задайте его в окружении или в .env, "
    "а попробовать бота без токена можно в терминале: innoprom-bot chat"
)
BAD_REDIS_URL = "REDIS_URL не похож на адрес Redis (вида redis://127.0.0.1:6379/0)."
BAD_TOKEN = "BOT_TOKEN не похож на токен бота (вида 123456:ABC…). Проверьте его у @BotFather."
TOKEN_REJECTED = "Telegram не принял BOT_TOKEN (Unauthorized). Проверьте токен у @BotFather."
NO_WEBHOOK_SECRET = (
    "WEBHOOK_URL задан, а WEBHOOK_SECRET — нет или он не из символов A-Z, a-z, 0-9, _ и - "
    "(до 256). Без секрета вебхук принял бы запросы от кого угодно."
)


def index_failed(reason: str) -> str:
    """The index could neither be opened nor built at start."""
    return f"Индекс не построен: {reason}. Проверьте SEEDS_DIR и INDEX_PATH."


def network_failed(reason: str) -> str:
    """Telegram (or TELEGRAM_API_URL) was not reachable at start."""
    return f"Не удалось связаться с Telegram: {reason}. Проверьте сеть и TELEGRAM_API_URL."


# ---------------------------------------------------------------- console chat

CONSOLE_BANNER = (
    f"Консольный чат с ботом {EXHIBITION}: всё как в Telegram, только без сети.\n"
    "Пишите вопросы и команды (/help). Номер — нажать кнопку под последним сообщением.\n"
    ":inline вопрос — встроенный режим, :file путь.txt — прислать файл (админу), "
    ":q или Ctrl+D — выход."
)
CONSOLE_BANNER_ADMIN = (
    "Вы — администратор: доступны /reload, /stats, /articles, /restore и :file; "
    "вставьте текст статьи или ссылку — покажу предпросмотр."
)
CONSOLE_YOU = "вы ▸ "
CONSOLE_BOT = "бот ▸ "
CONSOLE_EDITED = "бот ✎ "
CONSOLE_TOAST = "бот ⓘ "
CONSOLE_INLINE = "встроенный режим ▸ "
CONSOLE_INLINE_EMPTY = "встроенный режим ▸ ничего не найдено"
CONSOLE_NO_BUTTON = "Нет кнопки с таким номером."
CONSOLE_NO_FILE = "Не удалось прочитать файл: {reason}"
CONSOLE_USAGE_FILE = "Укажите путь: :file статья.txt"
