"""Scale-out: the same code against a `chroma run` server, and many concurrent asks on one Bot.

Latency is measured by bench/run.py, never asserted here; these tests check behaviour:
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
    "Which cities will North Korean professors teach in?",
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
    from bot.index.embedding import MiniLMEmbedding

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


@pytest.mark.parametrize("mode", ["embedded", pytest.param("server", marks=pytest.mark.slow)])
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


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _bot(seeds, data, encoder, clock, **settings):
    from bot import Bot, Settings
    from bot.index.embedding import MiniLMEmbedding

    cfg = Settings(seeds_dir=seeds, data_dir=data, llm="extractive", **settings)
    return Bot(settings=cfg, embedding=MiniLMEmbedding(encoder), clock=clock)


def test_a_quiet_refresh_reuses_the_ledger_and_another_replicas_change_is_picked_up(
    seeds_copy, tmp_path, encoder, monkeypatch
):
    clock = FakeClock()
    data = tmp_path / "data"
    reader = _bot(seeds_copy, data, encoder, clock)
    reader.ask(QUESTIONS[0])
    reads = []
    real_records = reader.store.file_records
    monkeypatch.setattr(reader.store, "file_records", lambda: reads.append(1) or real_records())
    monkeypatch.setattr(
        reader._keeper, "index", lambda *a, **k: pytest.fail("the reader re-indexed")
    )

    clock.now += 60  # past refresh_seconds, nothing changed: one-row generation read only
    reader.ask(QUESTIONS[1])
    assert reads == []

    # another process (its own Bot, same store) indexes a changed file
    target = seeds_copy / "001_d0fa11202cbcfd51.txt"  # text appended after its last line is kept
    target.write_text(
        target.read_text(encoding="utf-8")
        + "\nThe harbour zebra counted 4242 crates of shells on the pier.\n"
    )
    writer = _bot(seeds_copy, data, encoder, FakeClock())
    assert writer.index().updated == 1

    clock.now += 60
    answer = reader.ask("How many crates of shells did the harbour zebra count?")
    assert reads == [1]  # the generation moved: the ledger was read once
    assert "4242" in answer.text  # the reader's BM25 and chunks follow the writer's index
    assert any(c.file == target.name for c in answer.citations)


def test_a_refresh_in_progress_does_not_hold_up_other_askers(seeds_copy, tmp_path, encoder):
    clock = FakeClock()
    bot = _bot(seeds_copy, tmp_path / "data", encoder, clock)
    bot.ask(QUESTIONS[0])  # the first check (and indexing) is done
    clock.now += 60
    entered, release = threading.Event(), threading.Event()
    real_generation = bot.store.generation

    def slow_generation():
        if threading.current_thread().name == "refresher":
            entered.set()
            release.wait(120)
        return real_generation()

    bot.store.generation = slow_generation
    results = {}
    refresher = threading.Thread(
        target=lambda: results.setdefault("refresher", bot.ask(QUESTIONS[1])), name="refresher"
    )
    refresher.start()
    assert entered.wait(120)
    other = threading.Thread(target=lambda: results.setdefault("other", bot.ask(QUESTIONS[2])))
    other.start()
    other.join(120)
    try:
        assert not other.is_alive(), "an ask waited for another thread's refresh"
        assert results["other"].question == QUESTIONS[2] and not results["other"].refused
    finally:
        release.set()
        refresher.join(120)
    assert results["refresher"].question == QUESTIONS[1]
