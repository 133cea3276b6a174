"""Inline mode: ``@bot вопрос`` in any chat, up to five sourced snippets."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import (
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InlineQueryResultUnion,
    InputTextMessageContent,
)

from knowledge.present import present
from knowledge.reply import plain, source_name, verdict_reply
from knowledge.service import KnowledgeService

from .. import texts
from ..render import to_text

__all__ = ["CACHE_TIME", "MAX_RESULTS", "setup"]

MAX_RESULTS = 5
# Short, so that results after an admin's /reload show up within a minute.
CACHE_TIME = 30
START_PARAMETER = "inline"
TITLE_CHARS = 90


def _title(text: str) -> str:
    if len(text) <= TITLE_CHARS:
        return text
    cut = text[: TITLE_CHARS - 1]
    return (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"


async def inline_query_handler(inline_query: InlineQuery, service: KnowledgeService) -> None:
    """Receives an inline query: snippets with sources, or a button that opens the bot."""
    question = inline_query.query.strip()
    answer = await service.ask(question) if question else None
    results: list[InlineQueryResultUnion] = []
    if answer is not None and answer.answered:
        shown = present(answer, MAX_RESULTS)
        verdict = verdict_reply(shown)
        if verdict:
            card = to_text(verdict)
            results.append(
                InlineQueryResultArticle(
                    id="verdict",
                    title=_title(plain(verdict)),
                    description=texts.INLINE_VERDICT,
                    input_message_content=InputTextMessageContent(
                        **card.as_kwargs(text_key="message_text")
                    ),
                )
            )
        for snippet in shown.snippets[:MAX_RESULTS]:
            card = to_text(texts.inline_card(snippet))
            results.append(
                InlineQueryResultArticle(
                    id=str(snippet.passage_id),
                    title=_title(snippet.text),
                    description=source_name(snippet.source),
                    input_message_content=InputTextMessageContent(
                        **card.as_kwargs(text_key="message_text")
                    ),
                )
            )
    button = None
    if not results:
        label = texts.INLINE_NOTHING_BUTTON if question else texts.INLINE_EMPTY_BUTTON
        button = InlineQueryResultsButton(text=label, start_parameter=START_PARAMETER)
    await inline_query.answer(results, cache_time=CACHE_TIME, button=button)


def setup() -> Router:
    """The router for inline queries."""
    router = Router(name=__name__)
    router.inline_query.register(inline_query_handler)
    return router
