"""A benchmark worker process: one way of turning a corpus into vectors, fed slice by slice.

``python -m bench.worker METHOD SEEDS WORK SLICES CACHE VECTORS`` sets up (imports,
model load, opening Chroma — not timed), prints one JSON line, then for every ``k`` read
from stdin processes slice ``k`` of the corpus files (sorted, cut into ``SLICES`` contiguous
parts) and prints ``{"slice", "seconds", "chunks", "rss_mb", "peak_rss_mb"}``; ``quit``
ends it. Methods:

* ``bare`` — the model alone: ``MiniLM.encode`` over the slice's chunk texts (chunking done
  before the clock starts; the vectors then go to the cache in CACHE, untimed);
* ``ours`` — ``Bot.index()`` after the slice's files are linked into its seeds dir
  (incremental, embedded Chroma under WORK/data);
* ``peer`` — llama-index's default path: ``SimpleDirectoryReader`` + ``VectorStoreIndex.
  from_documents`` into a ``ChromaVectorStore`` (embedded Chroma under WORK/peer), with the
  same MiniLM through ``MiniLMEmbedding``;
* ``peer-matched`` — the same, with a ``SentenceSplitter`` sized to give chunks of about
  our length, so both embed comparable texts.

VECTORS is ``model`` (embed every run: throughput) or, for stores too big for that,
``real`` / ``composed:S`` (``bench.vectors``); with those the times are not throughput and
the peer is given our chunks with their vectors (only its query latency is used).
Each method runs in its own process so its peak RSS is its own; the orchestrator
(``bench.run``) alternates slices between workers so background load hits them alike.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import peak_rss_mb, rss_mb
from bot.ingest.corpus import scan

PEER_COLLECTION = "peer"


def _slices(files: list[Any], n: int) -> list[list[Any]]:
    size = -(-len(files) // n)
    return [files[k * size : (k + 1) * size] for k in range(n)]


def _chunk_texts(files: list[Any]) -> list[str]:
    from bot.ingest.chunking import chunk_article
    from bot.ingest.corpus import load_article

    out: list[str] = []
    for src in files:
        article, _ = load_article(src)
        out += [c.search_text for c in chunk_article(article)]
    return out


def _encoder(vectors: str, cache: Path, files: list[Any]) -> Any:
    """The encoder a method embeds with: ``model`` (the bare model, every run), ``real``
    (cached real vectors) or ``composed:S`` (see ``bench.vectors.ComposedEncoder``)."""
    from bot.index.encoder import MiniLM

    model = MiniLM()
    model.load()
    if vectors == "model":
        return model
    from bench.vectors import CachedEncoder, ComposedEncoder, VectorCache

    cached = CachedEncoder(VectorCache(cache), model=model)
    if vectors == "real":
        return cached
    sources = int(vectors.split(":")[1])
    texts = _chunk_texts(files)
    return ComposedEncoder(cached, texts[:sources], texts)


class Bare:
    def __init__(self, work: Path, vectors: str, cache: Path, files: list[Any]) -> None:
        from bench.vectors import VectorCache, text_key

        self.model = _encoder("model", cache, files)
        self.cache, self.key = VectorCache(cache), text_key

    def run(self, files: list[Any]) -> tuple[float, int]:
        texts = _chunk_texts(files)
        t0 = time.perf_counter()
        vectors = self.model.encode(texts)
        seconds = time.perf_counter() - t0
        self.cache.add([self.key(t) for t in texts], vectors)  # real vectors, for later stores
        return seconds, len(texts)


class Ours:
    def __init__(self, work: Path, vectors: str, cache: Path, files: list[Any]) -> None:
        from bot import Bot, Settings

        self.seeds = work / "seeds"
        self.seeds.mkdir(parents=True, exist_ok=True)
        settings = Settings(seeds_dir=self.seeds, data_dir=work / "data", llm="extractive")
        self.bot = Bot(settings=settings, embedding=_encoder(vectors, cache, files))
        self.bot.store  # noqa: B018 - open Chroma before the clock starts

    def run(self, files: list[Any]) -> tuple[float, int]:
        for src in files:
            target = self.seeds / src.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.link(src.path, target)
        t0 = time.perf_counter()
        report = self.bot.index()
        return time.perf_counter() - t0, report.chunks_embedded + report.chunks_reused


class Peer:
    #: ``peer-matched``: the same default pipeline with chunks of about our size (~700 chars)
    MATCHED_CHUNK_SIZE, MATCHED_OVERLAP = 200, 30  # tokens

    def __init__(
        self, work: Path, vectors: str, cache: Path, files: list[Any], matched: bool = False
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from bot.index.embedding import MiniLMEmbedding

        self._reader, self._index_cls = SimpleDirectoryReader, VectorStoreIndex
        client = chromadb.PersistentClient(
            path=str(work / "peer"), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.collection = client.get_or_create_collection(PEER_COLLECTION)
        self.context = StorageContext.from_defaults(
            vector_store=ChromaVectorStore(chroma_collection=self.collection)
        )
        self.vectors = vectors
        self.embed_model = MiniLMEmbedding(_encoder(vectors, cache, files))
        self.transformations = (
            [
                SentenceSplitter(
                    chunk_size=self.MATCHED_CHUNK_SIZE, chunk_overlap=self.MATCHED_OVERLAP
                )
            ]
            if matched
            else None
        )

    def run(self, files: list[Any]) -> tuple[float, int]:
        before = self.collection.count()
        paths = [str(src.path) for src in files]
        t0 = time.perf_counter()
        if self.vectors == "model":
            docs = self._reader(input_files=paths).load_data()
            self._index_cls.from_documents(
                docs,
                storage_context=self.context,
                embed_model=self.embed_model,
                transformations=self.transformations,
            )
        else:
            self._index_cls(
                _cached_nodes(files, self.embed_model.encoder),
                storage_context=self.context,
                embed_model=self.embed_model,
            )
        return time.perf_counter() - t0, self.collection.count() - before


def _cached_nodes(files: list[Any], encoder: Any) -> list[Any]:
    """The peer's nodes at sizes too big to embed each run: our chunks, cached vectors, and
    the file metadata ``SimpleDirectoryReader`` would attach (query cost depends on it)."""
    from llama_index.core.schema import TextNode

    from bot.ingest.chunking import chunk_article
    from bot.ingest.corpus import load_article

    nodes = []
    for src in files:
        article, _ = load_article(src)
        chunks = chunk_article(article)
        vectors = encoder.encode([c.search_text for c in chunks])
        for chunk, vector in zip(chunks, vectors):
            meta = {
                "file_path": str(src.path),
                "file_name": Path(src.name).name,
                "file_type": "text/plain",
                "file_size": src.size,
                "creation_date": "2026-01-01",
                "last_modified_date": "2026-01-01",
            }
            nodes.append(TextNode(text=chunk.search_text, metadata=meta, embedding=vector.tolist()))
    return nodes


def _matched_peer(work: Path, vectors: str, cache: Path, files: list[Any]) -> Peer:
    return Peer(work, vectors, cache, files, matched=True)


METHODS = {"bare": Bare, "ours": Ours, "peer": Peer, "peer-matched": _matched_peer}


def main(argv: list[str]) -> None:
    method, seeds, work, n = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    cache, vectors = Path(argv[4]), argv[5]
    work.mkdir(parents=True, exist_ok=True)
    files, _ = scan(seeds)
    slices = _slices(files, n)
    worker = METHODS[method](work, vectors, cache, files)
    print(json.dumps({"ready": method, "rss_mb": rss_mb(), "files": len(files)}), flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "quit":
            break
        k = int(cmd)
        seconds, chunks = worker.run(slices[k])
        reply = {
            "slice": k,
            "seconds": seconds,
            "chunks": chunks,
            "rss_mb": rss_mb(),
            "peak_rss_mb": peak_rss_mb(),
        }
        print(json.dumps(reply), flush=True)
    print(json.dumps({"done": method, "peak_rss_mb": peak_rss_mb()}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
