"""Replies as a person reads them, through the real dispatcher: small talk in kind, verdicts,
«Источник» on the presented snippets, region suggestions, and every command checked."""

from __future__ import annotations

from bot_testkit import Harness, labels, only, visible

from bot import texts
from knowledge.reply_checks import REPLY_RULES, Shown, violations


async def test_small_talk_is_answered_in_kind_and_never_searched(harness: Harness) -> None:
    """«спасибо!», «привет», 🙏: a short polite reply; no search, no typing, no question
    counted in /stats."""
    chat = harness.private()
    thanks = visible(await chat.send("спасибо!"))
    assert [c.text for c in thanks] == ["Пожалуйста! Будут ещё вопросы о выставке — спрашивайте."]
    hello = only(await chat.send("Привет, как дела?"), "sendMessage")
    assert hello.text.startswith("Здравствуйте!") and "/help" in hello.text
    emoji = only(await chat.send("🙏"), "sendMessage")
    assert emoji.text.startswith("Пожалуйста")
    calls = await chat.send("пока")
    assert "sendChatAction" not in [c.method for c in calls]
    assert only(calls, "sendMessage").text.startswith("До свидания")
    assert harness.store.stats().questions == 0


async def test_a_greeting_with_a_question_is_answered(harness: Harness) -> None:
    """«Привет! Сколько было посетителей?» is a question: searched and answered."""
    sent = only(await harness.private().send("Привет! Сколько было посетителей?"), "sendMessage")
    assert "14 тыс. человек" in sent.text
    assert harness.store.stats().questions == 1


async def test_a_yes_no_question_gets_a_verdict(harness: Harness) -> None:
    """«правда что выставку посетили 20 тыс человек?» — «Нет», with the source's figure."""
    sent = only(
        await harness.private().send("правда что выставку посетили 20 тыс человек?"),
        "sendMessage",
    )
    assert sent.text.startswith("Нет: по данным ТАСС — более 14")
    assert "Источник" in sent.text


async def test_source_button_opens_the_presented_snippet(harness: Harness) -> None:
    """Two ТАСС snippets repeat the figure of the first and are not shown; «Источник 2» is
    the second snippet shown (another article), not the engine's second hit."""
    chat = harness.private()
    sent = only(await chat.send("из скольки стран приехали гости выставки"), "sendMessage")
    assert labels(sent)[:2] == ["Источник 1", "Источник 2"]
    assert "2. С 29 сентября" in sent.text
    source = only(await chat.press(sent.result["message_id"], "Источник 2"), "sendMessage")
    assert "агентство и дата не указаны" in source.text
    assert "500 компаний из 24 стран" in source.text


async def test_inline_mode_shows_the_verdict_and_merged_sources(harness: Harness) -> None:
    """Inline results come from the same presentation: a verdict card first for a yes/no
    question; one card naming both articles for a statement they share."""
    chat = harness.private()
    call = only(
        await chat.inline("правда что выставку посетили 20 тыс человек?"), "answerInlineQuery"
    )
    first = call.params["results"][0]
    assert first["id"] == "verdict"
    assert first["input_message_content"]["message_text"].startswith("Нет: по данным ТАСС")
    call = only(await chat.inline("какая площадь выставки"), "answerInlineQuery")
    cards = [r["input_message_content"]["message_text"] for r in call.params["results"]]
    assert sum("20 тыс. кв" in card for card in cards) == 1
    assert any("ТАСС" in card and "БЕЛТА" in card for card in cards)


async def test_region_suggestions_resemble_what_was_typed(harness: Harness) -> None:
    """«Атлантида» resembles no region: no «Казахстан», every covered region as buttons;
    «Минкс» is a typo of Минск."""
    chat = harness.private()
    sent = only(await chat.send("/region Атлантида"), "sendMessage")
    assert "Казахстан" not in sent.text
    assert "Похожих названий в статьях нет" in sent.text
    assert {"Смоленская область", "Минск", "Казахстан"} <= set(labels(sent))
    typo = only(await chat.send("/region Минкс"), "sendMessage")
    assert "Минск" in typo.text and labels(typo) == ["Минск"]


async def test_every_help_example_is_answered(harness: Harness) -> None:
    """The examples /help gives are questions the articles answer (the check one: «Нет»)."""
    index = harness.service.index
    for _, questions in texts.HELP_EXAMPLES:
        for question in questions:
            assert index.search(question).answered, question
    check = only(await harness.private().send(texts.HELP_EXAMPLES[-1][1][0]), "sendMessage")
    assert check.text.startswith("Нет: по данным ТАСС")


async def test_every_command_is_valid_for_telegram_and_counts_agree(harness: Harness) -> None:
    """Every command a user or an admin has, every page and every region: Telegram takes
    each message (entities, ≤ 4096) and our own wording agrees with its counts."""
    index = harness.service.index
    figures = index.figures()
    quoted: list[str] = [a.source.title for a in index.sources()]
    for a in index.agreements():
        quoted.extend((a.subject, *a.parties))
    for p in index.people():
        quoted.extend((p.name, p.role, p.organisation or ""))
    regions = index.regions()
    for region in regions:
        report = index.region_report(region.key)
        assert report is not None
        quoted.extend(h.text for h in report.hits)
        quoted.extend(f.counts for f in report.figures)
    user, admin = harness.private(), harness.admin()
    calls = []
    for text in ("/start", "/help", "/sources", "/region", "/region Атлантида", "/frobnicate"):
        calls += await user.send(text)
    calls += await user.send("Сколько было посетителей?")
    agreements = only(await user.send("/agreements"), "sendMessage")
    calls += [agreements, *await user.press(agreements.result["message_id"], texts.BUTTON_NEXT)]
    for region in regions:
        calls += await user.send(f"/region {region.name}")
    for text in ("/help", "/stats", "/reload"):
        calls += await admin.send(text)
    sent = [c for c in calls if c.method in ("sendMessage", "editMessageText")]
    assert [c for c in calls if c.error] == []
    assert len(sent) >= 12 + len(regions)
    broken = [
        (c.text[:40], v.rule, v.detail)
        for c in sent
        for v in violations(Shown(c.text, quoted=tuple(quoted)), figures)
        if v.rule in REPLY_RULES
    ]
    assert broken == []
