"""Links: the address policy, the downloader's limits against a server on 127.0.0.1, the
extractor on saved pages of real Russian news sites, and an admin's link through the bot."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import AsyncIterator

import pytest
from bot_testkit import Harness, only
from page_server import PageServer

from bot import texts
from bot.config import Settings
from bot.links import LinkError, LinkFetcher, is_public_address, single_link


@pytest.fixture
async def pages() -> AsyncIterator[PageServer]:
    async with PageServer() as server:
        yield server


def fetcher(**limits: object) -> LinkFetcher:
    options: dict[str, object] = {"timeout": 0.6, "max_bytes": 400_000, "allow_loopback": True}
    options.update(limits)
    return LinkFetcher(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "240.0.0.1", "192.0.2.10",
        "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:10.0.0.1",
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a00:1", "2002:a00:1::1",
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",
    ],
)  # fmt: skip
def test_non_public_addresses_are_refused(address: str) -> None:
    """Loopback, private, link-local (metadata), CGNAT, multicast, reserved, documentation,
    and the IPv6 forms that carry such an IPv4 address (mapped, NAT64, 6to4, Teredo)."""
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.158.134.3", "2a00:1450:4010:c05::8a"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_loopback_only_when_allowed_and_nothing_else() -> None:
    """The test setting lets loopback through, never the private networks."""
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert is_public_address(ipaddress.ip_address(address), allow_loopback=True)
    for address in ("10.0.0.1", "169.254.169.254", "::ffff:192.168.0.1"):
        assert not is_public_address(ipaddress.ip_address(address), allow_loopback=True)


def test_a_link_message_is_one_url_and_nothing_else() -> None:
    assert single_link("  https://www.belta.by/economics/view/1 \n") == (
        "https://www.belta.by/economics/view/1"
    )
    assert single_link("HTTP://example.org") == "HTTP://example.org"
    for text in ("смотрите https://example.org", "ftp://example.org/x", "example.org", ""):
        assert single_link(text) is None


async def test_a_saved_page_is_fetched_and_a_redirect_followed(pages: PageServer) -> None:
    page = await fetcher().fetch(pages.url("/to-kazinform"))
    assert page.url == pages.url("/kazinform")
    assert page.content_type == "text/html" and page.charset == "utf-8"
    assert "Казинформ".encode() in page.body


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/file.pdf", "not_html"),
        ("/fake-html", "not_html"),
        ("/slow", "timeout"),
        ("/drip", "timeout"),
        ("/to-metadata", "blocked"),
        ("/to-private", "blocked"),
        ("/to-mapped", "blocked"),
        ("/loop", "redirects"),
        ("/big", "too_big"),
        ("/missing", "status"),
    ],
)
async def test_what_a_link_must_not_do_is_refused(pages: PageServer, path: str, kind: str) -> None:
    """Binary files, slow servers, redirects inside, loops, oversize pages, errors."""
    with pytest.raises(LinkError) as caught:
        await fetcher().fetch(pages.url(path))
    assert caught.value.kind == kind
    if kind == "blocked":
        assert pages.hits == [path], "nothing may be requested from the private address"


async def test_loopback_is_refused_unless_allowed(pages: PageServer) -> None:
    """Without the test setting neither 127.0.0.1 nor a name resolving to it is fetched."""
    for host in ("127.0.0.1", "localhost", "[::ffff:127.0.0.1]"):
        with pytest.raises(LinkError) as caught:
            await fetcher(allow_loopback=False).fetch(pages.url("/kazinform", host))
        assert caught.value.kind == "blocked", host
    assert pages.hits == []
    for url in ("file:///etc/passwd", "http://user:secret@example.org/", "gopher://x/"):
        with pytest.raises(LinkError) as caught:
            await fetcher().fetch(url)
        assert caught.value.kind == "bad_url"


@pytest.fixture
async def link_harness(settings: Settings) -> AsyncIterator[Harness]:
    harness = Harness.start(
        dataclasses.replace(settings, allow_loopback_links=True, link_timeout=0.6)
    )
    yield harness
    harness.close()


async def test_an_admin_link_is_previewed_added_and_answered(
    link_harness: Harness, pages: PageServer
) -> None:
    """A link to a saved agency page → preview (title, date, people, figures) → added."""
    admin = link_harness.admin()
    preview = only(await admin.send(pages.url("/kazinform")), "sendMessage")
    assert preview.text.startswith("Предпросмотр статьи (ссылка)")
    assert "«Полностью обеспечить регион мясом птицы намерены в СКО»" in preview.text
    assert "Дата: 1 декабря 2020" in preview.text
    assert "Марат Тасмаганбетов — первый заместитель акима области" in preview.text
    assert "2,5 млрд тенге" in preview.text
    assert pages.url("/kazinform") in preview.text
    await admin.press(preview.result["message_id"], texts.BUTTON_ADD)
    (saved,) = link_harness.settings.seeds_dir.glob("link-*.txt")
    assert saved.read_text(encoding="utf-8").startswith("date 2020-12-01\ntitle Полностью")
    reply = await link_harness.private().send("Кто такой Марат Тасмаганбетов?")
    answer = only(reply, "sendMessage")
    assert "первый заместитель акима" in answer.text


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/ryazan", "на странице не нашлось текста статьи"),
        ("/file.pdf", "по ссылке не веб-страница, а файл (application/pdf)"),
        ("/slow", "сайт не ответил вовремя"),
        ("/to-metadata", "адрес ведёт во внутреннюю сеть или на этот сервер"),
    ],
)
async def test_a_bad_link_gets_a_clear_answer_and_saves_nothing(
    link_harness: Harness, pages: PageServer, path: str, reason: str
) -> None:
    reply = only(await link_harness.admin().send(pages.url(path)), "sendMessage")
    assert reply.text.startswith("Ссылка не открылась: " + reason), reply.text
    assert reply.buttons() == []
    assert not list(link_harness.settings.seeds_dir.glob("link-*"))


async def test_a_link_from_anyone_else_is_a_question(
    link_harness: Harness, pages: PageServer
) -> None:
    reply = only(await link_harness.private().send(pages.url("/kazinform")), "sendMessage")
    assert not reply.text.startswith(("Предпросмотр", "Ссылка не открылась"))
    assert pages.hits == []
