"""evals/offperiod.py over a tiny synthetic questions.jsonl: questions of one split asked
of another split's corpus, kept only when their answer is in no file; cases that load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_realtimeqa import dev_rows, row, write_jsonl

from evals import offperiod, rtqa_data
from evals import realtimeqa as rtqa
from evals.cases import load_cases
from evals.quiz import as_question

ROOT = Path(__file__).resolve().parents[1]


def offperiod_rows() -> list[dict]:
    """2023 passages, and 2024 questions: two answered nowhere, one answered by a 2023 file."""
    return [
        *dev_rows(4),
        row("20240105_0", "2024-01-05", "Who won the Zentaur race?", "Maribel Quist", "Quist won."),
        row("20240105_1", "2024-01-05", "Which town flooded?", "Quorvath001", "It flooded."),
        row("20240105_2", "2024-01-05", "Name the new mayor.", "Odalys Fenn", "Fenn was elected."),
        row("20240105_3", "2024-01-05", "Which city?", "Oz", "Oz."),  # answer too short
    ]


def corpus_of(tmp_path: Path) -> Path:
    questions = rtqa_data.load_questions(write_jsonl(tmp_path, offperiod_rows()))
    rtqa.write(rtqa.build(questions, "dev", answerable=0, unanswerable=0), tmp_path / "out")
    return tmp_path / "out" / "corpora" / "rtqa-dev"


def test_only_questions_whose_answer_is_in_no_file_are_asked(tmp_path):
    corpus = corpus_of(tmp_path)
    files = {p.name: p.read_text() for p in corpus.glob("*.txt")}
    questions = rtqa_data.load_questions(tmp_path / "questions.jsonl")
    rows = offperiod.cases(questions, "test", files, "rtqa-dev", n=10, seed=0)
    assert sorted(r["id"] for r in rows) == ["offperiod-20240105_0", "offperiod-20240105_2"]
    assert all(r["must_refuse"] and r["kind"] == "unanswerable" for r in rows)
    assert all("as_of" not in r for r in rows)  # a day from another year gives it away
    printed = {f"offperiod-{q.id}": q.question for q in questions}
    assert all(r["question"] == as_question(printed[r["id"]]) for r in rows)
    assert offperiod.cases(questions, "test", files, "rtqa-dev", n=1, seed=0) == rows[:1]


def test_the_cli_writes_cases_beside_the_corpus_that_load(tmp_path):
    corpus = corpus_of(tmp_path)
    cmd = [sys.executable, "-m", "evals.offperiod", "--data", str(tmp_path), "--split", "test"]
    done = subprocess.run(
        [*cmd, "--corpus", str(corpus)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    path = tmp_path / "out" / "cases" / "offperiod-test.jsonl"
    assert str(path) in done.stdout
    cases = load_cases([path])
    assert [c.corpus for c in cases] == ["rtqa-dev", "rtqa-dev"]
    assert json.loads(path.read_text().splitlines()[0])["notes"].startswith("RealTime QA 2024")


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    cmd = [sys.executable, "-m", "evals.offperiod", "--split", "test"]
    for args in (
        ["--data", str(tmp_path / "missing.jsonl"), "--corpus", str(corpus_of(tmp_path))],
        ["--data", str(tmp_path), "--corpus", str(tmp_path / "empty")],
    ):
        done = subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert "error: " in done.stderr.strip().splitlines()[-1]
