"""/region: everything about one region, tolerant of case forms, cities and typos."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from knowledge.reply import region_reply, region_unknown_reply
from knowledge.service import KnowledgeService
from knowledge.suggest import region_suggestions

from .. import texts
from ..keyboards import RegionPick, region_back_keyboard, regions_keyboard
from ..render import edit, send

__all__ = ["setup"]


async def command_region_handler(
    message: Message, command: CommandObject, service: KnowledgeService
) -> None:
    """Receives /region [name] (also /region@bot name in groups)."""
    index = service.index
    query = (command.args or "").strip()
    if not query:
        regions = index.regions()
        text = texts.REGION_PICK if regions else texts.NO_REGIONS
        await send(message, text, reply_markup=regions_keyboard(regions))
        return
    match = region_suggestions(query, index.find_region(query))
    report = index.region_report(match.region.key) if match.region else None
    if report is None:
        # no look-alike to offer: every region the articles cover, as buttons
        offered = match.suggestions or index.regions()
        await send(
            message,
            region_unknown_reply(query, match),
            reply_markup=regions_keyboard(offered),
        )
        return
    await send(message, region_reply(report), reply_markup=region_back_keyboard())


async def region_pick_handler(
    callback: CallbackQuery, callback_data: RegionPick, service: KnowledgeService
) -> None:
    """Receives a region button: shows the region (or the list again) in the same message."""
    if not isinstance(callback.message, Message):
        return
    index = service.index
    report = index.region_report(callback_data.k) if callback_data.k else None
    if report is None:
        regions = index.regions()
        text = texts.REGION_PICK if regions else texts.NO_REGIONS
        await edit(callback.message, text, reply_markup=regions_keyboard(regions))
        return
    await edit(callback.message, region_reply(report), reply_markup=region_back_keyboard())


def setup() -> Router:
    """The router for /region and the region buttons."""
    router = Router(name=__name__)
    router.message.register(command_region_handler, Command("region"))
    router.callback_query.register(region_pick_handler, RegionPick.filter())
    return router
