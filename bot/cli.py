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
from knowledge.dialogue import PAGE, Exchange, converse
from knowledge.evaluate import (
    Dialogue,
    DialogueReport,
    EvalReport,
    dialogue_from_json,
    evaluate,
    evaluate_dialogues,
    is_dialogue_file,
    is_sealed,
    load_cases,
    load_dialogues,
)
from knowledge.followup import Turn
from knowledge.intents import small_talk
from knowledge.reply import Reply, answer_reply, plain, small_talk_reply
from knowledge.russian import count

from . import texts

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
@click.argument("questions", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def ask(questions: tuple[str, ...], as_json: bool) -> None:
    """Answer a question, or several as one conversation (each read in the context of the one
    before: «когда проходила выставка?» «а где?»).

    Without arguments, reads stdin: a line of text is a question on its own, a JSON line
    {"id", "turns": [{"question": …}, …]} a dialogue; prints JSONL.
    """
    settings = _settings()
    with _open(settings) as index:
        total = index.info.facts.get("agreements")
        if not questions:
            for line in sys.stdin:
                line = line.strip()
                if not line:
                    continue
                item = _dialogue_line(line)
                if item is None:
                    data = answer_json(index.search(line), total)
                    click.echo(json.dumps(data, ensure_ascii=False))
                    continue
                questions_of = [t.question for t in item.turns]
                turns = _talk(index, questions_of)
                click.echo(
                    json.dumps(
                        {
                            "id": item.id,
                            "turns": [
                                exchange_json(q, said, total)
                                for q, said in zip(questions_of, turns, strict=True)
                            ],
                        },
                        ensure_ascii=False,
                    )
                )
            return
        if len(questions) == 1 and as_json:
            # one question: the documented answer object, as the engine gave it
            found = answer_json(index.search(questions[0]), total)
            click.echo(json.dumps(found, ensure_ascii=False, indent=2))
            return
        turns = _talk(index, list(questions))
        if as_json:
            # a conversation: one object per turn
            listed = [
                exchange_json(q, said, total) for q, said in zip(questions, turns, strict=True)
            ]
            click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
            return
        for n, said in enumerate(turns):
            if len(turns) > 1:
                click.echo(f"{'' if n == 0 else chr(10)}» {questions[n]}")
            click.echo(plain(_reply(said, total)))


def _dialogue_line(line: str) -> Dialogue | None:
    """A stdin line holding a dialogue object, or ``None`` for a plain question."""
    if not line.startswith("{"):
        return None
    try:
        item = json.loads(line)
        return dialogue_from_json(item) if isinstance(item, dict) else None
    except ValueError as exc:
        raise click.ClickException(f"не диалог: {exc}") from exc


# One turn of a conversation: the exchange, or the kinds of small talk the message was.
Said = Exchange | frozenset[str]


def _talk(index: KnowledgeIndex, questions: list[str]) -> list[Said]:
    """One conversation: each question in the context of the turn before it; small talk
    («спасибо») is answered in kind and leaves the context where it was."""
    said: list[Said] = []
    previous: Turn | None = None
    for question in questions:
        kinds = small_talk(question)
        if kinds:
            said.append(kinds)
            continue
        exchange = converse(index, question, previous)
        said.append(exchange)
        previous = exchange.turn
    return said


def _reply(said: Said, agreements_total: int | None) -> Reply:
    if isinstance(said, frozenset):
        return small_talk_reply(said)
    lead = texts.understood(said.resolution.understood)
    return answer_reply(said.presentation, said.start, PAGE, agreements_total, lead)


def exchange_json(question: str, said: Said, agreements_total: int | None) -> dict[str, Any]:
    """One turn of a conversation for ``ask --json``: the answer from the first snippet
    shown, how the message was understood and the reply as shown (small talk: no answer,
    ``kind`` "small_talk")."""
    if isinstance(said, frozenset):
        return {
            "question": question,
            "answered": False,
            "hits": [],
            "facts": [],
            "reply": plain(small_talk_reply(said)),
            "kind": "small_talk",
            "understood": None,
        }
    found = answer_json(said.shown, agreements_total)
    found["kind"] = said.resolution.kind
    found["understood"] = said.resolution.understood or None
    found["reply"] = plain(_reply(said, agreements_total))
    return found


@cli.command(name="eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--quiet", is_flag=True, help="Do not list the misses.")
def eval_command(files: tuple[Path, ...], as_json: bool, quiet: bool) -> None:
    """Score answers against JSONL question sets (hit@1, hit@3, MRR, oos_refused) and dialogue
    sets (follow-up hit@1, complete questions answered as without context)."""
    settings = _settings()
    results: dict[str, EvalReport | DialogueReport] = {}
    with _open(settings) as index:
        for path in files:
            sealed = is_sealed(path)
            if is_dialogue_file(path):

                def talk(text: str, previous: Turn | None) -> Exchange:
                    return converse(index, text, previous)

                dialogues = evaluate_dialogues(
                    load_dialogues(path), talk, index.search, sealed=sealed
                )
                results[str(path)] = dialogues
                if not as_json:
                    _print_dialogue_report(path, dialogues, quiet)
                continue
            report = evaluate(load_cases(path), index.search, sealed=sealed)
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


def _print_dialogue_report(path: Path, report: DialogueReport, quiet: bool) -> None:
    if not quiet:
        for miss in report.misses:
            if miss.hijacked:
                state = "контекст изменил ответ"
            else:
                state = "отказ" if not miss.answered else f"ранг {miss.rank or '—'}"
            click.echo(
                f"MISS {miss.dialogue}/{miss.number} {miss.turn.kind} [{state}] "
                f"{miss.turn.question}"
            )
            if miss.understood:
                click.echo(f"     понял так: {miss.understood}")
            if miss.first:
                click.echo(f"     первый: {miss.first[:160]}")
    kinds = " ".join(f"{k}={h:.2f}/{n}" for k, (n, h) in report.by_kind.items())
    click.echo(
        f"{path.name}{' (sealed)' if report.sealed else ''}: dialogues={report.dialogues} "
        f"first hit@1={report.first_hit1:.3f} follow-ups={report.followups} "
        f"follow-up hit@1={report.followup_hit1:.3f} hit@3={report.followup_hit3:.3f} "
        f"(after a right answer {report.followup_hit1_after_right:.3f} of "
        f"{report.followups_after_right}) "
        f"oos={report.followup_oos} oos_refused={report.followup_oos_refused:.3f} "
        f"standalone={report.standalone} same={report.standalone_same:.3f} [{kinds}]"
    )


@cli.command(name="check-replies")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--examples", is_flag=True, help="List questions breaking a rule (not sealed).")
def check_replies(files: tuple[Path, ...], examples: bool) -> None:
    """Count the messages breaking each reply rule (knowledge.reply_checks) over question
    sets: every page of every answer, as the bot would send it; dialogue sets are counted
    apart, turn by turn as the conversation goes."""
    from collections import Counter

    from knowledge.present import present
    from knowledge.reply_checks import ENGINE_RULES, RULES, Shown, answer_messages, violations

    settings = _settings()
    # question sets, then dialogue sets (every turn's reply, «Понял так» line included)
    counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    messages = [0, 0]
    listed: list[str] = []
    with _open(settings) as index:
        figures = index.figures()
        total = index.info.facts.get("agreements")

        def check(found: list[Shown], question: str, sealed: bool, kind: int) -> None:
            for message in found:
                messages[kind] += 1
                broken = violations(message, figures)
                counts[kind].update({v.rule for v in broken})
                if examples and not sealed:
                    listed.extend(f"{v.rule}: {question} — {v.detail}" for v in broken)

        for path in files:
            sealed = is_sealed(path)
            if is_dialogue_file(path):
                for dialogue in load_dialogues(path):
                    questions = [t.question for t in dialogue.turns]
                    for question, said in zip(questions, _talk(index, questions), strict=True):
                        if isinstance(said, frozenset):
                            continue  # small talk: checked with the command replies
                        lead = texts.understood(said.resolution.understood)
                        found = answer_messages(
                            said.presentation, PAGE, total, start=said.start, lead=lead
                        )
                        check(found, question, sealed, 1)
                continue
            for case in load_cases(path):
                shown = present(index.search(case.question), PAGE)
                check(answer_messages(shown, PAGE, total), case.question, sealed, 0)
    for line in dict.fromkeys(listed):
        click.echo(line)
    for kind, heading in enumerate(("сообщений", "диалоги, сообщений")):
        if kind and not messages[kind]:
            continue
        click.echo(f"{heading}: {messages[kind]}")
        for rule in RULES:
            engine = "движок" if rule in ENGINE_RULES else "ответ"
            click.echo(f"{rule:18s} {counts[kind][rule]:5d}  ({engine})")


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    cli()
