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
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus
from bench.measure import (
    ROOT,
    cold_ab,
    cold_runs,
    log,
    peak_rss_mb,
    summary,
)
from bench.pool import run_workers
from bench.report import machine, plot, table, targets
from bench.timing import (
    QUESTION,
    asks,
    bm25_rebuild,
    concurrent_asks,
    questions,
    reindex,
    retrieval,
)

SEEDS = ROOT / "seeds"


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
