"""Free-text questions and the buttons under answers, through the real dispatcher."""

from __future__ import annotations

from bot_testkit import USER_ID, Harness, labels, only, token_of, visible

from bot import texts
from knowledge.reply import EXAMPLE_QUESTIONS


async def test_question_is_answered_with_sources_and_buttons(harness: Harness) -> None:
    """A visitors question: the figure said once (one ТАСС article gives it three times in
    three wordings), with its source and a «Источник» button, and feedback buttons."""
    calls = await harness.private().send("Сколько было посетителей?")
    sent = only(calls, "sendMessage")
    assert "14 тыс. человек" in sent.text
    assert "ТАСС, 1 октября 2025" in sent.text
    assert sent.text.count("14 тыс.") + sent.text.count("14 000") == 1 + sent.text.count(
        "«Выставку"
    )  # once in the reply (and once more in the article's title)
    assert "parse_mode" not in sent.params
    assert "italic" in {e["type"] for e in sent.params["entities"]}
    assert labels(sent) == ["Источник", "👍", "👎"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in sent.buttons())
    stats = harness.store.stats()
    assert (stats.questions, stats.answered) == (1, 1)


async def test_typing_indicator_comes_before_the_answer(harness: Harness) -> None:
    """«typing…» is shown first and never sent after the reply (it would linger 5 s)."""
    calls = await harness.private().send("Что подписали БЕЛАЗ и ИнДев?")
    methods = [c.method for c in calls if c.method != "getMe"]
    assert methods == ["sendChatAction", "sendMessage"]
    assert only(calls, "sendChatAction").params["action"] == "typing"


async def test_more_pages_in_the_same_message_and_back(harness: Harness) -> None:
    """«Ещё» edits the answer to the next snippets; «Назад» returns; sources follow."""
    chat = harness.private()
    sent = only(await chat.send("Минск"), "sendMessage")
    assert texts.BUTTON_MORE in labels(sent)
    message_id = sent.result["message_id"]
    edited = only(await chat.press(message_id, texts.BUTTON_MORE), "editMessageText")
    assert edited.params["message_id"] == message_id
    assert edited.text.startswith("4. ")
    assert "Источник 4" in labels(edited)
    assert texts.BUTTON_BACK in labels(edited)
    back = only(await chat.press(message_id, texts.BUTTON_BACK), "editMessageText")
    assert back.text == sent.text
    calls = await chat.press(message_id, texts.BUTTON_MORE)
    assert only(calls, "answerCallbackQuery")


async def test_source_button_sends_the_paragraph(harness: Harness) -> None:
    """«Источник» sends the whole paragraph around the snippet, headed by its article."""
    chat = harness.private()
    sent = only(await chat.send("Что подписали БЕЛАЗ и ИнДев?"), "sendMessage")
    calls = await chat.press(sent.result["message_id"], "Источник")
    source = only(calls, "sendMessage")
    assert "«Выставку" in source.text
    assert "ТАСС, 1 октября 2025" in source.text
    assert "Герофарм" in source.text  # the paragraph goes beyond the snippet
    assert only(calls, "answerCallbackQuery")


async def test_feedback_is_stored_and_thanked(harness: Harness) -> None:
    """👍 then 👎 on the same answer: the last vote counts, each press is answered."""
    chat = harness.private()
    sent = only(await chat.send("Сколько было посетителей?"), "sendMessage")
    like = only(await chat.press(sent.result["message_id"], "👍"), "answerCallbackQuery")
    assert like.params["text"] == texts.FEEDBACK_THANKS[1]
    assert harness.store.stats().likes == 1
    only(await chat.press(sent.result["message_id"], "👎"), "answerCallbackQuery")
    stats = harness.store.stats()
    assert (stats.likes, stats.dislikes) == (0, 1)


async def test_buttons_of_unknown_questions_are_stale(harness: Harness) -> None:
    """Forged or outdated callback data gets a polite toast, not an exception."""
    chat = harness.private()
    sent = only(await chat.send("Сколько было посетителей?"), "sendMessage")
    message_id = sent.result["message_id"]
    for data in ("p:999:3", "s:999:0", "f:999:1", "f:1:5", "e:42"):
        calls = await chat.press_data(message_id, data)
        assert [c.error for c in calls] == [None], data
        assert calls[-1].method == "answerCallbackQuery"
    calls = await chat.press_data(message_id, f"s:{token_of(sent)}:99")
    assert only(calls, "answerCallbackQuery").params["text"] == texts.SOURCE_GONE


async def test_decline_says_why_and_offers_examples(harness: Harness) -> None:
    """An off-topic question is declined plainly, with what the bot covers and examples."""
    sent = only(await harness.private().send("Какая погода на Марсе?"), "sendMessage")
    assert "Слово «Марсе» в статьях о выставке" in sent.text
    assert "/agreements" in sent.text and "/region" in sent.text
    assert labels(sent) == list(EXAMPLE_QUESTIONS[:3])
    stats = harness.store.stats()
    assert (stats.questions, stats.answered) == (1, 0)
    assert stats.top_declined == (("Какая погода на Марсе?", 1),)


async def test_example_button_answers_the_example(harness: Harness) -> None:
    """Pressing an example question answers it like a typed question."""
    chat = harness.private()
    help_message = only(await chat.send("/help"), "sendMessage")
    calls = await chat.press(help_message.result["message_id"], EXAMPLE_QUESTIONS[1])
    answer = only(calls, "sendMessage")
    assert "БЕЛАЗ" in answer.text
    assert harness.store.question(token_of(answer), USER_ID) == EXAMPLE_QUESTIONS[1]


async def test_non_text_in_private_gets_a_hint(harness: Harness) -> None:
    """Stickers, photos and voice in private: a short hint to ask in text."""
    chat = harness.private()
    sticker = {
        "file_id": "st",
        "file_unique_id": "st",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    photo = [{"file_id": "ph", "file_unique_id": "ph", "width": 10, "height": 10}]
    voice = {"file_id": "vo", "file_unique_id": "vo", "duration": 2}
    for content in ({"sticker": sticker}, {"photo": photo}, {"voice": voice}):
        sent = only(await chat.send_content(**content), "sendMessage")
        assert sent.text == texts.NON_TEXT_HINT


async def test_document_from_a_non_admin_is_not_taken(harness: Harness) -> None:
    """Only admins upload; anyone else gets the text hint and nothing is saved."""
    before = sorted(p.name for p in harness.settings.seeds_dir.iterdir())
    calls = await harness.private().upload("new.txt", ("Статья о выставке. " * 20).encode())
    assert only(calls, "sendMessage").text == texts.NON_TEXT_HINT
    assert [c.method for c in calls if c.method == "getFile"] == []
    assert sorted(p.name for p in harness.settings.seeds_dir.iterdir()) == before


async def test_edited_messages_never_crash(harness: Harness) -> None:
    """Editing a question is ignored quietly (no reply, no error)."""
    chat = harness.private()
    only(await chat.send("Сколько было посетителей?"), "sendMessage")
    assert chat.last_sent is not None
    calls = await chat.edit(chat.last_sent, "Сколько было компаний?")
    assert visible(calls) == []


async def test_unknown_command_is_named(harness: Harness) -> None:
    """A command the bot does not have is not treated as a question."""
    sent = only(await harness.private().send("/weather Минск"), "sendMessage")
    assert sent.text == texts.UNKNOWN_COMMAND
    assert harness.store.stats().questions == 0


async def test_inline_answers_posted_via_the_bot_are_not_questions(harness: Harness) -> None:
    """A message sent through our own inline mode is an answer already: stay quiet."""
    me = await harness.bot.me()
    via = {"id": me.id, "is_bot": True, "first_name": me.first_name}
    calls = await harness.private().send("Выставку посетили 14 тыс. человек", via_bot=via)
    assert visible(calls) == []
