"""The seams: what each part of the pipeline needs from the next, as ``Protocol``s.

* ``Encoder`` — an embedding model: unit vectors in bulk (``bot.index.encoder.MiniLM``, or
  any llama-index ``BaseEmbedding`` adapted by ``bot.index.encoder.as_encoder``); ``Encode``
  is its ``encode`` alone, all the answerers and the verifier are given.
* ``LedgerSource`` < ``ChunkSource`` < ``Store`` — the vector store as the ledger view, the
  retrieval side and the indexer see it (``bot.index.store.ChunkStore`` over Chroma).
* ``Answerer`` / ``StreamingAnswerer`` / ``Condenser`` — who turns a question and its
  retrieved chunks into an ``Answer`` (``ExtractiveAnswerer``, ``LLMAnswerer``,
  ``FallbackAnswerer``), and who rewrites follow-ups. Answerers get chunks, never the store.
* ``Assessor`` — a second opinion for the verifier: do the chunks answer the question,
  and which sentence would (``LearnedAnswerer``).

Only type information lives here; importing it loads no model, store or library.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from bot.answer.query import Query
    from bot.index.ledger import FileRecord
    from bot.ingest.chunking import Chunk
    from bot.types import Answer, Assessment, Status


#: What the answerers and the verifier need of the encoder: texts in, unit vectors out
#: (an ``Encoder``'s ``encode``, or ``bot.index.vectors.VectorCache.encode``).
Encode = Callable[[Sequence[str]], "np.ndarray"]


class Encoder(Protocol):
    """What the indexer, retrieval and answerers need from an embedding model."""

    model_id: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text."""
        ...


class LedgerSource(Protocol):
    """The store's file ledger and its change token."""

    def file_records(self) -> dict[str, FileRecord]: ...

    def generation(self) -> str | None: ...


class ChunkSource(LedgerSource, Protocol):
    """What retrieval reads: nearest chunk ids, chunks by id, chunks by file, every chunk."""

    name: str

    def nearest(
        self, vector: Sequence[float], k: int, dates: Collection[str] | None = None
    ) -> list[tuple[str, float]]: ...

    def get_chunks(self, ids: Sequence[str]) -> dict[str, Chunk]: ...

    def chunks_of_files(self, files: Sequence[str]) -> Iterator[Chunk]: ...

    def iter_chunks(self) -> Iterator[Chunk]: ...

    def count(self) -> int: ...


class Store(ChunkSource, Protocol):
    """Everything the indexer writes: chunks with their vectors, and the ledger."""

    def put_file_records(self, records: Sequence[FileRecord]) -> None: ...

    def delete_file_records(self, files: Sequence[str]) -> None: ...

    def bump_generation(self) -> None: ...

    def add_chunks(
        self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]
    ) -> None: ...

    def delete_files_chunks(self, files: Sequence[str]) -> None: ...

    def delete_chunk_ids(self, ids: Sequence[str]) -> None: ...

    def delete_chunks_beyond(self, counts: Mapping[str, int]) -> None: ...

    def vectors_by_hash(self, files: Sequence[str]) -> dict[str, np.ndarray]: ...


class Answerer(Protocol):
    """Turns a question and its retrieved chunks into a cited ``Answer`` (or a refusal)."""

    name: str

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer: ...


@runtime_checkable
class StreamingAnswerer(Answerer, Protocol):
    """An answerer that can also yield ``Status`` signs of life and verified text deltas
    before its final ``Answer``."""

    def stream(self, query: Query, chunks: Sequence[Chunk]) -> Iterator[Status | str | Answer]: ...


@runtime_checkable
class Condenser(Protocol):
    """Rewrites a follow-up question into a standalone ``Query`` (``BotError`` if it can't)."""

    def condense(self, question: str, history: Sequence[Mapping[str, str]]) -> Query: ...


@runtime_checkable
class Assessor(Protocol):
    """Judges, without a model, whether retrieved chunks answer a question and which of
    their sentences would (the verifier's second opinion on a model's answer)."""

    def assess(self, query: Query, chunks: Sequence[Chunk]) -> Assessment: ...
