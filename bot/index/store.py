"""Store: chunks and their vectors in Chroma, plus one record per indexed file.

``connect`` opens an embedded ``PersistentClient`` under the data dir, or an ``HttpClient``
when a server URL is given (a ``chroma run`` server or distributed Chroma; the rest of the
code cannot tell the difference). ``ChunkStore`` owns two collections named after the
embedding model, so vectors of two models never mix:

* ``<name>-<model>`` — one record per chunk: id, vector, text, flat metadata;
* ``<name>-<model>-files`` — one record per file (``FileRecord``), the indexer's ledger.

It stores and fetches; it does not chunk, embed or decide what is stale.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from bot.errors import StoreError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
from bot.index.codec import chunk_from_record, chunk_metadata
from bot.index.ledger import FileRecord
from bot.ingest.chunking import Chunk

#: Another process writing the collection can leave its vector segment not yet on disk
#: for a moment ("Error creating hnsw segment reader: Nothing found on disk"; seen in
#: tests/test_crash.py asking while `bot index` runs). ``nearest`` waits and asks again
#: this many times, UNFLUSHED_WAIT s longer each time, then answers without the dense half.
UNFLUSHED_RETRIES = 3
UNFLUSHED_WAIT = 0.2
_UNFLUSHED_RE = re.compile(r"hnsw segment reader|Nothing found on disk", re.I)

_MARKER = "bot-data.json"
_GENERATION_KEY = "ledger_generation"
_DATA_FORMAT = 1


def collection_name(base: str, model_id: str) -> str:
    """A valid Chroma name (3–512 chars of ``[a-zA-Z0-9._-]``, alphanumeric at both ends)."""
    name = re.sub(r"[^a-zA-Z0-9._-]+", "-", f"{base}-{model_id}").strip("-._")[:500]
    if len(name) < 3:
        raise StoreError(f"collection name {base!r} is too short")
    return name


def connect(data_dir: Path, chroma_url: str | None = None) -> ClientAPI:
    """A Chroma client: ``HttpClient`` for ``chroma_url``, else embedded under ``data_dir``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreError(f"BOT_CHROMA_URL is not an http(s) URL: {chroma_url!r}")
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            client = chromadb.HttpClient(
                host=url.hostname, port=port, ssl=url.scheme == "https", settings=chroma_settings
            )
            client.heartbeat()
        except Exception as exc:  # chromadb raises several unrelated types here
            raise StoreError(
                f"Chroma server at {chroma_url} is unreachable: {_short(exc)}"
            ) from None
        return client
    _claim_data_dir(Path(data_dir))
    try:
        return chromadb.PersistentClient(
            path=str(Path(data_dir) / "chroma"), settings=chroma_settings
        )
    except Exception as exc:
        raise StoreError(
            f"data dir {data_dir} holds an unreadable index ({_short(exc)}); "
            "delete it or pass another --data, then re-index"
        ) from None


def _claim_data_dir(data_dir: Path) -> None:
    """Refuse to write into a non-empty directory that is not a bot data dir."""
    marker = data_dir / _MARKER
    if data_dir.exists() and not data_dir.is_dir():
        raise StoreError(f"data dir {data_dir} is a file, not a directory")
    if marker.is_file():
        try:
            fmt = json.loads(marker.read_text()).get("format")
        except (OSError, ValueError, AttributeError):
            fmt = None
        if fmt != _DATA_FORMAT:
            raise StoreError(f"data dir {data_dir} was written by another version (format {fmt!r})")
        return
    if data_dir.is_dir() and any(p.name != "index.lock" for p in data_dir.iterdir()):
        raise StoreError(
            f"data dir {data_dir} is not empty and is not a bot data dir; choose another"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"format": _DATA_FORMAT}) + "\n")


def _short(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


class ChunkStore:
    """The chunk collection and the file ledger of one corpus in one Chroma."""

    def __init__(self, client: ClientAPI, base_name: str, model_id: str, dimension: int) -> None:
        if dimension < 1:
            raise ValueError("dimension must be positive")
        self.name = collection_name(base_name, model_id)
        self.dimension = dimension
        try:
            self._chunks = client.get_or_create_collection(
                self.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"model": model_id, "dimension": dimension},
            )
            self._files = client.get_or_create_collection(
                self.name + "-files", embedding_function=None
            )
            self._batch = int(client.get_max_batch_size())
            self._client = client
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection {self.name}: {_short(exc)}") from None

    # --- file ledger -----------------------------------------------------------------------

    def file_records(self) -> dict[str, FileRecord]:
        got = self._files.get(include=["metadatas"])
        return {
            fid: FileRecord.from_metadata(fid, meta or {})
            for fid, meta in zip(got["ids"], got["metadatas"] or [])
        }

    def generation(self) -> str | None:
        """A token that changes whenever an indexer changed the ledger (one small read).

        Lets readers keep a copy of ``file_records()`` — a full read, about a second for
        ten thousand files — until another process (or replica) re-indexes. None when no
        indexer of this version has written one yet.
        """
        meta = self._client.get_collection(self._files.name, embedding_function=None).metadata
        value = (meta or {}).get(_GENERATION_KEY)
        return str(value) if value else None

    def bump_generation(self) -> None:
        # kept in the ledger collection's own metadata, which older versions never read
        self._files.modify(metadata={_GENERATION_KEY: uuid.uuid4().hex})

    def put_file_record(self, record: FileRecord) -> None:
        self.put_file_records([record])

    def put_file_records(self, records: Sequence[FileRecord]) -> None:
        """Upsert several ledger rows in one Chroma write per batch."""
        for k in range(0, len(records), self._batch):
            part = records[k : k + self._batch]
            self._files.upsert(
                ids=[r.file for r in part],
                embeddings=[[0.0]] * len(part),
                metadatas=[r.metadata() for r in part],  # type: ignore[misc]
            )

    def delete_file_record(self, file: str) -> None:
        self.delete_file_records([file])

    def delete_file_records(self, files: Sequence[str]) -> None:
        for part in _groups(files, self._batch):
            self._files.delete(ids=part)

    # --- chunks ----------------------------------------------------------------------------

    def add_chunks(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        if len(chunks) != len(embeddings):
            raise ValueError("one embedding per chunk")
        if not chunks:
            return
        matrix = np.asarray(embeddings, dtype=np.float32).reshape(len(chunks), -1)
        for k in range(0, len(chunks), self._batch):
            part = chunks[k : k + self._batch]
            self._chunks.upsert(
                ids=[c.id for c in part],
                embeddings=matrix[k : k + self._batch],
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c) for c in part],  # type: ignore[misc]
            )

    def delete_file_chunks(self, file: str) -> None:
        self.delete_files_chunks([file])

    def delete_files_chunks(self, files: Sequence[str]) -> None:
        """Remove every chunk of these files (one Chroma delete per 100 files)."""
        for part in _groups(files, 100):
            self._chunks.delete(where=_file_filter(part))

    def delete_chunk_ids(self, ids: Sequence[str]) -> None:
        for part in _groups(ids, 5000):
            self._chunks.delete(ids=part)

    def delete_chunks_beyond(self, counts: Mapping[str, int]) -> None:
        """Remove each file's chunks at positions >= its new chunk count: what an upsert
        of the new chunks (same ids ``file#position``) did not overwrite."""
        items = list(counts.items())
        for part in _groups(items, 100):
            clauses = [{"$and": [{"file": f}, {"position": {"$gte": n}}]} for f, n in part]
            self._chunks.delete(where=clauses[0] if len(clauses) == 1 else {"$or": clauses})

    def vectors_by_hash(self, files: Sequence[str]) -> dict[str, np.ndarray]:
        """Existing vectors of these files' chunks, keyed by content hash (for reuse)."""
        out: dict[str, np.ndarray] = {}
        for part in _groups(files, 100):
            got = self._chunks.get(where=_file_filter(part), include=["embeddings", "metadatas"])
            for meta, emb in zip(
                got["metadatas"] or [], got["embeddings"] if got["embeddings"] is not None else []
            ):
                out[str(meta["hash"])] = np.asarray(emb, dtype=np.float32)
        return out

    def count(self) -> int:
        return int(self._chunks.count())

    def nearest(
        self, vector: Sequence[float], k: int, dates: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Ids of the ``k`` nearest chunks with their cosine similarity, best first; only
        chunks of articles dated one of ``dates`` (``YYYY-MM-DD``), when given.

        Only ids and distances: the caller fetches the few chunks it keeps (``get_chunks``).
        Chroma returns fewer than ``k`` (or none) when the collection is smaller, so no
        ``count()`` first (a full count is a table scan: ~8 ms at 100k chunks).
        """
        query = np.asarray(vector, dtype=np.float32)
        where = {"date": {"$in": sorted(dates)}} if dates else None
        for attempt in range(UNFLUSHED_RETRIES + 1):
            try:
                got = self._chunks.query(
                    query_embeddings=[query], n_results=k, include=["distances"], where=where
                )
                break
            except Exception as exc:  # chromadb.errors.InternalError, not importable lazily
                if not _UNFLUSHED_RE.search(str(exc)):
                    raise
                if attempt == UNFLUSHED_RETRIES:
                    return []  # the lexical half still answers; the next ask finds it flushed
                time.sleep(UNFLUSHED_WAIT * (attempt + 1))
        return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0])]

    def get_chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        got = self._chunks.get(ids=list(ids), include=["documents", "metadatas"])
        return {
            cid: chunk_from_record(cid, doc or "", meta or {})
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])
        }

    def chunks_of_files(self, files: Sequence[str]) -> Iterator[Chunk]:
        """Every chunk of these files (one Chroma get per 100 files)."""
        for part in _groups(files, 100):
            got = self._chunks.get(where=_file_filter(part), include=["documents", "metadatas"])
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                yield chunk_from_record(cid, doc or "", meta or {})

    def iter_chunks(self, page: int = 5000) -> Iterator[Chunk]:
        """Every chunk, in pages (for building the BM25 index)."""
        offset = 0
        while True:
            got = self._chunks.get(include=["documents", "metadatas"], limit=page, offset=offset)
            if not got["ids"]:
                return
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                yield chunk_from_record(cid, doc or "", meta or {})
            offset += len(got["ids"])


def _groups(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for k in range(0, len(items), size):
        yield list(items[k : k + size])


def _file_filter(files: list[str]) -> dict[str, Any]:
    return {"file": files[0]} if len(files) == 1 else {"file": {"$in": files}}
