"""Telegram's text rules, as a pure library: parse modes, entities, keyboards.

Used by the loopback Bot API server (``fake_api``) to accept or reject what a bot sends the way
Telegram does.  Everything here works on ``str`` and plain ``dict``/``list`` values (the shapes
of the Bot API JSON), and raises :class:`TextError` with Telegram's wording (without the
``Bad Request:`` prefix) when something would be refused.

Offsets and lengths are in UTF-16 code units, like Telegram's.  Two deliberate choices where
Telegram is vaguer:

* text length is measured in UTF-16 code units after entity parsing and trimming (an emoji counts
  2), which is never more lenient than Telegram;
* in HTML an ``&`` that does not start ``&lt; &gt; &amp; &quot;`` or a numeric reference is
  refused (Telegram keeps such an ``&`` literally).  A bare ``&`` in HTML means the text was not
  escaped, and the next article with a ``<`` in it would break the reply, so the test server
  treats it as the bug it is.  Pass ``strict_ampersand=False`` for Telegram's exact behaviour.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.limits import (
    CALLBACK_DATA_LIMIT,
    KEYBOARD_BUTTONS_LIMIT,
    ROW_BUTTONS_LIMIT,
    TEXT_LIMIT,
    utf16_len,
)

__all__ = [
    "ENTITY_TYPES",
    "TextError",
    "formatted_text",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "validate_entities",
    "validate_reply_markup",
]


ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)

_TRIM = " \t\n\r\x0b\x0c\x00"


class TextError(ValueError):
    """Telegram would answer 400 with this description (after ``Bad Request: ``)."""


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------------------------------
# HTML


_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\n\r"


def _decode_html_entity(name: str) -> str:
    if name in _HTML_NAMED:
        return _HTML_NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


@dataclass
class _Open:
    name: str
    start: int  # UTF-16 offset in the output
    byte: int
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None


class _Out:
    """Output text being built, with its UTF-16 length."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def text(self) -> str:
        return "".join(self.parts)


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-flavoured HTML into plain text and entities (tdlib's rules)."""
    out = _Out()
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            match = _HTML_ENTITY.match(text, i)
            if match:
                out.add(_decode_html_entity(match.group(1)))
                i = match.end()
                continue
            if strict_ampersand:
                raise TextError(
                    f'can\'t parse entities: unescaped "&" at byte offset {_byte_offset(text, i)}'
                    " (write it as &amp;)"
                )
            out.add(ch)
            i += 1
            continue
        if ch != "<":
            out.add(ch)
            i += 1
            continue
        begin = i
        at = _byte_offset(text, begin)
        i += 1
        if i < n and text[i] == "/":
            i += 1
            name_start = i
            while i < n and text[i] not in _SPACE and text[i] != ">":
                i += 1
            name = text[name_start:i].lower()
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n or text[i] != ">":
                raise TextError(f"can't parse entities: Unclosed end tag at byte offset {at}")
            i += 1
            if not stack:
                raise TextError(f"can't parse entities: Unexpected end tag at byte offset {at}")
            top = stack.pop()
            if name and name != top.name:
                raise TextError(
                    f"can't parse entities: Unmatched end tag at byte offset {at}, "
                    f'expected "</{top.name}>", found "</{name}>"'
                )
            _close_html(top, out.pos, stack, entities)
            continue
        name_start = i
        while i < n and text[i] not in _SPACE and text[i] not in ">/":
            i += 1
        name = text[name_start:i].lower()
        if name not in _HTML_TAGS:
            raise TextError(
                f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {at}'
            )
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                raise TextError(f"can't parse entities: Unclosed start tag at byte offset {at}")
            if text[i] == ">":
                i += 1
                break
            if text[i] == "/":
                raise TextError(
                    f'can\'t parse entities: Unsupported self-closing tag "{name}" '
                    f"at byte offset {at}"
                )
            attr_start = i
            while i < n and text[i] not in _SPACE and text[i] not in "=>/":
                i += 1
            attr = text[attr_start:i].lower()
            while i < n and text[i] in _SPACE:
                i += 1
            value = ""
            if i < n and text[i] == "=":
                i += 1
                while i < n and text[i] in _SPACE:
                    i += 1
                if i >= n:
                    raise TextError(
                        f"can't parse entities: Unclosed start tag at byte offset {at}"
                    )
                if text[i] in "\"'":
                    quote = text[i]
                    end = text.find(quote, i + 1)
                    if end < 0:
                        raise TextError(
                            "can't parse entities: Unclosed end of attribute value "
                            f"at byte offset {at}"
                        )
                    raw = text[i + 1 : end]
                    i = end + 1
                else:
                    value_start = i
                    while i < n and text[i] not in _SPACE and text[i] != ">":
                        i += 1
                    raw = text[value_start:i]
                value = html.unescape(raw)
            attrs[attr] = value
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise TextError(
                "can't parse entities: "
                f'Tag "span" must have class "tg-spoiler" at byte offset {at}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise TextError(
                f'can\'t parse entities: Tag "tg-emoji" must have attribute "emoji-id" '
                f"at byte offset {at}"
            )
        if name == "blockquote" and any(o.name == "blockquote" for o in stack):
            raise TextError("can't parse entities: Blockquote entities can't be nested")
        stack.append(_Open(name, out.pos, at, attrs))
    if stack:
        raise TextError(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1].name}"'
        )
    return out.text(), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _close_html(top: _Open, end: int, stack: list[_Open], entities: list[dict[str, Any]]) -> None:
    length = end - top.start
    if top.name == "code" and stack and stack[-1].name == "pre":
        cls = top.attrs.get("class", "")
        if cls.startswith("language-") and len(cls) > len("language-"):
            stack[-1].language = cls[len("language-") :]
            return
    if length <= 0:
        return
    entity: dict[str, Any] = {"offset": top.start, "length": length}
    if top.name in _SIMPLE_TAGS:
        entity["type"] = _SIMPLE_TAGS[top.name]
        if top.name == "pre" and top.language:
            entity["language"] = top.language
    elif top.name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in top.attrs else "blockquote"
    elif top.name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = top.attrs["emoji-id"]
    elif top.name == "a":
        href = top.attrs.get("href", "").strip()
        if not href:
            return
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(user.group(1)), "is_bot": False, "first_name": "User"}
        else:
            entity["type"] = "text_link"
            entity["url"] = href
    entities.append(entity)


# ---------------------------------------------------------------------------------------------
# MarkdownV2 and legacy Markdown

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 (reserved characters must be escaped with ``\\``)."""
    out = _Out()
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    quote_start: int | None = None
    i, n = 0, len(text)

    def close(kind: str, *, extra: dict[str, Any] | None = None) -> None:
        top = stack.pop()
        if out.pos > top.start:
            entity = {"type": kind, "offset": top.start, "length": out.pos - top.start}
            entity.update(extra or {})
            entities.append(entity)

    while i < n:
        ch = text[i]
        at = _byte_offset(text, i)
        line_start = i == 0 or text[i - 1] == "\n"
        if ch == "\\" and i + 1 < n and 0 < ord(text[i + 1]) < 127:
            out.add(text[i + 1])
            i += 2
            continue
        top = stack[-1].name if stack else None
        if top in ("code", "pre"):
            if top == "pre" and text.startswith("```", i):
                close("pre", extra={"language": stack[-1].language} if stack[-1].language else {})
                i += 3
            elif top == "code" and ch == "`":
                close("code")
                i += 1
            else:
                out.add(ch)
                i += 1
            continue
        if ch == "\n":
            if quote_start is not None and not text.startswith(">", i + 1):
                if out.pos > quote_start:
                    size = out.pos - quote_start
                    entities.append({"type": "blockquote", "offset": quote_start, "length": size})
                quote_start = None
            out.add(ch)
            i += 1
            continue
        if ch not in _MDV2_RESERVED:
            out.add(ch)
            i += 1
            continue
        if ch == ">" and line_start:
            if quote_start is None:
                quote_start = out.pos
            i += 1
            continue
        if ch == "_":
            if text.startswith("__", i) and top == "underline":
                close("underline")
                i += 2
            elif top == "italic":
                close("italic")
                i += 1
            elif text.startswith("__", i):
                stack.append(_Open("underline", out.pos, at))
                i += 2
            else:
                stack.append(_Open("italic", out.pos, at))
                i += 1
            continue
        if ch in "*~":
            kind = "bold" if ch == "*" else "strikethrough"
            if top == kind:
                close(kind)
            else:
                stack.append(_Open(kind, out.pos, at))
            i += 1
            continue
        if ch == "|" and text.startswith("||", i):
            if top == "spoiler":
                close("spoiler")
            else:
                stack.append(_Open("spoiler", out.pos, at))
            i += 2
            continue
        if ch == "`":
            if text.startswith("```", i):
                end_of_line = text.find("\n", i + 3)
                language = None
                if end_of_line >= 0:
                    language = text[i + 3 : end_of_line].strip() or None
                    i = end_of_line + 1
                else:
                    i += 3
                opened = _Open("pre", out.pos, at)
                opened.language = language
                stack.append(opened)
            else:
                stack.append(_Open("code", out.pos, at))
                i += 1
            continue
        if ch == "[":
            stack.append(_Open("text_link", out.pos, at))
            i += 1
            continue
        if ch == "!" and text.startswith("![", i):
            stack.append(_Open("custom_emoji", out.pos, at))
            i += 2
            continue
        if ch == "]" and top in ("text_link", "custom_emoji"):
            if not text.startswith("(", i + 1):
                raise TextError(
                    f"can't parse entities: Can't find end of a URL at byte offset {at}"
                )
            j = i + 2
            url_chars: list[str] = []
            while j < n and text[j] != ")":
                if text[j] == "\\" and j + 1 < n:
                    url_chars.append(text[j + 1])
                    j += 2
                    continue
                url_chars.append(text[j])
                j += 1
            if j >= n:
                raise TextError(
                    f"can't parse entities: Can't find end of a URL at byte offset {at}"
                )
            url = "".join(url_chars)
            if top == "custom_emoji":
                emoji = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
                if not emoji:
                    raise TextError(
                        "can't parse entities: Custom emoji entity must contain a tg://emoji URL"
                    )
                close("custom_emoji", extra={"custom_emoji_id": emoji.group(1)})
            else:
                close("text_link", extra={"url": url})
            i = j + 1
            continue
        raise TextError(
            f"can't parse entities: Character '{ch}' is reserved and must be escaped with the "
            "preceding '\\'"
        )
    if stack:
        kind = stack[-1].name
        raise TextError(
            f"can't parse entities: Can't find end of {_MDV2_NAMES.get(kind, kind)} entity at "
            f"byte offset {stack[-1].byte}"
        )
    if quote_start is not None and out.pos > quote_start:
        entities.append(
            {"type": "blockquote", "offset": quote_start, "length": out.pos - quote_start}
        )
    return out.text(), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse legacy Markdown (``*bold*``, ``_italic_``, `` `code` ``, ``[text](url)``)."""
    out = _Out()
    entities: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if ch not in "_*`[":
            out.add(ch)
            i += 1
            continue
        at = _byte_offset(text, i)
        start = out.pos
        if ch == "[":
            end = text.find("]", i + 1)
            if end < 0 or not text.startswith("(", end + 1) or text.find(")", end + 2) < 0:
                raise TextError(
                    "can't parse entities: Can't find end of the entity starting at "
                    f"byte offset {at}"
                )
            url_end = text.find(")", end + 2)
            out.add(text[i + 1 : end])
            if out.pos > start:
                entities.append(
                    {
                        "type": "text_link",
                        "offset": start,
                        "length": out.pos - start,
                        "url": text[end + 2 : url_end],
                    }
                )
            i = url_end + 1
            continue
        marker = "```" if text.startswith("```", i) else ch
        end = text.find(marker, i + len(marker))
        if end < 0:
            raise TextError(
                f"can't parse entities: Can't find end of the entity starting at byte offset {at}"
            )
        out.add(text[i + len(marker) : end])
        kind = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[marker]
        if out.pos > start:
            entities.append({"type": kind, "offset": start, "length": out.pos - start})
        i = end + len(marker)
    return out.text(), entities


# ---------------------------------------------------------------------------------------------
# Entities given explicitly


def validate_entities(text: str, entities: Any) -> list[dict[str, Any]]:
    """Check ``entities`` against ``text`` (UTF-16 offsets); return them normalized."""
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise TextError("can't parse entities JSON object")
    units = text.encode("utf-16-le", "surrogatepass")
    total = len(units) // 2
    result = []
    for number, entity in enumerate(entities):
        if not isinstance(entity, dict):
            raise TextError(f"can't parse entities: entity {number} is not an object")
        kind = entity.get("type")
        if kind not in ENTITY_TYPES:
            raise TextError(f"can't parse entities: unsupported entity type {kind!r}")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or isinstance(offset, bool):
            raise TextError(f"can't parse entities: entity {number} has no offset or length")
        if offset < 0 or length < 1 or offset + length > total:
            raise TextError(
                f"can't parse entities: entity {number} ({kind}) at UTF-16 offset {offset} with "
                f"length {length} is out of the text bounds (UTF-16 length {total})"
            )
        for edge in (offset, offset + length):
            if 0 < edge < total:
                unit = int.from_bytes(units[edge * 2 : edge * 2 + 2], "little")
                if 0xDC00 <= unit <= 0xDFFF:
                    raise TextError(
                        f"can't parse entities: entity {number} ({kind}) boundary at UTF-16 "
                        f"offset {edge} splits a surrogate pair"
                    )
        if kind == "text_link" and not entity.get("url"):
            raise TextError("can't parse entities: text_link entity must have a non-empty url")
        if kind == "text_mention" and not isinstance(entity.get("user"), dict):
            raise TextError("can't parse entities: text_mention entity must have a user")
        if kind == "custom_emoji" and not entity.get("custom_emoji_id"):
            raise TextError("can't parse entities: custom_emoji entity must have custom_emoji_id")
        result.append(dict(entity))
    return result


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    stripped_left = text.lstrip(_TRIM)
    shift = utf16_len(text[: len(text) - len(stripped_left)])
    trimmed = stripped_left.rstrip(_TRIM)
    total = utf16_len(trimmed)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        end = min(total, entity["offset"] - shift + entity["length"])
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return trimmed, kept


def formatted_text(
    text: Any,
    parse_mode: Any = None,
    entities: Any = None,
    *,
    max_length: int = TEXT_LIMIT,
    allow_empty: bool = False,
    empty_error: str = "message text is empty",
    too_long_error: str = "message is too long",
    strict_ampersand: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    """What Telegram would store for this text: (plain text, entities), or :class:`TextError`.

    As in the Bot API server, a ``parse_mode`` other than ``""``/``none`` wins over ``entities``.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TextError("text must be a string")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TextError("strings must be encoded in UTF-8") from exc
    if not text:
        if allow_empty:
            return "", []
        raise TextError(empty_error)
    mode = (parse_mode or "").strip().lower() if isinstance(parse_mode, str) else ""
    if parse_mode is not None and not isinstance(parse_mode, str):
        raise TextError("unsupported parse_mode")
    if mode and mode != "none":
        if mode == "html":
            plain, found = parse_html(text, strict_ampersand=strict_ampersand)
        elif mode == "markdownv2":
            plain, found = parse_markdown_v2(text)
        elif mode == "markdown":
            plain, found = parse_markdown(text)
        else:
            raise TextError("unsupported parse_mode")
    else:
        plain, found = text, validate_entities(text, entities)
    plain, found = _trim(plain, found)
    if not plain and not allow_empty:
        raise TextError(empty_error)
    if utf16_len(plain) > max_length:
        raise TextError(too_long_error)
    return plain, found


# ---------------------------------------------------------------------------------------------
# Keyboards

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def valid_button_url(url: Any) -> bool:
    """An URL Telegram accepts in a button: http(s) with a host, or tg://."""
    if not isinstance(url, str) or not url or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        host = parts.hostname or ""
        return bool(host) and ("." in host or host == "localhost") and not host.startswith(".")
    if scheme == "tg":
        return bool(parts.netloc or parts.path)
    return False


def validate_reply_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Check a reply_markup object like Telegram; return it (or ``None``) or raise."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise TextError("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise TextError('field "inline_keyboard" must be an Array of Arrays')
        count = 0
        for row in rows:
            if len(row) > ROW_BUTTONS_LIMIT:
                raise TextError("BUTTON_TYPE_INVALID: too many buttons in a row")
            for button in row:
                _validate_inline_button(button)
                count += 1
        if count > KEYBOARD_BUTTONS_LIMIT:
            raise TextError("reply markup is too long")
        return markup
    if inline_only:
        raise TextError("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise TextError('field "keyboard" must be an Array of Arrays')
        for row in rows:
            for button in row:
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label.strip():
                    raise TextError("keyboard button text is empty")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise TextError("can't parse reply keyboard markup JSON object")


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise TextError("can't parse inline keyboard button: object expected")
    label = button.get("text")
    if not isinstance(label, str) or not label.strip():
        raise TextError("BUTTON_TEXT_EMPTY")
    actions = [key for key in _BUTTON_ACTIONS if key in button and button[key] is not None]
    if not actions:
        raise TextError(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise TextError(f"can't parse inline keyboard button: more than one action {actions}")
    action = actions[0]
    if action == "callback_data":
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= (
            CALLBACK_DATA_LIMIT
        ):
            raise TextError("BUTTON_DATA_INVALID")
    elif action == "url" and not valid_button_url(button["url"]):
        raise TextError("BUTTON_URL_INVALID")
    elif action in ("switch_inline_query", "switch_inline_query_current_chat") and not (
        isinstance(button[action], str)
    ):
        raise TextError(f"can't parse inline keyboard button: {action} must be a String")
