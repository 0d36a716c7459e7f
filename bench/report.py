"""The benchmark's report: which targets a run met (``targets``), the table it prints,
its chart (``plot``) and the machine it ran on. Reads a finished run's results; measures
nothing.
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from bench.measure import ROOT


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
