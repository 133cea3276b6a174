"""Questions in free text and the buttons under answers: «Ещё», «Источник», 👍/👎.

A question is read against the previous turn of the same chat and user (kept in aiogram's FSM
storage by :mod:`bot.dialogue`): «а когда?», «а кто его подписал?», «а в Витебской?» and
«подробнее» continue the conversation, and the reply says in one line how it was understood.

This router goes last: its free-text handler takes whatever text is left, then unknown
commands are named as such, and non-text messages in private chats get a hint.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import suppress
from dataclasses import replace

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.chat_action import ChatActionSender

from knowledge import Answer
from knowledge.dialogue import shown_ids
from knowledge.intents import small_talk
from knowledge.present import Presentation, present
from knowledge.reply import EXAMPLE_QUESTIONS, answer_reply, small_talk_reply
from knowledge.service import KnowledgeService

from .. import texts
from ..dialogue import recall, remember
from ..filters import AddressedQuestion, UnknownCommand
from ..keyboards import (
    AnswerPage,
    ExampleQuestion,
    Feedback,
    SourceOf,
    answer_keyboard,
    examples_keyboard,
)
from ..render import edit, is_private, send
from ..state import StateStore

__all__ = ["answer_question", "page_size", "setup"]

logger = logging.getLogger(__name__)

CHAT_ACTION_REPEAT = 4.5  # seconds; Telegram shows «typing…» for up to 5
ADMIN_COMMAND_NAMES = frozenset(name for name, _ in texts.ADMIN_COMMANDS)


def page_size(message: Message) -> int:
    """Snippets per answer page: three in private, two in groups (keep group chats short)."""
    return 3 if is_private(message) else 2


def agreements_total(service: KnowledgeService) -> int | None:
    """How many agreements the index holds (the answer's header points to /agreements)."""
    return service.index.info.facts.get("agreements")


def _shown(answer: Answer, message: Message) -> Presentation:
    return present(answer, page_size(message))


async def answer_question(
    message: Message,
    question: str,
    bot: Bot,
    service: KnowledgeService,
    store: StateStore,
    state: FSMContext | None = None,
) -> None:
    """Understand the question in the conversation's context, search (the service decides
    on the loop or in a thread; with the typing indicator), record, keep the turn and reply.

    Small talk («спасибо», «привет») is answered in kind, never searched, and leaves the
    conversation as it was: «а где?» after «спасибо» still continues the question before.
    """
    kinds = small_talk(question)
    if kinds:
        await send(message, small_talk_reply(kinds))
        return
    thread_id = message.message_thread_id if message.is_topic_message else None
    # One «typing…» right away (a search takes milliseconds, so ChatActionSender's first
    # action could otherwise race the answer); the sender repeats it should a search be slow.
    with suppress(TelegramAPIError):
        await bot.send_chat_action(
            chat_id=message.chat.id, action=ChatAction.TYPING, message_thread_id=thread_id
        )
    async with ChatActionSender.typing(
        bot=bot,
        chat_id=message.chat.id,
        message_thread_id=thread_id,
        initial_sleep=CHAT_ACTION_REPEAT,
    ):
        count = page_size(message)
        previous = await recall(state)
        exchange = await service.converse(question, previous, page=count)
    await remember(state, exchange.turn)
    answer, shown, start = exchange.answer, exchange.presentation, exchange.start
    lead = texts.understood(exchange.resolution.understood)
    # buttons («Ещё», «Источник») find the snippets again by the question as understood
    try:
        token: str | None = store.record_question(
            exchange.resolution.question, answer.answered, message.chat.id
        )
    except sqlite3.Error as exc:  # the bot's own database costs the buttons, not the answer
        logger.error("question not recorded: %s: %s", type(exc).__name__, exc)
        token = None
    if not answer.answered:
        await send(message, answer_reply(answer, lead=lead), reply_markup=examples_keyboard(3))
        return
    await send(
        message,
        answer_reply(shown, start, count, agreements_total(service), lead),
        reply_markup=answer_keyboard(token, shown, start, count) if token else None,
    )


async def question_handler(
    message: Message,
    question: str,
    bot: Bot,
    service: KnowledgeService,
    store: StateStore,
    state: FSMContext | None = None,
) -> None:
    """Receives a text question (private, or addressed to the bot in a group)."""
    await answer_question(message, question, bot, service, store, state)


async def example_handler(
    callback: CallbackQuery,
    callback_data: ExampleQuestion,
    bot: Bot,
    service: KnowledgeService,
    store: StateStore,
    state: FSMContext | None = None,
) -> None:
    """Receives an example-question button: answers it as if it had been typed."""
    if not isinstance(callback.message, Message):
        return
    if not 0 <= callback_data.i < len(EXAMPLE_QUESTIONS):
        return
    question = EXAMPLE_QUESTIONS[callback_data.i]
    await answer_question(callback.message, question, bot, service, store, state)


async def more_handler(
    callback: CallbackQuery,
    callback_data: AnswerPage,
    callback_answer: CallbackAnswer,
    service: KnowledgeService,
    store: StateStore,
    state: FSMContext | None = None,
) -> None:
    """Receives «Ещё»/«Назад»: shows another page of snippets in the same message."""
    question = _question_of(callback, callback_data.q, store)
    if question is None or not isinstance(callback.message, Message):
        callback_answer.text = texts.STALE_BUTTON
        return
    shown = _shown(await service.ask(question), callback.message)
    count = shown.first_page
    start = max(0, callback_data.s)
    # an answer that said how it understood the question keeps saying it on every page
    understood = (callback.message.text or "").startswith(texts.UNDERSTOOD)
    lead = texts.understood(question) if understood else ()
    await edit(
        callback.message,
        answer_reply(shown, start, count, agreements_total(service), lead),
        reply_markup=answer_keyboard(callback_data.q, shown, start, count)
        if shown.answered
        else None,
    )
    turn = await recall(state)
    if turn is not None and turn.question == question:
        # a typed «ещё» goes on from the page the buttons reached
        ids = tuple(dict.fromkeys([*turn.answer_ids, *shown_ids(shown, start, count)]))
        await remember(state, replace(turn, answer_ids=ids))


async def source_handler(
    callback: CallbackQuery,
    callback_data: SourceOf,
    callback_answer: CallbackAnswer,
    service: KnowledgeService,
    store: StateStore,
) -> None:
    """Receives «Источник»: sends the paragraph around the snippet, with its article."""
    question = _question_of(callback, callback_data.q, store)
    if question is None or not isinstance(callback.message, Message):
        callback_answer.text = texts.STALE_BUTTON
        return
    context = await service.snippet_context(question, callback_data.n, page_size(callback.message))
    if context is None:
        callback_answer.text = texts.SOURCE_GONE
        return
    paragraph, source = context
    await send(callback.message, texts.source_reply(paragraph, source))


async def feedback_handler(
    callback: CallbackQuery,
    callback_data: Feedback,
    callback_answer: CallbackAnswer,
    store: StateStore,
) -> None:
    """Receives 👍/👎: stores the vote (the last one counts) and thanks."""
    if (
        callback_data.v not in texts.FEEDBACK_THANKS
        or callback.message is None
        or not store.set_feedback(callback_data.q, callback.message.chat.id, callback_data.v)
    ):
        callback_answer.text = texts.STALE_BUTTON  # also a token of another chat
        return
    callback_answer.text = texts.FEEDBACK_THANKS[callback_data.v]


def _question_of(callback: CallbackQuery, token: str, store: StateStore) -> str | None:
    """The question behind a button's token, only in the chat it was asked in."""
    if callback.message is None:
        return None
    return store.question(token, callback.message.chat.id)


async def unknown_button_handler(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    """Receives a button press no handler understood (a button from an older version of the
    bot, or data a modified client made up): answer it, or the button keeps spinning."""
    callback_answer.text = texts.STALE_BUTTON


async def unknown_command_handler(message: Message, command_name: str) -> None:
    """Receives a command nobody handled (admin commands from non-admins end up here too)."""
    if command_name in ADMIN_COMMAND_NAMES:
        logger.warning(
            "admin command /%s refused: user %s is not an admin or not in a private chat",
            command_name,
            message.from_user.id if message.from_user else None,
        )
    await send(message, texts.UNKNOWN_COMMAND)


async def non_text_handler(message: Message) -> None:
    """Receives stickers, photos, voice and other non-text messages in a private chat.

    A document here is an upload from someone who is not an admin (the admin router takes
    admins' documents): refused like any non-text message, and logged like admin commands.
    """
    if message.document is not None:
        logger.warning(
            "document upload refused: user %s is not an admin",
            message.from_user.id if message.from_user else None,
        )
    await send(message, texts.NON_TEXT_HINT)


def setup() -> Router:
    """The router for questions and answer buttons; include it last."""
    router = Router(name=__name__)
    router.callback_query.register(example_handler, ExampleQuestion.filter())
    router.callback_query.register(more_handler, AnswerPage.filter())
    router.callback_query.register(source_handler, SourceOf.filter())
    router.callback_query.register(feedback_handler, Feedback.filter())
    router.callback_query.register(unknown_button_handler)  # after every other button
    router.message.register(unknown_command_handler, UnknownCommand())
    router.message.register(question_handler, AddressedQuestion())
    router.message.register(non_text_handler, F.chat.type == ChatType.PRIVATE, ~F.text)
    return router
