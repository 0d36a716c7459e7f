"""Components: the parts of a ``Bot``, built from ``Settings`` on first use.

Constructing a ``Bot`` stays cheap (nothing loads until a part is needed, and ``bot ask``
never imports llama-index); each part is built once, under a lock, and parts passed in
(an embedding, a Chroma client, an answerer) are used as given. It wires; it does not
index, retrieve or answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from bot.config import Settings

T = TypeVar("T")

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from bot.index.bm25_cache import Bm25Cache
    from bot.index.ledger import LedgerView
    from bot.index.passages import PassageRetriever
    from bot.index.retrieval import HybridRetriever
    from bot.index.search import HybridSearch
    from bot.index.store import ChunkStore
    from bot.index.vectors import VectorCache
    from bot.ingest.cache import ExtractionCache
    from bot.ingest.sources import SourceTexts
    from bot.protocols import Answerer, Encoder


class Components:
    """Lazily built parts over one ``Settings`` (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedding: BaseEmbedding | None = None,
        client: ClientAPI | None = None,
        answerer: Answerer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings, self.clock = settings, clock
        self._given_embedding, self._client, self._given_answerer = embedding, client, answerer
        self._lock = threading.RLock()
        self._parts: dict[str, object] = {}

    def _part(self, name: str, build: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._parts:
                self._parts[name] = build()
            return self._parts[name]  # type: ignore[return-value]

    @property
    def embedding(self) -> BaseEmbedding:
        """The llama-index ``BaseEmbedding`` in use (offline MiniLM by default)."""

        def build() -> BaseEmbedding:
            from bot.index.embedding import MiniLMEmbedding

            return self._given_embedding or MiniLMEmbedding(self.encoder)  # type: ignore[arg-type]

        return self._part("embedding", build)

    @property
    def encoder(self) -> Encoder:
        """The ``Encoder`` behind ``embedding``: what indexing and asking actually call."""

        def build() -> Encoder:
            from bot.index.encoder import MiniLM, as_encoder

            given = self._given_embedding
            return MiniLM() if given is None else as_encoder(given)

        return self._part("encoder", build)

    @property
    def vectors(self) -> VectorCache:
        from bot.index.vectors import VectorCache

        return self._part("vectors", lambda: VectorCache(self.encoder))

    @property
    def store(self) -> ChunkStore:
        def build() -> ChunkStore:
            from bot.index.store import ChunkStore, connect

            s = self.settings
            client = self._client or connect(s.data_dir, s.chroma_url)
            return ChunkStore(client, s.collection, self.encoder.model_id, self.encoder.dimension)

        return self._part("store", build)

    @property
    def ledger(self) -> LedgerView:
        from bot.index.ledger import LedgerView

        return self._part("ledger", lambda: LedgerView(self.store))

    @property
    def bm25(self) -> Bm25Cache:
        from bot.index.bm25_cache import Bm25Cache

        folder = self.settings.data_dir / "bm25"
        return self._part("bm25", lambda: Bm25Cache(self.store, self.ledger, folder))

    @property
    def search(self) -> HybridSearch:
        """Hybrid search as ``ask`` runs it (no llama-index on this path)."""
        from bot.index.search import HybridSearch

        return self._part(
            "search",
            lambda: HybridSearch(
                self.store, self.vectors.encode_one, self.bm25.get, top_k=self.settings.top_k
            ),
        )

    @property
    def passages(self) -> PassageRetriever:
        from bot.index.passages import PassageRetriever

        return self._part("passages", lambda: PassageRetriever(self.search, self.clock))

    @property
    def retriever(self) -> HybridRetriever:
        """The same hybrid search as a llama-index ``BaseRetriever``."""

        def build() -> HybridRetriever:
            from bot.index.retrieval import HybridRetriever

            return HybridRetriever(
                self.store, self.embedding, self.bm25.get, top_k=self.settings.top_k
            )

        return self._part("retriever", build)

    @property
    def extraction_cache(self) -> ExtractionCache:
        """HTML/PDF/DOCX text by content hash, under ``<data dir>/extracted/<collection>``:
        neither indexing nor ``source_text`` parses a file twice."""
        from bot.ingest.cache import ExtractionCache

        folder = self.settings.data_dir / "extracted" / self.settings.collection
        return self._part("extraction_cache", lambda: ExtractionCache(folder))

    @property
    def sources(self) -> SourceTexts:
        from bot.ingest.sources import SourceTexts

        s = self.settings
        return self._part(
            "sources",
            lambda: SourceTexts(s.seeds_dir, s.max_file_bytes, self.extraction_cache),
        )

    @property
    def extractive(self) -> Answerer:
        """The offline answerer (always available; the LLM path falls back to it): the
        learned selector, or the hand-set weights with ``settings.selector == "hand"``."""

        def build() -> Answerer:
            if self.settings.selector == "learned":
                from bot.answer.learned import LearnedAnswerer as Offline
            else:
                from bot.answer.extractive import ExtractiveAnswerer as Offline
            return Offline(
                self.vectors.encode,
                idf=lambda t: self.bm25.get().idf(t),
                in_corpus=lambda t: self.bm25.get().document_frequency(t) > 0,
            )

        return self._part("extractive", build)

    @property
    def answerer(self) -> Answerer:
        """Who answers: ``settings.llm`` (``auto``: the LLM when one is configured), with
        the extractive answer as the fallback when the LLM is unreachable."""

        def build() -> Answerer:
            from bot.answer.fallback import FallbackAnswerer
            from bot.protocols import Assessor

            offline = self.extractive
            assessor = offline if isinstance(offline, Assessor) else None
            primary = self._given_answerer
            if primary is None:
                s = self.settings
                mode = s.llm if s.llm != "auto" else "openai" if s.llm_configured else "extractive"
                if mode != "openai":
                    return offline
                from bot.answer.llm_answerer import LLMAnswerer

                primary = LLMAnswerer.from_settings(
                    s, encode=self.vectors.encode, assessor=assessor
                )
            return FallbackAnswerer(primary, offline, self.settings.llm_fallback, assessor)

        return self._part("answerer", build)
