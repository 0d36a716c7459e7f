"""The CLI as users run it: a subprocess, real model, real embedded Chroma."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS, run_cli

#: Every test here runs the `bot` CLI as a subprocess.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A directory as a new user has it: seeds/ next to where the command runs."""
    root = tmp_path_factory.mktemp("user")
    (root / "seeds").mkdir()
    for p in SEEDS.glob("*.txt"):
        (root / "seeds" / p.name).write_bytes(p.read_bytes())
    return root


def test_index_then_ask_human_and_json(workdir):
    indexed = run_cli("index", cwd=workdir)
    assert indexed.returncode == 0, indexed.stderr
    assert "5 added" in indexed.stdout
    assert (workdir / ".bot").is_dir()  # the default data dir, next to where it runs

    human = run_cli("ask", "How many North Korean workers were dispatched to Donbas?", cwd=workdir)
    assert human.returncode == 0, human.stderr
    assert "[1]" in human.stdout and "Sources:" in human.stdout
    assert "002_a3b9d148d5404355.txt, line 19" in human.stdout

    as_json = run_cli(
        "ask", "--json", "How many North Korean workers were dispatched to Donbas?", cwd=workdir
    )
    data = json.loads(as_json.stdout)
    raw = (workdir / "seeds" / data["citations"][0]["file"]).open(encoding="utf-8").read()
    c = data["citations"][0]
    assert raw[c["start"] : c["end"]] == c["quote"]


def test_as_of_is_passed_as_a_day(tmp_path):
    """A short report dated 2025-03-27 answers the question asked about the next day;
    asked about a day three months on, it is a story from another time and is refused."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "troops.txt").write_text(
        "date 2025-03-27\n\nNorth Korea has sent about 11,000 troops to Russia, South "
        "Korea's military said on Thursday.\n",
        encoding="utf-8",
    )
    (tmp_path / "seeds" / "bridge.txt").write_text(
        "date 2025-03-26\n\nThe Harwick City Council voted 7-2 to approve a $48.5 million "
        "budget to replace the Old Mill Bridge.\n",
        encoding="utf-8",
    )
    question = "How many North Korean troops are in Russia?"
    result = run_cli("ask", "--json", "--as-of", "2025-03-28", question, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "11,000" in json.loads(result.stdout)["text"]
    later = run_cli("ask", "--json", "--as-of", "2025-06-30", question, cwd=tmp_path)
    assert later.returncode == 0, later.stderr
    assert json.loads(later.stdout)["refused"]


def test_refusal_is_a_success(workdir):
    result = run_cli("ask", "What is the capital of France?", cwd=workdir)
    assert result.returncode == 0
    assert result.stdout.startswith("The articles don't say.")


@pytest.mark.parametrize(
    "args,message",
    [
        (["ask", ""], "the question is empty"),
        (["ask", "   \t "], "the question is empty"),
        (["ask", "x" * 5000], "the limit is 2,000"),
        (["ask", "--seeds", "no-such-dir", "What happened?"], "seeds dir not found"),
        (["index", "--seeds", "no-such-dir"], "seeds dir not found"),
        (["ask", "--as-of", "2025-02-30", "Who won?"], "--as-of '2025-02-30' is not a date"),
        (["ask", "--as-of", "last week", "Who won?"], "written YYYY-MM-DD"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(workdir, args, message):
    result = run_cli(*args, cwd=workdir)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_help_comes_from_docstrings(workdir):
    result = run_cli("ask", "--help", cwd=workdir)
    assert result.returncode == 0 and "Answer QUESTION from the articles" in result.stdout
