"""Hybrid search: dense (Chroma) + lexical (BM25) candidates fused by reciprocal rank fusion.

``HybridSearch.search(query)`` returns ``Hit`` objects (chunk, fused score, dense
similarity, BM25 score), best first. This is the whole retrieval algorithm, written without
llama-index so that ``bot ask`` does not pay llama-index's import time (over a second cold);
``bot.index.retrieval.HybridRetriever`` wraps it as a llama-index ``BaseRetriever`` and returns
exactly these hits as ``NodeWithScore``. It does not answer anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.index.bm25 import Bm25Index
from bot.index.fusion import Hit, reciprocal_rank_fusion
from bot.ingest.chunking import file_of
from bot.protocols import ChunkSource

QueryEncoder = Callable[[str], Sequence[float]]


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


@dataclass(frozen=True)
class SearchParams:
    """Hybrid search's knobs, and where their values come from.

    None was fitted for answer quality: ``rrf_k`` is the constant of the RRF paper
    (Cormack, Clarke & Büttcher, 2009), the weights are equal, ``candidates`` was five
    times the default ``top_k`` of 8, over three times the 12 of stop 34 (fetching only ids
    keeps it cheap: ``bench/run.py``),
    and ``per_file`` was set on this repo's own cases (file recall@8 0.98 -> 1.00).
    """

    candidates: int = 40  # ids taken from each half (dense, BM25) before fusion
    rrf_k: int = 60  # RRF: score = sum(weight / (rrf_k + rank))
    weights: tuple[float, float] = (1.0, 1.0)  # dense, BM25
    per_file: int = 3  # chunks of one file in the top k while other files have candidates
    #: A question asked about a known day also ranks the chunks of articles dated in its
    #: week by themselves (dense only), a third ranking fused with the same RRF weight: a
    #: report of that week whose words differ from the question's ("The Austrian capital
    #: grabbed the top spot" for "…named the most liveable city…?") otherwise ranks below
    #: the look-alikes of other weeks. Only for a question naming its week ("…this
    #: week?", ``bot.api``). How many: 8, the old default ``top_k``; 4 and 12 gave the same
    #: answers on the RealTime QA dev and train slices (stop 37).
    week_candidates: int = 8

    def __post_init__(self) -> None:
        if self.candidates < 1 or self.rrf_k < 1 or min(self.weights) < 0:
            raise ValueError("candidates and rrf_k must be positive, weights non-negative")
        if self.per_file < 1:
            raise ValueError(f"per_file must be at least 1, got {self.per_file}")


class HybridSearch:
    """Dense + BM25 candidates, fused by RRF, top ``top_k`` returned with at most
    ``params.per_file`` chunks of one file while other files have candidates."""

    def __init__(
        self,
        store: ChunkSource,
        encode_query: QueryEncoder,
        bm25: Callable[[], Bm25Index],
        top_k: int = 8,
        params: SearchParams | None = None,
    ) -> None:
        params = params or SearchParams()
        if top_k < 1:
            raise ValueError(f"top_k must be at least 1, got {top_k}")
        if params.candidates < top_k:
            raise ValueError(f"candidates ({params.candidates}) must be at least top_k ({top_k})")
        self._store, self._encode_query, self._bm25 = store, encode_query, bm25
        self.top_k, self.params = top_k, params
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dense")
            return self._executor

    def search(
        self,
        query: str,
        vector: Sequence[float] | None = None,
        week: Collection[str] | None = None,
    ) -> list[Hit]:
        """The best ``top_k`` chunks for ``query`` (``vector``: its embedding, if known;
        ``week``: the ``YYYY-MM-DD`` days of the question's week, if it has one)."""
        if vector is None:
            vector = self._encode_query(query)
        # candidates are ids only; text and metadata are fetched for the fused top_k alone
        # (fetching all candidates' documents cost ~9 ms of ~27 ms at 100k chunks). The
        # Chroma query runs in Rust without the GIL, so BM25 scores meanwhile in this thread.
        p = self.params
        pending = self._pool().submit(self._store.nearest, vector, p.candidates)
        in_week = (
            self._pool().submit(self._store.nearest, vector, p.week_candidates, week)
            if week
            else None
        )
        lexical = self._bm25().search(query, p.candidates)
        dense = pending.result()
        rankings = [[cid for cid, _ in dense], [cid for cid, _ in lexical]]
        weights = list(p.weights)
        week_hits = in_week.result() if in_week is not None else []
        if in_week is not None:
            rankings.append([cid for cid, _ in week_hits])
            weights.append(p.weights[0])
        fused = dict(reciprocal_rank_fusion(rankings, weights, p.rrf_k))
        kept = diversify(list(fused), self.top_k, p.per_file)
        chunks = self._store.get_chunks(kept)
        similarity = {**dict(week_hits), **dict(dense)}
        bm25_score = dict(lexical)
        return [
            Hit(chunks[cid], fused[cid], similarity.get(cid), bm25_score.get(cid))
            for cid in kept
            if cid in chunks  # BM25 may know a chunk Chroma no longer has: the index moved on
        ]
