"""The benchmark's side of its ``bench.worker`` processes: start them, feed them slices in
turns (who goes first rotates, so background load hits every method alike), collect their
JSON replies. What a worker does with a slice is ``bench.worker``; this only drives them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.measure import ROOT, log


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
