"""Chunks: sentence-aligned, overlapping, exact offsets, lossless round trip through metadata."""

from __future__ import annotations

import itertools

from conftest import SEEDS

from bot.index.codec import chunk_from_record, chunk_metadata
from bot.ingest.chunking import chunk_article
from bot.ingest.corpus import load_article, scan


def seed_articles():
    return [load_article(f)[0] for f in scan(SEEDS)[0]]


def test_chunks_cover_every_sentence_but_the_headline_in_order_with_overlap():
    for article in seed_articles():
        chunks = chunk_article(article, target_chars=500, overlap=1)
        seen = []
        for prev, cur in itertools.pairwise(chunks):
            assert cur.sentences[0] == prev.sentences[-1]  # one sentence of overlap
        for c in chunks:
            seen.extend(s for s in c.sentences if not seen or s.start > seen[-1].start)
        assert seen == [s for s in article.sentences if not article.is_headline(s)]


def test_chunk_offsets_lines_and_metadata_round_trip():
    for article in seed_articles():
        raw = article.raw
        for chunk in chunk_article(article):
            assert raw[chunk.start : chunk.end].startswith(chunk.sentences[0].text)
            assert chunk.line_start == raw.count("\n", 0, chunk.start) + 1
            assert chunk.line_end == raw.count("\n", 0, chunk.end) + 1
            meta = chunk_metadata(chunk)
            assert all(v is not None and v != [] for v in meta.values())
            again = chunk_from_record(chunk.id, chunk.text, meta)
            assert again == chunk
            assert again.hash == chunk.hash


def test_search_text_carries_title_and_date():
    article = next(a for a in seed_articles() if a.date == "2025-03-27")
    chunk = chunk_article(article)[1]
    assert chunk.search_text.startswith(article.title)
    assert "(2025-03-27)" in chunk.search_text.split("\n")[0]
