"""Incremental indexing against real Chroma: embedded in a tmp dir, and a `chroma run` server."""

from __future__ import annotations

import uuid

import pytest

from bot.errors import StoreError
from bot.index.ledger import FileRecord
from bot.ingest.chunking import CHUNKER_VERSION


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.slow)])
def bot_for(request, make_bot):
    """A Bot factory for one store flavour; server mode gets its own collection."""

    def make(seeds):
        if request.param == "server":
            url = request.getfixturevalue("chroma_server")
            return make_bot(seeds, chroma_url=url, collection=f"t{uuid.uuid4().hex[:10]}")
        return make_bot(seeds)

    return make


def chunk_files(bot) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in bot.store.iter_chunks():
        counts[chunk.file] = counts.get(chunk.file, 0) + 1
    return counts


def test_incremental_index(bot_for, seeds_copy, encoder):
    bot = bot_for(seeds_copy)
    first = bot.index()
    assert (first.added, first.updated, first.removed, first.unchanged) == (5, 0, 0, 0)
    assert first.chunks_embedded == first.chunks_total > 0
    records = bot.store.file_records()
    assert set(records) == {p.name for p in seeds_copy.glob("*.txt")}
    assert sum(r.chunks for r in records.values()) == first.chunks_total

    # unchanged: nothing is embedded
    before = encoder.texts_encoded
    again = bot.index()
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert encoder.texts_encoded == before and again.chunks_embedded == 0

    # touched but identical content: still nothing embedded
    target = seeds_copy / "003_9c917ec44682070a.txt"
    target.write_bytes(target.read_bytes())
    assert bot.index().chunks_embedded == 0 and encoder.texts_encoded == before

    # changed: that file is re-chunked; unchanged chunks keep their vectors
    target.write_text(
        target.read_text(encoding="utf-8") + "\nA brand new closing sentence about the bridge.\n"
    )
    changed = bot.index()
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 4)
    assert 1 <= changed.chunks_embedded < records[target.name].chunks + 1
    assert changed.chunks_reused >= 1
    assert encoder.texts_encoded == before + changed.chunks_embedded

    # deleted: its chunks and record go
    (seeds_copy / "000_a0f9aa3273438d83.txt").unlink()
    removed = bot.index()
    assert removed.removed == 1
    files = chunk_files(bot)
    assert "000_a0f9aa3273438d83.txt" not in files
    assert "000_a0f9aa3273438d83.txt" not in bot.store.file_records()
    assert files == {r.file: r.chunks for r in bot.store.file_records().values()}


def test_a_pending_file_is_redone_without_duplicates(bot_for, seeds_copy):
    bot = bot_for(seeds_copy)
    bot.index()
    rec = bot.store.file_records()["001_d0fa11202cbcfd51.txt"]
    # what a crash between "pending" and "done" leaves behind
    bot.store.put_file_record(FileRecord(**{**rec.__dict__, "state": "pending"}))
    report = bot.index()
    assert report.updated == 1
    assert chunk_files(bot)["001_d0fa11202cbcfd51.txt"] == rec.chunks


def test_chunker_version_change_reindexes(make_bot, seeds_copy):
    bot = make_bot(seeds_copy)
    bot.index()
    for rec in bot.store.file_records().values():
        bot.store.put_file_record(FileRecord(**{**rec.__dict__, "version": "old"}))
    report = bot.index()
    assert report.updated == 5
    assert all(r.version == CHUNKER_VERSION for r in bot.store.file_records().values())


def test_bad_files_are_skipped_and_the_rest_indexes(make_bot, seeds_copy):
    (seeds_copy / "empty.txt").write_text("")
    (seeds_copy / "binary.txt").write_bytes(b"\x00\x01\x02")
    report = make_bot(seeds_copy).index()
    assert report.added == 5 and report.skipped == 2
    assert any("empty.txt" in w for w in report.warnings)
    assert any("binary.txt" in w for w in report.warnings)


def test_ask_indexes_a_missing_index_first(make_bot, seeds_copy):
    bot = make_bot(seeds_copy)
    answer = bot.ask("How many North Korean workers were dispatched to Donbas?")
    assert not answer.refused
    assert bot.store.count() > 0


def test_a_foreign_data_dir_is_refused(tmp_path, seeds_copy, embedding):
    from bot import Bot, Settings

    foreign = tmp_path / "mydocs"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    bot = Bot(settings=Settings(seeds_dir=seeds_copy, data_dir=foreign), embedding=embedding)
    with pytest.raises(StoreError, match="not a bot data dir"):
        bot.index()
    assert (foreign / "thesis.docx").read_text() == "precious"


def test_unreachable_chroma_server_is_a_clear_error(make_bot, seeds_copy):
    from conftest import free_port

    bot = make_bot(seeds_copy, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match="unreachable"):
        bot.index()


def test_a_shrunk_file_leaves_no_old_chunks_behind(make_bot, seeds_copy):
    bot = make_bot(seeds_copy)
    bot.index()
    target = seeds_copy / "001_d0fa11202cbcfd51.txt"
    assert bot.store.file_records()[target.name].chunks > 2
    target.write_text("One short replacement sentence about the bridge budget.\n")
    assert bot.index().updated == 1
    assert chunk_files(bot)[target.name] == bot.store.file_records()[target.name].chunks == 1
