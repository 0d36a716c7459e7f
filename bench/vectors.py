"""Vectors for the benchmark's big stores: a disk cache of real MiniLM vectors, and composed
vectors for stores too big to embed on a shared machine.

``VectorCache`` keeps vectors under ``bench/out/vectors``: ``keys.txt`` (sha1 of each text,
one per line) and ``vectors.f32`` (float32 rows, same order), both append-only; a run
killed mid-way keeps what it finished. Two ``Encoder``s (``bot.index.encoder``) sit on it:

* ``CachedEncoder`` — real vectors: cached texts are looked up, misses embedded by the
  real model and added. A 100k-chunk store this way costs ~1 h of embedding once (two quiet
  cores), then minutes. ``python -m bench.vectors N`` pre-fills the cache.
* ``ComposedEncoder`` — for speed on a busy machine: the first ``sources`` chunks of the
  corpus get their real vectors (cached; the throughput run already computed them), every
  other text gets a noisy copy of one of those real vectors (picked by the text's hash,
  Gaussian noise scaled so cosine to the source is about 0.9). The store then has the size,
  dimensionality and clustered geometry of real MiniLM vectors, which is what retrieval
  latency depends on; it does not have their meaning, so answers at that size are not
  meaningful — only timings are taken from it. The benchmark labels which one it used.

Throughput is never measured through either: it always runs the bare model.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.index.encoder import DIMENSION, MiniLM


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class VectorCache:
    def __init__(self, path: Path, dimension: int = DIMENSION) -> None:
        self.path, self.dimension = path, dimension
        path.mkdir(parents=True, exist_ok=True)
        self._keys_file, self._vec_file = path / "keys.txt", path / "vectors.f32"
        keys = self._keys_file.read_text().split() if self._keys_file.exists() else []
        row_bytes = 4 * dimension
        rows = self._vec_file.stat().st_size // row_bytes if self._vec_file.exists() else 0
        n = min(len(keys), rows)  # a killed run may leave one file ahead of the other
        if n != len(keys) or n != rows:
            self._truncate(keys[:n], n * row_bytes)
        self._index = {k: i for i, k in enumerate(keys[:n])}
        self._matrix = self._load(n)

    def _truncate(self, keys: list[str], nbytes: int) -> None:
        self._keys_file.write_text("".join(k + "\n" for k in keys))
        if self._vec_file.exists():
            with open(self._vec_file, "r+b") as f:
                f.truncate(nbytes)

    def _load(self, n: int) -> np.ndarray:
        if n == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.fromfile(self._vec_file, dtype=np.float32, count=n * self.dimension).reshape(
            n, self.dimension
        )

    def __len__(self) -> int:
        return len(self._index)

    def lookup(self, keys: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Vectors for ``keys`` (zero rows where missing) and the positions that were missing."""
        out = np.zeros((len(keys), self.dimension), dtype=np.float32)
        missing = []
        for pos, key in enumerate(keys):
            row = self._index.get(key)
            if row is None:
                missing.append(pos)
            else:
                out[pos] = self._matrix[row]
        return out, missing

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        new = [(k, v) for k, v in zip(keys, vectors) if k not in self._index]
        if not new:
            return
        block = np.asarray([v for _, v in new], dtype=np.float32)
        with open(self._vec_file, "ab") as f:
            f.write(block.tobytes())
        with open(self._keys_file, "a") as f:
            f.write("".join(k + "\n" for k, _ in new))
        base = len(self._index)
        for i, (k, _) in enumerate(new):
            self._index[k] = base + i
        self._matrix = np.concatenate([self._matrix, block])


class ComposedEncoder:
    """Real vectors for the ``sources`` texts, noisy copies of them for the rest of ``corpus``,
    and real ones again for any text outside the corpus (a file the benchmark edits)."""

    def __init__(
        self,
        cached: CachedEncoder,
        sources: Sequence[str],
        corpus: Sequence[str],
        cosine: float = 0.9,
    ) -> None:
        self.model_id, self.dimension = cached.model_id, cached.dimension
        self._cached = cached
        self._sources_keys = {text_key(t) for t in sources}
        self._corpus_keys = {text_key(t) for t in corpus}
        self._sources = cached.encode(list(sources))  # real; embedded now if not cached yet
        # |v + sigma*g| with g ~ N(0, I_d): cosine(v, v + sigma*g) ~ 1 / sqrt(1 + d*sigma^2)
        self._sigma = float(np.sqrt((1 / cosine**2 - 1) / self.dimension))
        self.composed = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        real = [
            i for i, k in enumerate(keys) if k in self._sources_keys or k not in self._corpus_keys
        ]
        if real:
            out[real] = self._cached.encode([texts[i] for i in real])
        for i in sorted(set(range(len(texts))) - set(real)):
            seed = int(keys[i][:15], 16)
            noise = np.random.default_rng(seed).standard_normal(self.dimension)
            v = self._sources[seed % len(self._sources)] + self._sigma * noise.astype(np.float32)
            out[i] = v / np.linalg.norm(v)
            self.composed += 1
        return out


class CachedEncoder:
    """An ``Encoder`` over a ``VectorCache``: cached texts are looked up, misses embedded."""

    def __init__(self, cache: VectorCache, model: MiniLM | None = None, block: int = 512) -> None:
        self.cache, self.model, self.block = cache, model or MiniLM(), block
        self.model_id, self.dimension = self.model.model_id, self.model.dimension
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        out, missing = self.cache.lookup(keys)
        for k in range(0, len(missing), self.block):
            part = missing[k : k + self.block]
            vectors = self.model.encode([texts[i] for i in part])
            self.cache.add([keys[i] for i in part], vectors)
            out[part] = vectors
            self.misses += len(part)
        return out


def fill(chunks: int, out: Path) -> None:
    """Embed every chunk of the ``chunks``-chunk corpus that the cache does not hold yet."""
    from bench.corpus import chunk_texts, write_corpus

    info = write_corpus(chunks, out)
    texts = chunk_texts(info.path / "seeds")
    encoder = CachedEncoder(VectorCache(out / "vectors"))
    t0, done = time.perf_counter(), 0
    for k in range(0, len(texts), 2048):
        encoder.encode(texts[k : k + 2048])
        done = min(k + 2048, len(texts))
        rate = encoder.misses / max(time.perf_counter() - t0, 1e-9)
        print(f"{done}/{len(texts)} chunks, {encoder.misses} embedded ({rate:.1f}/s)", flush=True)


if __name__ == "__main__":
    fill(int(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path("bench/out"))
