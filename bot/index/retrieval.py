"""Retrieval as llama-index sees it: ``HybridRetriever``, a ``BaseRetriever`` over hybrid search.

``retrieve(query)`` runs ``bot.index.search.HybridSearch`` (dense Chroma + in-process BM25, fused
by reciprocal rank fusion) and returns ``NodeWithScore`` objects whose node metadata is the
chunk's stored metadata plus ``dense_similarity`` and ``bm25_score``, so llama-index
postprocessors and rerankers can be chained after it. ``Bot.ask`` calls the same
``HybridSearch`` directly, without llama-index, to keep ``bot ask`` quick to start.
It does not answer anything.
"""

from __future__ import annotations

from collections.abc import Callable

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from bot.index.bm25 import Bm25Index
from bot.index.codec import chunk_from_record, chunk_metadata
from bot.index.fusion import reciprocal_rank_fusion
from bot.index.search import HybridSearch, SearchParams
from bot.ingest.chunking import Chunk
from bot.protocols import ChunkSource

__all__ = ["HybridRetriever", "chunk_from_node", "reciprocal_rank_fusion"]


def chunk_from_node(node: NodeWithScore) -> Chunk:
    return chunk_from_record(node.node.node_id, node.node.get_content(), node.node.metadata)


class HybridRetriever(BaseRetriever):
    """Dense (Chroma) + lexical (BM25) candidates, fused by RRF, top ``top_k`` returned."""

    def __init__(
        self,
        store: ChunkSource,
        embed_model: BaseEmbedding,
        bm25: Callable[[], Bm25Index],
        top_k: int = 8,
        params: SearchParams | None = None,
    ) -> None:
        self._hybrid = HybridSearch(store, embed_model.get_query_embedding, bm25, top_k, params)
        super().__init__()

    @property
    def top_k(self) -> int:
        return self._hybrid.top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        out = []
        for hit in self._hybrid.search(query_bundle.query_str, query_bundle.embedding):
            node = TextNode(
                id_=hit.chunk.id, text=hit.chunk.text, metadata=chunk_metadata(hit.chunk)
            )
            node.metadata["dense_similarity"] = hit.dense_similarity
            node.metadata["bm25_score"] = hit.bm25_score
            out.append(NodeWithScore(node=node, score=hit.score))
        return out
