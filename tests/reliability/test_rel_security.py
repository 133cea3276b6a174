"""Security: admin entry points, uploads, the token, what the state database keeps (issue 4).

* Every admin entry point (``/reload``, ``/stats``, document uploads; there are no admin
  buttons) refuses everyone but an ``ADMIN_IDS`` user in a private chat — other users, the
  admin in a group, the anonymous group admin, a user who took the admin's username — and the
  refusal is logged.  Admin identity is the numeric id: the admin with a new username is
  still the admin.
* Uploads: the size is checked before anything is downloaded; hostile file names are never
  used (files are stored under generated names inside ``SEEDS_DIR``, nothing is written
  anywhere else); archives and binaries disguised as ``.txt`` are refused.
* The bot token never shows: errors whose message or URL holds it are forced in a handler, in
  an upload's download and at start-up, with logging set up exactly as in production.
* The state database keeps only the questions (no ids, names, chatter, commands, inline
  queries, file names) and ``/stats`` shows no user ids.
* From the independent audit (issue 9): links and special files in ``SEEDS_DIR`` are never
  read (the bot's own ``.env`` behind a link leaked the token); buttons carry random tokens
  that work only in their own chat (sequential ids let anyone read and re-rate others'
  questions); ``/stats`` masks phone numbers and e-mails; the state files are private.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import random
import re
import sqlite3
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram.exceptions import TelegramNetworkError
from bot_testkit import ADMIN_ID, UNSEEN, USER_ID, only, token_of
from multidict import CIMultiDict, CIMultiDictProxy
from rel_checks import Rig, check_call, sent_texts, visible
from yarl import URL

from bot import texts
from bot.app import run_bot, setup_logging
from bot.config import PROJECT_ROOT, Secret, Settings
from bot.local import LOCAL_BOT_USERNAME, LocalCall, LocalChat
from bot.state import MAX_QUESTION_CHARS
from knowledge import load_index

TOKEN = "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_"
# A token that does not look like one: redaction must not depend on the shape.
ODD_TOKEN = "42:not-token-shaped"
ANON_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
ADMIN_USERNAME = "press_office_admin"
UPLOAD_NAME = re.compile(r"^upload-\d{8}-\d{6}-[0-9a-f]{8}\.txt$")
ARTICLE = (UNSEEN / "u02_tass_results.txt").read_bytes()


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (except the index folder) with a digest of its content."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "data" not in path.relative_to(root).parts:
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def refusal_logged(caplog: pytest.LogCaptureFixture, what: str, user_id: int) -> bool:
    return any(
        what in r.getMessage() and str(user_id) in r.getMessage() and r.levelno >= logging.WARNING
        for r in caplog.records
    )


@pytest.fixture
def secure(rel_settings: Settings) -> Iterator[Rig]:
    """The rig with a real-looking token and an admin who has a username."""
    rig = Rig.start(replace(rel_settings, bot_token=Secret(TOKEN)))
    rig.harness.admin().user["username"] = ADMIN_USERNAME
    yield rig
    rig.close()


def _chat(rig: Rig, who: str) -> LocalChat:
    h = rig.harness
    if who == "user in private":
        return h.private(4001)
    if who == "username impostor in private":  # took the admin's username, not the admin's id
        chat = h.private(4002)
        chat.user.update(username=ADMIN_USERNAME, first_name="Пресс-служба")
        return chat
    if who == "user in group":
        return h.group(4003, -4003)
    if who == "admin in group":
        return h.group(ADMIN_ID, -4004)
    chat = h.group(ANON_ADMIN["id"], -4005)  # the anonymous group admin
    chat.user = dict(ANON_ADMIN)
    return chat


WHO = [
    "user in private",
    "username impostor in private",
    "user in group",
    "admin in group",
    "anonymous admin in group",
]


@pytest.mark.parametrize("who", WHO)
async def test_admin_entry_points_refuse_everyone_else(
    secure: Rig, who: str, caplog: pytest.LogCaptureFixture
) -> None:
    """/reload, /stats (bare and @bot) and a valid article upload: refused, logged, no effect."""
    h = secure.harness
    chat = _chat(secure, who)
    extra: dict[str, Any] = {"sender_chat": chat.chat} if "anonymous" in who else {}
    private = "private" in who
    index, index_file = h.service.index, h.settings.index_path.read_bytes()
    seeds = tree(h.settings.seeds_dir)
    h.store.record_question("Сколько было посетителей?", True, USER_ID)
    for command in ("reload", "stats"):
        for text in (f"/{command}", f"/{command}@{LOCAL_BOT_USERNAME}", f"/{command} now"):
            caplog.clear()
            with caplog.at_level(logging.WARNING):
                calls = await chat.send(text, **extra)
            for call in calls:
                check_call(call)
            addressed = private or "@" in text
            if addressed:  # the same answer as any unknown command: nothing to probe
                assert sent_texts(calls) == [texts.UNKNOWN_COMMAND], (text, calls)
                assert refusal_logged(caplog, f"admin command /{command} refused", chat.user["id"])
            else:  # a bare command in a group may be another bot's: silence
                assert visible(calls) == [], text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        calls = await chat.upload("статья.txt", ARTICLE)
    assert "getFile" not in [c.method for c in calls]
    if private:
        assert sent_texts(calls) == [texts.NON_TEXT_HINT]
        assert refusal_logged(caplog, "document upload refused", chat.user["id"])
    else:
        assert visible(calls) == []
    assert h.service.index is index
    assert h.settings.index_path.read_bytes() == index_file
    assert tree(h.settings.seeds_dir) == seeds
    assert secure.failures() == []


async def test_misconfigured_anonymous_admin_id_still_gets_nothing(
    rel_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Even with GroupAnonymousBot's id put in ADMIN_IDS by mistake, nobody in a group can
    reload: admin commands work only in a private chat, where that account never writes."""
    rig = Rig.start(replace(rel_settings, admin_ids=frozenset({ADMIN_ID, ANON_ADMIN["id"]})))
    try:
        chat = _chat(rig, "anonymous admin in group")
        index = rig.harness.service.index
        with caplog.at_level(logging.WARNING):
            calls = await chat.send(f"/reload@{LOCAL_BOT_USERNAME}", sender_chat=chat.chat)
        assert sent_texts(calls) == [texts.UNKNOWN_COMMAND]
        assert visible(await chat.upload("статья.txt", ARTICLE)) == []
        assert rig.harness.service.index is index
        assert "admin command /reload refused" in caplog.text
    finally:
        rig.close()


async def test_admin_is_the_id_not_the_username(secure: Rig) -> None:
    """The admin with a new username and name is still the admin; there are no admin
    buttons, and no button data, forged or not, reaches an admin action."""
    h = secure.harness
    admin = h.admin()
    admin.user.update(username="renamed_admin", first_name="Новое имя")
    stats = only(await admin.send("/stats"), "sendMessage")
    assert stats.text.startswith("Вопросов пока не было.") and not stats.buttons()
    report = only(await admin.send("/reload"), "sendMessage")
    assert report.text.startswith("Индекс перестроен") and not report.buttons()
    index = h.service.index
    user = h.private(4010)
    answer = only(await user.send("Сколько было посетителей?"), "sendMessage")
    message_id = answer.result["message_id"]
    for data in ("reload", "stats", "admin:reload", "upload", "/reload", "reload:1:1"):
        calls = await user.press_data(message_id, data)
        assert only(calls, "answerCallbackQuery").params.get("text") == texts.STALE_BUTTON
        assert h.service.index is index
    assert "/reload" not in only(await user.send("/help"), "sendMessage").text
    assert "/reload" in only(await admin.send("/help"), "sendMessage").text


# ------------------------------------------------------------------------------ uploads


class Downloads:
    """Counts file downloads (``stream_content``) on top of getFile calls."""

    def __init__(self, rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        session = rig.harness.session
        original = session.stream_content

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(session, "stream_content", counting)


async def upload_with_size(
    chat: LocalChat, name: str, data: bytes, size: int | None
) -> list[LocalCall]:
    """A document whose ``file_size`` Telegram reports as ``size`` (None: not reported)."""
    file_id = f"doc{chat.session.next_id()}"
    chat.session.files[file_id] = data
    document: dict[str, Any] = {"file_id": file_id, "file_unique_id": file_id,
                                "file_name": name, "mime_type": "text/plain"}  # fmt: skip
    if size is not None:
        document["file_size"] = size
    return await chat.send_content(document=document)


@pytest.mark.parametrize("size", [1_000_001, 20_000_000, None], ids=["1MB+1", "20MB", "none"])
async def test_size_is_checked_before_downloading(
    secure: Rig, monkeypatch: pytest.MonkeyPatch, size: int | None
) -> None:
    """Too big (or size unknown): refused without a getFile call or a download."""
    downloads = Downloads(secure, monkeypatch)
    seeds = tree(secure.harness.settings.seeds_dir)
    calls = await upload_with_size(secure.harness.admin(), "big.txt", ARTICLE, size)
    assert sent_texts(calls) == [texts.upload_too_big(1_000_000)]
    assert "getFile" not in [c.method for c in calls] and downloads.count == 0
    assert tree(secure.harness.settings.seeds_dir) == seeds


async def test_a_file_bigger_than_announced_is_refused_after_download(
    secure: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A size that lies (small announced, 1 MB + 1 delivered): refused, nothing saved."""
    downloads = Downloads(secure, monkeypatch)
    seeds = tree(secure.harness.settings.seeds_dir)
    calls = await upload_with_size(secure.harness.admin(), "a.txt", b"a" * 1_000_001, 100)
    assert sent_texts(calls) == [texts.upload_too_big(1_000_000)]
    assert downloads.count == 1
    assert tree(secure.harness.settings.seeds_dir) == seeds


def _article(n: int) -> bytes:
    """A distinct valid article (the duplicate check compares the cleaned text)."""
    source = ["u01_belta_grodno.txt", "u02_tass_results.txt", "u03_nodate_tatarstan.txt",
              "u04_sb_minsk.txt"][n % 4]  # fmt: skip
    return (UNSEEN / source).read_bytes()


HOSTILE_NAMES = [
    "../../etc/passwd.txt",
    "..\\..\\x.txt",
    "a" * 251 + ".txt",  # 255 bytes, the longest name most file systems allow
    "x\x00.txt",
]


async def test_hostile_file_names_are_never_used(secure: Rig, tmp_path: Path) -> None:
    """Saved under generated names inside SEEDS_DIR only; a name without .txt is refused
    before downloading; nothing is written outside SEEDS_DIR."""
    h = secure.harness
    admin = h.admin()
    before = tree(tmp_path)
    seeds_before = {p.name for p in h.settings.seeds_dir.iterdir()}
    calls = await admin.upload("../../etc/passwd", ARTICLE)
    assert sent_texts(calls) == [texts.UPLOAD_NOT_TXT]
    assert "getFile" not in [c.method for c in calls]
    uploaded = {}
    for n, name in enumerate(HOSTILE_NAMES):
        data = _article(n)
        report = sent_texts(await admin.upload(name, data))[-1]
        assert report.startswith("Статья сохранена: "), (name, report)
        (new,) = {p.name for p in h.settings.seeds_dir.iterdir()} - seeds_before - set(uploaded)
        assert UPLOAD_NAME.match(new), new
        assert name not in report
        uploaded[new] = data
    after = tree(tmp_path)
    added = {k for k in after if k not in before}
    assert added == {f"seeds/{name}" for name in uploaded}
    assert all(after[k] == before[k] for k in before)  # nothing else changed
    for name, data in uploaded.items():
        assert (h.settings.seeds_dir / name).read_bytes() == data
    assert h.service.index.info.articles == 5 + len(HOSTILE_NAMES)
    assert not [p for p in tmp_path.rglob("*") if "passwd" in p.name or p.name == "x.txt"]
    assert secure.failures() == []


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("статья.txt", ARTICLE)
    return buffer.getvalue()


NOISE = random.Random(7).randbytes(4096)
DISGUISED = {
    "zip": _zip(),
    "zip-stored": b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + ARTICLE,
    "gzip": gzip.compress(ARTICLE, mtime=0),
    "rar": b"Rar!\x1a\x07\x01\x00" + NOISE,
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + NOISE,
    "elf": b"\x7fELF\x02\x01\x01\x00" + NOISE,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + NOISE,
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 4096 >>\nstream\n" + NOISE,
    "random": NOISE,
}


@pytest.mark.parametrize("kind", sorted(DISGUISED))
async def test_archives_and_binaries_are_refused(secure: Rig, kind: str) -> None:
    """Named .txt and sent as text/plain, still refused by content; as what they are,
    refused by name before downloading.  Nothing is saved either way."""
    h = secure.harness
    seeds = tree(h.settings.seeds_dir)
    calls = await h.admin().upload("статья.txt", DISGUISED[kind], mime_type="text/plain")
    (reply,) = sent_texts(calls)
    assert reply.startswith("Файл не принят: не текст"), (kind, reply)
    calls = await h.admin().upload(f"статья.{kind}", DISGUISED[kind], mime_type=None)
    assert sent_texts(calls) == [texts.UPLOAD_NOT_TXT]
    assert "getFile" not in [c.method for c in calls]
    assert tree(h.settings.seeds_dir) == seeds
    assert secure.failures() == []


# ------------------------------------------------------------------------------ the token


@pytest.fixture
def production_logging() -> Iterator[io.StringIO]:
    """Root logging as ``run_bot`` sets it up (``setup_logging``: its handler and token
    filter), writing into a buffer; pytest's own handlers are put back afterwards."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    buffer = io.StringIO()
    try:
        yield buffer
    finally:
        for handler in root.handlers:
            if handler not in saved:
                handler.close()
        root.handlers[:] = saved
        root.setLevel(level)


def install_production_logging(buffer: io.StringIO, token: str) -> None:
    setup_logging("DEBUG", secrets=(token,))
    for handler in logging.getLogger().handlers:
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)


def assert_no_token(token: str, log: str, calls: list[LocalCall]) -> None:
    secret_part = token.split(":", 1)[1]
    assert secret_part not in log
    for call in calls:
        assert secret_part not in json.dumps(call.params, ensure_ascii=False), call.method


@pytest.mark.parametrize("token", [TOKEN, ODD_TOKEN], ids=["token", "odd-token"])
async def test_token_in_a_network_error_stays_hidden(
    rel_settings: Settings,
    production_logging: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
    token: str,
) -> None:
    """sendMessage fails with a network error quoting the request URL (token inside): the
    user gets the apology, the log line is redacted, nothing sent to Telegram holds it."""
    rig = Rig.start(replace(rel_settings, bot_token=Secret(token)))
    install_production_logging(production_logging, token)
    session = rig.harness.session
    original = session.make_request
    failed: list[str] = []

    async def failing(bot: Any, method: Any, timeout: int | None = None) -> Any:
        if method.__api_method__ == "sendMessage" and not failed:
            url = session.api.api_url(token=bot.token, method="sendMessage")
            failed.append(url)
            raise TelegramNetworkError(
                method=method,
                message=f"ClientOSError: [Errno 104] Connection reset by peer ({url})",
            )
        return await original(bot, method, timeout)

    monkeypatch.setattr(session, "make_request", failing)
    try:
        calls = await rig.harness.private().send("Сколько было посетителей?")
        assert token in failed[0]  # the error really carried the token
        # the apology: the generic one, or the one for Telegram-side failures where it exists
        apologies = (texts.ERROR_FALLBACK, getattr(texts, "TELEGRAM_FAILURE", None))
        (reply,) = sent_texts(calls)
        assert reply in apologies
        log = production_logging.getvalue()
        assert "TelegramNetworkError" in log and "<redacted>" in log
        assert_no_token(token, log, session.calls)
    finally:
        rig.close()


@pytest.mark.parametrize("error", ["http-500", "runtime"])
async def test_token_in_a_failed_download_stays_hidden(
    rel_settings: Settings,
    production_logging: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
    error: str,
) -> None:
    """The file URL (``/file/bot<token>/…``) in a failed upload download's error: neither the
    admin's reply nor the log shows the token."""
    rig = Rig.start(replace(rel_settings, bot_token=Secret(TOKEN)))
    install_production_logging(production_logging, TOKEN)
    session = rig.harness.session
    urls: list[str] = []

    async def failing_stream(url: str, *args: Any, **kwargs: Any) -> Any:
        urls.append(url)
        if error == "http-500":
            info = aiohttp.RequestInfo(URL(url), "GET", CIMultiDictProxy(CIMultiDict()), URL(url))
            raise aiohttp.ClientResponseError(info, (), status=500, message="Internal Error")
        raise RuntimeError(f"download of {url} failed")
        yield b""  # pragma: no cover - makes this an async generator like the original

    monkeypatch.setattr(session, "stream_content", failing_stream)
    try:
        calls = await rig.harness.admin().upload("статья.txt", ARTICLE)
        assert TOKEN in urls[0]
        (reply,) = sent_texts(calls)
        assert reply in (texts.ERROR_FALLBACK, getattr(texts, "UPLOAD_DOWNLOAD_FAILED", None))
        assert_no_token(TOKEN, production_logging.getvalue(), session.calls)
        assert not list(rig.harness.settings.seeds_dir.glob("upload-*"))
    finally:
        rig.close()


def test_token_in_a_startup_error_stays_hidden(
    rel_settings: Settings,
    production_logging: io.StringIO,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mistyped TELEGRAM_API_URL makes aiohttp quote the whole request URL, token included:
    the one-line error on stderr and the log lines are redacted.  (No network: the URL is
    invalid, so nothing is ever sent.)"""
    settings = replace(rel_settings, bot_token=Secret(TOKEN), telegram_api_url="http://[::1")
    assert run_bot(settings) == 1
    err = capsys.readouterr().err
    assert "Не удалось связаться с Telegram: InvalidUrlClientError" in err
    assert "bot<redacted>/" in err
    assert TOKEN.split(":", 1)[1] not in err


# ------------------------------------------------------------------------------ state database


async def test_state_database_keeps_only_questions_and_stats_show_no_ids(secure: Rig) -> None:
    """A busy session of everything users do: the database holds the questions and nothing
    else (no ids, names, chatter, commands, inline queries, file names, edits; subscriber
    tables empty when nobody subscribed); /stats shows no user or chat id and no name."""
    h = secure.harness
    user = h.private(987654321)
    user.user.update(first_name="Аркадий-МАРКЕР", username="marker_username")
    member = h.group(876543219, -1009876543210)
    member.user.update(first_name="Групповой-МАРКЕР", username="group_marker")
    long_question = "Сколько было посетителей? " + "очень длинный вопрос " * 300
    asked = ["Сколько было посетителей?", long_question]
    answer = only(await user.send(asked[0]), "sendMessage")
    await user.send(long_question)
    await user.press(answer.result["message_id"], texts.BUTTON_LIKE)
    await user.send("/region МАРКЕР-РЕГИОН")
    await user.send("/nosuch МАРКЕР-КОМАНДА")
    await user.inline("МАРКЕР-INLINE посетители")
    await user.send_content(contact={"phone_number": "+375291112233", "first_name": "МАРКЕР"})
    question_message = user.last_sent or 0
    await user.edit(question_message, "МАРКЕР-ПРАВКА")
    await user.upload("МАРКЕР-ФАЙЛ.txt", ARTICLE)
    await member.send("секретная болтовня МАРКЕР-ГРУППА")
    await member.send(f"@{LOCAL_BOT_USERNAME} Кто такой Александр Субботин?")
    asked.append("Кто такой Александр Субботин?")
    stats = only(await h.admin().send("/stats"), "sendMessage").text
    for secret in ("987654321", "876543219", "1009876543210", "marker", "МАРКЕР-", "Аркадий"):
        assert secret not in stats, secret
    h.store.close()  # checkpoint the WAL so the file holds everything
    path = h.settings.state_path
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        # chat ids are kept only for chats that /subscribe (issue 14); nobody did here
        subscription = {"subscribers", "broadcasts", "deliveries"}
        assert tables <= {"questions", "sqlite_sequence"} | subscription
        for table in tables & subscription:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        columns = [r[1] for r in conn.execute("PRAGMA table_info(questions)")]
        assert columns == [
            "id", "asked_on", "question", "norm", "answered", "feedback", "token", "chat"
        ]  # the chat as a keyed hash, never its id (checked below)
        stored = [r[0] for r in conn.execute("SELECT question FROM questions ORDER BY id")]
        rows = conn.execute("SELECT * FROM questions").fetchall()
    finally:
        conn.close()
    assert stored == [q.strip()[:MAX_QUESTION_CHARS] for q in asked]
    flat = " ".join(str(v) for row in rows for v in row)
    for secret in ("987654321", "876543219", "1009876543210", "marker", "Аркадий", "+375",
                   "МАРКЕР-РЕГИОН", "МАРКЕР-INLINE", "МАРКЕР-ПРАВКА", "МАРКЕР-ФАЙЛ",
                   "МАРКЕР-ГРУППА", "МАРКЕР-КОМАНДА"):  # fmt: skip
        assert secret not in flat, secret
    raw = b"".join(p.read_bytes() for p in path.parent.glob("state.db*"))
    for secret in ("МАРКЕР-РЕГИОН", "МАРКЕР-INLINE", "МАРКЕР-ПРАВКА", "МАРКЕР-ГРУППА",
                   "marker_username", "Аркадий"):  # fmt: skip
        assert secret.encode() not in raw, secret
    h.store = type(h.store)(path)  # reopened, so the fixture can close it


# ------------------------------------------------------- files outside SEEDS_DIR (audit, 1)

ENV_WITH_TOKEN = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8").replace(
    "BOT_TOKEN=\n", f"BOT_TOKEN={TOKEN}\n"
)
PASSWD = "root:x:0:0:root:/root:/bin/bash\n" + "".join(
    f"user{i}:x:{1000 + i}:{1000 + i}:Пользователь номер {i}:/home/user{i}:/bin/bash\n"
    for i in range(12)
)  # a stand-in for the system's account database, as the audit linked it


def plant_links(seeds: Path) -> set[str]:
    """The audit's links: to an account database and to the bot's own .env (next to the
    seeds, as in a checkout), plus a FIFO; returns their names."""
    (seeds.parent / ".env").write_text(ENV_WITH_TOKEN, encoding="utf-8")
    (seeds.parent / "passwd").write_text(PASSWD, encoding="utf-8")
    (seeds / "evil.txt").symlink_to(seeds.parent / "passwd")
    (seeds / "news.txt").symlink_to(Path("..") / ".env")
    os.mkfifo(seeds / "pipe.txt")
    return {"evil.txt", "news.txt", "pipe.txt"}


def assert_nothing_leaks(texts_seen: list[str]) -> None:
    for text in texts_seen:
        assert TOKEN.split(":")[1] not in text and "BOT_TOKEN" not in text, text
        assert "root:x:0:0" not in text and "/bin/bash" not in text, text


async def test_links_in_seeds_never_reach_anyone(secure: Rig, tmp_path: Path) -> None:
    """Links planted in SEEDS_DIR are skipped with a reason at start-up, on /reload and on
    the reload an upload makes; «root» and the bot's public id find nothing of them, and
    /sources does not list them."""
    h = secure.harness
    seeds = h.settings.seeds_dir
    planted = plant_links(seeds)
    index, report = load_index(seeds, tmp_path / "start" / "index.db")  # start-up
    with index:
        assert report is not None and {s.name for s in report.skipped} == planted
        assert {a.source.article_id for a in index.sources()}.isdisjoint(planted)
    reload = sent_texts(await h.admin().send("/reload"))[-1]
    assert "• evil.txt — символическая ссылка" in reload
    assert "• news.txt — символическая ссылка" in reload
    assert "• pipe.txt — не файл" in reload
    upload = sent_texts(await h.admin().upload("статья.txt", ARTICLE))[-1]
    assert upload.startswith("Статья сохранена") and "• news.txt — символическая ссылка" in upload
    seen: list[str] = []
    for question in ("root", "123456", "BOT_TOKEN", "root:x:0:0:root", "bin bash"):
        seen += sent_texts(await h.private().send(question))
    seen += sent_texts(await h.private().send("/sources"))
    for call in await h.private().inline("root"):
        seen.append(json.dumps(call.params, ensure_ascii=False))
    assert_nothing_leaks(seen)
    assert not any(name in text for text in seen[-2:] for name in planted)
    assert secure.failures() == []


# ---------------------------------------------------- buttons reach only their chat (audit, 4)


async def test_forged_buttons_reach_nothing_of_another_chat(secure: Rig) -> None:
    """A user presses forged buttons — the old sequential ids, and the very token of another
    user's answer — in their own chat: a stale-button notice, never the other question's
    words, and the other user's 👍 stays; the owner's own buttons still work."""
    h = secure.harness
    owner, other = h.private(5001), h.private(5002)
    answer = only(await owner.send("Сколько было посетителей?"), "sendMessage")
    token = token_of(answer)
    assert len(token) == 11 and not token.isdigit()
    only(await owner.press(answer.result["message_id"], texts.BUTTON_LIKE), "answerCallbackQuery")
    mine = only(await other.send("Где проходила выставка?"), "sendMessage")
    forged = [
        *(f"{kind}:{n}:{arg}" for n in range(1, 4) for kind, arg in (("p", 0), ("s", 0))),
        *(f"f:{n}:-1" for n in range(1, 4)),
        f"p:{token}:0", f"s:{token}:0", f"f:{token}:-1", f"p:{token}:3",
    ]  # fmt: skip
    for data in forged:
        calls = await other.press_data(mine.result["message_id"], data)
        for call in calls:
            check_call(call)
        toast = only(calls, "answerCallbackQuery").params.get("text")
        assert toast == texts.STALE_BUTTON, (data, toast)
        assert not [c for c in calls if c.method in ("sendMessage", "editMessageText")], data
    stats = h.store.stats()
    assert (stats.likes, stats.dislikes) == (1, 0)
    calls = await owner.press(answer.result["message_id"], 0)  # the first «Источник»
    assert only(calls, "sendMessage").text.startswith("«")
    assert secure.failures() == []


# ------------------------------------------------------------------- privacy (audit, 6)


async def test_stats_mask_numbers_and_addresses_and_files_are_private(secure: Rig) -> None:
    """/stats shows declined questions with phone-like digit runs and e-mails masked (a year
    stays); the state database and its WAL files are the bot user's only."""
    h = secure.harness
    user = h.private(5003)
    for question in (
        "Перезвоните мне +375 (29) 123-45-67 про погоду на Марсе",
        "Пишите на ivan.petrov@mail.ru о погоде на Марсе",
        "Какая погода на Марсе в 2025?",
        "Паспорт MP1234567 погода",
    ):
        await user.send(question)
    (report,) = sent_texts(await h.admin().send("/stats"))
    for secret in ("123-45-67", "375", "ivan.petrov", "mail.ru", "1234567"):
        assert secret not in report, secret
    assert "Перезвоните мне ••• про погоду" in report
    assert "Пишите на •••@••• о погоде" in report
    assert "в 2025?" in report
    assert report.startswith("Статистика за 30 дней")
    for path in h.settings.state_path.parent.glob("state.db*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
