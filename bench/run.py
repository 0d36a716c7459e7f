"""Benchmark: indexing and answering speed against the bare model, raw Chroma, numpy and the
llama-index default, on deterministic synthetic corpora. Prints a table, writes JSON + PNG.

    python -m bench.run                        # sizes 1000 10000 100000 (see below)
    python -m bench.run --sizes 1000 --out bench/out --cold-runs 3
    python -m bench.run --compare-code ../old-checkout   # also A/B its cold `bot ask`

Sizes and caching (embedding runs at ~20 chunks/s on two cores, so it decides everything):

* throughput is measured where embedding every run is affordable (N <= --embed-max,
  default 10k: ~45 min of embedding over four workers on two quiet cores);
* bigger stores (default 100k) are for latency only. They are built once and reused from
  ``--out/store-N-*``. Their vectors (``bench.vectors``): ``--big-vectors composed``
  (default) gives the first --embed-max chunks their real MiniLM vectors (the throughput run
  just computed them) and every other chunk a noisy copy of one of those (cosine ~0.9), so
  the store has real size and geometry in minutes; ``--big-vectors real`` embeds all 100k
  once (~1-2 h) — use it on a quiet machine, or pre-fill with
  ``python -m bench.vectors 100000``. Answers at a composed size are meaningless;
  only timings are taken there, and the JSON says which vectors a size used.
* corpora are generated once per size under ``--out`` and reused (same generator, same
  text, checked by a digest); the throughput stores are rebuilt every run.

End to end with the defaults: ~46 min on a shared two-core machine (load 2-11), the 100k
store built (6 min) in that run; re-runs reuse it.

What runs, per corpus size N (chunks; corpora from ``bench.corpus``, prefixes of each other):

* throughput (N <= --embed-max): four worker processes — the bare model, ``Bot.index()``,
  llama-index's default ``VectorStoreIndex.from_documents`` over a ``ChromaVectorStore``
  with the same MiniLM, and the same with a splitter matched to our chunk size — fed the
  corpus in --slices parts, taking turns (who goes first rotates), so background load on a
  shared machine hits all alike. Reported: chunks/s, ratio to the bare model, peak RSS of
  each process, the peer's build time relative to ours (its default splitter makes ~8x
  fewer, 1024-token chunks that MiniLM truncates at 256 tokens; chunk counts are reported).
* re-index: no-op (nothing changed) and one file changed (a new sentence appended, so the
  changed chunk is always really embedded), in process; then the file is restored.
* BM25 rebuild time (what the first ask after any change pays), in process.
* retrieval over the seed eval questions (``evals/cases/seeds.jsonl``), methods interleaved
  per question: raw Chroma ``collection.query`` with a precomputed vector (top-k, default
  include: documents, metadata, distances), numpy brute force over the same vectors, our
  hybrid search given the vector and with query embedding, our llama-index
  ``HybridRetriever``, the peer's retriever (same top-k) with and without a precomputed
  vector, and the query embedding alone. The retrieval target compares hybrid-given-vector
  with raw Chroma (both start from a vector).
* ``Bot.ask`` end to end (offline extractive answerer, default settings, including the
  periodic freshness check) p50/p95, and 20 concurrent asks from threads on one ``Bot``.
* cold processes: ``bot index`` (first and no-op) and ``bot ask`` over the seeds, and
  ``bot ask`` at the largest N; ``--compare-code DIR`` times another checkout alternately.

All numbers come from one run on one machine; ratios are what to compare across machines.
Everything measured goes under ``--out`` (gitignored ``bench/out``): corpora, caches, stores,
``bench.json``, ``bench.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus
from bench.measure import (
    cold_ab,
    cold_runs,
    interleaved,
    load_average,
    peak_rss_mb,
    summary,
)

ROOT = Path(__file__).resolve().parents[1]
TOP_K = 8
SEEDS = ROOT / "seeds"
QUESTION = "How many North Korean troops are in Russia?"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {load_average():.1f}] {msg}", file=sys.stderr)


# --- workers -------------------------------------------------------------------------------


class Worker:
    """A ``bench.worker`` process: send slice numbers, read JSON replies."""

    def __init__(
        self, method: str, seeds: Path, work: Path, slices: int, cache: Path, vectors: str
    ) -> None:
        self.method = method
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.worker",
                method,
                str(seeds),
                str(work),
                str(slices),
                str(cache),
                vectors,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.ready = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.method} died (exit {self.proc.wait()})")
        return json.loads(line)

    def run(self, k: int) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{k}\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        done = self._read()
        self.proc.wait(timeout=60)
        return done


def run_workers(
    methods: list[str], seeds: Path, work: Path, slices: int, cache: Path, vectors: str = "model"
) -> dict[str, dict[str, Any]]:
    workers = {m: Worker(m, seeds, work / m, slices, cache, vectors) for m in methods}
    per: dict[str, list[dict[str, Any]]] = {m: [] for m in methods}
    try:
        for k in range(slices):
            order = methods[k % len(methods) :] + methods[: k % len(methods)]
            for m in order:
                per[m].append(workers[m].run(k))
                log(
                    f"  {m} slice {k + 1}/{slices}: {per[m][-1]['chunks']} chunks "
                    f"in {per[m][-1]['seconds']:.1f}s"
                )
        done = {m: w.close() for m, w in workers.items()}
    finally:
        for w in workers.values():
            if w.proc.poll() is None:
                w.proc.kill()
    out = {}
    for m in methods:
        seconds = sum(r["seconds"] for r in per[m])
        chunks = sum(r["chunks"] for r in per[m])
        out[m] = {
            "seconds": seconds,
            "chunks": chunks,
            "chunks_per_s": chunks / seconds if seconds else None,
            "slice_seconds": [r["seconds"] for r in per[m]],
            "rss_after_setup_mb": workers[m].ready["rss_mb"],
            "peak_rss_mb": done[m]["peak_rss_mb"],
        }
    return out


# --- one size ------------------------------------------------------------------------------


def make_bot(seeds: Path, data: Path, encoder: Any) -> Any:
    """A Bot over ``seeds``, answering offline with the answerer ``BOT_SELECTOR`` names
    (as the bot itself reads it; the learned selector by default)."""
    from bot import Bot, Settings

    selector = os.environ.get("BOT_SELECTOR") or Settings.selector
    settings = Settings(seeds_dir=seeds, data_dir=data, llm="extractive", selector=selector)
    return Bot(settings=settings, embedding=encoder)


def link_tree(src: Path, dest: Path) -> None:
    """Hard-link a corpus into a seeds dir the bench may edit (edits replace, never write
    through, so the corpus itself never changes)."""
    for path in sorted(src.rglob("*.txt")):
        target = dest / path.relative_to(src)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)


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


def measure_size(n: int, args: argparse.Namespace, qs: list[str]) -> dict[str, Any]:
    out_dir: Path = args.out
    info = write_corpus(n, out_dir)
    corpus = info.path / "seeds"
    res: dict[str, Any] = {"files": info.files, "chunks": info.chunks, "chars": info.chars}
    log(f"size {n}: {info.files} files, {info.chunks} chunks")
    cache = out_dir / "vectors"
    if n <= args.embed_max:
        work = out_dir / "run" / f"size-{n}"
        shutil.rmtree(work, ignore_errors=True)
        methods = ["bare", "ours"] + ([] if args.skip_peer else ["peer", "peer-matched"])
        tp = run_workers(methods, corpus, work, args.slices, cache)
        res["vectors"] = "model"
        res["throughput"] = tp
        res["index_vs_bare"] = tp["ours"]["chunks_per_s"] / tp["bare"]["chunks_per_s"]
        if "peer" in tp:
            res["build_ours_over_peer"] = tp["ours"]["seconds"] / tp["peer"]["seconds"]
            res["chunks_per_s_ours_over_peer_matched"] = (
                tp["ours"]["chunks_per_s"] / tp["peer-matched"]["chunks_per_s"]
            )
    else:
        vectors = "real" if args.big_vectors == "real" else f"composed:{args.embed_max}"
        res["vectors"] = vectors
        work = out_dir / f"store-{n}-{vectors.split(':')[0]}"
        if args.rebuild:
            shutil.rmtree(work, ignore_errors=True)
        # The stamp names the chunker too: a store chunked by another version would be
        # re-chunked and re-embedded in full by the "no-op" re-index below (an hour or more).
        from bot.ingest.chunking import CHUNKER_VERSION

        stamp = f"{info.digest} chunker {CHUNKER_VERSION}"
        done = work / "complete"
        if not done.exists() or done.read_text() != stamp:
            shutil.rmtree(work, ignore_errors=True)
            methods = ["ours"] + ([] if args.skip_peer else ["peer"])
            res["cached_build"] = run_workers(methods, corpus, work, 1, cache, vectors)
            done.write_text(stamp)
        else:
            res["cached_build"] = "reused"
    seeds, data, peer_dir = work / "ours" / "seeds", work / "ours" / "data", work / "peer" / "peer"
    from bot.index.embedding import MiniLMEmbedding
    from bot.index.encoder import MiniLM

    encoder = MiniLM()  # edits are embedded for real; nothing else is embedded from here on
    encoder.load()
    bot = make_bot(seeds, data, MiniLMEmbedding(encoder))
    log(f"size {n}: re-index")
    res["reindex"] = reindex(bot, seeds, corpus, args.noop_runs)
    log(f"size {n}: BM25 rebuild")
    res["bm25_rebuild_s"] = bm25_rebuild(bot)
    log(f"size {n}: retrieval")
    res["retrieval"] = retrieval(bot, None if args.skip_peer else peer_dir, qs, args.rounds)
    log(f"size {n}: ask")
    res["ask"] = asks(bot, qs)
    res["concurrent"] = concurrent_asks(bot, qs, args.concurrency)
    res["cold"] = {"seeds": str(seeds), "data": str(data)}
    return res


def measure_seeds(args: argparse.Namespace, qs: list[str]) -> dict[str, Any]:
    from bot.index.encoder import MiniLM

    work = args.out / "run" / "seeds"
    shutil.rmtree(work, ignore_errors=True)
    data = work / "data"
    common = ["--seeds", str(SEEDS), "--data", str(data)]
    res: dict[str, Any] = {}
    log("seeds: cold processes")
    res["cold_index_first_s"] = cold_runs(["index", *common], ROOT, 1)["median_s"]
    res["cold_index_noop"] = cold_runs(["index", *common], ROOT, args.cold_runs)
    res["cold_ask"] = cold_runs(["ask", *common, QUESTION], ROOT, args.cold_runs)
    if args.compare_code:
        roots = {"this": ROOT, "compare": args.compare_code}
        res["cold_ask_ab"] = cold_ab(["ask", *common, QUESTION], roots, args.cold_runs)
        res["cold_ask_ab"]["compare_code"] = str(args.compare_code)
    log("seeds: in process")
    encoder = MiniLM()
    encoder.load()
    bot = make_bot(SEEDS, data, encoder)
    t0 = time.perf_counter()
    bot.index()
    res["noop_fresh_bot_s"] = time.perf_counter() - t0  # opens Chroma, reads the ledger
    runs = []
    for _ in range(args.noop_runs):
        t0 = time.perf_counter()
        bot.index()
        runs.append(time.perf_counter() - t0)
    res["noop"] = summary(runs) | {"median_s": statistics.median(runs)}
    res["ask"] = asks(bot, qs)
    res["concurrent"] = concurrent_asks(bot, qs, args.concurrency)
    return res


# --- report --------------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def targets(result: dict[str, Any]) -> dict[str, Any]:
    sizes = result["sizes"]
    biggest = max(sizes, key=int)
    r = sizes[biggest]["retrieval"]
    seeds = result["seeds"]
    out: dict[str, Any] = {
        f"retrieval p95 hybrid (given vector) / raw Chroma at {biggest} <= 1.5": ratio(
            r["hybrid_vec"]["p95_ms"], r["raw_chroma"]["p95_ms"]
        ),
        f"retrieval p95 hybrid (with query embedding) / raw Chroma at {biggest}": ratio(
            r["hybrid"]["p95_ms"], r["raw_chroma"]["p95_ms"]
        ),
        f"`bot.ask` p50 offline at {biggest} (ms) <= 150": sizes[biggest]["ask"]["p50_ms"],
        "no-op re-index of the seeds, in process (s) <= 1": seeds["noop"]["median_s"],
        "no-op `bot index` of the seeds, cold process (s)": seeds["cold_index_noop"]["median_s"],
        "cold `bot ask` over the seeds, median (s) <= 2": seeds["cold_ask"]["median_s"],
    }
    for n, s in sizes.items():
        if "index_vs_bare" in s:
            out[f"index throughput / bare model at {n} >= 0.9"] = s["index_vs_bare"]
        if "build_ours_over_peer" in s:
            out[f"build time ours / llama-index default at {n} < 1"] = s["build_ours_over_peer"]
        rr = s["retrieval"]
        if "peer" in rr:
            out[f"query p95 ours (hybrid) / llama-index default at {n} < 1"] = ratio(
                rr["hybrid"]["p95_ms"], rr["peer"]["p95_ms"]
            )
    return out


def table(result: dict[str, Any]) -> str:
    lines = []
    add = lines.append
    s = result["seeds"]
    add("== seeds (5 files) ==")
    add(
        f"cold `bot index` first / no-op median: {s['cold_index_first_s']:.2f} s / "
        f"{s['cold_index_noop']['median_s']:.2f} s"
    )
    add(
        f"cold `bot ask` median / max: {s['cold_ask']['median_s']:.2f} s / "
        f"{s['cold_ask']['max_ms'] / 1000:.2f} s"
    )
    if "cold_ask_ab" in s:
        ab = s["cold_ask_ab"]
        add(
            f"cold `bot ask` A/B median: this {ab['this']['median_s']:.2f} s vs "
            f"{ab['compare_code']} {ab['compare']['median_s']:.2f} s"
        )
    add(
        f"no-op re-index in process: median {s['noop']['median_s'] * 1000:.1f} ms "
        f"(fresh Bot {s['noop_fresh_bot_s'] * 1000:.0f} ms)"
    )
    add(
        f"ask p50/p95: {s['ask']['p50_ms']:.0f}/{s['ask']['p95_ms']:.0f} ms; "
        f"{s['concurrent']['threads']} concurrent: p50/p95 {s['concurrent']['p50_ms']:.0f}/"
        f"{s['concurrent']['p95_ms']:.0f} ms, {s['concurrent']['same_as_serial']}/"
        f"{s['concurrent']['answered']} same as serial"
    )
    for n, r in result["sizes"].items():
        add(f"== {n} chunks requested: {r['files']} files, {r['chunks']} chunks ==")
        if "throughput" in r:
            for m, t in r["throughput"].items():
                add(
                    f"  {m:12s} {t['chunks']:>7} chunks {t['seconds']:8.1f} s "
                    f"{t['chunks_per_s']:7.1f} chunks/s  peak RSS {t['peak_rss_mb']:6.0f} MB"
                )
            add(f"  index / bare throughput: {r['index_vs_bare']:.2f}")
            if "build_ours_over_peer" in r:
                add(f"  build time ours / llama-index default: {r['build_ours_over_peer']:.2f}")
        ri = r["reindex"]
        add(
            f"  re-index: no-op {ri['noop_s']['median_s'] * 1000:.0f} ms, one file changed "
            f"{ri['one_file_changed_s'] * 1000:.0f} ms ({ri['one_file_changed']['embedded']} "
            f"embedded), first ask after it {ri['first_ask_after_change_s']:.2f} s; "
            f"BM25 rebuild {r['bm25_rebuild_s']:.2f} s"
        )
        rr = r["retrieval"]
        raw = rr["raw_chroma"]
        add(f"  {'retrieval':22s} {'p50 ms':>8s} {'p95 ms':>8s} {'p95/raw':>8s}")
        for m in (
            "raw_chroma",
            "numpy",
            "hybrid_vec",
            "hybrid",
            "retriever",
            "peer_vec",
            "peer",
            "embed_query",
        ):
            if m in rr:
                x = rr[m]
                add(
                    f"  {m:22s} {x['p50_ms']:8.2f} {x['p95_ms']:8.2f} "
                    f"{x['p95_ms'] / raw['p95_ms']:8.2f}"
                )
        a, c = r["ask"], r["concurrent"]
        add(
            f"  ask p50/p95: {a['p50_ms']:.0f}/{a['p95_ms']:.0f} ms; {c['threads']} concurrent: "
            f"p50/p95 {c['p50_ms']:.0f}/{c['p95_ms']:.0f} ms, wall {c['wall_s']:.1f} s, "
            f"{c['same_as_serial']}/{c['answered']} same as serial"
        )
        if "cold_ask" in r:
            add(f"  cold `bot ask` median: {r['cold_ask']['median_s']:.2f} s")
    add("== targets ==")
    for k, v in result["targets"].items():
        add(f"  {k}: {'n/a' if v is None else f'{v:.2f}'}")
    return "\n".join(lines)


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = {int(n): r for n, r in result["sizes"].items()}
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    ax = axes[0]
    tp = {n: r["throughput"] for n, r in sizes.items() if "throughput" in r}
    for m in ("bare", "ours", "peer", "peer-matched"):
        xs = [n for n in tp if m in tp[n]]
        ax.plot(xs, [tp[n][m]["chunks_per_s"] for n in xs], marker="o", label=m)
    ax.set(xscale="log", xlabel="corpus size (chunks)", ylabel="chunks/s", title="index throughput")
    ax.legend()
    ax = axes[1]
    for m in ("raw_chroma", "numpy", "hybrid_vec", "hybrid", "peer_vec", "peer"):
        xs = [n for n in sizes if m in sizes[n]["retrieval"]]
        ax.plot(xs, [sizes[n]["retrieval"][m]["p95_ms"] for n in xs], marker="o", label=m)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="corpus size (chunks)",
        ylabel="p95 ms",
        title="retrieval latency (p95)",
    )
    ax.legend(fontsize=8)
    ax = axes[2]
    seeds = result["seeds"]
    labels = ["cold ask", "cold no-op index", "no-op index (in proc)"]
    values = [
        seeds["cold_ask"]["median_s"],
        seeds["cold_index_noop"]["median_s"],
        seeds["noop"]["median_s"],
    ]
    ax.bar(labels, values, color=["C0", "C1", "C2"])
    ax.axhline(2.0, color="C0", ls="--", lw=1)
    ax.axhline(1.0, color="C2", ls="--", lw=1)
    ax.set(ylabel="seconds", title="seeds: cold process / re-index (dashed: targets)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def machine() -> dict[str, Any]:
    import chromadb
    import llama_index.core
    import onnxruntime

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return run.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "chromadb": chromadb.__version__,
        "llama_index_core": llama_index.core.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--embed-max",
        type=int,
        default=10000,
        help="largest size embedded each run; bigger ones use the vector cache",
    )
    parser.add_argument("--slices", type=int, default=4, help="turns the throughput workers take")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the questions")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--noop-runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--big-vectors",
        choices=["composed", "real"],
        default="composed",
        help="vectors of stores above --embed-max (see bench/vectors.py)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached big stores")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--compare-code", type=Path, help="another checkout: A/B its cold ask")
    args = parser.parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BOT_CHROMA_URL", "BOT_LLM", "BOT_DATA_DIR"):
        os.environ.pop(var, None)  # the offline path, embedded Chroma
    t_start = time.perf_counter()
    qs = questions()
    result: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine(),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "load_average_start": os.getloadavg(),
        "questions": len(qs),
    }
    result["seeds"] = measure_seeds(args, qs)
    result["sizes"] = {}
    for n in sorted(args.sizes):
        result["sizes"][str(n)] = measure_size(n, args, qs)
    biggest = result["sizes"][str(max(args.sizes))]
    log("cold ask at the largest size")
    cold = biggest.pop("cold")
    biggest["cold_ask"] = cold_runs(
        ["ask", "--seeds", cold["seeds"], "--data", cold["data"], QUESTION], ROOT, 3
    )
    for r in result["sizes"].values():
        r.pop("cold", None)
    result["targets"] = targets(result)
    result["load_average_end"] = os.getloadavg()
    result["bench_peak_rss_mb"] = peak_rss_mb()
    result["total_s"] = time.perf_counter() - t_start
    (args.out / "bench.json").write_text(json.dumps(result, indent=1, default=float))
    plot(result, args.out / "bench.png")
    print(table(result))
    print(
        f"(total {result['total_s'] / 60:.1f} min; {args.out / 'bench.json'}, "
        f"{args.out / 'bench.png'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
