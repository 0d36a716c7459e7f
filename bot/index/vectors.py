"""Vector cache: answer-time encodings (questions, candidate and passage sentences), LRU.

The same passage sentences come back question after question: the extractive answerer
scores them and the verifier compares claims with them. ``VectorCache.encode`` encodes
only the texts it has not seen (in one batch) and keeps up to ``capacity`` vectors,
least recently used out first. One cache serves every answerer of a ``Bot``. Thread-safe.
It knows nothing of what the texts are.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from bot.protocols import Encoder

#: Sentences kept: about 75 MB of float32 384-d vectors.
DEFAULT_CAPACITY = 50_000


class VectorCache:
    """``encode`` with memory (see the module docstring)."""

    def __init__(self, encoder: Encoder, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.encoder, self.capacity = encoder, capacity
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts``, shape ``(len(texts), dimension)``."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = self.encoder.encode(missing)
            with self._lock:
                for text, vector in zip(missing, fresh):
                    self._vectors[text] = vector
                while len(self._vectors) > self.capacity:
                    self._vectors.popitem(last=False)
        with self._lock:
            rows = []
            for t in texts:
                vector = self._vectors.get(t)
                if vector is None:  # evicted meanwhile by another thread's burst
                    vector = self.encoder.encode([t])[0]
                else:
                    self._vectors.move_to_end(t)
                rows.append(vector)
        if not rows:
            return np.zeros((0, int(self.encoder.dimension)), np.float32)
        return np.stack(rows)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
