"""Groups: answer commands, mentions and replies to the bot, as replies; otherwise silence."""

from __future__ import annotations

from bot_testkit import ADMIN_ID, GROUP_ID, Harness, labels, only, token_of, visible

from bot import texts
from bot.local import LOCAL_BOT_USERNAME


async def test_plain_group_chatter_is_ignored(harness: Harness) -> None:
    """Messages not addressed to the bot get nothing, not even a throttle notice."""
    chat = harness.group()
    for text in ("Сколько было посетителей?", "привет всем", "/start@other_bot"):
        assert visible(await chat.send(text)) == []
    sticker = {
        "file_id": "st",
        "file_unique_id": "st",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }
    assert visible(await chat.send_content(sticker=sticker)) == []
    assert harness.store.stats().questions == 0


async def test_mention_is_answered_as_a_reply(harness: Harness) -> None:
    """«@bot вопрос» in a group: the answer replies to the asker, two snippets per page."""
    chat = harness.group()
    calls = await chat.send(f"@{LOCAL_BOT_USERNAME} Сколько было посетителей?")
    sent = only(calls, "sendMessage")
    assert sent.params["reply_parameters"]["message_id"] == chat.last_sent
    assert "14" in sent.text
    assert "3. " not in sent.text
    assert harness.store.question(token_of(sent), GROUP_ID) == "Сколько было посетителей?"
    assert "Источник" in labels(sent)


async def test_mention_is_case_insensitive_and_not_partial(harness: Harness) -> None:
    """@INNOPROM… counts; @innoprom…_fan (another user) does not."""
    chat = harness.group()
    calls = await chat.send(f"Сколько было посетителей, @{LOCAL_BOT_USERNAME.upper()}?")
    assert only(calls, "sendMessage")
    assert visible(await chat.send(f"@{LOCAL_BOT_USERNAME}_fan Сколько было посетителей?")) == []


async def test_reply_to_the_bot_is_answered(harness: Harness) -> None:
    """Replying to the bot's message is addressing it; replying to a person is not."""
    chat = harness.group()
    first = only(await chat.send(f"@{LOCAL_BOT_USERNAME} Минск"), "sendMessage")
    bot_message = first.result["message_id"]
    calls = await chat.send("Что подписали БЕЛАЗ и ИнДев?", reply_to=bot_message)
    assert "БЕЛАЗ" in only(calls, "sendMessage").text
    other = harness.group(user_id=2002)
    await other.send("мой вопрос")
    assert other.last_sent is not None
    assert visible(await chat.send("Сколько было посетителей?", reply_to=other.last_sent)) == []


async def test_commands_addressed_to_us_work_in_groups(harness: Harness) -> None:
    """/region@bot Смоленск answers (as a reply); /region@other_bot is left alone."""
    chat = harness.group()
    sent = only(await chat.send(f"/region@{LOCAL_BOT_USERNAME} Смоленск"), "sendMessage")
    assert sent.text.startswith("Смоленская область")
    assert sent.params["reply_parameters"]["message_id"] == chat.last_sent
    assert visible(await chat.send("/region@other_bot Смоленск")) == []
    assert only(await chat.send("/agreements"), "sendMessage")


async def test_unknown_commands_in_groups(harness: Harness) -> None:
    """/foo@bot is named unknown; a bare /foo may be another bot's and gets silence."""
    chat = harness.group()
    sent = only(await chat.send(f"/foo@{LOCAL_BOT_USERNAME}"), "sendMessage")
    assert sent.text == texts.UNKNOWN_COMMAND
    assert visible(await chat.send("/foo")) == []


async def test_admin_commands_only_in_private(harness: Harness) -> None:
    """Even an admin's /reload in a group is not run (anyone could have sent it there)."""
    chat = harness.group(user_id=ADMIN_ID)
    sent = only(await chat.send(f"/reload@{LOCAL_BOT_USERNAME}"), "sendMessage")
    assert sent.text == texts.UNKNOWN_COMMAND
    assert visible(await chat.send("/stats")) == []


async def test_more_button_works_in_groups(harness: Harness) -> None:
    """«Ещё» pages by two in a group, editing the same message."""
    chat = harness.group()
    sent = only(await chat.send(f"@{LOCAL_BOT_USERNAME} Минск"), "sendMessage")
    edited = only(
        await chat.press(sent.result["message_id"], texts.BUTTON_MORE), "editMessageText"
    )
    assert edited.text.startswith("3. ")
