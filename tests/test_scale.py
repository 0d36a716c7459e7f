"""Scale-out: the same code against a `chroma run` server, and many concurrent asks on one Bot.

Latency is measured by evals/bench.py, never asserted here; these tests check behaviour:
server mode indexes and answers with nothing but the BM25 cache and the lock kept locally,
a second replica sharing the server reuses the index, and concurrent asks are all
answered, each with its own question's answer.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

QUESTIONS = [
    "How many North Korean troops are in Russia?",
    "Who is Moscow's ambassador to Pyongyang?",
    "How many North Korean workers were dispatched to Donbas?",
    "What does the abbreviation SVO stand for?",
    "Where are wounded Russian soldiers being treated?",
]


def _assert_cited(bot, answer):
    assert not answer.refused, answer.reason
    assert answer.citations
    for c in answer.citations:
        text, _ = bot.source_text(c.file)
        assert text[c.start : c.end] == c.quote


def test_server_mode_indexes_and_answers_and_a_second_replica_reuses_it(
    chroma_server, seeds_copy, tmp_path, encoder
):
    from bot import Bot, Settings
    from bot.embedding import MiniLMEmbedding

    collection = f"scale{uuid.uuid4().hex[:8]}"

    def replica(name):
        settings = Settings(
            seeds_dir=seeds_copy,
            data_dir=tmp_path / name,
            chroma_url=chroma_server,
            collection=collection,
            llm="extractive",
        )
        return Bot(settings=settings, embedding=MiniLMEmbedding(encoder))

    first = replica("replica-a")
    report = first.index()
    assert report.added == 5 and report.chunks_embedded == report.chunks_total > 0
    answer = first.ask(QUESTIONS[0])
    _assert_cited(first, answer)
    # the vectors live on the server: the data dir holds no Chroma files of its own
    assert not (tmp_path / "replica-a" / "chroma").exists()

    # another replica (own data dir, same server) finds the index done: nothing embedded
    before = encoder.texts_encoded
    second = replica("replica-b")
    again = second.index()
    assert (again.added, again.unchanged, again.chunks_embedded) == (0, 5, 0)
    assert encoder.texts_encoded == before
    other = second.ask(QUESTIONS[0])
    _assert_cited(second, other)
    assert other.text == answer.text


def _ask_all_at_once(bot, questions):
    barrier = threading.Barrier(len(questions))

    def one(q):
        barrier.wait()
        return q, bot.ask(q)

    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        return list(pool.map(one, questions))


@pytest.mark.parametrize("mode", ["embedded", "server"])
def test_twenty_concurrent_asks_on_a_cold_bot_are_all_answered(mode, make_bot, seeds_copy, request):
    url = request.getfixturevalue("chroma_server") if mode == "server" else None
    extra = {"collection": f"c{uuid.uuid4().hex[:8]}"} if url else {}
    questions = (QUESTIONS * 4)[:20]
    # a cold Bot: the 20 threads race to load the model, open the store, index and build BM25
    bot = make_bot(seeds_copy, chroma_url=url, **extra)
    results = _ask_all_at_once(bot, questions)
    assert len(results) == 20
    serial = {q: bot.ask(q) for q in QUESTIONS}
    for q, answer in results:
        assert answer.question == q
        assert answer.text == serial[q].text  # nobody got another thread's answer
        assert [p.file for p in answer.passages] == [p.file for p in serial[q].passages]
        _assert_cited(bot, answer)
    records = bot.store.file_records()
    assert sum(r.chunks for r in records.values()) == bot.store.count()  # indexed once, no dupes
