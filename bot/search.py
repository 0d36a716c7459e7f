"""Hybrid search: dense (Chroma) + lexical (BM25) candidates fused by reciprocal rank fusion.

``HybridSearch.search(query)`` returns ``Hit`` objects (chunk, fused score, dense
similarity, BM25 score), best first. This is the whole retrieval algorithm, written without
llama-index so that ``bot ask`` does not pay llama-index's import time (over a second cold);
``bot.retrieval.HybridRetriever`` wraps it as a llama-index ``BaseRetriever`` and returns
exactly these hits as ``NodeWithScore``. It does not answer anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.bm25 import Bm25Index
from bot.chunking import Chunk, file_of
from bot.store import ChunkStore

QueryEncoder = Callable[[str], Sequence[float]]


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused RRF score
    dense_similarity: float | None  # cosine, when the dense half found the chunk
    bm25_score: float | None  # when the lexical half found it


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None, k: int = 60
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: ``score(id) = sum(w / (k + rank))``, rank from 1; best first."""
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def fuse_hits(results: Sequence[Sequence[Hit]], top_k: int) -> list[Hit]:
    """RRF over several searches (e.g. the parts of a compound question), best first."""
    by_id = {h.chunk.id: h for hits in results for h in hits}
    fused = reciprocal_rank_fusion([[h.chunk.id for h in hits] for hits in results])
    return [
        Hit(by_id[cid].chunk, score, by_id[cid].dense_similarity, by_id[cid].bm25_score)
        for cid, score in fused[:top_k]
    ]


def diversify(ranked: Sequence[str], top_k: int, per_file: int) -> list[str]:
    """The first ``top_k`` chunk ids taking at most ``per_file`` from any one file, topped up
    in rank order when fewer files than that exist: two long articles must not crowd out
    the third source a comparison or a conflicting figure needs."""
    taken: list[str] = []
    held_back: list[str] = []
    per: dict[str, int] = {}
    for cid in ranked:
        if len(taken) == top_k:
            break
        f = file_of(cid)
        if per.get(f, 0) < per_file:
            per[f] = per.get(f, 0) + 1
            taken.append(cid)
        else:
            held_back.append(cid)
    top_up = held_back[: top_k - len(taken)]
    rank = {cid: i for i, cid in enumerate(ranked)}
    return sorted(taken + top_up, key=rank.__getitem__)


class HybridSearch:
    """Dense + BM25 candidates (``candidates`` each), fused by RRF, top ``top_k`` returned
    with at most ``per_file`` chunks of one file while other files have candidates."""

    def __init__(
        self,
        store: ChunkStore,
        encode_query: QueryEncoder,
        bm25: Callable[[], Bm25Index],
        top_k: int = 8,
        candidates: int = 40,
        rrf_k: int = 60,
        weights: tuple[float, float] = (1.0, 1.0),
        per_file: int = 3,
    ) -> None:
        if top_k < 1:
            raise ValueError(f"top_k must be at least 1, got {top_k}")
        if candidates < top_k:
            raise ValueError(f"candidates ({candidates}) must be at least top_k ({top_k})")
        if rrf_k < 1 or min(weights) < 0:
            raise ValueError("rrf_k must be positive and weights non-negative")
        if per_file < 1:
            raise ValueError(f"per_file must be at least 1, got {per_file}")
        self.per_file = per_file
        self._store, self._encode_query, self._bm25 = store, encode_query, bm25
        self.top_k, self.candidates, self.rrf_k, self.weights = top_k, candidates, rrf_k, weights
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dense")
            return self._executor

    def search(self, query: str, vector: Sequence[float] | None = None) -> list[Hit]:
        """The best ``top_k`` chunks for ``query`` (``vector``: its embedding, if known)."""
        if vector is None:
            vector = self._encode_query(query)
        # candidates are ids only; text and metadata are fetched for the fused top_k alone
        # (fetching all candidates' documents cost ~9 ms of ~27 ms at 100k chunks). The
        # Chroma query runs in Rust without the GIL, so BM25 scores meanwhile in this thread.
        pending = self._pool().submit(self._store.nearest, vector, self.candidates)
        lexical = self._bm25().search(query, self.candidates)
        dense = pending.result()
        fused = dict(
            reciprocal_rank_fusion(
                [[cid for cid, _ in dense], [cid for cid, _ in lexical]], self.weights, self.rrf_k
            )
        )
        kept = diversify(list(fused), self.top_k, self.per_file)
        chunks = self._store.get_chunks(kept)
        similarity = dict(dense)
        bm25_score = dict(lexical)
        return [
            Hit(chunks[cid], fused[cid], similarity.get(cid), bm25_score.get(cid))
            for cid in kept
            if cid in chunks  # BM25 may know a chunk Chroma no longer has: the index moved on
        ]
