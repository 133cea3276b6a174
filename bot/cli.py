"""``innoprom-bot`` command line: run the bot, chat in the console, build, ask, eval.

Thin by design (like sqlite-utils' CLI): every command reads the settings, calls the knowledge
library and prints.  aiogram is imported only by the commands that run the bot, so ``ask``,
``eval`` and ``build`` start fast.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from bot.config import Settings
from knowledge import Answer, BuildError, KnowledgeIndex, build_index, load_index
from knowledge.evaluate import evaluate, is_sealed, load_cases
from knowledge.intents import small_talk
from knowledge.reply import answer_reply, plain, small_talk_reply
from knowledge.russian import count

__all__ = ["cli", "main"]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def _settings(seeds: Path | None = None, db: Path | None = None) -> Settings:
    settings = Settings.from_env()
    changes: dict[str, Any] = {}
    if seeds is not None:
        changes["seeds_dir"] = seeds
    if db is not None:
        changes["index_path"] = db
    if changes:
        from dataclasses import replace

        settings = replace(settings, **changes)
    return settings


def _open(settings: Settings) -> KnowledgeIndex:
    try:
        index, report = load_index(settings.seeds_dir, settings.index_path)
    except BuildError as exc:
        raise click.ClickException(f"не удалось построить индекс: {exc}") from exc
    if report is not None:
        click.echo(
            f"индекс построен: {count(report.articles, 'статья')}, "
            f"{count(report.passages, 'фрагмент')}, {report.elapsed_ms:.0f} мс",
            err=True,
        )
    return index


def answer_json(answer: Answer, agreements_total: int | None = None) -> dict[str, Any]:
    """The ``ask --json`` object for one answer (``hits`` and ``facts`` as the engine gave
    them; ``reply`` as a person reads it)."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "hits": [
            {
                "text": h.text,
                "source": h.source.article_id,
                "title": h.source.title,
                "agency": h.source.agency,
                "date": h.source.date.isoformat() if h.source.date else None,
                "score": h.score,
            }
            for h in answer.hits
        ],
        "facts": [
            *(
                {
                    "type": "figure",
                    "category": g.category,
                    "values": [
                        {"display": f.display, "value": f.value, "source": f.source.article_id}
                        for f in g.figures
                    ],
                }
                for g in answer.figures
            ),
            *(
                {
                    "type": "agreement",
                    "kind": a.kind,
                    "parties": list(a.parties),
                    "subject": a.subject,
                    "source": a.source.article_id,
                }
                for a in answer.agreements
            ),
            *(
                {
                    "type": "person",
                    "name": p.name,
                    "role": p.role,
                    "region": p.region,
                    "source": p.source.article_id,
                }
                for p in answer.people
            ),
        ],
        "reply": plain(answer_reply(answer, agreements_total=agreements_total)),
    }


@click.group(invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="innoprom-bot")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Telegram bot answering questions about «ИННОПРОМ. Беларусь» from news articles.

    Without a command, runs the bot (needs BOT_TOKEN; try `innoprom-bot chat` without one).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@cli.command()
def run() -> None:
    """Run the Telegram bot (long polling, or a webhook when WEBHOOK_URL is set)."""
    from bot.app import run_bot

    sys.exit(run_bot(Settings.from_env()))


@cli.command()
@click.option("--admin", is_flag=True, help="Act as an admin (reload, upload, stats).")
def chat(admin: bool) -> None:
    """Talk to the bot in this terminal: no token, no network."""
    from bot.console import run_console

    sys.exit(run_console(Settings.from_env(), admin=admin))


@cli.command()
@click.option("--seeds", type=click.Path(file_okay=False, path_type=Path), help="Seeds folder.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="Index file.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes analysing articles (0: one per CPU; used from 200 articles on).",
)
def build(seeds: Path | None, db: Path | None, workers: int) -> None:
    """Build the index from the seed articles and print a report."""
    settings = _settings(seeds, db)
    try:
        report = build_index(
            settings.seeds_dir, settings.index_path, workers=workers or os.cpu_count() or 1
        )
    except BuildError as exc:
        for item in exc.skipped:
            click.echo(f"  пропущен {item.name}: {item.reason}", err=True)
        raise click.ClickException(f"индекс не построен: {exc}") from exc
    click.echo(f"Индекс: {report.index_path}")
    click.echo(f"Статей: {report.articles}, фрагментов: {report.passages}")
    facts = ", ".join(f"{k}: {v}" for k, v in report.facts.items())
    click.echo(f"Факты: {facts}")
    if report.skipped:
        click.echo(f"Пропущено файлов: {len(report.skipped)}")
        for item in report.skipped:
            click.echo(f"  {item.name}: {item.reason}")
    click.echo(f"Время: {report.elapsed_ms:.0f} мс")


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def ask(question: str | None, as_json: bool) -> None:
    """Answer a question; without one, read questions from stdin and print JSONL."""
    settings = _settings()
    with _open(settings) as index:
        total = index.info.facts.get("agreements")
        if question is None:
            for line in sys.stdin:
                line = line.strip()
                if not line:
                    continue
                data = answer_json(index.search(line), total)
                click.echo(json.dumps(data, ensure_ascii=False))
            return
        kinds = small_talk(question)
        if kinds and not as_json:
            click.echo(plain(small_talk_reply(kinds)))
            return
        answer = index.search(question)
        if as_json:
            click.echo(json.dumps(answer_json(answer, total), ensure_ascii=False, indent=2))
        else:
            click.echo(plain(answer_reply(answer, agreements_total=total)))


@cli.command(name="eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--quiet", is_flag=True, help="Do not list the misses.")
def eval_command(files: tuple[Path, ...], as_json: bool, quiet: bool) -> None:
    """Score answers against JSONL question sets (hit@1, hit@3, MRR, oos_refused)."""
    settings = _settings()
    results = {}
    with _open(settings) as index:
        for path in files:
            report = evaluate(load_cases(path), index.search, sealed=is_sealed(path))
            results[str(path)] = report
            if as_json:
                continue
            if not quiet:
                for miss in report.misses:
                    state = "отказ" if not miss.answered else f"ранг {miss.rank or '—'}"
                    click.echo(f"MISS {miss.case.id} [{state}] {miss.case.question}")
                    if miss.first:
                        click.echo(f"     первый: {miss.first[:160]}")
            hard = (
                f" hard={report.hard_oos} hard_refused={report.hard_refused:.3f}"
                if report.hard_oos
                else ""
            )
            click.echo(
                f"{path.name}{' (sealed)' if report.sealed else ''}: "
                f"answerable={report.answerable} hit@1={report.hit1:.3f} "
                f"hit@3={report.hit3:.3f} MRR={report.mrr:.3f} declined={report.declined:.3f} "
                f"oos={report.out_of_scope} oos_refused={report.oos_refused:.3f}{hard}"
            )
    if as_json:
        click.echo(
            json.dumps({k: v.as_dict() for k, v in results.items()}, ensure_ascii=False, indent=2)
        )


@cli.command(name="check-replies")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--examples", is_flag=True, help="List questions breaking a rule (not sealed).")
def check_replies(files: tuple[Path, ...], examples: bool) -> None:
    """Count the messages breaking each reply rule (knowledge.reply_checks) over question
    sets: every page of every answer, as the bot would send it."""
    from collections import Counter

    from knowledge.present import present
    from knowledge.reply_checks import ENGINE_RULES, RULES, answer_messages, violations

    settings = _settings()
    counts: Counter[str] = Counter()
    listed: list[str] = []
    messages = 0
    with _open(settings) as index:
        figures = index.figures()
        total = index.info.facts.get("agreements")
        for path in files:
            sealed = is_sealed(path)
            for case in load_cases(path):
                shown = present(index.search(case.question), 3)
                for message in answer_messages(shown, 3, total):
                    messages += 1
                    found = violations(message, figures)
                    counts.update({v.rule for v in found})
                    if examples and not sealed:
                        listed.extend(f"{v.rule}: {case.question} — {v.detail}" for v in found)
    for line in dict.fromkeys(listed):
        click.echo(line)
    click.echo(f"сообщений: {messages}")
    for rule in RULES:
        kind = "движок" if rule in ENGINE_RULES else "ответ"
        click.echo(f"{rule:18s} {counts[rule]:5d}  ({kind})")


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    cli()
