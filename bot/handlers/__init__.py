"""Routers, one per feature, built fresh by ``setup_routers`` (so tests can build many)."""

from __future__ import annotations

from aiogram import Router

from ..config import Settings
from . import (
    admin,
    agreements,
    ask,
    errors,
    inline,
    newsroom,
    regions,
    sources,
    start,
    subscriptions,
)

__all__ = ["setup_routers"]


def setup_routers(settings: Settings) -> list[Router]:
    """All routers in order: commands first, admin, inline, free text (catch-all) last."""
    return [
        errors.setup(),
        start.setup(),
        admin.setup(settings.admin_ids),
        newsroom.setup(settings.admin_ids, settings.paste_min_chars),
        subscriptions.setup(),
        agreements.setup(),
        regions.setup(),
        sources.setup(),
        inline.setup(),
        ask.setup(),
    ]
