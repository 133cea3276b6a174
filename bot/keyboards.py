"""Inline keyboards and their callback data (short server-side tokens, never the query itself).

A question is stored in the state database under a random token (11 characters) and its
buttons carry that token, so callback data stays a few bytes long whatever the user asked
(Telegram's limit is 64 bytes), and nobody can point a button at another chat's question by
guessing: a token is random, and the state database answers it only in the chat it was
issued to.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from knowledge import Region
from knowledge.present import Presentation
from knowledge.reply import EXAMPLE_QUESTIONS

from . import texts

__all__ = [
    "AgreementsPage",
    "AnswerPage",
    "ArticlesAction",
    "DraftAction",
    "ExampleQuestion",
    "Feedback",
    "RegionPick",
    "SourceOf",
    "agreements_keyboard",
    "answer_keyboard",
    "articles_keyboard",
    "draft_keyboard",
    "examples_keyboard",
    "region_back_keyboard",
    "regions_keyboard",
    "remove_confirm_keyboard",
]

MAX_REGION_BUTTONS = 60


class AnswerPage(CallbackData, prefix="p"):
    """«Ещё» / «Назад»: the question's token and the first snippet to show."""

    q: str
    s: int


class SourceOf(CallbackData, prefix="s"):
    """«Источник»: the question's token and the snippet's position among the hits."""

    q: str
    n: int


class Feedback(CallbackData, prefix="f"):
    """👍 (``v=1``) or 👎 (``v=-1``) for a question, by its token."""

    q: str
    v: int


class ExampleQuestion(CallbackData, prefix="e"):
    """An example question from /help, by its position in ``EXAMPLE_QUESTIONS``."""

    i: int


class AgreementsPage(CallbackData, prefix="a"):
    """A page of /agreements."""

    p: int


class RegionPick(CallbackData, prefix="r"):
    """A region by its index key (``""`` goes back to the list of all regions)."""

    k: str


class DraftAction(CallbackData, prefix="d"):
    """«Добавить» (``a="add"``) / «Отмена» (``a="no"``) under a preview; ``t`` is the random
    token of that preview, kept in the admin's own FSM data."""

    t: str
    a: str


class ArticlesAction(CallbackData, prefix="l"):
    """/articles buttons: a page (``a="page"``, ``n`` = page), remove article ``n``
    (``a="del"``), confirm (``a="yes"``) or cancel (``a="no"``); ``t`` is the list's token."""

    t: str
    a: str
    n: int


def draft_keyboard(token: str) -> InlineKeyboardMarkup:
    """«Добавить» / «Отмена» under a preview."""
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BUTTON_ADD, callback_data=DraftAction(t=token, a="add"))
    builder.button(text=texts.BUTTON_CANCEL, callback_data=DraftAction(t=token, a="no"))
    return builder.as_markup()


def articles_keyboard(
    token: str, page: int, pages: int, numbers: range
) -> InlineKeyboardMarkup | None:
    """A remove button per article on the page (five a row), then paging."""
    rows: list[list[InlineKeyboardButton]] = []
    buttons = [
        InlineKeyboardButton(
            text=texts.BUTTON_REMOVE.format(n=n),
            callback_data=ArticlesAction(t=token, a="del", n=n).pack(),
        )
        for n in numbers
    ]
    rows.extend(buttons[i : i + 5] for i in range(0, len(buttons), 5))
    paging = []
    if page > 0:
        back = ArticlesAction(t=token, a="page", n=page - 1).pack()
        paging.append(InlineKeyboardButton(text=texts.BUTTON_BACK, callback_data=back))
    if page < pages - 1:
        more = ArticlesAction(t=token, a="page", n=page + 1).pack()
        paging.append(InlineKeyboardButton(text=texts.BUTTON_NEXT, callback_data=more))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def remove_confirm_keyboard(token: str, n: int) -> InlineKeyboardMarkup:
    """«Да, удалить» / «Отмена» before an article goes to the trash."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=texts.BUTTON_REMOVE_YES, callback_data=ArticlesAction(t=token, a="yes", n=n)
    )
    builder.button(text=texts.BUTTON_CANCEL, callback_data=ArticlesAction(t=token, a="no", n=n))
    return builder.as_markup()


def answer_keyboard(
    token: str, shown: Presentation, start: int, count: int
) -> InlineKeyboardMarkup:
    """Source buttons for the snippets shown, paging, and feedback (positions are those of
    the presented snippets, which the «Источник» handler presents again).

    Built as rows directly rather than with InlineKeyboardBuilder: this runs for every
    answer, and the builder deep-copies each button (measured: ~0.3 ms of ~3 ms per update).
    """
    total = len(shown.snippets)
    on_page = range(start, min(start + count, total))
    sources = [
        InlineKeyboardButton(
            text=texts.BUTTON_SOURCE if len(on_page) == 1 else f"{texts.BUTTON_SOURCE} {n + 1}",
            callback_data=SourceOf(q=token, n=n).pack(),
        )
        for n in on_page
    ]
    paging = []
    if start > 0:
        back = AnswerPage(q=token, s=max(0, start - count)).pack()
        paging.append(InlineKeyboardButton(text=texts.BUTTON_BACK, callback_data=back))
    if start + count < total:
        more = AnswerPage(q=token, s=start + count).pack()
        paging.append(InlineKeyboardButton(text=texts.BUTTON_MORE, callback_data=more))
    feedback = [
        InlineKeyboardButton(
            text=texts.BUTTON_LIKE, callback_data=Feedback(q=token, v=1).pack()
        ),
        InlineKeyboardButton(
            text=texts.BUTTON_DISLIKE, callback_data=Feedback(q=token, v=-1).pack()
        ),
    ]
    rows = [row for row in (sources, paging, feedback) if row]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def examples_keyboard(limit: int = len(EXAMPLE_QUESTIONS)) -> InlineKeyboardMarkup:
    """One button per example question."""
    builder = InlineKeyboardBuilder()
    for i, question in enumerate(EXAMPLE_QUESTIONS[:limit]):
        builder.button(text=question, callback_data=ExampleQuestion(i=i))
    builder.adjust(1)
    return builder.as_markup()


def agreements_keyboard(page: int, pages: int) -> InlineKeyboardMarkup | None:
    """«Назад» / «Дальше» between pages of /agreements (none when there is one page)."""
    if pages <= 1:
        return None
    builder = InlineKeyboardBuilder()
    if page > 0:
        builder.button(text=texts.BUTTON_BACK, callback_data=AgreementsPage(p=page - 1))
    if page < pages - 1:
        builder.button(text=texts.BUTTON_NEXT, callback_data=AgreementsPage(p=page + 1))
    return builder.as_markup()


def regions_keyboard(regions: Sequence[Region]) -> InlineKeyboardMarkup | None:
    """A button per region, two a row (none when there are no regions)."""
    if not regions:
        return None
    builder = InlineKeyboardBuilder()
    for region in regions[:MAX_REGION_BUTTONS]:
        builder.button(text=region.name, callback_data=RegionPick(k=region.key))
    builder.adjust(2)
    return builder.as_markup()


def region_back_keyboard() -> InlineKeyboardMarkup:
    """Back to the list of all regions."""
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.BUTTON_ALL_REGIONS, callback_data=RegionPick(k=""))
    return builder.as_markup()
