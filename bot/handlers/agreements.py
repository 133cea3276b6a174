"""/agreements: every agreement found in the articles, paged by editing one message."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from knowledge.reply import agreements_reply
from knowledge.service import KnowledgeService

from ..keyboards import AgreementsPage, agreements_keyboard
from ..render import edit, send

__all__ = ["PER_PAGE", "setup"]

PER_PAGE = 5


async def command_agreements_handler(message: Message, service: KnowledgeService) -> None:
    """Receives /agreements: the first page."""
    reply, pages = agreements_reply(service.index.agreements(), 0, PER_PAGE)
    await send(message, reply, reply_markup=agreements_keyboard(0, pages))


async def agreements_page_handler(
    callback: CallbackQuery, callback_data: AgreementsPage, service: KnowledgeService
) -> None:
    """Receives «Назад»/«Дальше» under /agreements: shows that page in the same message."""
    if not isinstance(callback.message, Message):
        return
    agreements = service.index.agreements()
    reply, pages = agreements_reply(agreements, callback_data.p, PER_PAGE)
    page = max(0, min(callback_data.p, pages - 1))
    await edit(callback.message, reply, reply_markup=agreements_keyboard(page, pages))


def setup() -> Router:
    """The router for /agreements and its page buttons."""
    router = Router(name=__name__)
    router.message.register(command_agreements_handler, Command("agreements"))
    router.callback_query.register(agreements_page_handler, AgreementsPage.filter())
    return router
