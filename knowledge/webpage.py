"""A news web page → the article file the newsroom saves: main text and metadata.

The main text, title, date and site name come from trafilatura (a well-kept extractor for
news pages); here they only become an article file with header lines (``date``, ``title``,
``agency``, ``url``, ``outlet``) that :func:`knowledge.seeds.parse_article` reads back.  The
download itself (size, time and address limits) is the caller's business: this module never
touches the network.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from .seeds import compose_article, find_agency, known_agency

__all__ = ["MIN_PAGE_LETTERS", "WebArticle", "extract_web_article"]

logger = logging.getLogger(__name__)

# A page whose main text has fewer letters than this holds no article (a section front, a
# gallery, a «read our channel» stub); three short news sentences have more.
MIN_PAGE_LETTERS = 200
_LETTER = re.compile(r"[А-Яа-яЁёA-Za-z]")
_SITE_NAME_CHARS = 40


@dataclass(frozen=True, slots=True)
class WebArticle:
    """The article found on a web page."""

    url: str
    title: str | None
    text: str
    published: date | None
    site: str
    agency: str | None

    def article_file(self) -> str:
        """The article as a file the seeds reader understands (header lines, then text)."""
        return compose_article(
            self.text,
            published=self.published,
            title=self.title,
            agency=self.agency,
            url=self.url,
            outlet=self.site,
        )


def extract_web_article(html: bytes | str, url: str) -> WebArticle | None:
    """The main text and metadata of a news page, or ``None`` when it holds no article.

    ``url`` is the page's final address (after redirects): relative metadata resolves
    against it, and it is kept as the article's source link.
    """
    import trafilatura  # ~0.5 s to import: only when a link is actually sent

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        favor_precision=True,  # boilerplate (menus, «read also» lists) costs more than a lost line
        include_comments=False,
        include_tables=False,
        deduplicate=True,
    )
    if document is None:
        return None
    text = (getattr(document, "text", None) or "").strip()
    if len(_LETTER.findall(text)) < MIN_PAGE_LETTERS:
        return None
    title = _clean(getattr(document, "title", None))
    site = _site_name(getattr(document, "sitename", None), title, url)
    agency = find_agency(text) or known_agency(site) or site
    return WebArticle(
        url=url,
        title=title,
        text=text,
        published=_date(getattr(document, "date", None)),
        site=site,
        agency=agency,
    )


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _site_name(sitename: str | None, title: str | None, url: str) -> str:
    """The site as a source line names it: its own short name, else its host name."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    name = _clean(sitename)
    if name and len(name) <= _SITE_NAME_CHARS and not (title and (name in title or title in name)):
        return name
    return host or "сайт"
