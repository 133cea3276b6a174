"""Reading seed articles: decoding, cleaning, title, date and agency.

Each ``*.txt`` file in the seeds directory is one article.  Files that cannot be used (empty,
binary, undecodable, too large, duplicates) are skipped with a reason instead of failing the
build.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .lexicon import lexicon
from .models import SkippedFile

__all__ = ["MAX_SEED_BYTES", "Article", "decode", "parse_article", "read_seeds"]

logger = logging.getLogger(__name__)

MAX_SEED_BYTES = 1_000_000
_MIN_LETTERS = 40

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})\b[ \t]*")
# Scraping debris such as a lone currency rate («3.64 BYN») at the start of the text.
_DEBRIS = re.compile(
    r"^\s*[-+]?\d+(?:[.,]\d+)?\s*(?:BYN|USD|EUR|RUB|CNY|руб\.?|бел\.\s*руб\.?|[$€₽])\s*",
    re.IGNORECASE,
)
# A dateline: «29 сентября, Минск /Корр. БЕЛТА/.» or «МИНСК, 1 октября. /ТАСС/.»
_DATELINE = re.compile(
    r"^\s*(?:\d{1,2}\s+[а-яё]+,\s*)?[А-ЯЁ][А-ЯЁа-яё-]+(?:,\s*\d{1,2}\s+[а-яё]+)?\.?\s*"
    r"/(?:\s*(?:Корр|корр)\.?\s*)?([^/\n]{2,40})/\.?\s*"
)
_BYLINE = re.compile(r"^\s*Редакция\s+(?:сайта\s+)?(.{2,40}?)\s*$", re.MULTILINE)
_END_MARK = re.compile(r"\s*[-−–—]\s*0\s*[-−–—]\s*$")
_LETTER = re.compile(r"[А-Яа-яЁёA-Za-z]")
_SENTENCE_END = re.compile(r"[.!?…»\"”]\s*$")


@dataclass(frozen=True, slots=True)
class Article:
    """One seed article after cleaning."""

    id: str
    title: str
    date: date | None
    agency: str | None
    text: str
    fingerprint: str


def decode(data: bytes) -> str | None:
    """Decode seed bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or cp1251.

    Returns ``None`` when the bytes are not text in any of these encodings.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1251" and not _looks_russian(text):
            return None
        return text
    return None


def _looks_russian(text: str) -> bool:
    letters = _LETTER.findall(text)
    if not letters:
        return False
    cyrillic = sum(1 for ch in letters if "А" <= ch <= "я" or ch in "Ёё")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return cyrillic / len(letters) > 0.5 and control == 0


def _find_agency(text: str) -> str | None:
    """The news agency the text attributes itself to, if it names a known one."""
    agencies = lexicon().agencies
    for match in re.finditer(r"/([^/\n]{2,40})/", text):
        found = _known_agency(match.group(1), agencies)
        if found:
            return found
    for pattern in (
        r"(?:корр\.|корреспондент[а-я]*|редакция сайта|передает|передаёт|сообщает|"
        r"сообщили|по данным|по информации|пишет|агентству?)\s+([^\n,;:]{2,40})",
    ):
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            found = _known_agency(match.group(1), agencies)
            if found:
                return found
    return None


def _known_agency(fragment: str, agencies: dict[str, str]) -> str | None:
    low = fragment.lower().replace("ё", "е")
    best: tuple[int, str] | None = None
    for alias, canonical in agencies.items():
        pos = low.find(alias)
        if pos >= 0 and (pos == 0 or not low[pos - 1].isalpha()):
            end = pos + len(alias)
            if end == len(low) or not low[end].isalpha():
                candidate = (pos, canonical)
                if best is None or candidate < best:
                    best = candidate
    return best[1] if best else None


def _shorten(text: str, limit: int = 100) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    # never end on a dangling opening quote: «… выставка «ИННОПРОМ.…»
    for opener, closer in (("«", "»"), ("„", "“")):
        if cut.count(opener) > cut.count(closer):
            cut = cut[: cut.rfind(opener)]
    if cut.count('"') % 2:
        cut = cut[: cut.rfind('"')]
    return cut.rstrip(",;:—–-. ") + "…"


def parse_article(article_id: str, raw: str) -> Article:
    """Clean a decoded seed text and derive its title, date and agency."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip("\ufeff")
    text = text.strip()
    published: date | None = None
    match = _DATE_LINE.match(text)
    if match:
        try:
            published = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            published = None
        text = text[match.end() :]
    debris = _DEBRIS.match(text)
    if debris:
        text = text[debris.end() :]
    agency = _find_agency(raw)
    lines = [line.strip() for line in text.split("\n")]
    cleaned: list[str] = []
    for line in lines:
        if not line:
            if cleaned and cleaned[-1] != "":
                cleaned.append("")
            continue
        if _BYLINE.match(line):
            continue
        line = _DATELINE.sub("", line, count=1)
        line = _END_MARK.sub("", line)
        if not _LETTER.search(line):
            continue
        cleaned.append(line)
    while cleaned and cleaned[-1] == "":
        cleaned.pop()
    title = _title(cleaned)
    body = "\n".join(cleaned)
    fingerprint = hashlib.sha256(re.sub(r"\s+", " ", body).strip().encode()).hexdigest()[:16]
    return Article(article_id, title, published, agency, body, fingerprint)


def _title(lines: list[str]) -> str:
    """A headline when the text starts with one, else the first sentence, ≤ 100 chars."""
    content = [line for line in lines if line]
    if not content:
        return ""
    first = content[0]
    if len(first) <= 150 and not _SENTENCE_END.search(first) and len(content) > 1:
        return _shorten(first)
    # first sentence of the first line
    from .sentences import split_sentences

    sentences = split_sentences(first)
    return _shorten(sentences[0] if sentences else first)


def read_seeds(
    seeds_dir: Path, mapper: Callable[..., Iterable[Article | SkippedFile]] = map
) -> tuple[list[Article], list[SkippedFile]]:
    """Read every ``*.txt`` in ``seeds_dir``; return usable articles and skipped files.

    :param mapper: how to parse the files' bytes (``map``, or a process pool's ``map``).
    """
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, str] = {}
    if not seeds_dir.is_dir():
        return [], [SkippedFile(str(seeds_dir), "папка с исходными статьями не найдена")]
    readable: list[tuple[str, bytes]] = []
    for path in sorted(seeds_dir.glob("*.txt"), key=lambda p: p.name):
        name = path.name
        reason = None
        try:
            if not path.is_file():
                reason = "не файл (папка или спецфайл)"
            elif path.stat().st_size > MAX_SEED_BYTES:
                reason = f"файл больше {MAX_SEED_BYTES // 1000} КБ"
        except OSError as exc:
            reason = f"не удалось прочитать: {exc.strerror or exc.__class__.__name__}"
        if reason:
            skipped.append(SkippedFile(name, reason))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            skipped.append(
                SkippedFile(name, f"не удалось прочитать: {exc.strerror or type(exc).__name__}")
            )
            continue
        readable.append((name, data))
    names = [name for name, _ in readable]
    datas = [data for _, data in readable]
    for name, result in zip(names, mapper(load_article, names, datas), strict=True):
        if isinstance(result, SkippedFile):
            skipped.append(result)
            continue
        if result.fingerprint in seen:
            skipped.append(SkippedFile(name, f"повторяет статью {seen[result.fingerprint]}"))
            continue
        seen[result.fingerprint] = name
        articles.append(result)
    for item in skipped:
        logger.warning("seed skipped: %s (%s)", item.name, item.reason)
    return articles, skipped


def load_article(name: str, data: bytes) -> Article | SkippedFile:
    """Validate and parse one seed file's bytes (used for files and for uploads)."""
    if not data.strip():
        return SkippedFile(name, "пустой файл")
    if len(data) > MAX_SEED_BYTES:
        return SkippedFile(name, f"файл больше {MAX_SEED_BYTES // 1000} КБ")
    text = decode(data)
    if text is None:
        return SkippedFile(name, "не текст: кодировка не UTF-8, UTF-16 или cp1251")
    article = parse_article(name, text)
    if len(_LETTER.findall(article.text)) < _MIN_LETTERS:
        return SkippedFile(name, "слишком мало текста для статьи")
    return article
