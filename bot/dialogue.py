"""The conversation's memory in aiogram's FSM storage: the last turn of each chat and user.

The context lives under its own FSM *destiny*, next to (never inside) the data other features
keep in the same chat, under aiogram's default key strategy (per user in each chat, so two
people in one group, or one person in two chats, each keep their own).  It holds only
:class:`knowledge.followup.Turn` — the last question as understood, the names it mentioned and
the ids of the snippets shown — with the time it was written: a turn older than
:data:`~bot.storage.CONTEXT_TTL` is forgotten even by a storage that does not expire keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from aiogram.fsm.context import FSMContext

from knowledge.followup import Turn

from .storage import CONTEXT_TTL

__all__ = ["DESTINY", "forget", "recall", "remember"]

DESTINY = "dialogue"
_TURN = "turn"
_AT = "at"


def _context(state: FSMContext) -> FSMContext:
    """The conversation's own FSM context beside the chat's default one."""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=DESTINY))


async def recall(
    state: FSMContext | None, *, clock: Callable[[], float] = time.time
) -> Turn | None:
    """The last turn of this chat and user, if one was kept in the last 15 minutes."""
    if state is None:
        return None
    data = await _context(state).get_data()
    at = data.get(_AT)
    if not isinstance(at, int | float) or not 0 <= clock() - at <= CONTEXT_TTL:
        return None
    return Turn.from_dict(data.get(_TURN))


async def remember(
    state: FSMContext | None, turn: Turn, *, clock: Callable[[], float] = time.time
) -> None:
    """Keep ``turn`` as the context of the next message."""
    if state is not None:
        await _context(state).set_data({_TURN: turn.as_dict(), _AT: clock()})


async def forget(state: FSMContext | None) -> None:
    """Drop the context (``/start``)."""
    if state is not None:
        await _context(state).set_data({})
