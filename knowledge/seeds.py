"""Reading seed articles: decoding, cleaning, title, date and agency.

Each ``*.txt`` file in the seeds directory is one article.  Files that cannot be used (empty,
binary, undecodable, too large, duplicates) are skipped with a reason instead of failing the
build.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .lexicon import lexicon
from .models import SkippedFile

__all__ = [
    "HEADER_KEYS",
    "MAX_SEED_BYTES",
    "ORIGINS",
    "Article",
    "compose_article",
    "decode",
    "decode_text",
    "failure",
    "find_agency",
    "known_agency",
    "load_article",
    "origin_of",
    "parse_article",
    "read_seed_file",
    "read_seeds",
    "seed_names",
]

logger = logging.getLogger(__name__)

MAX_SEED_BYTES = 1_000_000
_MIN_LETTERS = 40

_DATE_LINE = re.compile(r"\s*date[ \t]+(\d{4})-(\d{2})-(\d{2})\b[ \t]*\n?")
# Header lines an article file may start with (after or instead of the date line): what the
# newsroom knew about it when it was added (a forward's channel, a link's page).
HEADER_KEYS = ("title", "agency", "url", "outlet")
_HEADER_LINE = re.compile(r"[ \t]*(title|agency|url|outlet)[ \t]+([^\n]*?\S)[ \t]*(?:\n|\Z)")
# How an article came, by the prefix of the file name the bot gave it; anything else is a
# seed put into the folder by hand.
ORIGINS = ("upload", "forward", "paste", "link")
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
    url: str | None = None
    outlet: str | None = None

    @property
    def origin(self) -> str:
        """How the article came: ``seed``, ``upload``, ``forward``, ``paste`` or ``link``."""
        return origin_of(self.id)


def origin_of(article_id: str) -> str:
    """How an article came, read from its file name (``forward-….txt`` → ``forward``)."""
    prefix = article_id.split("-", 1)[0]
    return prefix if prefix in ORIGINS and "-" in article_id else "seed"


def compose_article(
    body: str,
    *,
    published: date | None = None,
    title: str | None = None,
    agency: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
) -> str:
    """An article file: header lines (``date``, ``title``, ``agency``, ``url``, ``outlet``),
    a blank line, then the text — what :func:`parse_article` reads back."""
    lines = [f"date {published.isoformat()}"] if published else []
    for key, value in zip(HEADER_KEYS, (title, agency, url, outlet), strict=True):
        value = " ".join((value or "").split())
        if value:
            lines.append(f"{key} {value}")
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "\n".join(lines) + ("\n\n" if lines else "") + text + "\n"


def _read_header(text: str) -> tuple[dict[str, str], date | None, str]:
    """Header lines at the start of a text: (values, date, the rest).  Lines follow each other
    directly; a blank line or any other line ends the header."""
    values: dict[str, str] = {}
    published: date | None = None
    dated = False
    pos = 0
    while True:
        match = None if dated else _DATE_LINE.match(text, pos)
        if match and (pos == 0 or not match.group(0)[:1].isspace()):
            dated = True
            try:
                published = date(*(int(match.group(i)) for i in (1, 2, 3)))
            except ValueError:
                published = None
            pos = match.end()
            if not match.group(0).endswith("\n"):
                break  # «date 2025-09-29 Текст…»: the text goes on on the same line
            continue
        header = _HEADER_LINE.match(text, pos)
        if header is None or header.group(1) in values:
            break
        values[header.group(1)] = header.group(2)
        pos = header.end()
    return values, published, text[pos:]


NOT_TEXT = "не текст: кодировка не UTF-8, UTF-16 или cp1251"


def decode(data: bytes) -> str | None:
    """Decode seed bytes as UTF-8 (with or without BOM), UTF-16 (with or without BOM) or
    cp1251 Russian text.

    Returns ``None`` when the bytes are not cleanly text in any of these encodings.
    """
    text, _ = decode_text(data)
    return text


def decode_text(data: bytes) -> tuple[str | None, str]:
    """The decoded text and ``""``, or ``None`` and the reason, in Russian, why not.

    Strict UTF-8 comes first.  UTF-8 spoilt by a few stray bytes is refused rather than read
    as cp1251 (which would turn every letter into «Р¤Р°…»): cp1251 is tried only when the
    bytes hardly ever form a UTF-8 sequence, and is accepted only when it reads as Russian.
    UTF-16 is recognised by its BOM, or without one by where its zero bytes fall.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ""
        except UnicodeDecodeError:
            return None, "начинается с метки UTF-16, но дальше не читается как UTF-16"
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, ""
    if b"\x00" in data:
        return None, NOT_TEXT
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            line = data.count(b"\n", 0, exc.start) + 1
            return None, (
                f"текст в UTF-8 с испорченными байтами (первый — 0x{data[exc.start]:02X} в "
                f"строке {line}); пересохраните файл в UTF-8"
            )
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return None, NOT_TEXT
    if not _looks_russian(text):
        return None, NOT_TEXT
    return text, ""


# A byte of UTF-8 that starts or continues a multi-byte character.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _mostly_utf8(data: bytes) -> bool:
    """Whether the non-ASCII bytes mostly form UTF-8 characters (UTF-8 with a few stray bytes)
    rather than mostly not (cp1251, where a Russian letter followed by «, », ё or a dash forms
    a UTF-8 pair only now and then)."""
    valid = sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    stray = len(_HIGH_BYTE.findall(data)) - valid
    return valid >= 4 * max(stray, 1)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM: Cyrillic is ``xx 04`` and ASCII ``xx 00``, so zero
    bytes fall on one side of the pairs only (odd offsets for little-endian)."""
    if len(data) < 4 or len(data) % 2:
        return None
    pairs = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= pairs * 0.05 and even <= pairs * 0.01:
        encoding = "utf-16-le"
    elif even >= pairs * 0.05 and odd <= pairs * 0.01:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text) or not _LETTER.search(text):
        return None
    return text


def failure(exc: BaseException, limit: int = 200) -> str:
    """An exception in one short line for an admin: its type and the start of its message."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _looks_russian(text: str) -> bool:
    letters = _LETTER.findall(text)
    if not letters:
        return False
    cyrillic = sum(1 for ch in letters if "А" <= ch <= "я" or ch in "Ёё")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return cyrillic / len(letters) > 0.5 and control == 0


def find_agency(text: str) -> str | None:
    """The news agency the text attributes itself to, if it names a known one."""
    agencies = lexicon().agencies
    for match in re.finditer(r"/([^/\n]{2,40})/", text):
        found = known_agency(match.group(1), agencies)
        if found:
            return found
    for pattern in (
        r"(?:корр\.|корреспондент[а-я]*|редакция сайта|передает|передаёт|сообщает|"
        r"сообщили|по данным|по информации|пишет|агентству?)\s+([^\n,;:]{2,40})",
    ):
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            found = known_agency(match.group(1), agencies)
            if found:
                return found
    return None


def known_agency(fragment: str, agencies: dict[str, str] | None = None) -> str | None:
    """The known agency a short fragment (a channel's or a site's name) names, if any."""
    agencies = lexicon().agencies if agencies is None else agencies
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
    header, published, text = _read_header(text)
    debris = _DEBRIS.match(text)
    if debris:
        text = text[debris.end() :]
    agency = _shorten(header["agency"], 60) if "agency" in header else find_agency(text)
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
    title = _shorten(header["title"]) if "title" in header else _title(cleaned)
    body = "\n".join(cleaned)
    fingerprint = hashlib.sha256(re.sub(r"\s+", " ", body).strip().encode()).hexdigest()[:16]
    url = header.get("url")
    return Article(
        article_id,
        title,
        published,
        agency,
        body,
        fingerprint,
        url=url if url and re.match(r"https?://\S+$", url) else None,
        outlet=_shorten(header["outlet"], 80) if "outlet" in header else None,
    )


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


def seed_names(seeds_dir: Path) -> list[str]:
    """Names of the ``*.txt`` entries of ``seeds_dir``, sorted, whatever their kind (readers
    check each one); empty when the folder cannot be listed."""
    try:
        return sorted(name for name in os.listdir(seeds_dir) if name.endswith(".txt"))
    except OSError:
        return []


NOT_A_FILE = "не файл (папка или спецфайл)"
SYMLINK = "символическая ссылка — читаю только обычные файлы, лежащие в папке статей"
SWAPPED = "файл подменили во время чтения"
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def read_seed_file(dir_fd: int, name: str) -> bytes | str:
    """The bytes of one seed file, or the reason (Russian) it is not read.

    Only a regular file lying in the folder is read: a symbolic link (to a file outside, to
    one inside, to a folder, or to nothing), a folder, a FIFO, a socket or a device is not.
    The entry is looked at without following links, then opened with ``O_NOFOLLOW`` and
    checked again through the open descriptor, so a file swapped for a link between the look
    and the read is refused too.
    """
    try:
        seen = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as exc:
        return f"не удалось прочитать: {exc.strerror or type(exc).__name__}"
    if stat.S_ISLNK(seen.st_mode):
        return SYMLINK
    if not stat.S_ISREG(seen.st_mode):
        return NOT_A_FILE
    if seen.st_size > MAX_SEED_BYTES:
        return f"файл больше {MAX_SEED_BYTES // 1000} КБ"
    try:
        fd = os.open(name, _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return SWAPPED
        return f"не удалось прочитать: {exc.strerror or type(exc).__name__}"
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (seen.st_dev, seen.st_ino) or not stat.S_ISREG(
            opened.st_mode
        ):
            return SWAPPED
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_SEED_BYTES:
            chunk = os.read(fd, MAX_SEED_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return f"не удалось прочитать: {exc.strerror or type(exc).__name__}"
    finally:
        os.close(fd)
    if size > MAX_SEED_BYTES:
        return f"файл больше {MAX_SEED_BYTES // 1000} КБ"
    return b"".join(chunks)


def read_seeds(
    seeds_dir: Path, mapper: Callable[..., Iterable[Article | SkippedFile]] = map
) -> tuple[list[Article], list[SkippedFile]]:
    """Read every ``*.txt`` in ``seeds_dir``; return usable articles and skipped files.

    ``seeds_dir`` itself may be a symbolic link (it is configuration: a volume or a release
    folder); what lies in it is read only when it is a regular file (see
    :func:`read_seed_file`).

    :param mapper: how to parse the files' bytes (``map``, or a process pool's ``map``).
    """
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, str] = {}
    try:
        dir_fd = os.open(seeds_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return [], [SkippedFile(str(seeds_dir), "папка с исходными статьями не найдена")]
    readable: list[tuple[str, bytes]] = []
    try:
        for name in sorted(n for n in os.listdir(dir_fd) if n.endswith(".txt")):
            data = read_seed_file(dir_fd, name)
            if isinstance(data, str):
                skipped.append(SkippedFile(name, data))
            else:
                readable.append((name, data))
    finally:
        os.close(dir_fd)
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
    text, reason = decode_text(data)
    if text is None:
        return SkippedFile(name, reason)
    try:
        article = parse_article(name, text)
    except Exception as exc:  # a bug in cleaning must cost this file, never the build
        logger.exception("seed %s could not be parsed", name)
        return SkippedFile(name, f"не удалось разобрать: {failure(exc)}")
    if len(_LETTER.findall(article.text)) < _MIN_LETTERS:
        return SkippedFile(name, "слишком мало текста для статьи")
    return article
