"""What the benchmark times in one process: re-indexing, the BM25 rebuild, retrieval by
every method over the seed questions, ``Bot.ask`` alone and from 20 threads at once. Each
returns plain numbers (``bench.measure.summary`` and counts); building corpora and stores,
and reporting, are ``bench.run`` and ``bench.report``.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.measure import (
    ROOT,
    interleaved,
    summary,
)

TOP_K = 8
QUESTION = "How many North Korean troops are in Russia?"


def reindex(bot: Any, seeds: Path, corpus: Path, runs: int) -> dict[str, Any]:
    bot.index()  # settle: anything left over from an earlier run
    bot.ask(QUESTION)  # a warm bot, as a running server is: its BM25 index is in memory
    noop = []
    for _ in range(runs):
        t0 = time.perf_counter()
        report = bot.index()
        noop.append(time.perf_counter() - t0)
        assert not report.changed, report.summary()
    target = sorted(seeds.rglob("*.txt"))[len(noop) % 7]
    original = corpus / target.relative_to(seeds)
    text = original.read_text(encoding="utf-8")
    target.unlink()
    target.write_text(text + f"\nA closing sentence written at {time.time_ns()} by the bench.\n")
    try:
        t0 = time.perf_counter()
        changed = bot.index()
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        bot.ask(QUESTION)  # pays the BM25 rebuild
        first_ask = time.perf_counter() - t0
    finally:
        target.unlink()
        os.link(original, target)
        bot.index()
    return {
        "noop_s": summary(noop) | {"median_s": statistics.median(noop)},
        "one_file_changed_s": one,
        "one_file_changed": {"embedded": changed.chunks_embedded, "reused": changed.chunks_reused},
        "first_ask_after_change_s": first_ask,
    }


def bm25_rebuild(bot: Any) -> float:
    from bot.index.bm25 import Bm25Doc, Bm25Index

    t0 = time.perf_counter()
    Bm25Index.build(Bm25Doc(c.id, c.file, c.search_text) for c in bot.store.iter_chunks())
    return time.perf_counter() - t0


def questions() -> list[str]:
    lines = (ROOT / "evals" / "cases" / "seeds.jsonl").read_text().splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def retrieval(bot: Any, peer_dir: Path | None, qs: list[str], rounds: int) -> dict[str, Any]:
    import numpy as np

    from bot.index.store import connect

    encoder = bot.encoder
    collection = connect(bot.settings.data_dir).get_collection(bot.store.name)
    vectors = {q: encoder.encode([q])[0] for q in qs}
    ids, rows = [], []
    offset = 0
    while True:
        got = collection.get(include=["embeddings"], limit=5000, offset=offset)
        if not got["ids"]:
            break
        ids += got["ids"]
        rows.append(np.asarray(got["embeddings"], dtype=np.float32))
        offset += len(got["ids"])
    matrix = np.concatenate(rows)

    def numpy_top_k(q: str) -> list[str]:
        scores = matrix @ vectors[q]
        top = np.argpartition(-scores, TOP_K)[:TOP_K]
        return [ids[i] for i in top[np.argsort(-scores[top])]]

    methods = {
        "raw_chroma": lambda q: collection.query(query_embeddings=[vectors[q]], n_results=TOP_K),
        "numpy": numpy_top_k,
        "hybrid_vec": lambda q: bot.searcher.search(q, vectors[q]),
        "hybrid": lambda q: bot.searcher.search(q),
        "retriever": lambda q: bot.retriever.retrieve(q),
        "embed_query": lambda q: encoder.encode([q]),
    }
    if peer_dir is not None:
        retriever, bundle = peer_retriever(peer_dir, bot.embedding)
        methods["peer_vec"] = lambda q: retriever.retrieve(bundle(q, embedding=vectors[q].tolist()))
        methods["peer"] = lambda q: retriever.retrieve(q)
    for fn in methods.values():  # warm up: BM25 load, HNSW load, first-call costs
        fn(qs[0])
    timings = interleaved(methods, qs, rounds)
    out = {name: summary(s) for name, s in timings.items()}
    out["chunks"] = len(ids)
    return out


def peer_retriever(peer_dir: Path, embed_model: Any) -> tuple[Any, Any]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import VectorStoreIndex
    from llama_index.core.schema import QueryBundle
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from bench.worker import PEER_COLLECTION

    client = chromadb.PersistentClient(
        path=str(peer_dir), settings=ChromaSettings(anonymized_telemetry=False)
    )
    store = ChromaVectorStore(chroma_collection=client.get_collection(PEER_COLLECTION))
    index = VectorStoreIndex.from_vector_store(store, embed_model=embed_model)
    return index.as_retriever(similarity_top_k=TOP_K), QueryBundle


def asks(bot: Any, qs: list[str]) -> dict[str, Any]:
    seconds, refused = [], 0
    for q in qs:
        t0 = time.perf_counter()
        answer = bot.ask(q)
        seconds.append(time.perf_counter() - t0)
        refused += answer.refused
    return summary(seconds) | {"refused": refused}


def concurrent_asks(bot: Any, qs: list[str], n: int) -> dict[str, Any]:
    qs = (qs * (n // len(qs) + 1))[:n]
    serial = {q: bot.ask(q).text for q in set(qs)}
    barrier = threading.Barrier(n)

    def one(q: str) -> tuple[str, Any, float]:
        barrier.wait()
        t0 = time.perf_counter()
        answer = bot.ask(q)
        return q, answer, time.perf_counter() - t0

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(one, qs))
    wall = time.perf_counter() - t0
    same = sum(a.question == q and a.text == serial[q] for q, a, _ in results)
    return summary([s for _, _, s in results]) | {
        "threads": n,
        "answered": len(results),
        "same_as_serial": same,
        "wall_s": wall,
    }
