"""The first hour with a new folder: indexing that talks, no false refusals while it runs,
files that fail are remembered, and the rough edges a new user hits.

Indexing is slowed in the partial-index tests by a spy around the real store's chunk write
(it sleeps, then writes): the model, store and answerer are the real ones.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS
from test_mixed_folder import RIVERTON

from bot import REFUSAL
from bot.errors import ConfigError, IndexBusyError
from bot.faces.cli import main
from bot.faces.progress import ProgressView, describe
from bot.types import PARTIAL_REFUSAL, IndexProgress

TROOPS = "How many North Korean troops are in Russia?"
TROOPS_FILE = "003_9c917ec44682070a.txt"
BRIDGE = "How long will the Mill Street bridge be closed for repairs?"


# --- progress ------------------------------------------------------------------------------


@pytest.mark.slow  # indexes a 120-chunk corpus
def test_index_reports_every_file_with_searchable_counts(make_bot, tmp_path):
    from bench.corpus import write_corpus

    corpus = write_corpus(120, tmp_path).path  # distinct articles: every chunk is embedded
    n = len([p for p in corpus.rglob("*") if p.suffix == ".txt"])
    seen: list[IndexProgress] = []
    report = make_bot(corpus).index(progress=seen.append)
    assert (seen[0].done, seen[0].total, seen[0].indexed) == (0, n, 0)
    assert [p.done for p in seen] == sorted(p.done for p in seen)  # never goes back
    assert seen[-1].done == seen[-1].total == n == seen[-1].indexed > 8
    assert len({p.done for p in seen}) > 3 + n // 32  # within batches too, not once per batch
    assert seen[-1].chunks == report.chunks_embedded and seen[-1].seconds > 0
    # the first batch (8 files) was searchable well before the run ended
    assert any(p.indexed == 8 and p.done < n for p in seen)
    assert report.added == n and report.skipped_files == [
        ("manifest.json", "unsupported type .json")
    ]


def test_progress_view_writes_lines_with_rate_and_eta_off_a_terminal():
    now = [0.0]
    out = io.StringIO()
    view = ProgressView(
        "Indexing seeds before answering", out, tty=False, every=5, clock=lambda: now[0]
    )
    view(IndexProgress(0, 100, 0, 100))
    for done in range(10, 101, 10):
        now[0] += 2.0
        view(IndexProgress(done, 100, done, 100, done * 3, now[0]))
    view(IndexProgress(100, 100, 100, 100, 300, now[0]))  # the run's last report, again
    lines = out.getvalue().splitlines()
    assert lines[0] == "Indexing seeds before answering: 100 new or changed files…"
    assert lines[1] == "indexing: 30 of 100 files, 5.0 files/s, about 14 s left"
    assert lines[-1] == "indexing: 100 of 100 files, 5.0 files/s"
    assert 4 <= len(lines) <= 6  # every few seconds, not every report


def test_progress_view_draws_a_bar_on_a_terminal():
    out = io.StringIO()
    view = ProgressView("Indexing x", out, tty=True)
    for done in (0, 5, 10):
        view(IndexProgress(done, 10, done, 10, done * 2, 1.0 + done))
    view.close()
    text = out.getvalue()
    assert "Indexing x: 10 new or changed files…" in text
    assert "10/10" in text and "file/s" in text and "20 chunks" in text


def test_nothing_to_index_prints_nothing():
    out = io.StringIO()
    ProgressView("x", out, tty=False)(IndexProgress(0, 0, 5, 5))
    assert out.getvalue() == "" and describe(IndexProgress(0, 0, 5, 5)) == "0 of 0 files"


# --- files that fail are remembered ----------------------------------------------------------


def test_an_unchanged_failing_file_does_not_make_the_index_stale(make_bot, seeds_copy):
    empty = seeds_copy / "empty.txt"
    empty.write_text("   \n")
    bot = make_bot(seeds_copy)
    first = bot.index()
    assert ("empty.txt", "empty file") in first.skipped_files and first.added == 5
    assert not bot._keeper.is_stale()  # no record used to make this True forever
    again = bot.index()
    assert (again.added, again.unchanged, again.skipped_files) == (
        0,
        5,
        [("empty.txt", "empty file")],
    )
    empty.write_text("Now the file holds an article about the ferry timetable changes.\n")
    assert bot._keeper.is_stale()
    assert bot.index().added == 1 and "empty.txt" in {a["file"] for a in bot.articles()}
    (seeds_copy / "empty.txt").unlink()
    assert bot.index().removed == 1


def test_an_indexed_file_that_stops_loading_is_removed_and_remembered(make_bot, seeds_copy):
    bot = make_bot(seeds_copy)
    bot.index()
    (seeds_copy / TROOPS_FILE).write_bytes(b"\x00\x01binary now")
    report = bot.index()
    assert report.removed == 1 and (TROOPS_FILE, "binary file") in report.skipped_files
    assert TROOPS_FILE not in {a["file"] for a in bot.articles()}
    assert not bot._keeper.is_stale()


# --- no false refusals while indexing --------------------------------------------------------


def _slow_bot(make_bot, seeds: Path, pause: float, **settings):
    """A bot whose indexer pauses before each batch's chunks are written (a spy around
    the real store method): a folder that takes a while to index."""
    bot = make_bot(seeds, **settings)
    store = bot.store
    write = store.add_chunks

    def slow_write(chunks, embeddings):
        time.sleep(pause)
        return write(chunks, embeddings)

    store.add_chunks = slow_write
    return bot


def _folder_answer_last(seeds_copy: Path) -> Path:
    """Eight more articles first; the only one that answers BRIDGE is indexed last."""
    for k in range(8):
        text = (SEEDS / "001_d0fa11202cbcfd51.txt").read_text(encoding="utf-8")
        (seeds_copy / f"a-{k}.txt").write_text(f"Edition {k}.\n\n{text}", encoding="utf-8")
    (seeds_copy / "zz-riverton.txt").write_text(RIVERTON, encoding="utf-8")
    return seeds_copy


@pytest.mark.slow
def test_a_question_during_indexing_waits_instead_of_a_false_refusal(make_bot, seeds_copy):
    bot = _slow_bot(make_bot, _folder_answer_last(seeds_copy), pause=3.0)
    started = threading.Event()
    runner = threading.Thread(target=lambda: bot.index(progress=lambda p: started.set()))
    runner.start()
    started.wait(30)
    assert not bot.coverage().complete and bot.coverage().indexing
    answer = bot.ask(BRIDGE)  # the answer's file is not indexed yet: it waits for the run
    runner.join()
    assert not answer.refused and "six months" in answer.text
    assert answer.coverage is not None and answer.coverage.complete
    assert answer.coverage.note() == ""


@pytest.mark.slow
def test_answers_from_a_partial_index_say_so(make_bot, seeds_copy):
    bot = _slow_bot(make_bot, _folder_answer_last(seeds_copy), 5.0, index_wait=0)
    first = threading.Event()
    runner = threading.Thread(
        target=lambda: bot.index(progress=lambda p: p.indexed and first.set())
    )
    runner.start()
    first.wait(60)
    answered = bot.ask("Which cities will North Korean professors teach in?")  # first batch
    refused = bot.ask(BRIDGE)  # no waiting allowed: an honest partial refusal
    runner.join()
    for answer in (answered, refused):
        cov = answer.coverage
        assert cov is not None and cov.indexing and cov.indexed < cov.articles
        assert answer.coverage.note().startswith(
            f"answered from {cov.indexed:,} of {cov.articles:,} articles"
        )
    assert not answered.refused and answered.citations
    assert refused.refused and refused.text == PARTIAL_REFUSAL and REFUSAL not in refused.text
    assert not bot.ask(BRIDGE).refused  # once indexing is over


@pytest.mark.slow
def test_nothing_searchable_yet_is_an_error_not_a_refusal(make_bot, seeds_copy):
    bot = _slow_bot(make_bot, seeds_copy, pause=5.0, index_wait=0)
    runner = threading.Thread(target=bot.index)
    runner.start()
    time.sleep(1.0)
    with pytest.raises(IndexBusyError, match=r"nothing is indexed yet \(0 of 5 articles\)"):
        bot.ask(TROOPS)
    runner.join()


# --- rough edges -------------------------------------------------------------------------------


def test_a_port_in_use_names_the_port_option(seeds_bot):
    from bot.faces.web.app import _check_port

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError) as err:
            _check_port("127.0.0.1", port)
        result = CliRunner().invoke(
            main, ["serve", "--seeds", str(SEEDS), "--data", str(seeds_bot.settings.data_dir),
                   "--port", str(port)],
        )  # fmt: skip
    assert str(err.value) == f"port {port} on 127.0.0.1 is in use; pick another with --port"
    assert result.exit_code == 2
    assert f"Error: port {port} on 127.0.0.1 is in use; pick another with --port" in result.output
    assert "GRADIO_SERVER_PORT" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", [["index"], ["ask", "Who?"], ["serve"]])
def test_seeds_pointing_at_a_file_says_so(tmp_path, command):
    not_a_dir = tmp_path / "article.txt"
    not_a_dir.write_text("Some text.")
    result = CliRunner().invoke(
        main, [*command, "--seeds", str(not_a_dir), "--data", str(tmp_path / "d")]
    )
    assert result.exit_code == 2
    assert f"Error: seeds dir is a file, not a folder: {not_a_dir}" in result.output
    assert "not found" not in result.output


@pytest.mark.parametrize(
    "question",
    [
        "Wie viele nordkoreanische Soldaten sind in Russland?",
        "Combien de soldats nord-coréens sont en Russie ?",
        "Сколько северокорейских солдат в России?",
        "ロシアには北朝鮮の兵士が何人いますか？",
    ],
)
def test_a_refused_question_in_another_language_says_the_bot_reads_english(seeds_bot, question):
    answer = seeds_bot.ask(question)  # the English models find nothing they can quote
    assert answer.refused and answer.reason.startswith("questions are read in English only")


def test_english_refusals_carry_no_language_hint(seeds_bot):
    answer = seeds_bot.ask("What is the capital of France?")
    assert answer.refused and "English" not in answer.reason


def test_the_cli_says_why_it_refused_and_that_it_reads_english(seeds_bot):
    args = ["ask", "--seeds", str(SEEDS), "--data", str(seeds_bot.settings.data_dir)]
    result = CliRunner().invoke(
        main, [*args, "Wie viele Soldaten hat Nordkorea nach Russland geschickt?"]
    )
    assert result.exit_code == 0 and "The articles don't say." in result.stdout
    assert "note: Questions are read in English only" in result.stderr
    result = CliRunner().invoke(main, [*args, "What is the capital of France?"])
    assert "note: None of the indexed articles mentions" in result.stderr
    assert "English" not in result.stderr and "Indexing" not in result.stderr  # nothing to index
