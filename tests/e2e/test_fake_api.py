"""The loopback Bot API server behaves like Telegram, as seen by aiogram's real ``Bot``.

If these pass, a 400 seen in the end-to-end tests is the bot's fault, not the server's.
"""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates, SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from aiogram.utils.backoff import BackoffConfig
from aiogram.utils.formatting import Bold, Text, TextLink
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.limits import utf16_len

from .conftest import make_bot
from .fake_api import ANONYMOUS_ADMIN_ID, FakeTelegram
from .telegram_text import parse_html, parse_markdown, parse_markdown_v2


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(buttons)])


def cb(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


# -- basics -------------------------------------------------------------------------------------


async def test_get_me_token_and_unknown_method(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == tg.username and me.id == tg.bot_id and me.supports_inline_queries
    stranger = make_bot(tg, token="123456:WRONG-token-bbbbbbbbbbbbbbbbbbbbbbbbbbbb")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{tg.url}/bot{tg.token}/sendTelepathy") as resp,
    ):
        assert resp.status == 404
        assert (await resp.json())["ok"] is False
    assert [c.method for c in tg.calls] == ["getMe", "getMe", "sendTelepathy"]
    assert tg.calls[1].status == 401


async def test_request_bodies_json_form_multipart_and_get(tg: FakeTelegram) -> None:
    user = tg.new_user()
    markup = {"inline_keyboard": [[{"text": "Ещё", "callback_data": "more:1"}]]}
    base = f"{tg.url}/bot{tg.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{base}/sendMessage",
            json={"chat_id": user["id"], "text": "json", "reply_markup": markup},
        ) as resp:
            assert (await resp.json())["ok"]
        form = {"chat_id": str(user["id"]), "text": "123", "reply_markup": json.dumps(markup)}
        async with http.post(f"{base}/sendMessage", data=form) as resp:
            assert (await resp.json())["ok"]
        multipart = aiohttp.FormData()
        multipart.add_field("chat_id", str(user["id"]))
        multipart.add_field("text", "true")
        multipart.add_field("document", b"bytes", filename="a.txt")
        async with http.post(f"{base}/sendMessage", data=multipart) as resp:
            assert (await resp.json())["ok"]
        async with http.get(
            f"{base}/sendMessage", params={"chat_id": user["id"], "text": "get"}
        ) as r:
            assert (await r.json())["result"]["text"] == "get"
    json_call, form_call, multi_call, get_call = tg.calls_of("sendMessage")
    assert json_call.params["reply_markup"] == markup
    assert form_call.params == {"chat_id": user["id"], "text": "123", "reply_markup": markup}
    assert multi_call.params["text"] == "true" and multi_call.files["document"] == (
        "a.txt",
        b"bytes",
    )
    assert get_call.http_method == "GET"


# -- sending and text validation ------------------------------------------------------------------


async def test_send_message_is_recorded_with_parsed_html(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    mark = tg.mark()
    sent = await bot.send_message(
        user["id"],
        '<b>Жирный</b> &lt;тег&gt; &amp; <a href="https://www.belta.by/x">БЕЛТА</a> 😀<i>и</i>',
        parse_mode="HTML",
        reply_markup=keyboard(cb("Ещё", "more:1")),
    )
    assert sent.text == "Жирный <тег> & БЕЛТА 😀и"
    kinds = [(e.type, e.offset, e.length) for e in sent.entities or []]
    assert kinds == [("bold", 0, 6), ("text_link", 15, 5), ("italic", 23, 1)]
    call = await tg.wait_for("sendMessage", since=mark, chat_id=user["id"])
    assert call.ok and call.params["parse_mode"] == "HTML" and call.text == sent.text
    assert [b["callback_data"] for b in call.buttons()] == ["more:1"]
    assert tg.chat_messages(user["id"], from_bot=True)[-1]["text"] == sent.text


async def test_formatting_entities_and_limits_in_utf16(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    content = Text(Bold("Итоги"), " 👍 ", TextLink("источник", url="https://tass.ru/x"))
    sent = await bot.send_message(user["id"], **content.as_kwargs())
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [
        ("bold", 0, 5),
        ("text_link", 9, 8),
    ]
    await bot.send_message(user["id"], "я" * 4096)
    await bot.send_message(user["id"], "😀" * 2048)  # 4096 UTF-16 units
    await bot.send_message(user["id"], "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(user["id"], "  padded  \n")
    assert tg.chat_messages(user["id"])[-1]["text"] == "padded"
    for too_long in ("я" * 4097, "😀" * 2049):
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(user["id"], too_long)
    assert len(tg.rejected()) == 2


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": ""}, "message text is empty"),
        ({"text": " \n\t "}, "message text is empty"),
        ({"text": "<b> </b>", "parse_mode": "HTML"}, "message text is empty"),
        ({"text": "строка<br>строка", "parse_mode": "HTML"}, 'Unsupported start tag "br"'),
        ({"text": "<p>абзац</p>", "parse_mode": "HTML"}, 'Unsupported start tag "p"'),
        ({"text": "<script>x</script>", "parse_mode": "HTML"}, "Unsupported start tag"),
        ({"text": "если 1 < 2", "parse_mode": "HTML"}, "can't parse entities"),
        ({"text": "Рога & копыта", "parse_mode": "HTML"}, 'unescaped "&"'),
        ({"text": "&nbsp;", "parse_mode": "HTML"}, 'unescaped "&"'),
        ({"text": "<b>x</i>", "parse_mode": "HTML"}, "Unmatched end tag"),
        ({"text": "<b>жирный", "parse_mode": "HTML"}, "Can't find end tag"),
        ({"text": "x</b>", "parse_mode": "HTML"}, "Unexpected end tag"),
        ({"text": "<span>x</span>", "parse_mode": "HTML"}, "tg-spoiler"),
        ({"text": "<a href='x'>x", "parse_mode": "HTML"}, "Can't find end tag"),
        ({"text": "1.5 млн", "parse_mode": "MarkdownV2"}, "Character '.' is reserved"),
        ({"text": "*жирный", "parse_mode": "MarkdownV2"}, "Can't find end of Bold"),
        ({"text": "_курсив", "parse_mode": "Markdown"}, "Can't find end of the entity"),
        ({"text": "x", "parse_mode": "BBCode"}, "unsupported parse_mode"),
        (
            {"text": "abc", "entities": [MessageEntity(type="bold", offset=2, length=5)]},
            "out of the text bounds",
        ),
        (
            {"text": "😀x", "entities": [MessageEntity(type="bold", offset=1, length=2)]},
            "surrogate pair",
        ),
        (
            {"text": "abc", "entities": [MessageEntity(type="text_link", offset=0, length=1)]},
            "non-empty url",
        ),
    ],
)
async def test_text_rejected_like_telegram(
    tg: FakeTelegram, bot: Bot, kwargs: dict[str, Any], error: str
) -> None:
    user = tg.new_user()
    with pytest.raises(TelegramBadRequest, match="Bad Request: ") as info:
        await bot.send_message(user["id"], **kwargs)
    assert error in info.value.message
    [call] = tg.rejected()
    assert call.status == 400 and call.ok is False


def test_html_parser_accepts_the_whole_allowed_set() -> None:
    text = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="tg://user?id=42">m</a><code>c</code><pre><code class="language-python">x=1'
        "</code></pre><blockquote expandable>z</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &quot;&#33;&#x21;&gt;'
    )
    plain, entities = parse_html(text)
    assert plain == 'bsieunskdpqmcx=1z👍 "!!>'
    kinds = [e["type"] for e in entities]
    assert kinds == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough",
        "strikethrough", "strikethrough", "spoiler", "spoiler", "text_mention", "code", "pre",
        "expandable_blockquote", "custom_emoji",
    ]  # fmt: skip
    assert entities[13]["language"] == "python"
    assert parse_html("A & B", strict_ampersand=False) == ("A & B", [])
    assert (
        parse_markdown_v2(r"*жир* _кур_ __под__ ||спойлер|| [БЕЛТА](https://belta.by) 1\.5")[0]
        == "жир кур под спойлер БЕЛТА 1.5"
    )
    assert parse_markdown("*a* _b_ `c` [d](https://x.org)")[0] == "a b c d"
    assert utf16_len("я😀") == 3


# -- keyboards -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("buttons", "error"),
    [
        ([[cb("Ещё", "x" * 65)]], "BUTTON_DATA_INVALID"),
        ([[cb("Регион", "r:" + "ы" * 32)]], "BUTTON_DATA_INVALID"),  # 66 bytes
        ([[cb("Пусто", "")]], "BUTTON_DATA_INVALID"),
        ([[InlineKeyboardButton(text="Сайт", url="not a url")]], "BUTTON_URL_INVALID"),
        ([[InlineKeyboardButton(text="JS", url="javascript:alert(1)")]], "BUTTON_URL_INVALID"),
        ([[InlineKeyboardButton(text="Сайт", url="https://")]], "BUTTON_URL_INVALID"),
        ([[InlineKeyboardButton(text="Ничего")]], "Text buttons are unallowed"),
        ([[cb("", "x")]], "BUTTON_TEXT_EMPTY"),
        ([[cb(str(i), str(i)) for i in range(9)]], "too many buttons in a row"),
        ([[cb(str(i), str(i))] for i in range(101)], "reply markup is too long"),
    ],
)
async def test_inline_keyboard_rejected(
    tg: FakeTelegram, bot: Bot, buttons: list[list[InlineKeyboardButton]], error: str
) -> None:
    user = tg.new_user()
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.send_message(
            user["id"], "текст", reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
        )


async def test_inline_keyboard_limits_accepted(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    builder = InlineKeyboardBuilder()
    builder.button(text="64 байта", callback_data="x" * 64)
    builder.button(text="32 кириллицей", callback_data="ы" * 32)
    builder.button(text="БЕЛТА", url="https://www.belta.by/economics/view/x-123/")
    builder.button(text="Спросить", switch_inline_query_current_chat="")
    builder.adjust(2)
    sent = await bot.send_message(user["id"], "ok", reply_markup=builder.as_markup())
    assert sent.reply_markup is not None and len(sent.reply_markup.inline_keyboard) == 2


# -- edits, replies, callbacks --------------------------------------------------------------------


async def test_edit_message_text_and_markup(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    markup = keyboard(cb("Ещё", "more:1"))
    sent = await bot.send_message(user["id"], "страница 1", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="страница 1", chat_id=user["id"], message_id=sent.message_id, reply_markup=markup
        )
    edited = await bot.edit_message_text(
        text="страница 2", chat_id=user["id"], message_id=sent.message_id, reply_markup=markup
    )
    assert isinstance(edited, Message) and edited.text == "страница 2"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=user["id"], message_id=sent.message_id, reply_markup=markup
        )
    await bot.edit_message_reply_markup(
        chat_id=user["id"], message_id=sent.message_id, reply_markup=keyboard(cb("Назад", "p:0"))
    )
    # editMessageText without reply_markup removes the keyboard, as in Telegram
    await bot.edit_message_text(text="без кнопок", chat_id=user["id"], message_id=sent.message_id)
    assert "reply_markup" not in tg.message(user["id"], sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=user["id"], message_id=9999)
    question = tg.private_text(user, "вопрос")["message"]
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text(
            text="x", chat_id=user["id"], message_id=question["message_id"]
        )
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.edit_message_text(text="x", chat_id=424242, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "кому?")


async def test_replies_must_point_at_existing_messages(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    group = tg.new_group()
    asked = tg.group_text(user, group, "/region@innoprom_test_bot Смоленская")["message"]
    reply = await bot.send_message(
        group["id"], "ответ", reply_parameters=ReplyParameters(message_id=asked["message_id"])
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == asked["message_id"]
    call = tg.calls_of("sendMessage")[-1]
    assert call.reply_to == asked["message_id"]
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(group["id"], "x", reply_parameters=ReplyParameters(message_id=777))
    await bot.send_message(
        group["id"],
        "x",
        reply_parameters=ReplyParameters(message_id=777, allow_sending_without_reply=True),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def test_callback_queries_are_answered_once(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    sent = await bot.send_message(user["id"], "ответ", reply_markup=keyboard(cb("👍", "fb:1:up")))
    call = tg.calls_of("sendMessage")[-1]
    update = tg.press_button(user, call, contains="👍")
    query = update["callback_query"]
    assert query["data"] == "fb:1:up" and query["message"]["message_id"] == sent.message_id
    assert CallbackQuery.model_validate(query).message is not None
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query["id"], text="я" * 201)
    assert await bot.answer_callback_query(query["id"], text="я" * 200)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("12345")
    with pytest.raises(LookupError, match="buttons: \\['👍'\\]"):
        tg.press_button(user, call, text="Ещё")


async def test_chat_action(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    assert await bot.send_chat_action(user["id"], "typing")
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(user["id"], "dancing")


# -- commands, inline, files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "description", "error"),
    [
        ("Start", "Начать", "BOT_COMMAND_INVALID"),
        ("регион", "Регион", "BOT_COMMAND_INVALID"),
        ("/start", "Начать", "BOT_COMMAND_INVALID"),
        ("a" * 33, "Длинная", "BOT_COMMAND_INVALID"),
        ("start", "", "BOT_COMMAND_DESCRIPTION_INVALID"),
        ("start", "я" * 257, "BOT_COMMAND_DESCRIPTION_INVALID"),
    ],
)
async def test_set_my_commands_rejected(
    tg: FakeTelegram, bot: Bot, command: str, description: str, error: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.set_my_commands([BotCommand(command=command, description=description)])


async def test_commands_scopes_and_limits(tg: FakeTelegram, bot: Bot) -> None:
    admin, user = tg.new_user("Админ"), tg.new_user()
    public = [BotCommand(command="start", description="Начать"), BotCommand(command="a" * 32,
              description="я" * 256)]  # fmt: skip
    private = BotCommandScopeAllPrivateChats()
    assert await bot.set_my_commands(public, scope=private, language_code="ru")
    admin_scope = BotCommandScopeChat(chat_id=admin["id"])
    admin_cmds = [*public, BotCommand(command="reload", description="Перечитать статьи")]
    await bot.set_my_commands(admin_cmds, scope=admin_scope)
    got = await bot.get_my_commands(scope=private, language_code="ru")
    assert [c.command for c in got] == ["start", "a" * 32]
    assert await bot.get_my_commands() == []
    names = [c["command"] for c in tg.visible_commands(admin["id"], language_code="ru")]
    assert "reload" in names
    assert "reload" not in [
        c["command"] for c in tg.visible_commands(user["id"], language_code="ru")
    ]
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(public, scope=BotCommandScopeChat(chat_id=31337))
    with pytest.raises(TelegramBadRequest, match="too many commands"):
        await bot.set_my_commands(
            [BotCommand(command=f"c{i}", description="x") for i in range(101)]
        )
    await bot.delete_my_commands(scope=admin_scope)
    assert tg.visible_commands(admin["id"], language_code="ru") == tg.visible_commands(
        user["id"], language_code="ru"
    )


def article(result_id: str, text: str = "ответ", **content: Any) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id,
        title="Заголовок",
        input_message_content=InputTextMessageContent(message_text=text, **content),
    )


@pytest.mark.parametrize(
    ("results", "extra", "error"),
    [
        ([article(str(i)) for i in range(51)], {}, "RESULTS_TOO_MUCH"),
        ([article("1"), article("1")], {}, "RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], {}, "RESULT_ID_INVALID"),
        ([article("ы" * 33)], {}, "RESULT_ID_INVALID"),
        ([article("1", "a<br>b", parse_mode="HTML")], {}, "Unsupported start tag"),
        ([article("1", "я" * 4097)], {}, "MESSAGE_TOO_LONG"),
        (
            [],
            {"button": InlineQueryResultsButton(text="Открыть", start_parameter="с пробелом")},
            "START_PARAM_INVALID",
        ),
    ],
)
async def test_answer_inline_query_rejected(
    tg: FakeTelegram, bot: Bot, results: list[Any], extra: dict[str, Any], error: str
) -> None:
    query = tg.inline_query(tg.new_user(), "посетители")["inline_query"]
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.answer_inline_query(query["id"], results, **extra)


async def test_answer_inline_query_accepted_once(tg: FakeTelegram, bot: Bot) -> None:
    query = tg.inline_query(tg.new_user(), "посетители")["inline_query"]
    results = [article(str(i), f"<b>{i}</b>", parse_mode="HTML") for i in range(50)]
    assert await bot.answer_inline_query(query["id"], results, cache_time=30)
    assert len(tg.inline_answers[query["id"]]["results"]) == 50
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_inline_query(query["id"], [])
    empty = tg.inline_query(tg.new_user(), "абракадабра")["inline_query"]
    button = InlineQueryResultsButton(text="Ничего не найдено — открыть бота", start_parameter="q")
    assert await bot.answer_inline_query(empty["id"], [], button=button, cache_time=30)


async def test_get_file_and_download(tg: FakeTelegram, bot: Bot) -> None:
    admin = tg.new_user()
    content = "Статья о выставке ИННОПРОМ.\n".encode()
    update = tg.document_message(admin, content, file_name="../../etc/passwd.txt")
    document = update["message"]["document"]
    file = await bot.get_file(document["file_id"])
    assert file.file_size == len(content) and file.file_path
    assert "passwd" not in file.file_path
    buffer = io.BytesIO()
    await bot.download(file, destination=buffer)
    assert buffer.getvalue() == content
    assert tg.calls_of("download")[-1].ok
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")
    big = tg.document_message(admin, b"x", file_size=25 * 1024 * 1024)["message"]["document"]
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big["file_id"])


# -- getUpdates ----------------------------------------------------------------------------------


async def test_long_polling_returns_as_soon_as_an_update_is_queued(
    tg: FakeTelegram, bot: Bot
) -> None:
    user = tg.new_user()
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    pushed = tg.push_update(tg.private_text(user, "привет"))
    updates = await asyncio.wait_for(poll, 2)
    elapsed = loop.time() - started
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    assert 0.2 <= elapsed < 1.0
    assert updates[0].message is not None and updates[0].message.text == "привет"


async def test_long_polling_times_out_empty(tg: FakeTelegram) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{tg.url}/bot{tg.token}/getUpdates", json={"timeout": 0.4}) as resp,
    ):
        assert await resp.json() == {"ok": True, "result": []}
    assert 0.35 <= loop.time() - started < 1.0


async def test_offset_confirms_updates(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    ids = [tg.push_update(tg.private_text(user, f"m{i}"))["update_id"] for i in range(3)]
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == ids[:2]
    again = await bot.get_updates()  # no offset: nothing is confirmed yet
    assert [u.update_id for u in again] == ids
    rest = await bot.get_updates(offset=ids[1] + 1)
    assert [u.update_id for u in rest] == ids[2:]
    assert await bot.get_updates(offset=ids[2] + 1) == []
    more = [tg.push_update(tg.private_text(user, f"n{i}"))["update_id"] for i in range(3)]
    last = await bot.get_updates(offset=-1)
    assert [u.update_id for u in last] == more[2:]
    assert [u.update_id for u in await bot.get_updates()] == more[2:]  # the rest was forgotten


async def test_allowed_updates_are_remembered(tg: FakeTelegram, bot: Bot) -> None:
    user = tg.new_user()
    sent = await bot.send_message(user["id"], "x", reply_markup=keyboard(cb("a", "a")))
    tg.push_update(tg.press_button(user, tg.calls_of("sendMessage")[-1]))
    msg = tg.push_update(tg.private_text(user, "текст"))
    got = await bot.get_updates(allowed_updates=["message"])
    assert [u.update_id for u in got] == [msg["update_id"]]
    assert tg.dropped_updates[0]["callback_query"]["message"]["message_id"] == sent.message_id
    tg.push_update(tg.inline_query(user, "q"))
    assert [u.update_id for u in await bot.get_updates(offset=msg["update_id"] + 1)] == []
    inline = tg.push_update(tg.inline_query(user, "q2"))
    got = await bot.get_updates(allowed_updates=[])  # back to the default set
    assert [u.update_id for u in got] == [inline["update_id"]]


async def test_two_pollers_conflict_and_webhook_conflict(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(bot.get_updates(timeout=0))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 2)
    assert await second == []
    await bot.set_webhook("https://example.org/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []


def test_update_builders_make_valid_aiogram_updates(tg: FakeTelegram) -> None:
    user, admin = tg.new_user("Аня", username="anya"), tg.new_user("Админ", user_id=42)
    group = tg.new_group()
    bot_msg = {
        "message_id": 99, "date": 0, "chat": group, "from": tg.bot_user, "text": "ответ",
        "reply_markup": {"inline_keyboard": [[{"text": "Ещё", "callback_data": "m:1"}]]},
    }  # fmt: skip
    tg.messages[(group["id"], 99)] = bot_msg
    updates = [
        tg.private_text(user, "/start"),
        tg.group_text(user, group, "😀 вопрос", mention=True),
        tg.group_text(user, group, "/region@innoprom_test_bot Смоленская"),
        tg.group_text(user, group, "а сколько?", reply_to=bot_msg),
        tg.group_text(user, group, "/reload", anonymous_admin=True),
        tg.press_button(user, bot_msg, text="Ещё"),
        tg.inline_query(user, "посетители"),
        tg.document_message(admin, b"text", file_name="a.txt"),
        tg.media_message(user, "sticker"),
        tg.media_message(user, "photo", caption="фото"),
        tg.media_message(user, "voice"),
        tg.media_message(user, "location"),
        tg.media_message(user, "contact"),
    ]
    updates.append(tg.edited_message(updates[0]["message"], "/help"))
    parsed = [
        Update.model_validate({"update_id": n, **u}, context={"bot": None})
        for n, u in enumerate(updates, 1)
    ]
    assert [p.event_type for p in parsed] == [
        *["message"] * 5, "callback_query", "inline_query", *["message"] * 6, "edited_message",
    ]  # fmt: skip
    mention = parsed[1].message
    assert mention is not None and mention.entities is not None
    assert mention.entities[0].type == "mention" and mention.entities[0].offset == 0
    assert mention.text == "@innoprom_test_bot 😀 вопрос"
    command = parsed[2].message
    assert command is not None and command.entities is not None
    assert command.entities[0].type == "bot_command" and command.entities[0].length == 25
    replied = parsed[3].message
    assert replied is not None and replied.reply_to_message is not None
    assert replied.reply_to_message.from_user is not None
    assert replied.reply_to_message.from_user.id == tg.bot_id
    anon = parsed[4].message
    assert anon is not None and anon.from_user is not None and anon.sender_chat is not None
    assert anon.from_user.id == ANONYMOUS_ADMIN_ID
    assert parsed[13].edited_message is not None and parsed[13].edited_message.text == "/help"


# -- faults --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "exception", "text"),
    [
        ("retry_after", TelegramRetryAfter, "retry after 3"),
        ("server_error", TelegramServerError, "Internal Server Error"),
        ("blocked", TelegramForbiddenError, "bot was blocked by the user"),
        ("conflict", TelegramConflictError, "Conflict"),
        ("drop", TelegramNetworkError, "ServerDisconnected"),
    ],
)
async def test_injected_faults_raise_the_aiogram_exception(
    tg: FakeTelegram, bot: Bot, kind: Any, exception: type[Exception], text: str
) -> None:
    user = tg.new_user()
    tg.inject("sendMessage", kind, retry_after=3)
    with pytest.raises(exception, match=text) as info:
        await bot.send_message(user["id"], "ответ")
    if kind == "retry_after":
        assert isinstance(info.value, TelegramRetryAfter) and info.value.retry_after == 3
    assert await bot.send_message(user["id"], "снова")  # only the next call was affected
    faulty, fine = tg.calls_of("sendMessage")
    assert faulty.fault == kind and fine.fault is None and fine.ok
    assert tg.rejected() == []  # injected faults are not the bot's fault
    assert len(tg.chat_messages(user["id"])) == 1  # the failed send never arrived


async def test_fault_counts_predicates_delay_and_timeout(tg: FakeTelegram, bot: Bot) -> None:
    alice, bob = tg.new_user(), tg.new_user()
    tg.inject("sendMessage", "server_error", times=2, when=lambda p: p["chat_id"] == alice["id"])
    assert await bot.send_message(bob["id"], "бобу")
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(alice["id"], "алисе")
    assert await bot.send_message(alice["id"], "алисе")
    loop = asyncio.get_running_loop()
    tg.inject("sendMessage", "delay", delay=0.3)
    started = loop.time()
    await bot.send_message(bob["id"], "медленно")
    assert loop.time() - started >= 0.3
    tg.inject("sendMessage", "timeout")
    with pytest.raises(TelegramNetworkError, match="timeout"):
        await bot(SendMessage(chat_id=bob["id"], text="в пустоту"), request_timeout=0.3)
    assert [m["text"] for m in tg.chat_messages(bob["id"])] == ["бобу", "медленно"]
    tg.inject("getUpdates", "retry_after", retry_after=5)
    with pytest.raises(TelegramRetryAfter):
        await bot(GetUpdates())
    tg.inject("download", "drop", times=2)  # aiohttp itself retries an idempotent GET once
    file = tg.register_file(b"x")
    with pytest.raises(aiohttp.ServerDisconnectedError):  # aiogram does not wrap download errors
        await bot.download_file(file.file_path, destination=io.BytesIO())


async def test_blocked_chat_gets_403_and_others_are_served(tg: FakeTelegram, bot: Bot) -> None:
    alice, bob = tg.new_user(), tg.new_user()
    tg.block_chat(alice["id"])
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(alice["id"], "x")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(alice["id"], "typing")
    assert await bot.send_message(bob["id"], "x")
    tg.unblock_chat(alice["id"])
    assert await bot.send_message(alice["id"], "x")


# -- a real aiogram polling loop -----------------------------------------------------------------


async def test_dispatcher_polling_round_trip(tg: FakeTelegram) -> None:
    """aiogram's own polling loop works against the server: updates once, buttons, recovery."""
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(
            f"Вы спросили: {message.text}", reply_markup=keyboard(cb("Ещё", "more:1"))
        )

    @dp.callback_query(F.data == "more:1")
    async def more(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("Страница 2")
        await query.answer()

    user = tg.new_user()
    client = make_bot(tg)
    tg.inject("getUpdates", "server_error")  # the first poll fails; aiogram backs off and retries
    polling = asyncio.create_task(
        dp.start_polling(
            client,
            handle_signals=False,
            polling_timeout=5,
            backoff_config=BackoffConfig(min_delay=0.05, max_delay=0.2, factor=1.5, jitter=0),
        )
    )
    try:
        tg.push_update(tg.private_text(user, "Сколько было посетителей?"))
        sent = await tg.wait_for("sendMessage", chat_id=user["id"], timeout=5)
        assert sent.text == "Вы спросили: Сколько было посетителей?"
        tg.push_update(tg.press_button(user, sent, text="Ещё"))
        edit = await tg.wait_for("editMessageText", chat_id=user["id"])
        assert (
            edit.ok and tg.message(user["id"], sent.result["message_id"])["text"] == "Страница 2"
        )
        await tg.wait_for("answerCallbackQuery", ok=True)
        assert len(tg.delivered) == len(set(tg.delivered)) == 2  # each update delivered once
        polls = tg.calls_of("getUpdates")
        assert polls[0].fault == "server_error" and polls[-1].params["timeout"] == 5
        assert set(polls[-1].params["allowed_updates"]) == {"message", "callback_query"}
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)
    assert tg.rejected() == []
