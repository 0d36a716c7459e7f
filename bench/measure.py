"""Measuring helpers for the benchmark: percentiles, memory, machine load, cold processes.

``summary`` turns a list of seconds into p50/p95/mean/n; ``interleaved`` runs several
callables round-robin (rotating who goes first) so background load on a shared machine
hits all of them alike; ``cold_runs`` times fresh ``python -m bot.faces.cli ...`` processes.
Nothing here knows what is being measured.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: The repository (cold processes run from it).
ROOT = Path(__file__).resolve().parents[1]


def log(msg: str) -> None:
    """A progress line on stderr, with the time and the machine's load."""
    print(f"[{time.strftime('%H:%M:%S')} load {load_average():.1f}] {msg}", file=sys.stderr)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100) of a non-empty sequence."""
    if not values:
        raise ValueError("no values")
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50, p95, mean and max in milliseconds, and the sample count."""
    return {
        "p50_ms": 1000 * percentile(seconds, 50),
        "p95_ms": 1000 * percentile(seconds, 95),
        "mean_ms": 1000 * statistics.fmean(seconds),
        "max_ms": 1000 * max(seconds),
        "n": len(seconds),
    }


def interleaved(
    methods: dict[str, Callable[[Any], object]], inputs: Sequence[Any], rounds: int = 1
) -> dict[str, list[float]]:
    """Seconds per call for each method over every input, methods taking turns going first."""
    names = list(methods)
    out: dict[str, list[float]] = {n: [] for n in names}
    k = 0
    for _ in range(rounds):
        for item in inputs:
            order = names[k % len(names) :] + names[: k % len(names)]
            k += 1
            for name in order:
                t0 = time.perf_counter()
                methods[name](item)
                out[name].append(time.perf_counter() - t0)
    return out


def peak_rss_mb() -> float:
    """This process's peak resident set size so far.

    ``VmHWM`` from /proc: ``ru_maxrss`` survives ``exec`` on Linux, so a worker started by a
    big parent would report the parent's peak.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's current resident set size."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def load_average() -> float:
    return os.getloadavg()[0]


def cold_runs(
    args: Sequence[str], code_root: Path, runs: int, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Wall time of ``runs`` fresh ``python -m bot.faces.cli ARGS`` processes that import the
    bot from ``code_root``."""
    full_env = {**os.environ, "PYTHONPATH": str(code_root), **(env or {})}
    full_env.pop("BOT_DEBUG", None)
    seconds, codes = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "bot.faces.cli", *args],
            env=full_env,
            capture_output=True,
            text=True,
            cwd=code_root,
        )
        seconds.append(time.perf_counter() - t0)
        codes.append(proc.returncode)
        if proc.returncode != 0:
            raise RuntimeError(f"bot {' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
    return {**summary(seconds), "median_s": statistics.median(seconds), "seconds": seconds}


def cold_ab(args: Sequence[str], roots: dict[str, Path], runs: int) -> dict[str, dict[str, Any]]:
    """``cold_runs`` for several code trees, alternating between them run by run."""
    per: dict[str, list[float]] = {name: [] for name in roots}
    for k in range(runs):
        names = list(roots)
        for name in names[k % len(names) :] + names[: k % len(names)]:
            per[name] += cold_runs(args, roots[name], 1)["seconds"]
    return {
        name: {**summary(s), "median_s": statistics.median(s), "seconds": s}
        for name, s in per.items()
    }
