"""Embeddings: the MiniLM encoder as a llama-index ``BaseEmbedding``.

``MiniLMEmbedding`` adapts ``bot.index.encoder.MiniLM`` (all-MiniLM-L6-v2, int8 ONNX, offline) to
llama-index, so it plugs into ``VectorStoreIndex``, retrievers and anything else that takes
an ``embed_model``. The encoder itself lives in ``bot.index.encoder`` so that paths which only need
vectors (``bot ask``, the indexer) do not import llama-index; its names are re-exported here.

It does not know what is embedded or where vectors go.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from bot.index.encoder import DIMENSION, MAX_TOKENS, MODEL_ID, MiniLM, default_model_files

__all__ = [
    "DIMENSION",
    "MAX_TOKENS",
    "MODEL_ID",
    "MiniLM",
    "MiniLMEmbedding",
    "default_model_files",
]


class MiniLMEmbedding(BaseEmbedding):
    """llama-index ``BaseEmbedding`` over ``MiniLM``; batches go to the encoder whole."""

    _encoder: MiniLM = PrivateAttr()

    def __init__(self, encoder: MiniLM | None = None, embed_batch_size: int = 256, **kwargs: Any):
        super().__init__(model_name=MODEL_ID, embed_batch_size=embed_batch_size, **kwargs)
        self._encoder = encoder or MiniLM()

    @classmethod
    def class_name(cls) -> str:
        return "MiniLMEmbedding"

    @property
    def encoder(self) -> MiniLM:
        return self._encoder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encoder.encode([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encoder.encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encoder.encode(texts).tolist()
