"""Inline mode: up to five sourced snippets, a button into the bot when nothing is found."""

from __future__ import annotations

from bot_testkit import Harness, only

from bot import texts


async def test_inline_results_are_sourced_snippets(harness: Harness) -> None:
    """≤ 5 results, each posting the snippet with its agency, date and title."""
    call = only(await harness.private().inline("Минск"), "answerInlineQuery")
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    assert len({r["id"] for r in results}) == len(results)
    for result in results:
        content = result["input_message_content"]
        assert "«" in content["message_text"]
        assert "parse_mode" not in content
        assert result["description"]
    assert call.params["cache_time"] <= 60
    assert "button" not in call.params


async def test_inline_nothing_found_offers_the_bot(harness: Harness) -> None:
    """No result: an empty list and a button that opens the bot (deep link)."""
    call = only(await harness.private().inline("погода на Марсе"), "answerInlineQuery")
    assert "results" not in call.params  # empty list, dropped on the wire like Telegram's
    assert call.params["button"] == {
        "text": texts.INLINE_NOTHING_BUTTON,
        "start_parameter": "inline",
    }


async def test_empty_inline_query(harness: Harness) -> None:
    """Just «@bot»: an invitation to ask the bot."""
    call = only(await harness.private().inline("   "), "answerInlineQuery")
    assert call.params["button"]["text"] == texts.INLINE_EMPTY_BUTTON
    assert harness.store.stats().questions == 0
