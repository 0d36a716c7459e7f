"""Indexer: make the store mirror the seeds dir, embedding only what changed.

``Indexer.sync`` compares the files on disk with the store's file ledger:

* same size and mtime as recorded (or same sha256) -> unchanged, nothing is read twice or embedded;
* new or changed -> re-chunked; chunks whose content hash already has a vector reuse it,
  the rest are embedded in large batches across files;
* gone, or no longer loadable -> its chunks and record are removed.

Crash safety: a file's record is written ``pending`` before its chunks change and ``done``
after; its new chunks overwrite the old ones in place (ids are ``file#position``) and the
leftover positions are deleted, so a pending file is redone to exactly its new chunks and a
run killed at any point leaves nothing a re-run does not repair. Readers meanwhile never
see a changed file without chunks (at worst old and new chunks side by side for a moment;
citations are checked against the file on disk anyway). One indexer per data dir
at a time: ``lock`` is a file lock in the data dir. Vectors come from an ``Encoder``
(``bot.index.encoder``: ``MiniLM`` itself, or any llama-index ``BaseEmbedding`` adapted), so this
module does not import llama-index. It knows nothing about answering.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.errors import IndexBusyError
from bot.index.encoder import Encoder, as_encoder
from bot.index.store import ChunkStore, FileRecord
from bot.ingest.chunking import CHUNKER_VERSION, Chunk, chunk_article, chunk_id
from bot.ingest.corpus import Article, ArticleError, SourceFile, load_article, scan

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

Progress = Callable[[str, int, int], None]  # (stage, done, total)
_FILES_PER_BATCH = 64


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {self.skipped} skipped; {self.chunks_embedded} chunks "
            f"embedded, {self.chunks_reused} reused, {self.chunks_total} in the index "
            f"({self.seconds:.1f}s)"
        )


@dataclass(frozen=True)
class _Plan:
    to_index: list[SourceFile]
    to_remove: list[str]
    unchanged: list[SourceFile]
    touched: list[FileRecord]  # content unchanged but mtime moved: refresh the record only


@contextmanager
def lock(data_dir: Path, timeout: float) -> Iterator[None]:
    """Hold the data dir's index lock, or raise ``IndexBusyError`` after ``timeout`` seconds."""
    from filelock import FileLock, Timeout

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    file_lock = FileLock(str(Path(data_dir) / "index.lock"))
    try:
        file_lock.acquire(timeout=timeout)
    except Timeout:
        raise IndexBusyError(
            f"another process is indexing {data_dir}; waited {timeout:.0f}s, try again later"
        ) from None
    try:
        yield
    finally:
        file_lock.release()


class Indexer:
    def __init__(
        self,
        store: ChunkStore,
        embed_model: Encoder | BaseEmbedding,
        max_file_bytes: int = 20_000_000,
        progress: Progress | None = None,
    ) -> None:
        self._store, self._embed_model = store, embed_model
        self._encoder: Encoder | None = None  # resolved on first use: a no-op sync loads nothing
        self._max_bytes, self._progress = max_file_bytes, progress or (lambda *_: None)

    def is_stale(self, seeds_dir: Path, records: dict[str, FileRecord] | None = None) -> bool:
        """True when ``sync`` would change anything (stat-only for unchanged files)."""
        files, _ = scan(seeds_dir)
        plan = self._plan(files, self._store.file_records() if records is None else records)
        return bool(plan.to_index or plan.to_remove)

    def sync(self, seeds_dir: Path) -> IndexReport:
        t0 = time.perf_counter()
        files, warnings = scan(seeds_dir)
        report = IndexReport(warnings=list(warnings), skipped=len(warnings))
        records = self._store.file_records()
        plan = self._plan(files, records)
        self._store.put_file_records(plan.touched)
        report.unchanged = len(plan.unchanged)
        self._remove([records[name] for name in plan.to_remove])
        report.removed += len(plan.to_remove)
        todo = plan.to_index
        for k in range(0, len(todo), _FILES_PER_BATCH):
            self._progress("index", k, len(todo))
            self._index_batch(todo[k : k + _FILES_PER_BATCH], records, report)
        self._progress("index", len(todo), len(todo))
        if plan.touched or report.changed or self._store.generation() is None:
            self._store.bump_generation()  # readers holding a copy of the ledger re-read it
        report.chunks_total = self._store.count()
        report.seconds = time.perf_counter() - t0
        return report

    # --- planning --------------------------------------------------------------------------

    def _plan(self, files: list[SourceFile], records: dict[str, FileRecord]) -> _Plan:
        to_index, unchanged, touched = [], [], []
        for src in files:
            rec = records.get(src.name)
            if rec is None or rec.state != "done" or rec.version != CHUNKER_VERSION:
                to_index.append(src)
            elif rec.size == src.size and rec.mtime_ns == src.mtime_ns:
                unchanged.append(src)
            elif rec.size == src.size and _sha256(src.path) == rec.sha256:
                unchanged.append(src)
                touched.append(_replace_stat(rec, src))
            else:
                to_index.append(src)
        on_disk = {f.name for f in files}
        to_remove = [name for name in records if name not in on_disk]
        return _Plan(to_index, to_remove, unchanged, touched)

    # --- doing -----------------------------------------------------------------------------

    def _remove(self, records: list[FileRecord]) -> None:
        if not records:
            return
        self._store.put_file_records([_with_state(r, "pending") for r in records])
        self._store.delete_files_chunks([r.file for r in records])
        self._store.delete_file_records([r.file for r in records])

    def _index_batch(
        self, batch: list[SourceFile], records: dict[str, FileRecord], report: IndexReport
    ) -> None:
        loaded: list[tuple[SourceFile, Article, list[Chunk]]] = []
        for src in batch:
            try:
                article, warning = load_article(src, self._max_bytes)
            except ArticleError as exc:
                report.warnings.append(str(exc))
                report.skipped += 1
                if src.name in records:
                    self._remove([records[src.name]])
                    report.removed += 1
                continue
            if warning:
                report.warnings.append(warning)
            loaded.append((src, article, chunk_article(article)))
        if not loaded:
            return
        reusable = self._store.vectors_by_hash(
            [src.name for src, _, _ in loaded if src.name in records]
        )
        new_chunks = {
            c.hash: c for _, _, chunks in loaded for c in chunks if c.hash not in reusable
        }
        texts = [c.search_text for c in new_chunks.values()]
        vectors: dict[str, np.ndarray] = dict(zip(new_chunks, self._encode(texts))) if texts else {}
        vectors.update(reusable)
        done = [
            FileRecord(
                file=src.name,
                sha256=article.sha256,
                size=src.size,
                mtime_ns=src.mtime_ns,
                version=CHUNKER_VERSION,
                chunks=len(chunks),
                encoding=article.encoding,
                title=article.title,
                date=article.date or "",
            )
            for src, article, chunks in loaded
        ]
        # the whole batch goes pending -> chunks replaced -> done, one Chroma write per step
        # (a crash anywhere in between leaves these files pending: redone next run). New
        # chunks overwrite old ones in place (ids are file#position) and only the leftover
        # positions are deleted after, so a reader never finds a changed file with no chunks.
        all_chunks = [c for _, _, chunks in loaded for c in chunks]
        self._store.put_file_records([_with_state(r, "pending") for r in done])
        self._store.add_chunks(all_chunks, [vectors[c.hash] for c in all_chunks])
        self._delete_leftovers(done, records)
        self._store.put_file_records(done)
        for src, _, _ in loaded:
            if src.name in records:
                report.updated += 1
            else:
                report.added += 1
        report.chunks_embedded += sum(1 for c in all_chunks if c.hash in new_chunks)
        report.chunks_reused += sum(1 for c in all_chunks if c.hash not in new_chunks)

    def _delete_leftovers(self, done: list[FileRecord], records: dict[str, FileRecord]) -> None:
        """Delete the old chunks the new ones did not overwrite. A file last indexed cleanly
        had exactly ``chunks`` chunks, so its leftovers are known by id (a key lookup); a new
        file has none; only a file left pending by a crash needs a metadata scan."""
        by_id: list[str] = []
        scan: dict[str, int] = {}
        for rec in done:
            old = records.get(rec.file)
            if old is None:
                continue
            if old.state == "done":
                by_id.extend(chunk_id(rec.file, i) for i in range(rec.chunks, old.chunks))
            else:
                scan[rec.file] = rec.chunks
        self._store.delete_chunk_ids(by_id)
        self._store.delete_chunks_beyond(scan)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._encoder is None:
            self._encoder = as_encoder(self._embed_model)
        return self._encoder.encode(texts)


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _with_state(record: FileRecord, state: str) -> FileRecord:
    return replace(record, state=state)


def _replace_stat(record: FileRecord, src: SourceFile) -> FileRecord:
    return replace(record, size=src.size, mtime_ns=src.mtime_ns)
