"""/start, /help, /sources, /agreements, /region and the command menu."""

from __future__ import annotations

import re

import pytest
from bot_testkit import ADMIN_ID, Harness, labels, only

from bot import texts
from knowledge.reply import EXAMPLE_QUESTIONS


async def test_start_says_what_the_bot_knows(harness: Harness) -> None:
    """/start: the exhibition, the number of articles, the latest date, examples as buttons."""
    sent = only(await harness.private().send("/start"), "sendMessage")
    assert "«ИННОПРОМ. Беларусь»" in sent.text
    assert "по 5 статьям" in sent.text
    assert "1 октября 2025" in sent.text
    assert labels(sent) == list(EXAMPLE_QUESTIONS)
    assert "/reload" not in sent.text


async def test_help_is_not_start_and_deep_link_start_is_start(harness: Harness) -> None:
    """/help explains how to ask (examples of each kind, the buttons, inline mode, the
    commands) and is not /start; /start inline (the inline-mode button) is /start."""
    chat = harness.private()
    start_text = only(await chat.send("/start"), "sendMessage").text
    help_text = only(await chat.send("/help"), "sendMessage").text
    assert help_text != start_text
    assert "/help" in start_text
    for part in ("Цифры:", "Соглашения:", "Люди:", "Регионы:", "Даты и места:"):
        assert part in help_text
    for part in (texts.BUTTON_SOURCE, texts.BUTTON_MORE, "@innoprom_belarus_bot вопрос"):
        assert part in help_text
    for command in ("/region", "/agreements", "/sources"):
        assert command in help_text
    assert only(await chat.send("/start inline"), "sendMessage").text == start_text


async def test_admin_help_lists_admin_commands(harness: Harness) -> None:
    """An admin's /help adds /reload, /stats and the upload hint."""
    sent = only(await harness.admin().send("/help"), "sendMessage")
    assert "/reload" in sent.text and "/stats" in sent.text and ".txt" in sent.text


async def test_every_menu_command_has_a_handler_and_is_in_help(harness: Harness) -> None:
    """Meta-test: what the menu offers exists and /help mentions it."""
    help_text = only(await harness.admin().send("/help"), "sendMessage").text
    for command, _ in texts.COMMANDS + texts.ADMIN_COMMANDS:
        if command != "start":
            assert f"/{command}" in help_text, command
        calls = await harness.admin().send(f"/{command}")
        replies = [c.text for c in calls if c.method == "sendMessage"]
        assert replies, command
        assert texts.UNKNOWN_COMMAND not in replies, command


async def test_startup_sets_russian_menus_with_admin_scope(harness: Harness) -> None:
    """Public commands for everyone; /reload and /stats only in the admin's own chat."""
    await harness.dp.emit_startup(bot=harness.bot, **harness.dp.workflow_data)
    calls = [c for c in harness.session.calls if c.method == "setMyCommands"]
    assert len(calls) == 2
    public, admin = calls
    assert public.params["scope"] == {"type": "default"}
    assert [c["command"] for c in public.params["commands"]] == [c for c, _ in texts.COMMANDS]
    assert all(re.search("[а-я]", c["description"]) for c in public.params["commands"])
    assert admin.params["scope"] == {"type": "chat", "chat_id": ADMIN_ID}
    assert {"reload", "stats"} <= {c["command"] for c in admin.params["commands"]}


async def test_sources_lists_the_articles(harness: Harness) -> None:
    """/sources: every article with title, agency and date — and says so plainly when an
    article gives no agency or no date (instead of repeating its title)."""
    sent = only(await harness.private().send("/sources"), "sendMessage")
    assert sent.text.startswith("Я отвечаю по 5 статьям:")
    assert "ТАСС, 1 октября 2025" in sent.text
    assert "БЕЛТА, 29 сентября 2025" in sent.text
    assert "29 сентября 2025, агентство не указано" in sent.text
    assert sent.text.count("агентство и дата не указаны") == 2
    assert "статья «" not in sent.text


async def test_agreements_are_paged_in_one_message(harness: Harness) -> None:
    """/agreements: page 1 with «Дальше», page 2 edits the same message, «Назад» returns."""
    chat = harness.private()
    sent = only(await chat.send("/agreements"), "sendMessage")
    assert "стр. 1/2" in sent.text
    assert "БЕЛАЗ" in sent.text
    assert labels(sent) == [texts.BUTTON_NEXT]
    message_id = sent.result["message_id"]
    page2 = only(await chat.press(message_id, texts.BUTTON_NEXT), "editMessageText")
    assert "стр. 2/2" in page2.text
    assert page2.text.count("\n   ") < sent.text.count("\n   ")
    assert labels(page2) == [texts.BUTTON_BACK]
    page1 = only(await chat.press(message_id, texts.BUTTON_BACK), "editMessageText")
    assert page1.text == sent.text


async def test_same_page_again_is_not_an_error(harness: Harness) -> None:
    """A stale «Назад» to the page already shown: Telegram says «not modified», user sees
    no error message."""
    chat = harness.private()
    sent = only(await chat.send("/agreements"), "sendMessage")
    calls = await chat.press_data(sent.result["message_id"], "a:0")
    assert [c.method for c in calls if c.error] == ["editMessageText"]
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert only(calls, "answerCallbackQuery")


@pytest.mark.parametrize(
    ("query", "region"),
    [
        ("Смоленск", "Смоленская область"),
        ("смоленская", "Смоленская область"),
        ("витебской", "Витебская область"),
        ("Бобруйск", "Могилевская область"),
        ("Смаленская", "Смоленская область"),
    ],
)
async def test_region_is_found_by_any_form(harness: Harness, query: str, region: str) -> None:
    """/region tolerates case forms, adjectives and cities."""
    sent = only(await harness.private().send(f"/region {query}"), "sendMessage")
    assert sent.text.startswith(region)
    assert labels(sent) == [texts.BUTTON_ALL_REGIONS]


async def test_region_report_has_people_agreements_and_passages(harness: Harness) -> None:
    """The Smolensk report names its governor, the agreements and sourced passages."""
    sent = only(await harness.private().send("/region Смоленская"), "sendMessage")
    for part in ("Люди:", "Василий Анохин", "Соглашения:", "Цифры:", "Из статей:"):
        assert part in sent.text


async def test_unknown_region_offers_the_closest_known(harness: Harness) -> None:
    """An unrecognised name: say so, offer the closest regions as buttons that work."""
    chat = harness.private()
    sent = only(await chat.send("/region Смолвиль"), "sendMessage")
    assert sent.text.startswith("Не нашёл такого региона: Смолвиль")
    assert "Смоленская область" in labels(sent)
    shown = only(
        await chat.press(sent.result["message_id"], "Смоленская область"), "editMessageText"
    )
    assert shown.text.startswith("Смоленская область")


async def test_region_the_articles_do_not_mention(harness: Harness) -> None:
    """A real region absent from the articles is named as such."""
    sent = only(await harness.private().send("/region Костромская"), "sendMessage")
    assert "Костромская область" in sent.text
    assert "ничего нет" in sent.text


async def test_region_without_argument_lists_buttons(harness: Harness) -> None:
    """/region alone: a button per region; pressing one shows it; back shows the list."""
    chat = harness.private()
    sent = only(await chat.send("/region"), "sendMessage")
    assert sent.text == texts.REGION_PICK
    assert {"Смоленская область", "Витебская область", "Минск"} <= set(labels(sent))
    message_id = sent.result["message_id"]
    region = only(await chat.press(message_id, "Витебская область"), "editMessageText")
    assert region.text.startswith("Витебская область")
    back = only(await chat.press(message_id, texts.BUTTON_ALL_REGIONS), "editMessageText")
    assert labels(back) == labels(sent)
