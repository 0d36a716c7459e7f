"""Fusion: join several rankings of chunks into one, by reciprocal rank fusion.

``reciprocal_rank_fusion`` scores each id by ``sum(w / (k + rank))`` over the rankings it
appears in; ``fuse_hits`` applies it to several searches' ``Hit`` lists (the parts of a
compound question). A joiner on its own: it neither searches nor fetches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.ingest.chunking import Chunk


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
