"""Retrieval: hybrid dense + BM25 search fused by reciprocal rank fusion.

``HybridRetriever`` is a llama-index ``BaseRetriever``: ``retrieve(query)`` returns
``NodeWithScore`` objects whose node metadata is the chunk's stored metadata, so
llama-index postprocessors and rerankers can be chained after it. Dense candidates come
from the ``ChunkStore`` (Chroma), lexical ones from a ``Bm25Index`` supplied by a callable
(the caller swaps in a fresh index after re-indexing). It does not answer anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from bot.bm25 import Bm25Index
from bot.chunking import Chunk
from bot.store import ChunkStore


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


def fuse_nodes(results: Sequence[Sequence[NodeWithScore]], top_k: int) -> list[NodeWithScore]:
    """RRF over several retrievals (e.g. the parts of a compound question), best first."""
    by_id = {n.node.node_id: n for nodes in results for n in nodes}
    fused = reciprocal_rank_fusion([[n.node.node_id for n in nodes] for nodes in results])
    return [NodeWithScore(node=by_id[i].node, score=score) for i, score in fused[:top_k]]


def chunk_from_node(node: NodeWithScore) -> Chunk:
    return Chunk.from_record(node.node.node_id, node.node.get_content(), node.node.metadata)


class HybridRetriever(BaseRetriever):
    """Dense (Chroma) + lexical (BM25) candidates, fused by RRF, top ``top_k`` returned."""

    def __init__(
        self,
        store: ChunkStore,
        embed_model: BaseEmbedding,
        bm25: Callable[[], Bm25Index],
        top_k: int = 8,
        candidates: int = 40,
        rrf_k: int = 60,
        weights: tuple[float, float] = (1.0, 1.0),
    ) -> None:
        if top_k < 1:
            raise ValueError(f"top_k must be at least 1, got {top_k}")
        if candidates < top_k:
            raise ValueError(f"candidates ({candidates}) must be at least top_k ({top_k})")
        if rrf_k < 1 or min(weights) < 0:
            raise ValueError("rrf_k must be positive and weights non-negative")
        super().__init__()
        self._store, self._embed, self._bm25 = store, embed_model, bm25
        self.top_k, self._candidates, self._rrf_k, self._weights = top_k, candidates, rrf_k, weights

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        vector = query_bundle.embedding or self._embed.get_query_embedding(query_bundle.query_str)
        dense = self._store.query(vector, self._candidates)
        lexical = self._bm25().search(query_bundle.query_str, self._candidates)
        fused = reciprocal_rank_fusion(
            [[c.id for c, _ in dense], [cid for cid, _ in lexical]], self._weights, self._rrf_k
        )[: self.top_k]
        chunks = {c.id: c for c, _ in dense}
        chunks.update(self._store.get_chunks([cid for cid, _ in fused if cid not in chunks]))
        similarity = {c.id: s for c, s in dense}
        bm25_score = dict(lexical)
        out = []
        for cid, score in fused:
            chunk = chunks.get(cid)
            if chunk is None:  # BM25 knows a chunk Chroma no longer has: the index moved on
                continue
            node = TextNode(id_=cid, text=chunk.text, metadata=chunk.metadata())
            node.metadata["dense_similarity"] = similarity.get(cid)
            node.metadata["bm25_score"] = bm25_score.get(cid)
            out.append(NodeWithScore(node=node, score=score))
        return out
