"""Downloading a page an admin linked to: public addresses only, bounded in size and time.

A link is someone else's server talking to ours, so every limit is ours to set: http(s) only,
no credentials in the URL, redirects followed by hand (at most ``max_redirects``) and every
hop's host resolved and checked — loopback, private, link-local (the cloud metadata address
169.254.169.254), CGNAT, multicast, reserved and their IPv6 forms (mapped, 6to4, Teredo,
NAT64) are refused.  The check sits in the connector's resolver, so the address checked is the
address connected to (a name that resolves to a public address once and a private one the next
time cannot slip through).  ``allow_loopback`` (tests only) lets 127.0.0.0/8 and ::1 through.

Extraction of the article (trafilatura) is the knowledge library's: see
:mod:`knowledge.webpage`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

__all__ = [
    "BlockedAddress",
    "FetchedPage",
    "LinkError",
    "LinkFetcher",
    "is_public_address",
    "page_text",
    "single_link",
]

logger = logging.getLogger(__name__)

USER_AGENT = "Mozilla/5.0 (compatible; InnopromQABot/1.0; +https://t.me)"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_URL_IN_TEXT = re.compile(r"^\s*(https?://\S+)\s*$", re.IGNORECASE)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(address: Address, *, allow_loopback: bool = False) -> bool:
    """True for an address on the public internet (or loopback, when allowed)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded, allow_loopback=allow_loopback)
    if address.is_loopback:
        return allow_loopback
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and address not in _CGNAT
    )


def single_link(text: str | None) -> str | None:
    """The URL when a message is nothing but one http(s) link."""
    match = _URL_IN_TEXT.match(text or "")
    return match.group(1) if match else None


class LinkError(Exception):
    """A link that could not be turned into a page; ``kind`` says why (texts word it)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


class BlockedAddress(OSError):
    """A host that resolves to an address we never connect to."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to a non-public address {address}")
        self.host = host
        self.address = address


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A downloaded page: its final address (after redirects), bytes and declared type."""

    url: str
    body: bytes
    content_type: str
    charset: str | None


class _PublicResolver(ThreadedResolver):
    """aiohttp's resolver that refuses hosts resolving to any non-public address."""

    def __init__(self, allow_loopback: bool) -> None:
        super().__init__()
        self.allow_loopback = allow_loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await super().resolve(host, port, family)
        for result in results:
            address = ipaddress.ip_address(result["host"])
            if not is_public_address(address, allow_loopback=self.allow_loopback):
                raise BlockedAddress(host, str(address))
        return results


class LinkFetcher:
    """Fetches one page per call, within the limits it was built with."""

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        max_bytes: int = 3_000_000,
        max_redirects: int = 5,
        allow_loopback: bool = False,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.allow_loopback = allow_loopback

    async def fetch(self, url: str) -> FetchedPage:
        """Download ``url`` (following redirects by hand) and return the page.

        :raises LinkError: ``bad_url``, ``blocked``, ``redirects``, ``timeout``, ``too_big``,
            ``not_html``, ``status`` or ``unreachable``.
        """
        try:
            async with asyncio.timeout(self.timeout):
                return await self._fetch(url)
        except TimeoutError as exc:
            raise LinkError("timeout", f"{self.timeout:g}") from exc
        except aiohttp.ClientConnectorDNSError as exc:
            if isinstance(exc.os_error, BlockedAddress):
                raise LinkError("blocked", exc.os_error.host) from exc
            raise LinkError("unreachable", "адрес не найден") from exc
        except aiohttp.ClientError as exc:
            raise LinkError("unreachable", type(exc).__name__) from exc
        except ValueError as exc:  # a URL yarl cannot parse
            raise LinkError("bad_url", str(exc)[:100]) from exc

    async def _fetch(self, url: str) -> FetchedPage:
        connector = aiohttp.TCPConnector(
            resolver=_PublicResolver(self.allow_loopback), use_dns_cache=False, limit=2
        )
        timeout = aiohttp.ClientTimeout(total=self.timeout, sock_connect=min(self.timeout, 10))
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
            trust_env=False,  # never through a proxy from the environment
        ) as session:
            current = self._checked(URL(url))
            for _ in range(self.max_redirects + 1):
                async with session.get(current, allow_redirects=False) as response:
                    if response.status in _REDIRECTS:
                        location = response.headers.get("Location", "")
                        if not location:
                            raise LinkError("status", str(response.status))
                        current = self._checked(response.url.join(URL(location)))
                        logger.info("link redirected to %s", current.host)
                        continue
                    return await self._page(response)
            raise LinkError("redirects", str(self.max_redirects))

    def _checked(self, url: URL) -> URL:
        """An absolute http(s) URL without credentials whose literal address (if it is one)
        is public; host names are checked when they are resolved."""
        if url.scheme not in ("http", "https") or not url.host:
            raise LinkError("bad_url", str(url)[:100])
        if url.user or url.password:
            raise LinkError("bad_url", "логин и пароль в ссылке")
        try:
            address = ipaddress.ip_address(url.host.strip("[]").split("%", 1)[0])
        except ValueError:
            return url
        if not is_public_address(address, allow_loopback=self.allow_loopback):
            raise LinkError("blocked", url.host)
        return url

    async def _page(self, response: aiohttp.ClientResponse) -> FetchedPage:
        if response.status != 200:
            raise LinkError("status", str(response.status))
        content_type = response.content_type or ""
        if content_type not in _HTML_TYPES:
            raise LinkError("not_html", content_type or "неизвестный тип")
        if response.content_length is not None and response.content_length > self.max_bytes:
            raise LinkError("too_big", str(self.max_bytes))
        body = bytearray()
        async for chunk in response.content.iter_chunked(65536):
            body.extend(chunk)
            if len(body) > self.max_bytes:
                raise LinkError("too_big", str(self.max_bytes))
        if b"\x00" in body[:4096]:
            raise LinkError("not_html", "двоичные данные")
        return FetchedPage(str(response.url), bytes(body), content_type, response.charset)


def page_text(page: FetchedPage) -> bytes | str:
    """The page as the extractor takes it: text when the server named the charset, else bytes
    (the extractor then reads the charset from the page itself)."""
    if page.charset:
        try:
            return page.body.decode(page.charset, errors="replace")
        except LookupError:
            pass
    return page.body
