"""BM25 cache: the lexical index of the store's current chunks, in memory and on disk.

``Bm25Cache.get()`` returns the BM25 index for the store as its ledger stands now: the
one in memory; else the one saved under ``<data dir>/bm25/<store>-<fingerprint>-<terms
version>``; else the previous index updated (only the files whose ledger signature changed
are re-read from the store and re-tokenized); else one built from every chunk. After this
process indexes, ``invalidate()`` keeps the old index as the base for that update;
``follow(records)`` does the same when another process moved the ledger. Older caches of
the same store are pruned. It reads the store; it never writes it.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from bot.index.bm25 import Bm25Doc, Bm25Index
from bot.index.ledger import FileRecord, LedgerView, fingerprint
from bot.ingest.chunking import Chunk
from bot.protocols import ChunkSource
from bot.text.terms import TERMS_VERSION

#: Past this share of changed files one pass over every chunk reads faster than an update.
REBUILD_SHARE = 0.5


class Bm25Cache:
    """The BM25 index that follows the store (see the module docstring). Thread-safe."""

    def __init__(self, store: ChunkSource, ledger: LedgerView, folder: Path) -> None:
        self._store, self._ledger, self._folder = store, ledger, Path(folder)
        self._lock = threading.RLock()
        self._index: Bm25Index | None = None
        self._key = ""
        self._previous: Bm25Index | None = None  # the index before the last change

    def get(self) -> Bm25Index:
        """The BM25 index over the store's current chunks."""
        with self._lock:
            if self._index is not None:
                return self._index
            records = self._ledger.records()
            key = fingerprint(records)
            path = self._folder / f"{self._store.name}-{key}-{TERMS_VERSION}"
            try:
                index = Bm25Index.load(path)
            except ValueError:
                index = self._rebuilt(records)
                path.parent.mkdir(parents=True, exist_ok=True)
                _save_quietly(index, path)
                self._prune(keep=path)
            self._index, self._key, self._previous = index, key, None
            return index

    def invalidate(self) -> None:
        """The index changed: the next ``get`` updates the current BM25 index from it."""
        with self._lock:
            if self._index is not None:
                self._previous, self._index = self._index, None

    def follow(self, records: Mapping[str, FileRecord]) -> None:
        """Invalidate when ``records`` (the ledger now) is not what the index was built from."""
        with self._lock:
            if self._index is not None and fingerprint(records) != self._key:
                self.invalidate()

    def _rebuilt(self, records: Mapping[str, FileRecord]) -> Bm25Index:
        versions = {f: r.signature for f, r in records.items()}
        base = self._previous or self._newest_saved()
        changed = sum(base.versions.get(f) != v for f, v in versions.items()) if base else 0
        if base is None or changed > len(versions) * REBUILD_SHARE:
            return Bm25Index.build(_docs(self._store.iter_chunks()), versions)
        return base.updated(versions, lambda files: _docs(self._store.chunks_of_files(files)))

    def _saved(self) -> list[Path]:
        """This store's saved BM25 indexes (``<store>-<ledger fingerprint>-<terms version>``)."""
        pattern = re.compile(re.escape(self._store.name) + r"-[0-9a-f]{16}(?:-\w+)?")
        with contextlib.suppress(OSError):
            return [p for p in self._folder.iterdir() if pattern.fullmatch(p.name)]
        return []

    def _prune(self, keep: Path) -> None:
        """Drop this store's older caches: each index change would otherwise leave one behind
        (tens of MB at 100k chunks). Another process still on an old one just rebuilds."""
        for old in self._saved():
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)

    def _newest_saved(self) -> Bm25Index | None:
        """The newest saved index of this store and tokenizer, whatever its key: what a
        fresh process updates from after another one changed the index."""
        found = [p for p in self._saved() if p.name.endswith(f"-{TERMS_VERSION}")]
        with contextlib.suppress(OSError):
            found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for path in found:
            with contextlib.suppress(ValueError):
                return Bm25Index.load(path)
        return None


def _docs(chunks: Iterable[Chunk]) -> Iterator[Bm25Doc]:
    return (Bm25Doc(c.id, c.file, c.search_text) for c in chunks)


def _save_quietly(index: Bm25Index, path: Path) -> None:
    """The cache is an optimisation: a read-only data dir only costs a rebuild."""
    with contextlib.suppress(OSError):
        index.save(path)
