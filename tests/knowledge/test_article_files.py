"""Article files the newsroom writes (header lines + text), the one-article preview, and
articles read from saved pages of real Russian news sites."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

from knowledge.models import SkippedFile
from knowledge.preview import preview_article, preview_bytes
from knowledge.seeds import compose_article, origin_of, parse_article
from knowledge.webpage import extract_web_article

ARTICLE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "newsroom" / "excavators.txt"
).read_text(encoding="utf-8")
PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
BODY = (
    "Гродненская область и Калужская область подписали соглашение о сотрудничестве в "
    "станкостроении. Документ подписали губернатор и председатель облисполкома."
)


def test_header_lines_round_trip() -> None:
    """What compose_article writes, parse_article reads: date, title, agency, url, outlet."""
    text = compose_article(
        BODY,
        published=date(2025, 9, 30),
        title="Станки   из Калуги",
        agency="Новости ИННОПРОМ",
        url="https://t.me/innoprom_news/42",
        outlet="Новости ИННОПРОМ",
    )
    assert text.splitlines()[:6] == [
        "date 2025-09-30",
        "title Станки из Калуги",
        "agency Новости ИННОПРОМ",
        "url https://t.me/innoprom_news/42",
        "outlet Новости ИННОПРОМ",
        "",
    ]
    article = parse_article("forward-20250930-070000-abcdef12.txt", text)
    assert (article.date, article.title, article.agency) == (
        date(2025, 9, 30),
        "Станки из Калуги",
        "Новости ИННОПРОМ",
    )
    assert (article.url, article.outlet, article.origin) == (
        "https://t.me/innoprom_news/42",
        "Новости ИННОПРОМ",
        "forward",
    )
    assert article.text == BODY
    plain = parse_article("x.txt", BODY)
    assert article.fingerprint == plain.fingerprint  # headers are not the article


def test_only_lines_at_the_very_top_are_headers() -> None:
    """A blank line ends the header; a text's own «url …» line later is text; a bad URL and
    a repeated key are not headers."""
    text = "agency ТАСС\n\nurl https://example.org\n" + BODY
    article = parse_article("x.txt", text)
    assert article.agency == "ТАСС" and article.url is None
    assert article.text.startswith("url https://example.org")
    odd = parse_article("x.txt", "url javascript:alert(1)\nagency A\nagency B\n" + BODY)
    assert odd.url is None and odd.agency == "A"
    assert odd.text.startswith("agency B")
    dated = parse_article("x.txt", "date 2025-10-01 " + BODY)  # the seeds' own form
    assert dated.date == date(2025, 10, 1) and dated.text.startswith("Гродненская")


def test_origin_comes_from_the_generated_name() -> None:
    assert origin_of("upload-20250930-101010-0a1b2c3d.txt") == "upload"
    assert origin_of("link-20250930-101010-0a1b2c3d.txt") == "link"
    assert origin_of("paste-x.txt") == "paste"
    for seed in ("000_bebc54e63cdf682f.txt", "forward.txt", "linked-list.txt", "grodno.txt"):
        assert origin_of(seed) == "seed"


def test_preview_holds_what_the_index_would() -> None:
    """Title, agency, sentences, lead, the agreement with its parties, people with posts,
    regions and figures of our own test article (an invented signing)."""
    article = parse_article("forward-1.txt", compose_article(ARTICLE, published=date(2025, 9, 30)))
    preview = preview_article(article)
    assert preview.title.startswith("Могилевские машиностроители и костромские гидравлики")
    assert (preview.date, preview.agency) == (date(2025, 9, 30), "БЕЛТА")
    assert preview.origin == "forward"
    assert preview.sentences == 9
    assert len(preview.lead) == 2 and preview.lead[0].startswith("ОАО «Днепровский завод")
    (agreement,) = preview.agreements
    assert agreement.subject == "о совместном выпуске мини-экскаваторов"
    assert "ООО «Костромская гидравлика»" in agreement.parties
    assert agreement.source.label() == "БЕЛТА, 30 сентября 2025"
    people = {p.name: p.role for p in preview.people}
    assert people == {
        "Ольга Веретенникова": "генеральный директор завода",
        "Тимофей Ладыжин": "директор костромского предприятия",
    }
    assert preview.regions == ("Костромская область", "Могилевская область")
    displays = {f.display for f in preview.figures}
    assert {"до 1200 мини-экскаваторов", "14 миллионов долларов"} <= displays


def test_preview_of_unusable_bytes_says_why() -> None:
    skipped = preview_bytes("paste-1.txt", "Коротко.".encode())
    assert isinstance(skipped, SkippedFile) and "мало текста" in skipped.reason


def test_saved_pages_give_their_article_and_metadata() -> None:
    """Real news pages: main text, title, date and site; a page without an article: None."""
    page = gzip.decompress((PAGES / "kazinform-poultry.html.gz").read_bytes())
    web = extract_web_article(page, "https://www.inform.kz/ru/article/3725092")
    assert web is not None
    assert web.title == "Полностью обеспечить регион мясом птицы намерены в СКО"
    assert web.published is not None and web.published.isoformat() == "2020-12-01"
    assert "Марат Тасмаганбетов" in web.text and "80 рабочих мест" in web.text
    assert "Яндекс" not in web.text and "©" not in web.text
    head = web.article_file().splitlines()[:5]
    assert head[0] == "date 2020-12-01"
    assert head[3] == "url https://www.inform.kz/ru/article/3725092"
    mk = gzip.decompress((PAGES / "mk-inauguration.html.gz").read_bytes())
    web = extract_web_article(mk, "https://www.mk.ru/politics/2020/09/23/x.html")
    assert web is not None and web.title == "Причиной тайной инаугурации Лукашенко стал стыд"
    assert web.site == "mk.ru" and web.agency == "mk.ru"
    ryazan = gzip.decompress((PAGES / "mk-ryazan-no-article.html.gz").read_bytes())
    assert extract_web_article(ryazan, "https://rzn.mk.ru/social/x.html") is None
