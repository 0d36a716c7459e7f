"""Bad input and damaged state: one-line errors, nothing lost, citations still exact."""

from __future__ import annotations

import os
import shutil

import pytest

from bot import REFUSAL
from bot.errors import InputError, StoreError
from bot.index.bm25 import Bm25Index
from bot.types import Answer, Citation


def test_keep_citations_drops_uncited_sentences_and_renumbers():
    cites = [Citation(n, "a.txt", "q", 0, 1, 1) for n in (1, 2, 3)]
    answer = Answer("q", "First. [1] Second. [2] Third. [3][1]", False, cites)
    kept = answer.keep_citations({1, 3})
    assert kept.text == "First. [1] Third. [2][1]"
    assert [c.n for c in kept.citations] == [1, 2]
    assert answer.keep_citations(set()).text == REFUSAL


@pytest.mark.parametrize(
    "question,error",
    [
        ("", "empty"),
        (" \t\n ", "empty"),
        ("\x00\x01\x1b\x7f\u200b", "empty"),
        ("x" * 100_000, "100,000 characters long"),
        (12, "must be text"),
    ],
)
def test_bad_questions_are_input_errors(seeds_bot, question, error):
    with pytest.raises(InputError, match=error):
        seeds_bot.ask(question)


@pytest.mark.parametrize("as_of", ["2025-03-28", 20250328, object()])
def test_as_of_must_be_a_date(seeds_bot, as_of):
    with pytest.raises(InputError, match=r"as_of must be a datetime\.date"):
        seeds_bot.ask("Who is Moscow's ambassador to Pyongyang?", as_of=as_of)


def test_as_of_accepts_a_date_or_a_datetime(seeds_bot):
    from datetime import date, datetime

    question = "Who is Moscow's ambassador to Pyongyang?"
    for as_of in (date(2025, 3, 28), datetime(2025, 3, 28, 12, 0)):
        answer = seeds_bot.ask(question, as_of=as_of)
        assert "Matsegora" in answer.text, answer.reason


def test_control_characters_and_mixed_scripts_are_answered_or_refused(seeds_bot):
    answer = seeds_bot.ask("How many\x00 North Korean\x1b workers were dispatched to Donbas?")
    assert not answer.refused and "150" in answer.text
    mixed = seeds_bot.ask("Сколько северокорейских солдат 在俄罗斯 Russia?")
    if mixed.refused:
        assert mixed.text == REFUSAL and mixed.citations == []
    else:  # whatever it quotes is an exact span of its file, cited in the text
        assert mixed.citations and all(f"[{c.n}]" in mixed.text for c in mixed.citations)
        for c in mixed.citations:
            assert seeds_bot.source_text(c.file)[0][c.start : c.end] == c.quote


def test_fifo_in_the_seeds_dir_is_skipped_not_read(make_bot, seeds_copy):
    os.mkfifo(seeds_copy / "pipe.txt")
    report = make_bot(seeds_copy).index()
    assert report.added == 5
    assert "pipe.txt: skipped, not a regular file" in report.warnings


def test_an_empty_seeds_dir_is_bad_input_not_a_refusal(make_bot, tmp_path):
    """Refusing every question over an empty folder would be confidently wrong."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(InputError, match=r"no articles to answer from: .*empty holds no readable"):
        make_bot(empty).ask("How many troops are in Russia?")


def test_a_damaged_bm25_cache_is_rebuilt(make_bot, seeds_copy, tmp_path):
    bot = make_bot(seeds_copy)
    bot.index()
    bot.bm25()
    for path in (tmp_path / "data" / "bm25").iterdir():
        (path / "ids.json").write_text("{not json")
    fresh = make_bot(seeds_copy)
    answer = fresh.ask("How many North Korean workers were dispatched to Donbas?")
    assert not answer.refused
    with pytest.raises(ValueError):
        Bm25Index.load(tmp_path / "nowhere")


def test_a_corrupted_data_dir_is_a_one_line_error(make_bot, seeds_copy, tmp_path):
    make_bot(seeds_copy).index()
    sqlite = tmp_path / "data" / "chroma" / "chroma.sqlite3"
    sqlite.write_bytes(b"garbage" * 1000)
    with pytest.raises(StoreError, match=r"unreadable index .* delete it or pass another --data"):
        make_bot(seeds_copy).ask("How many troops are in Russia?")


def test_a_file_edited_after_indexing_never_yields_a_stale_citation(make_bot, seeds_copy):
    bot = make_bot(seeds_copy, refresh_seconds=3600)  # the freshness check will not notice
    bot.index()
    question = "How many North Korean workers were dispatched to Donbas?"
    first = bot.ask(question)
    target = seeds_copy / first.citations[0].file
    target.write_text(
        "A new first paragraph pushes every offset.\n\n" + target.read_text(encoding="utf-8")
    )
    again = bot.ask(question)
    for c in again.citations:
        assert (seeds_copy / c.file).open(encoding="utf-8").read()[c.start : c.end] == c.quote
    assert again.citations and again.citations[0].start > first.citations[0].start


def test_a_seeds_dir_that_is_a_file_is_an_input_error(make_bot, tmp_path):
    not_a_dir = tmp_path / "seeds.txt"
    not_a_dir.write_text("x")
    with pytest.raises(InputError, match=r"seeds dir is a file, not a folder: .*seeds\.txt"):
        make_bot(not_a_dir).index()
    with pytest.raises(InputError, match="not a folder"):
        make_bot(not_a_dir).check_seeds_dir()


def test_deleting_the_seeds_dir_keeps_the_index_and_says_so(make_bot, seeds_copy):
    bot = make_bot(seeds_copy)
    bot.index()
    shutil.rmtree(seeds_copy)
    with pytest.raises(InputError, match="seeds dir not found"):
        bot.index()
    assert bot.store.count() > 0  # nothing was wiped because the folder vanished
