"""A small web server on 127.0.0.1 for the link tests: saved news pages and hostile ones.

Pages are the real sites' HTML from ``tests/fixtures/pages`` (see its README); the rest are
made to fail one way each: a PDF, bytes that only claim to be HTML, a server that never answers,
one that drips, redirects into the cloud metadata address, a private network, a loop, a page
over the size limit, a 404.
"""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

from aiohttp import web

__all__ = ["PAGES", "PageServer"]

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SAVED = {
    "/kazinform": "kazinform-poultry.html.gz",
    "/mk": "mk-inauguration.html.gz",
    "/ryazan": "mk-ryazan-no-article.html.gz",
}


class PageServer:
    """``async with PageServer() as pages: pages.url("/kazinform")``."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.hits: list[str] = []
        self._closing = asyncio.Event()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    async def __aenter__(self) -> PageServer:
        app = web.Application()
        for path, name in SAVED.items():
            app.router.add_get(path, self._saved(name))
        app.router.add_get("/file.pdf", self._pdf)
        app.router.add_get("/fake-html", self._fake_html)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/drip", self._drip)
        app.router.add_get(
            "/to-metadata", self._redirect("http://169.254.169.254/latest/meta-data/")
        )
        app.router.add_get("/to-private", self._redirect("http://10.20.30.40/news"))
        app.router.add_get("/to-mapped", self._redirect("http://[::ffff:192.168.1.1]/"))
        app.router.add_get("/to-kazinform", self._redirect("/kazinform"))
        app.router.add_get("/loop", self._redirect("/loop"))
        app.router.add_get("/big", self._big)
        app.router.add_get("/missing", self._missing)
        app.middlewares.append(self._record)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _record(self, request: web.Request, handler: web.Handler) -> web.StreamResponse:
        self.hits.append(request.path)
        return await handler(request)

    @staticmethod
    def _saved(name: str) -> web.Handler:
        body = gzip.decompress((PAGES / name).read_bytes())

        async def handler(request: web.Request) -> web.Response:
            return web.Response(body=body, content_type="text/html", charset="utf-8")

        return handler

    @staticmethod
    def _redirect(location: str) -> web.Handler:
        async def handler(request: web.Request) -> web.Response:
            raise web.HTTPFound(location)

        return handler

    async def _pdf(self, request: web.Request) -> web.Response:
        return web.Response(
            body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(2000), content_type="application/pdf"
        )

    async def _fake_html(self, request: web.Request) -> web.Response:
        return web.Response(
            body=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500), content_type="text/html"
        )

    async def _slow(self, request: web.Request) -> web.Response:
        await asyncio.wait({asyncio.ensure_future(self._closing.wait())}, timeout=30)
        return web.Response(text="<html><body>поздно</body></html>", content_type="text/html")

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        try:
            for _ in range(300):
                if self._closing.is_set():
                    break
                await response.write(b"<p>\xd0\xb0</p>")
                await asyncio.sleep(0.1)
        except ConnectionError:
            pass
        return response

    async def _big(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)  # chunked: no Content-Length to refuse it early
        chunk = ("<p>" + "текст " * 1000 + "</p>").encode()
        try:
            for _ in range(200):
                await response.write(chunk)
        except ConnectionError:  # the client stopped reading at its limit
            pass
        return response

    async def _missing(self, request: web.Request) -> web.Response:
        raise web.HTTPNotFound(text="нет такой страницы")
