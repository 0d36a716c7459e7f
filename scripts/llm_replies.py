"""Collect a local model's raw replies to the eval cases, with what verification made of them.

For every case of the given case files (default: evals/cases/*.jsonl; a case with
``"corpus"`` runs against evals/corpora/<name>/, the others against seeds/), one ``Bot``
per corpus on the LLM path with ``llm_strict=False`` asks the question through
``ask_stream``. One JSON line per case goes to ``--out``: the case's labels, the raw reply
(what the model wrote, as the client streamed it), the retrieved passages (file, start, end,
the raw file span and the chunk text the prompt showed), the answer as returned, the
strict answer (supported sentences only, what users see by default), verdicts, dropped
sentences, citations and timings (``first_text``: from the call to the first verified
text on screen; ``wall``: the whole call). ``--fallback`` lets the bot quote the articles
when nothing the model wrote is verified (``fell_back`` in the row), as users see it.
Case ids already in ``--out`` are skipped, so an interrupted run resumes where it stopped.

The model is served by scripts/llama_server.py on a free port for the run (``--model``, a
scripts/gguf_models.py name or a GGUF), or is any OpenAI-compatible server (``--url``).

    python scripts/llm_replies.py --model qwen2.5-coder-1.5b --n_threads 2 \\
        --out /work/shared-out/llm/qwen1.5b-seeds-v1.jsonl
    python scripts/llm_replies.py --summary /work/shared-out/llm/qwen1.5b-seeds-v1.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from llama_server import serve  # scripts/ is on sys.path: this file runs as a script

from bot import Answer, Bot, Settings
from evals.cases import Case, corpus_dir_for, default_case_files, load_cases
from evals.seen import REFUSAL_TEXT
from evals.text import normalise

REPO = Path(__file__).resolve().parent.parent


# --- collecting ----------------------------------------------------------------------------


def done_ids(out: Path) -> set[str]:
    """Case ids already recorded in ``out`` (a torn last line is ignored)."""
    ids: set[str] = set()
    if out.is_file():
        for line in out.read_text(encoding="utf-8").splitlines():
            try:
                ids.add(json.loads(line)["id"])
            except (ValueError, KeyError, TypeError):
                continue
    return ids


def record(bot: Bot, case: Case, model: str, shown: list[Any], raw: list[str]) -> dict[str, Any]:
    """Ask ``case`` through ``bot.ask_stream``; the JSON row for it."""
    shown.clear()
    raw.clear()
    deltas: list[str] = []
    first = None
    t0 = time.perf_counter()
    answer: Answer | None = None
    for item in bot.ask_stream(case.question, [dict(m) for m in case.history], as_of=case.as_of):
        if isinstance(item, Answer):
            answer = item
        elif isinstance(item, str):
            if first is None and item:
                first = time.perf_counter() - t0  # the first verified text on screen
            deltas.append(item)
    wall = time.perf_counter() - t0
    assert answer is not None, "ask_stream ends with the Answer"
    texts = {(c.file, c.start, c.end): c.text for c in shown}  # the chunks the prompt showed
    passages = []
    for p in answer.passages:
        got = bot.source_text(p.file)
        passages.append({
            "file": p.file, "start": p.start, "end": p.end, "title": p.title, "date": p.date,
            "score": p.score, "span": got[0][p.start : p.end] if got else None,
            "shown": texts.get((p.file, p.start, p.end)),
        })  # fmt: skip
    supported = [v for v in answer.verdicts if v.supported]
    return {
        "id": case.id,
        "kind": case.kind,
        "corpus": case.corpus,
        "as_of": case.as_of.isoformat() if case.as_of else None,
        "question": case.question,
        "history": [dict(m) for m in case.history],
        "gold_facts": [list(g) for g in case.gold_facts],
        "must_refuse": case.must_refuse,
        "forbidden": list(case.forbidden),
        "model": model,
        "answerer": answer.answerer,
        "standalone_question": answer.standalone_question,
        "raw": "".join(raw),  # the model's reply as it wrote it, before any check
        "streamed": "".join(deltas),  # what the user saw appear: verified text only
        "fell_back": answer.fell_back,
        "passages": passages,
        "text": answer.text,
        "refused": answer.refused,
        "reason": answer.reason,
        # what strict verification (the default) shows: the supported sentences only
        "strict_text": " ".join(v.text for v in supported) if supported else REFUSAL_TEXT,
        "strict_refused": not supported,
        "verdicts": [asdict(v) for v in answer.verdicts],
        "dropped": [asdict(v) for v in answer.dropped],
        "citations": [
            {"n": c.n, "file": c.file, "quote": c.quote, "start": c.start, "end": c.end}
            for c in answer.citations
        ],
        "timings": {
            **{k: round(v, 3) for k, v in answer.timings.items()},
            "first_text": None if first is None else round(first, 3),
            "wall": round(wall, 3),
        },
    }


@contextmanager
def model_url(args: argparse.Namespace, log: Path) -> Iterator[str]:
    if args.url:
        yield args.url
        return
    extra = ["--n_batch", str(args.n_batch)] if args.n_batch else []
    with serve(args.model, log, n_ctx=args.n_ctx, n_threads=args.n_threads, extra=extra) as url:
        yield url


def collect(args: argparse.Namespace) -> None:
    cases = load_cases(args.cases or default_case_files())
    done = done_ids(args.out)
    todo = [c for c in cases if c.id not in done]
    if args.limit is not None:
        todo = todo[: args.limit]
    print(f"{len(cases)} cases, {len(done)} already in {args.out}, {len(todo)} to ask", flush=True)
    if not todo:
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.data.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    with model_url(args, args.out.with_suffix(".server.log")) as url:
        up = time.perf_counter() - t_start
        print(f"model {args.model} up at {url} in {up:.1f} s", flush=True)
        bots: dict[Path, Bot] = {}
        shown: list[Any] = []
        raw: list[str] = []
        embedding = None
        for i, case in enumerate(todo, start=1):
            where = corpus_dir_for(case, REPO / "seeds")
            bot = bots.get(where)
            if bot is None:
                label = case.corpus or "seeds"
                bot = Bot(
                    settings=Settings(
                        seeds_dir=where, data_dir=args.data / label, llm="openai",
                        openai_base_url=url, llm_model=args.model, llm_strict=False,
                        llm_timeout=900.0, llm_retries=0, llm_fallback=args.fallback,
                        llm_quotes=args.quotes, top_k=args.top_k,
                    ),
                    embedding=embedding,
                )  # fmt: skip
                print(f"indexing {label}: {bot.index().summary()}", flush=True)
                embedding = bot.embedding
                answerer = bot.answerer.primary  # the LLM inside the fallback wrapper
                messages = answerer.messages

                def keep(query: Any, chunks: list[Any], _messages: Any = messages) -> Any:
                    shown[:] = chunks  # the chunks this prompt shows, as the model sees them
                    return _messages(query, chunks)

                answerer.messages = keep
                client = answerer.client
                stream = client.stream

                def tap(messages: Any, _stream: Any = stream, **kw: Any) -> Iterator[str]:
                    for delta in _stream(messages, **kw):
                        raw.append(delta)  # what the model wrote, before any check
                        yield delta

                client.stream = tap
                bots[where] = bot
            try:
                row = record(bot, case, args.model, shown, raw)
            except Exception as exc:  # not recorded: a resumed run asks it again
                print(f"ERROR {case.id}: {type(exc).__name__}: {exc}", flush=True)
                continue
            with args.out.open("a", encoding="utf-8") as out:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            t = row["timings"]
            print(
                f"[{i}/{len(todo)}] {case.id} {t['wall']:.1f}s (first text {t['first_text']}s) "
                f"raw={row['raw'][:70]!r} -> {row['strict_text'][:50]!r}",
                flush=True,
            )


# --- summarising ---------------------------------------------------------------------------


def has_facts(gold: list[list[str]], text: str) -> bool:
    """Every group has an alternative in ``text`` (the judge's normalisation, evals/text.py)."""
    norm = normalise(text)
    return all(any(normalise(alt) in norm for alt in group) for group in gold)


def says_refusal(raw: str) -> bool:
    return normalise(raw).startswith(normalise(REFUSAL_TEXT).rstrip("."))


def reason_kind(reason: str) -> str:
    """A drop reason without its particulars ("[2] does not support it (not in the passage:
    301)" -> "cited; missing figure")."""
    if "does not support it" not in reason and "no source supports it" not in reason:
        return reason or "?"
    where = "cited" if "does not support it" in reason else "uncited"
    m = re.search(r"not in the passage: ([^)]*)", reason)
    if not m:
        return f"{where}; weak support"
    kinds = set()
    for item in m.group(1).split(", "):
        if "the passage says" in item:
            kinds.add("contrast")
        elif "negation" in item:
            kinds.add("negation")
        elif item.startswith("“"):
            kinds.add("quote")
        elif re.fullmatch(r"[\d.]+", item):
            kinds.add("figure")
        elif item in ("thousands", "millions", "billions", "hundreds", "dozens"):
            kinds.add("magnitude")
        else:
            kinds.add("name")
    return f"{where}; missing {'+'.join(sorted(kinds))}"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def right(r: dict[str, Any], text: str) -> bool:
    """``text`` answers answerable case ``r``: not a refusal, every gold fact group in it."""
    return not says_refusal(text) and has_facts(r["gold_facts"], text)


def summarise(rows: list[dict[str, Any]]) -> str:
    kinds = Counter(r["kind"] for r in rows)
    out = [f"cases: {len(rows)} ({', '.join(f'{k} {n}' for k, n in kinds.most_common())})"]
    answerable = [r for r in rows if not r["must_refuse"]]
    raw_ok = [r for r in answerable if right(r, r["raw"])]
    ver_ok = [r for r in answerable if right(r, r["strict_text"])]
    lost = [r for r in raw_ok if r not in ver_ok]
    gained = [r for r in ver_ok if r not in raw_ok]
    raw_refused = sum(says_refusal(r["raw"]) for r in answerable)
    out.append(
        f"answerable {len(answerable)}: gold facts in the raw reply {len(raw_ok)}, in the "
        f"verified (strict) answer {len(ver_ok)}; right raw but lost by verification "
        f"{len(lost)}, right only after verification {len(gained)}; raw refusals {raw_refused}"
    )
    refuse = [r for r in rows if r["must_refuse"]]
    invented = [r for r in refuse if not says_refusal(r["raw"])]
    caught = [r for r in invented if r["strict_refused"]]
    out.append(
        f"must_refuse {len(refuse)}: raw reply invents an answer {len(invented)}, "
        f"verification dropped {len(caught)} of those (answer refused)"
    )
    reasons: Counter[str] = Counter()
    for r in rows:
        for v in unshown(r):
            reasons[reason_kind(v["reason"])] += 1
    out.append("reasons for sentences strict mode does not show:")
    out += [f"  {n:4d}  {k}" for k, n in reasons.most_common(12)]
    walls = [r["timings"]["wall"] for r in rows]
    firsts = [
        f for r in rows if (f := r["timings"].get("first_text", r["timings"].get("first_token")))
    ]
    out.append(f"latency total p50 {pct(walls, 0.5):.1f}s p95 {pct(walls, 0.95):.1f}s")
    if firsts:
        out.append(f"first text p50 {pct(firsts, 0.5):.1f}s p95 {pct(firsts, 0.95):.1f}s")
    out.append("right raw replies that verification lost:")
    for r in lost:
        out.append(f"  {r['id']} Q: {r['question']}\n    raw: {r['raw']!r}")
        out += [f"    - {v['text']!r}: {v['reason']}" for v in unshown(r)]
    return "\n".join(out)


def unshown(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The sentences of a row that strict verification would not show."""
    return r["dropped"] + [v for v in r["verdicts"] if not v["supported"]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b", help="gguf_models.py name or GGUF")
    ap.add_argument("--url", help="use this OpenAI-compatible /v1 URL instead of starting one")
    ap.add_argument("--cases", nargs="+", type=Path, help="case files (default: evals/cases)")
    ap.add_argument("--out", type=Path, help="the JSONL file (appended to; resumes)")
    ap.add_argument("--limit", type=int, help="ask at most this many new cases")
    ap.add_argument("--top-k", type=int, default=Settings().top_k)
    ap.add_argument("--n_threads", type=int, default=2)
    ap.add_argument("--n_ctx", type=int, default=4096)
    ap.add_argument("--n_batch", type=int, default=0, help="llama.cpp batch (0: its default)")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "llm-replies-index")
    ap.add_argument("--summary", type=Path, metavar="FILE", help="summarise FILE and exit")
    ap.add_argument(
        "--fallback", action="store_true", help="quote the articles when nothing verifies"
    )
    ap.add_argument("--quotes", action="store_true", help="the quote-grounded prompt")
    args = ap.parse_args(argv)
    if args.summary:
        rows = [json.loads(x) for x in args.summary.read_text(encoding="utf-8").splitlines() if x]
        print(summarise(rows))
        return 0
    if args.out is None:
        ap.error("--out is required (or --summary FILE)")
    collect(args)
    print(summarise([json.loads(x) for x in args.out.read_text(encoding="utf-8").splitlines()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
