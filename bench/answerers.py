"""Benchmark: the offline answerers' own cost per question (retrieval excluded).

Retrieves once for every question of ``evals/cases/seeds.jsonl`` over ``seeds/``, then
times ``answer(query, chunks)`` of the hand-set answerer (``bot.answer.extractive``) and
the learned selector (``bot.answer.learned``) with the sentence-vector cache warm (the
steady state of a running bot; a cold first question adds the MiniLM encoding of its
candidates to either). Prints p50 / p95 in milliseconds.

    python -m bench.answerers [--seeds seeds] [--data /tmp/bench-answerers] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bench.measure import percentile
from bot import Bot, Settings
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.learned import LearnedAnswerer
from bot.answer.query import condense


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench-answerers"))
    parser.add_argument("--cases", type=Path, default=Path("evals/cases/seeds.jsonl"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bot = Bot(settings=Settings(seeds_dir=args.seeds, data_dir=args.data, llm="extractive"))
    bot.index()
    c = bot.components
    lines = args.cases.read_text(encoding="utf-8").splitlines()
    queries = [condense(json.loads(line)["question"]) for line in lines if line.strip()]
    found = [(q, c.passages.retrieve(q.standalone, q.parts).chunks) for q in queries]
    bm25 = c.bm25.get()
    for cls in (ExtractiveAnswerer, LearnedAnswerer):
        answerer = cls(
            c.vectors.encode, idf=bm25.idf, in_corpus=lambda t: bm25.document_frequency(t) > 0
        )
        for query, chunks in found:  # warm the vector cache
            answerer.answer(query, chunks)
        times = []
        for _ in range(args.rounds):
            for query, chunks in found:
                t0 = time.perf_counter()
                answerer.answer(query, chunks)
                times.append(time.perf_counter() - t0)
        ms = np.array(times) * 1000
        print(
            f"{cls.__name__:20s} {len(found)} questions x {args.rounds}: "
            f"p50 {percentile(list(ms), 50):.1f} ms, p95 {percentile(list(ms), 95):.1f} ms"
        )


if __name__ == "__main__":
    main()
