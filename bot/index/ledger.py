"""The file ledger: one record per indexed file, and a reader's cached view of it.

``FileRecord`` is what the index knows about a file (content hash, stat, chunker version,
chunk count, state, title, date; for a file that loads no article, why). ``LedgerView``
keeps a copy of a store's ledger and re-reads it only when the store's generation token
changes (a full read is about a second for ten thousand files); ``fingerprint`` hashes a
ledger so caches built from it (the BM25 index) can tell when it moved. It reads; it
never writes the store.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.protocols import LedgerSource


@dataclass(frozen=True)
class FileRecord:
    """What the index knows about one file. ``state`` is ``pending`` while its chunks
    change, ``done`` once they are in, ``skipped`` for a file that loads no article
    (``reason`` says why; no chunks): kept so an unchanged failing file is not new again."""

    file: str
    sha256: str
    size: int
    mtime_ns: int
    version: str
    chunks: int
    state: str = "done"
    encoding: str = "utf-8"
    title: str = ""
    date: str = ""
    reason: str = ""

    def metadata(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "file"}

    @property
    def signature(self) -> str:
        """Changes whenever this file's chunks may have changed."""
        return f"{self.sha256}\t{self.version}\t{self.chunks}\t{self.state}"

    @classmethod
    def from_metadata(cls, file: str, meta: dict[str, Any]) -> FileRecord:
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta and k != "file"}
        return cls(file=file, **fields)


def fingerprint(records: Mapping[str, FileRecord]) -> str:
    """A short hash of the file ledger: changes whenever any file's chunks change."""
    rows = sorted(f"{r.file}\t{r.signature}" for r in records.values())
    return hashlib.sha1("\n".join(rows).encode()).hexdigest()[:16]


class LedgerView:
    """A store's file records, re-read only when its generation changes. Thread-safe."""

    def __init__(self, store: LedgerSource) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._cached: tuple[str | None, dict[str, FileRecord], int] | None = None

    def records(self) -> dict[str, FileRecord]:
        """The current ledger; the copy is reused while the store's generation holds."""
        return self._current()[1]

    def done(self) -> int:
        """How many files are indexed (state ``done``), counted once per ledger copy: every
        ``ask`` asks, and a 100k-chunk index has ~12k records."""
        return self._current()[2]

    def _current(self) -> tuple[str | None, dict[str, FileRecord], int]:
        generation = self._store.generation()
        with self._lock:
            cached = self._cached
        if generation is not None and cached is not None and cached[0] == generation:
            return cached
        records = self._store.file_records()
        current = (generation, records, sum(r.state == "done" for r in records.values()))
        with self._lock:
            self._cached = current
        return current

    def forget(self) -> None:
        """Drop the copy (after this process changed the index)."""
        with self._lock:
            self._cached = None
