"""Batched index writes keep the crash-safety promise; caches do not pile up across changes."""

from __future__ import annotations

import re

import pytest


class Boom(RuntimeError):
    pass


def test_a_crash_while_adding_a_batch_leaves_it_pending_and_the_next_run_repairs_it(
    make_bot, seeds_copy, monkeypatch
):
    bot = make_bot(seeds_copy)
    store = bot.store
    real_add = store.add_chunks

    def crash_after_half(chunks, embeddings):
        real_add(chunks[: len(chunks) // 2], embeddings[: len(chunks) // 2])
        raise Boom("killed mid-write")

    monkeypatch.setattr(store, "add_chunks", crash_after_half)
    with pytest.raises(Boom):
        bot.index()
    records = store.file_records()
    assert records and {r.state for r in records.values()} == {"pending"}

    monkeypatch.setattr(store, "add_chunks", real_add)
    report = bot.index()
    assert report.added + report.updated == 5
    records = store.file_records()
    assert {r.state for r in records.values()} == {"done"}
    per_file: dict[str, int] = {}
    for chunk in store.iter_chunks():
        per_file[chunk.file] = per_file.get(chunk.file, 0) + 1
    assert per_file == {r.file: r.chunks for r in records.values()}
    assert store.count() == sum(r.chunks for r in records.values())


def test_an_index_change_replaces_the_bm25_cache_instead_of_adding_one(make_bot, seeds_copy):
    bot = make_bot(seeds_copy)
    bot.ask("How many North Korean troops are in Russia?")
    caches = bot.settings.data_dir / "bm25"
    (first,) = caches.iterdir()
    target = seeds_copy / "004_c7e5022738f6770f.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more closing sentence.\n")
    bot.index()
    bot.ask("How many North Korean troops are in Russia?")
    (second,) = caches.iterdir()  # exactly one: the old one is gone
    store_part = lambda name: re.sub(r"-[0-9a-f]{16}(?:-\w+)?$", "", name)  # noqa: E731
    assert second.name != first.name and store_part(second.name) == store_part(first.name)
    foreign = caches / "other-corpus-0123456789abcdef"
    foreign.mkdir()
    target.write_text(target.read_text(encoding="utf-8") + "\nAnd another.\n")
    bot.index()
    bot.ask("How many North Korean troops are in Russia?")
    assert foreign.exists() and len(list(caches.iterdir())) == 2  # other corpora's caches stay
