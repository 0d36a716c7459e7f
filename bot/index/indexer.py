"""Indexer: make the store mirror the seeds dir, embedding only what changed.

``Indexer.sync`` compares the files on disk with the store's file ledger:

* same size and mtime as recorded (or same sha256) -> unchanged, nothing read or embedded;
* new or changed -> re-chunked; chunks whose content hash already has a vector reuse it,
  the rest are embedded in batches across files (small at first, so the first articles
  are searchable within seconds; each batch is visible to readers as it lands);
* no longer loadable -> its chunks go and a ``skipped`` record keeps its stat and reason,
  so the unchanged failing file is reported, not read again; gone -> record removed.

Progress (``IndexProgress``) is reported after the plan, per file and per slice of chunks
embedded. Crash safety: a file's record is written ``pending`` before its chunks change and
``done`` after; new chunks overwrite old ones in place (ids are ``file#position``) and the
leftover positions are deleted, so a run killed at any point leaves nothing a re-run does
not repair, and readers never see a changed file without chunks. One indexer per data dir
at a time: ``lock`` is a file lock in the data dir. Vectors come from an ``Encoder``, so
this module does not import llama-index. It knows nothing about answering.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.errors import IndexBusyError
from bot.index.encoder import Encoder, as_encoder
from bot.index.store import ChunkStore, FileRecord
from bot.ingest.chunking import CHUNKER_VERSION, Chunk, chunk_article, chunk_id
from bot.ingest.corpus import Article, ArticleError, SourceFile, load_article, scan
from bot.ingest.formats import FORMATS_VERSION
from bot.types import IndexProgress, IndexReport, Progress

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from bot.ingest.cache import ExtractionCache

__all__ = ["IndexProgress", "IndexReport", "IndexStatus", "Indexer", "Progress", "lock"]

#: Files per batch (read, embed, write): the first batches are small so the first articles
#: are searchable within seconds of a start; they double up to ``MAX_BATCH``, which keeps
#: Chroma writes few (four per batch) on big folders.
FIRST_BATCH, MAX_BATCH = 8, 64
#: Chunks embedded between two progress reports (the MiniLM encoder's own batch size: about
#: 1.5 s of work on two cores, so a progress line never waits long).
EMBED_SLICE = 32


@dataclass(frozen=True)
class IndexStatus:
    """How the index stands against the folder: ``stale`` when a sync would change
    anything; ``indexed`` of ``articles`` are searchable now."""

    stale: bool
    indexed: int
    articles: int


@dataclass(frozen=True)
class _Plan:
    to_index: list[SourceFile]
    to_remove: list[str]
    unchanged: list[SourceFile]
    touched: list[FileRecord]  # content unchanged but mtime moved: refresh the record only
    failing: list[FileRecord]  # unchanged files known to load no article


class _Run:
    """The progress of one sync, told to ``progress`` as it moves."""

    def __init__(self, plan: _Plan, progress: Progress) -> None:
        self.t0, self.progress = time.perf_counter(), progress
        self.total, self.indexed = len(plan.to_index), len(plan.unchanged)
        self.articles = self.indexed + self.total
        self.done = self.base = self.chunks = 0

    def tell(self) -> None:
        seconds = time.perf_counter() - self.t0
        self.progress(
            IndexProgress(self.done, self.total, self.indexed, self.articles, self.chunks, seconds)
        )


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
        cache: ExtractionCache | None = None,
    ) -> None:
        self._store, self._embed_model, self._cache = store, embed_model, cache
        self._encoder: Encoder | None = None  # resolved on first use: a no-op sync loads nothing
        self._max_bytes, self._progress = max_file_bytes, progress or (lambda _p: None)
        # a file that failed is tried again when it changes, or when what decides failing does
        self._skip_version = f"{CHUNKER_VERSION}+{FORMATS_VERSION}+{max_file_bytes}"

    def is_stale(self, seeds_dir: Path, records: dict[str, FileRecord] | None = None) -> bool:
        """True when ``sync`` would change anything (stat-only for unchanged files)."""
        return self.status(seeds_dir, records).stale

    def status(self, seeds_dir: Path, records: dict[str, FileRecord] | None = None) -> IndexStatus:
        """How the index stands against the folder (stat-only for unchanged files)."""
        files, _ = scan(seeds_dir)
        plan = self._plan(files, self._store.file_records() if records is None else records)
        indexed = len(plan.unchanged)
        return IndexStatus(
            bool(plan.to_index or plan.to_remove), indexed, indexed + len(plan.to_index)
        )

    def sync(self, seeds_dir: Path) -> IndexReport:
        t0 = time.perf_counter()
        files, warnings = scan(seeds_dir)
        report = IndexReport()
        for w in warnings:
            report.skip(w.file, w.reason)
        records = self._store.file_records()
        plan = self._plan(files, records)
        for rec in plan.failing:
            report.skip(rec.file, rec.reason)
        self._store.put_file_records(plan.touched)
        report.unchanged = len(plan.unchanged)
        gone = [records[name] for name in plan.to_remove]
        self._remove(gone)
        report.removed += sum(r.state != "skipped" for r in gone)
        run = _Run(plan, self._progress)
        run.tell()
        for batch in _batches(plan.to_index):
            if self._index_batch(batch, records, report, run):
                self._store.bump_generation()  # readers see each batch's articles as it lands
            run.tell()
        if plan.touched or gone or self._store.generation() is None:
            self._store.bump_generation()  # readers holding a copy of the ledger re-read it
        report.chunks_total = self._store.count()
        if self._cache is not None and (report.removed or report.updated):
            # extractions of content no longer indexed (pages edited or deleted) go
            self._cache.prune(r.sha256 for r in self._store.file_records().values())
        report.seconds = time.perf_counter() - t0
        return report

    # --- planning --------------------------------------------------------------------------

    def _plan(self, files: list[SourceFile], records: dict[str, FileRecord]) -> _Plan:
        to_index, unchanged, touched, failing = [], [], [], []
        for src in files:
            rec = records.get(src.name)
            same_stat = rec is not None and (rec.size, rec.mtime_ns) == (src.size, src.mtime_ns)
            if rec is not None and rec.state == "skipped":
                known = same_stat and rec.version == self._skip_version
                (failing if known else to_index).append(rec if known else src)
            elif rec is None or rec.state != "done" or rec.version != CHUNKER_VERSION:
                to_index.append(src)
            elif same_stat:
                unchanged.append(src)
            elif rec.size == src.size and _sha256(src.path) == rec.sha256:
                unchanged.append(src)
                touched.append(_replace_stat(rec, src))
            else:
                to_index.append(src)
        on_disk = {f.name for f in files}
        to_remove = [name for name in records if name not in on_disk]
        return _Plan(to_index, to_remove, unchanged, touched, failing)

    # --- doing -----------------------------------------------------------------------------

    def _remove(self, records: list[FileRecord]) -> None:
        if not records:
            return
        self._store.put_file_records([_with_state(r, "pending") for r in records])
        self._store.delete_files_chunks([r.file for r in records])
        self._store.delete_file_records([r.file for r in records])

    def _failed(
        self, src: SourceFile, reason: str, old: FileRecord | None, report: IndexReport
    ) -> None:
        """Record a file that loads no article: its old chunks go, a ``skipped`` record with
        its stat stays, so the unchanged file is not read again on every freshness check."""
        report.skip(src.name, reason)
        if old is not None and old.state != "skipped":
            self._remove([old])
            report.removed += 1
        failed = FileRecord(
            src.name, "", src.size, src.mtime_ns, self._skip_version, 0, "skipped", reason=reason
        )
        self._store.put_file_records([failed])

    def _load(
        self, batch: list[SourceFile], records: dict[str, FileRecord], report: IndexReport
    ) -> list[tuple[SourceFile, Article, list[Chunk]]]:
        loaded = []
        for src in batch:
            try:
                article, warning = load_article(src, self._max_bytes, self._cache)
            except ArticleError as exc:
                self._failed(src, exc.reason, records.get(src.name), report)
                continue
            if warning:
                report.warnings.append(warning)
            loaded.append((src, article, chunk_article(article)))
        return loaded

    def _index_batch(
        self,
        batch: list[SourceFile],
        records: dict[str, FileRecord],
        report: IndexReport,
        run: _Run,
    ) -> bool:
        """Index one batch of files; True when it wrote any."""
        loaded = self._load(batch, records, report)
        run.articles -= len(batch) - len(loaded)
        if not loaded:
            run.done = run.base = run.base + len(batch)
            return False
        reusable = self._store.vectors_by_hash(
            [src.name for src, _, _ in loaded if src.name in records]
        )
        new_chunks = {
            c.hash: c for _, _, chunks in loaded for c in chunks if c.hash not in reusable
        }
        vectors = self._embed(new_chunks, [chunks for _, _, chunks in loaded], run, batch)
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
            if src.name in records and records[src.name].state != "skipped":
                report.updated += 1
            else:
                report.added += 1
        report.chunks_embedded += sum(1 for c in all_chunks if c.hash in new_chunks)
        report.chunks_reused += sum(1 for c in all_chunks if c.hash not in new_chunks)
        run.indexed += len(loaded)
        run.done = run.base = run.base + len(batch)
        return True

    def _embed(
        self,
        new_chunks: dict[str, Chunk],
        per_file: list[list[Chunk]],
        run: _Run,
        batch: list[SourceFile],
    ) -> dict[str, np.ndarray]:
        """Vectors of ``new_chunks`` by hash, embedded in slices of ``EMBED_SLICE``; after
        each, the files whose new chunks are all embedded count as done."""
        hashes = list(new_chunks)
        position = {h: k + 1 for k, h in enumerate(hashes)}
        needs = [max((position.get(c.hash, 0) for c in chunks), default=0) for chunks in per_file]
        failed = len(batch) - len(per_file)
        vectors: dict[str, np.ndarray] = {}
        for k in range(0, len(hashes), EMBED_SLICE):
            part = hashes[k : k + EMBED_SLICE]
            vectors.update(zip(part, self._encode([new_chunks[h].search_text for h in part])))
            run.chunks += len(part)
            run.done = run.base + failed + sum(n <= k + len(part) for n in needs)
            run.tell()
        return vectors

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


def _batches(todo: list[SourceFile]) -> Iterator[list[SourceFile]]:
    """``todo`` in batches of ``FIRST_BATCH`` files, doubling up to ``MAX_BATCH``."""
    k, size = 0, FIRST_BATCH
    while k < len(todo):
        yield todo[k : k + size]
        k, size = k + size, min(size * 2, MAX_BATCH)


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _with_state(record: FileRecord, state: str) -> FileRecord:
    return replace(record, state=state)


def _replace_stat(record: FileRecord, src: SourceFile) -> FileRecord:
    return replace(record, size=src.size, mtime_ns=src.mtime_ns)
