"""The LLM path on a local model (SmolLM2 by default) over the seeds: the issue's numbers.

Starts llama.cpp's server (scripts/llama_server.py), asks every question of
tests/data/llm_questions.jsonl (written by hand from the seeds; 15 answerable with gold
facts, 5 the articles do not answer) through ``Bot.ask`` on the LLM path, and reports:
sentences the model wrote, sentences verification dropped, answers correct (answerable:
not refused and every gold fact group present; unanswerable: refused), and answer
latency (p50/p90, wall clock, whole ``ask``). Every sentence with its verdict and the
quotes it kept goes to a JSONL file for reading by hand.

    python scripts/llm_report.py [--top-k 8] [--model smollm2-135m] [--out /tmp/llm_report.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from llama_server import serve  # scripts/ is on sys.path: this file runs as a script

from bot import Bot, Settings
from bot.text.terms import normalize_number

REPO = Path(__file__).resolve().parent.parent


def has(fact: str, text: str) -> bool:
    norm = lambda s: " ".join(normalize_number(w) for w in s.lower().split())  # noqa: E731
    return norm(fact) in norm(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top-k", type=int, default=8)
    ap.add_argument("--model", default="smollm2-135m", help="gguf_models.py name or GGUF")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "llm_report.jsonl")
    args = ap.parse_args()
    rows = [
        json.loads(x) for x in (REPO / "tests/data/llm_questions.jsonl").read_text().splitlines()
    ]
    data = Path(tempfile.mkdtemp(prefix="llm-report-"))
    with serve(args.model, data / "server.log") as url:
        bot = Bot(
            settings=Settings(
                seeds_dir=REPO / "seeds", data_dir=data / "index", llm="openai",
                openai_base_url=url, llm_model=args.model, llm_timeout=600, llm_retries=0,
                llm_fallback=False, top_k=args.top_k,
            )
        )  # fmt: skip
        bot.index()
        bot.ask("warm-up question about North Korea")  # loads MiniLM, fills llama's cache
        client = bot.answerer.client
        complete, last = client.complete, {"raw": ""}

        def recording(messages, max_tokens=None):  # keep the raw reply for the log
            last["raw"] = complete(messages, max_tokens)
            return last["raw"]

        client.complete = recording
        written = dropped = correct = 0
        latencies = []
        with args.out.open("w") as out:
            for r in rows:
                t0 = time.perf_counter()
                ans = bot.ask(r["question"])
                latencies.append(time.perf_counter() - t0)
                n_written = len(ans.verdicts) + len(ans.dropped)
                written += n_written
                dropped += len(ans.dropped)
                if r["must_refuse"]:
                    ok = ans.refused
                else:
                    ok = not ans.refused and all(
                        any(has(f, ans.text) for f in group) for group in r["gold_facts"]
                    )
                correct += ok
                out.write(json.dumps({
                    "question": r["question"], "ok": ok, "refused": ans.refused,
                    "raw": last["raw"],
                    "text": ans.text, "reason": ans.reason, "seconds": latencies[-1],
                    "kept": [{"text": v.text, "score": v.score, "reason": v.reason,
                              "quotes": [ans.citations[n - 1].quote for n in v.citations]}
                             for v in ans.verdicts],
                    "dropped": [{"text": d.text, "reason": d.reason} for d in ans.dropped],
                }, ensure_ascii=False) + "\n")  # fmt: skip
                print(f"{'OK ' if ok else 'BAD'} {latencies[-1]:5.1f}s {r['question'][:60]} -> "
                      f"{ans.text[:80]!r}", flush=True)  # fmt: skip
    lat = sorted(latencies)
    print(f"\nquestions {len(rows)}, top_k {args.top_k}")
    print(f"sentences written by {args.model}: {written}; dropped by verification: {dropped}")
    print(f"answers correct: {correct}/{len(rows)}")
    print(f"latency p50 {statistics.median(lat):.1f}s, p90 {lat[int(0.9 * (len(lat) - 1))]:.1f}s")
    print(f"details: {args.out}")


if __name__ == "__main__":
    main()
