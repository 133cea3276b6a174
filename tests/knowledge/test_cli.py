"""The command line through click's runner: build, ask (text, --json, JSONL) and eval."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner(seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose settings point at a temporary seeds copy and index."""
    monkeypatch.setenv("SEEDS_DIR", str(seeds_copy))
    monkeypatch.setenv("INDEX_PATH", str(tmp_path / "index.db"))
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_build_prints_a_report(runner: CliRunner, tmp_path: Path) -> None:
    """`build` reports articles, passages, facts and time, and writes the index."""
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert "Статей: 5" in result.output
    assert "agreements:" in result.output
    assert (tmp_path / "index.db").is_file()


def test_build_without_usable_seeds_fails_cleanly(runner: CliRunner, seeds_copy: Path) -> None:
    """A seeds folder with nothing usable: exit code 1 and the reasons, no traceback."""
    for path in seeds_copy.glob("*.txt"):
        path.write_bytes(b"")
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 1
    assert "пустой файл" in result.output
    assert "Traceback" not in result.output


def test_ask_prints_a_readable_reply(runner: CliRunner) -> None:
    """`ask` builds the missing index and prints the answer with its source."""
    result = runner.invoke(cli, ["ask", "Где пройдёт следующая выставка?"])
    assert result.exit_code == 0, result.output
    assert "Эр-Рияд" in result.output
    assert "Источник: ТАСС" in result.output


def test_ask_json_has_the_documented_shape(runner: CliRunner) -> None:
    """`ask --json` prints exactly the fields the quality measurement reads."""
    result = runner.invoke(cli, ["ask", "--json", "Что подписал Белмедпрепараты?"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    assert set(data) == {"question", "answered", "hits", "facts", "reply"}
    assert data["answered"] is True
    hit = data["hits"][0]
    assert set(hit) == {"text", "source", "title", "agency", "date", "score"}
    assert hit["source"].endswith(".txt")
    assert "лицензионный договор" in hit["text"]
    assert len(hit["text"]) <= 430


def test_ask_reads_questions_from_stdin_as_jsonl(runner: CliRunner) -> None:
    """Without a question argument: one JSON object per input line, in order."""
    questions = ["Сколько было посетителей?", "", "Кто мэр Новосибирска?"]
    result = runner.invoke(cli, ["ask"], input="\n".join(questions) + "\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [x["question"] for x in lines] == [questions[0], questions[2]]
    assert lines[0]["answered"] and not lines[1]["answered"]


def test_eval_prints_misses_and_summary(runner: CliRunner) -> None:
    """`eval` scores a JSONL set; `--json` gives the figures."""
    result = runner.invoke(cli, ["eval", str(ROOT / "eval" / "dev_qa.jsonl")])
    assert result.exit_code == 0, result.output
    assert "hit@1=" in result.output and "oos_refused=" in result.output
    result = runner.invoke(cli, ["eval", "--json", str(ROOT / "eval" / "dev_qa.jsonl")])
    data = json.loads(result.stdout[result.stdout.index("{") :])
    figures = next(iter(data.values()))
    assert figures["answerable"] == 32 and figures["hit@1"] >= 0.9


def test_eval_of_a_sealed_set_prints_aggregates_only(runner: CliRunner, tmp_path: Path) -> None:
    """A set listed in its folder's sealed.txt: figures only, never a question or a miss."""
    folder = tmp_path / "sets"
    folder.mkdir()
    cases = [
        {"id": "s1", "question": "Кто управляет погодой над Минском?", "expect": ["нет такого"]},
        {"id": "s2", "question": "Сколько стоил билет на выставку?", "expect_none": True,
         "hard": True},
    ]
    sealed = folder / "secret_qa.jsonl"
    sealed.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases), "utf-8")
    (folder / "sealed.txt").write_text("secret_qa.jsonl\n", "utf-8")
    for args in (["eval", str(sealed)], ["eval", "--json", str(sealed)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert "hit@1" in result.output
        assert "погодой" not in result.output and "s1" not in result.output
    data = json.loads(result.stdout[result.stdout.index("{") :])
    figures = next(iter(data.values()))
    assert figures["sealed"] and figures["misses"] == [] and figures["hard_oos"] == 1
    (folder / "sealed.txt").write_text("", "utf-8")
    result = runner.invoke(cli, ["eval", str(sealed)])
    assert "MISS s1" in result.output  # not sealed any more: misses are listed


def test_ask_several_questions_is_one_conversation(runner: CliRunner) -> None:
    """`ask Q1 Q2`: the second is read in the context of the first, and says so."""
    result = runner.invoke(cli, ["ask", "Когда проходила выставка?", "а где?"])
    assert result.exit_code == 0, result.output
    second = result.output[result.output.index("» а где?") :]
    assert "Понял так: Где проходила выставка?" in second
    assert "Минск" in second
    result = runner.invoke(cli, ["ask", "--json", "Когда проходила выставка?", "а где?"])
    turns = json.loads(result.stdout[result.stdout.index("[") :])
    assert [t["kind"] for t in turns] == ["standalone", "ellipsis"]
    assert turns[1]["understood"] == "Где проходила выставка?"


def test_ask_answers_small_talk_in_kind_and_keeps_the_conversation(runner: CliRunner) -> None:
    """`ask Q «спасибо» «а где?»`: thanks answered in kind, not searched, and «а где?» still
    continues the first question; --json marks the turn as small talk."""
    questions = ["Когда проходила выставка?", "спасибо", "а где?"]
    result = runner.invoke(cli, ["ask", *questions])
    assert result.exit_code == 0, result.output
    thanks = result.output[result.output.index("» спасибо") : result.output.index("» а где?")]
    assert "Пожалуйста" in thanks and "Источник" not in thanks
    assert "Понял так: Где проходила выставка?" in result.output
    result = runner.invoke(cli, ["ask", "--json", *questions])
    turns = json.loads(result.stdout[result.stdout.index("[") :])
    assert [t["kind"] for t in turns] == ["standalone", "small_talk", "ellipsis"]
    assert turns[1]["hits"] == [] and turns[1]["reply"].startswith("Пожалуйста")


def test_ask_json_replies_are_presented_with_the_agreements_count(runner: CliRunner) -> None:
    """A conversation's JSON turns carry the reply as shown: «Понял так», then the presented
    answer with the agreements header counting against the index's total."""
    result = runner.invoke(
        cli, ["ask", "--json", "Какие соглашения подписали?", "а кто их подписал?"]
    )
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout[result.stdout.index("[") :])
    assert "Все 6 соглашений выставки — /agreements" in first["reply"]
    assert second["reply"].startswith("Понял так: ")
    assert "/agreements" in second["reply"]


def test_ask_reads_dialogues_from_stdin(runner: CliRunner) -> None:
    """A JSON line with turns is one conversation; a plain line stays a lone question."""
    dialogue = {"id": "d1", "turns": [{"question": "Кто губернатор смоленщины?"},
                                      {"question": "а с кем он встретился?"}]}
    lines = [json.dumps(dialogue, ensure_ascii=False), "Сколько было посетителей?"]
    result = runner.invoke(cli, ["ask"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    first, second = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert first["id"] == "d1" and "Анохин" in first["turns"][1]["understood"]
    assert second["question"] == "Сколько было посетителей?" and "kind" not in second
    result = runner.invoke(cli, ["ask"], input='{"id": "bad", "turns": []}\n')
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_eval_scores_dialogues_and_a_sealed_one_by_aggregates(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A dialogue set gets follow-up figures; sealed, it shows no question and no miss."""
    folder = tmp_path / "dialogues"
    folder.mkdir()
    dialogue = {"id": "secret-1", "turns": [
        {"question": "Когда проходила выставка?", "expect": ["с 29 сентября"]},
        {"question": "а где же погода?", "expect": ["нет такого текста"], "kind": "ellipsis",
         "understood": "Где погода?"},
    ]}
    path = folder / "talks_qa.jsonl"
    path.write_text(json.dumps(dialogue, ensure_ascii=False) + "\n", "utf-8")
    result = runner.invoke(cli, ["eval", str(path)])
    assert result.exit_code == 0, result.output
    assert "follow-up hit@1=0.000" in result.output and "MISS secret-1/2" in result.output
    (folder / "sealed.txt").write_text("talks_qa.jsonl\n", "utf-8")
    for args in (["eval", str(path)], ["eval", "--json", str(path)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert "погода" not in result.output and "secret-1" not in result.output
    figures = next(iter(json.loads(result.stdout[result.stdout.index("{") :]).values()))
    assert figures["sealed"] and figures["misses"] == [] and figures["followups"] == 1


def test_check_replies_counts_rules_and_keeps_sealed_sets_sealed(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`check-replies` counts the messages breaking each rule; with --examples it names the
    questions of open sets, never those of a sealed one."""
    folder = tmp_path / "sets"
    folder.mkdir()
    line = json.dumps({"id": "q1", "question": "какие соглашения подписали на выставке"})
    (folder / "open_qa.jsonl").write_text(line, "utf-8")
    secret = json.dumps({"id": "q2", "question": "Что подписали БЕЛАЗ и ИнДев?"})
    (folder / "secret_qa.jsonl").write_text(secret, "utf-8")
    (folder / "sealed.txt").write_text("secret_qa.jsonl\n", "utf-8")
    files = [str(folder / "open_qa.jsonl"), str(folder / "secret_qa.jsonl")]
    result = runner.invoke(cli, ["check-replies", "--examples", *files])
    assert result.exit_code == 0, result.output
    counts = dict(re.findall(r"^(\w+)\s+(\d+)\s+\(", result.output, re.MULTILINE))
    assert counts["figure_twice"] == "0" and counts["numerals"] == "0"
    assert int(counts["conjunction_start"]) >= 1  # «а "РТ-Развитие бизнеса"…» (engine half)
    assert "conjunction_start: какие соглашения подписали на выставке" in result.output
    assert "БЕЛАЗ и ИнДев" not in result.output


def test_check_replies_counts_dialogue_sets_apart(runner: CliRunner, tmp_path: Path) -> None:
    """Dialogue sets are checked turn by turn (the «Понял так» line included) and counted
    apart from the question sets; a sealed one is never named."""
    folder = tmp_path / "sets"
    folder.mkdir()
    talk = {"id": "t1", "turns": [{"question": "Сколько было посетителей?"},
                                  {"question": "а из скольких стран?"}, {"question": "ещё"}]}
    (folder / "talks_qa.jsonl").write_text(json.dumps(talk, ensure_ascii=False), "utf-8")
    line = json.dumps({"id": "q1", "question": "Когда проходила выставка?"})
    (folder / "open_qa.jsonl").write_text(line, "utf-8")
    (folder / "sealed.txt").write_text("talks_qa.jsonl\n", "utf-8")
    files = [str(folder / "open_qa.jsonl"), str(folder / "talks_qa.jsonl")]
    result = runner.invoke(cli, ["check-replies", "--examples", *files])
    assert result.exit_code == 0, result.output
    flat, _, talks = result.output.partition("диалоги, сообщений: ")
    alone = runner.invoke(cli, ["check-replies", files[0]]).output
    assert flat[flat.index("сообщений") :] == alone[alone.index("сообщений") :]
    assert int(talks.split()[0]) >= 3
    counts = dict(re.findall(r"^(\w+)\s+(\d+)\s+\(", talks, re.MULTILINE))
    assert counts["figure_twice"] == "0" and counts["no_source"] == "0"
    assert "стран" not in result.output and "посетител" not in result.output
