"""The public API: ``Bot`` wires corpus, index, retrieval and an answerer together.

``Bot(seeds_dir, data_dir)`` -> ``index()`` -> ``ask(question, history)``. The CLI, the page
and the evals all go through this class and nothing else. Components (Chroma client,
embedding model, answerer, clock) can be passed in; by default they are built lazily from
``Settings`` so constructing a ``Bot`` is cheap. ``ask`` indexes first when the index is
missing or stale, and checks every citation against the file on disk before returning it.

The offline ``ask`` path (index check, hybrid search, extractive answer) runs on the bare
encoder and ``bot.search`` and never imports llama-index; ``bot.embedding`` and
``bot.retriever`` hand out the llama-index ``BaseEmbedding`` / ``BaseRetriever`` over the
same components for callers who want them.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.answer import Answer, Passage
from bot.config import Settings
from bot.corpus import ArticleError, SourceFile, read_source
from bot.errors import BotError, IndexBusyError, InputError, LLMError
from bot.followup import Query, condense, validate_history

History = Sequence[Mapping[str, str]]
_VECTOR_CACHE = 50_000  # sentences; about 75 MB of float32 vectors


class Bot:
    def __init__(
        self,
        seeds_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embedding: Any = None,
        client: Any = None,
        answerer: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        base = settings or Settings.from_env()
        self.settings = base.with_(seeds_dir=seeds_dir, data_dir=data_dir)
        self._embedding, self._client, self._answerer = embedding, client, answerer
        self._encoder: Any = None
        self._searcher: Any = None
        self._clock = clock
        self._store: Any = None
        self._extractive: Any = None
        self._bm25: Any = None
        self._bm25_key = ""
        self._bm25_previous: Any = None  # the index before the last change: updated, not rebuilt
        self._retriever: Any = None
        self._checked_at = float("-inf")
        self._ledger: tuple[str | None, dict[str, Any]] | None = None  # (generation, records)
        self._refresh_lock = threading.Lock()  # one freshness check at a time
        self._lock = threading.RLock()
        self._local = threading.local()  # per-thread scratch: the passages of the current ask
        self._texts: dict[tuple[str, int, int], tuple[str, str]] = {}
        self._vectors: OrderedDict[str, Any] = OrderedDict()  # answer-time encodings (LRU)

    # --- components (lazy) -----------------------------------------------------------------

    @property
    def embedding(self) -> Any:
        """The llama-index ``BaseEmbedding`` in use (offline MiniLM by default)."""
        with self._lock:
            if self._embedding is None:
                from bot.embedding import MiniLMEmbedding

                self._embedding = MiniLMEmbedding(self.encoder)
            return self._embedding

    @property
    def encoder(self) -> Any:
        """The ``Encoder`` behind ``embedding``: what indexing and asking actually call."""
        with self._lock:
            if self._encoder is None:
                from bot.encoder import MiniLM, as_encoder

                self._encoder = MiniLM() if self._embedding is None else as_encoder(self._embedding)
            return self._encoder

    @property
    def store(self) -> Any:
        with self._lock:
            if self._store is None:
                from bot.store import ChunkStore, connect

                client = self._client or connect(self.settings.data_dir, self.settings.chroma_url)
                self._store = ChunkStore(
                    client,
                    self.settings.collection,
                    self.encoder.model_id,
                    int(self.encoder.dimension),
                )
            return self._store

    @property
    def retriever(self) -> Any:
        """The ``HybridRetriever`` (a llama-index ``BaseRetriever``) over the same components."""
        with self._lock:
            if self._retriever is None:
                from bot.retrieval import HybridRetriever

                self._retriever = HybridRetriever(
                    self.store, self.embedding, self.bm25, top_k=self.settings.top_k
                )
            return self._retriever

    @property
    def searcher(self) -> Any:
        """The ``HybridSearch`` that ``ask`` uses (no llama-index on this path)."""
        with self._lock:
            if self._searcher is None:
                from bot.search import HybridSearch

                self._searcher = HybridSearch(
                    self.store, self._encode_query, self.bm25, top_k=self.settings.top_k
                )
            return self._searcher

    @property
    def extractive(self) -> Any:
        """The offline answerer (always available; the LLM path falls back to it)."""
        with self._lock:
            if self._extractive is None:
                from bot.extractive import ExtractiveAnswerer

                self._extractive = ExtractiveAnswerer(
                    self._encode,
                    idf=lambda t: self.bm25().idf(t),
                    in_corpus=lambda t: self.bm25().document_frequency(t) > 0,
                )
            return self._extractive

    @property
    def answerer(self) -> Any:
        """The answerer ``settings.llm`` selects: ``auto`` means the LLM when one is configured."""
        with self._lock:
            if self._answerer is None:
                mode = self.settings.llm
                if mode == "auto":
                    mode = "openai" if self.settings.llm_configured else "extractive"
                if mode == "openai":
                    from bot.llm_answerer import LLMAnswerer

                    self._answerer = LLMAnswerer.from_settings(self.settings, encode=self._encode)
                else:
                    self._answerer = self.extractive
            return self._answerer

    def _encode(self, texts: Sequence[str]) -> Any:
        """Unit vectors for answer-time texts (sentences, questions), with an LRU cache:
        the same sentences come back question after question."""
        import numpy as np

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = self.encoder.encode(missing)
            with self._lock:
                for text, vector in zip(missing, fresh):
                    self._vectors[text] = vector
                while len(self._vectors) > _VECTOR_CACHE:
                    self._vectors.popitem(last=False)
        with self._lock:
            rows = []
            for t in texts:
                vector = self._vectors.get(t)
                if vector is None:  # evicted meanwhile by another thread's burst
                    vector = self.encoder.encode([t])[0]
                else:
                    self._vectors.move_to_end(t)
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, int(self.encoder.dimension)), np.float32)

    def _encode_query(self, query: str) -> Any:
        return self._encode([query])[0]

    def bm25(self) -> Any:
        """The BM25 index over the store's current chunks: its on-disk cache when the index
        has not changed, else the previous one updated (only changed files are re-read from
        the store and re-tokenized), else one built from every chunk."""
        from bot.bm25 import Bm25Doc, Bm25Index
        from bot.terms import TERMS_VERSION

        def docs(chunks: Iterable[Any]) -> Iterator[Bm25Doc]:
            return (Bm25Doc(c.id, c.file, c.search_text) for c in chunks)

        with self._lock:
            if self._bm25 is not None:
                return self._bm25
            records = self._records()
            key = _fingerprint(records)
            caches = self.settings.data_dir / "bm25"
            path = caches / f"{self.store.name}-{key}-{TERMS_VERSION}"
            try:
                index = Bm25Index.load(path)
            except ValueError:
                versions = {f: r.signature for f, r in records.items()}
                base = self._bm25_previous or _previous_bm25(caches, self.store.name)
                changed = sum(base.versions.get(f) != v for f, v in versions.items()) if base else 0
                if base is None or changed > len(versions) // 2:  # one pass reads faster then
                    index = Bm25Index.build(docs(self.store.iter_chunks()), versions)
                else:
                    index = base.updated(versions, lambda f: docs(self.store.chunks_of_files(f)))
                path.parent.mkdir(parents=True, exist_ok=True)
                _save_quietly(index, path)
                _prune_bm25_caches(path, self.store.name)
            self._bm25, self._bm25_key, self._bm25_previous = index, key, None
            return index

    def _drop_bm25(self) -> None:
        """The index changed: the next ``bm25()`` updates the current BM25 index from it.
        Call with ``self._lock`` held."""
        if self._bm25 is not None:
            self._bm25_previous, self._bm25 = self._bm25, None

    # --- indexing --------------------------------------------------------------------------

    def index(
        self, progress: Callable[[str, int, int], None] | None = None, wait: float | None = None
    ) -> Any:
        """Bring the index in line with the seeds dir; returns an ``IndexReport``.

        Waits up to ``wait`` seconds (default ``settings.lock_timeout``) for another process
        indexing the same data dir, then raises ``IndexBusyError``.
        """
        from bot.indexer import Indexer, lock

        timeout = self.settings.lock_timeout if wait is None else wait
        with lock(self.settings.data_dir, timeout):
            indexer = Indexer(self.store, self.encoder, self.settings.max_file_bytes, progress)
            report = indexer.sync(self.settings.seeds_dir)
        with self._lock:
            self._checked_at = self._clock()
            self._texts.clear()
            self._ledger = None
            if report.changed or report.skipped:
                self._drop_bm25()
        return report

    def _records(self) -> dict[str, Any]:
        """The store's file ledger; a copy is reused while the ledger's generation holds."""
        generation = self.store.generation()
        with self._lock:
            cached = self._ledger
        if generation is not None and cached is not None and cached[0] == generation:
            return cached[1]
        records = self.store.file_records()
        with self._lock:
            self._ledger = (generation, records)
        return records

    def _ensure_fresh(self) -> None:
        """Index first when the seeds dir changed, at most every ``refresh_seconds``.

        One thread checks at a time. The first check of a ``Bot`` makes every caller wait
        (the index may be missing); later ones are done by one caller while the others
        answer from the current index (citations are re-checked against the files anyway).
        """
        from bot.indexer import Indexer

        if self._clock() - self._checked_at < self.settings.refresh_seconds:
            return
        if not self._refresh_lock.acquire(blocking=self._checked_at == float("-inf")):
            return
        try:
            if self._clock() - self._checked_at < self.settings.refresh_seconds:
                return  # another thread checked while this one waited
            records = self._records()
            with self._lock:
                if self._bm25 is not None and _fingerprint(records) != self._bm25_key:
                    self._drop_bm25()  # another process changed the index
            stale = Indexer(self.store, self.encoder).is_stale(self.settings.seeds_dir, records)
            if stale:
                try:
                    self.index(wait=0)
                except IndexBusyError:
                    # another process is indexing: answer from what is indexed now (citations
                    # are checked on disk) and look again after refresh_seconds
                    with self._lock:
                        self._checked_at = self._clock()
            else:
                with self._lock:
                    self._checked_at = self._clock()
        finally:
            self._refresh_lock.release()

    # --- asking ----------------------------------------------------------------------------

    def ask(self, question: str, history: History | None = None) -> Answer:
        """Answer ``question`` from the articles, every sentence cited, or refuse."""
        t0 = self._clock()
        query = self._prepare(question, history)
        answer = self._answer(query)
        return self._finish(answer, query, t0)

    def ask_stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Text deltas (``str``) as the answer is produced, then the final ``Answer``.

        The final answer is the verified one; its text may differ from the concatenated
        deltas when verification dropped or re-cited sentences (the page replaces the
        streamed text with it). Input errors raise before anything is yielded.
        """
        t0 = self._clock()
        query = self._prepare(question, history)
        return self._stream(query, t0)

    def _stream(self, query: Query, t0: float) -> Iterator[str | Answer]:
        chunks, t_retrieve = self._retrieve(query)
        t1 = self._clock()
        answer, streamed = None, False
        for item in self._run_answerer(query, chunks, stream=True):
            if isinstance(item, Answer):
                answer = item
            else:
                streamed = True
                yield item
        assert answer is not None, "an answerer must end with an Answer"
        answer.timings.update(retrieve=t_retrieve, answer=self._clock() - t1)
        final = self._finish(answer, query, t0)
        if not streamed:
            yield final.text
        yield final

    def _prepare(self, question: str, history: History | None) -> Query:
        text = self.validate_question(question)
        messages = validate_history(history)
        self._ensure_fresh()
        condense_with = getattr(self.answerer, "condense", None)
        if condense_with is not None and messages:
            try:
                return condense_with(text, messages)
            except BotError:
                pass  # the heuristic rewrite below is always available
        return condense(text, messages)

    def _retrieve(self, query: Query) -> tuple[list[Any], float]:
        t0 = self._clock()
        hits = self.searcher.search(query.standalone)
        parts = query.parts
        if len(parts) > 1:  # a compound question: each part gets its own candidates
            from bot.search import fuse_hits

            more = [self.searcher.search(p) for p in parts]
            hits = fuse_hits([hits, *more], self.settings.top_k + 2 * len(parts))
        chunks = [h.chunk for h in hits]
        self._local.passages = [
            Passage(c.file, c.start, c.end, c.line_start, c.line_end, c.title, c.date, h.score)
            for c, h in zip(chunks, hits)
        ]
        return chunks, self._clock() - t0

    def _answer(self, query: Query) -> Answer:
        chunks, t_retrieve = self._retrieve(query)
        t1 = self._clock()
        *_, answer = self._run_answerer(query, chunks, stream=False)
        assert isinstance(answer, Answer)
        answer.timings.update(retrieve=t_retrieve, answer=self._clock() - t1)
        return answer

    def _run_answerer(
        self, query: Query, chunks: list[Any], stream: bool
    ) -> Iterator[str | Answer]:
        answerer = self.answerer
        try:
            if stream and hasattr(answerer, "stream"):
                yield from answerer.stream(query, chunks)
            else:
                yield answerer.answer(query, chunks)
        except LLMError as exc:
            if not self.settings.llm_fallback:
                raise
            answer = self.extractive.answer(query, chunks)
            answer.answerer = "extractive (LLM unreachable)"
            answer.reason = f"{exc}; {answer.reason}".rstrip("; ")
            yield answer

    def _finish(self, answer: Answer, query: Query, t0: float) -> Answer:
        answer = self._checked(answer, query)
        answer.passages = list(getattr(self._local, "passages", []))
        answer.timings["total"] = self._clock() - t0
        return answer

    def validate_question(self, question: object) -> str:
        """The question cleaned of control characters, or an ``InputError`` saying why not."""
        if not isinstance(question, str):
            raise InputError("the question must be text")
        # control, format (zero-width) and unassigned characters become spaces
        text = " ".join(
            "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in question).split()
        )
        if not text:
            raise InputError("the question is empty")
        limit = self.settings.max_question_chars
        if len(text) > limit:
            raise InputError(
                f"the question is {len(text):,} characters long; the limit is {limit:,}"
            )
        return text

    def _checked(self, answer: Answer, query: Query, retry: bool = True) -> Answer:
        """Every citation re-read from disk; a mismatch means a file changed: re-index, re-ask."""
        checked = []
        for c in answer.citations:
            got = self.source_text(c.file)
            if got is None or got[0][c.start : c.end] != c.quote:
                if retry:  # a file changed since the last freshness check
                    try:
                        self.index(wait=0)
                    except IndexBusyError:
                        retry = False  # another process is indexing: drop, don't wait
                        continue
                    return self._checked(self._answer(query), query, retry=False)
                continue
            checked.append(replace(c, encoding=got[1]))
        dropped = {c.n for c in answer.citations} - {c.n for c in checked}
        answer.citations = checked
        return answer.keep_citations({c.n for c in checked}) if dropped else answer

    # --- sources ---------------------------------------------------------------------------

    def articles(self) -> list[dict[str, str]]:
        """The indexed articles as ``{"file", "title", "date"}`` dicts, sorted by file.

        Read from the store's file ledger (``date`` is ``""`` when unknown); files still being
        indexed are left out. It does not index: call ``index()`` first on a new data dir.
        """
        records = self.store.file_records().values()
        return [
            {"file": r.file, "title": r.title, "date": r.date or ""}
            for r in sorted(records, key=lambda r: r.file)
            if r.state == "done"
        ]

    def source_text(self, file: str) -> tuple[str, str] | None:
        """``(text, encoding)`` of a seeds file as citations index it; None if unreadable."""
        root = self.settings.seeds_dir.resolve()
        path = (root / file).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        st = path.stat()
        key = (file, st.st_size, st.st_mtime_ns)
        with self._lock:
            if key in self._texts:
                return self._texts[key]
        try:
            text, encoding, _, _ = read_source(
                SourceFile(path, file, st.st_size, st.st_mtime_ns), self.settings.max_file_bytes
            )
        except ArticleError:
            return None
        with self._lock:
            if len(self._texts) > 256:
                self._texts.clear()
            self._texts[key] = (text, encoding)
        return text, encoding


def _fingerprint(records: Mapping[str, Any]) -> str:
    """A short hash of the file ledger: changes whenever any file's chunks change."""
    rows = sorted(f"{r.file}\t{r.signature}" for r in records.values())
    return hashlib.sha1("\n".join(rows).encode()).hexdigest()[:16]


def _bm25_caches(caches: Path, store_name: str) -> list[Path]:
    """This store's saved BM25 indexes (``<store>-<ledger fingerprint>-<terms version>``)."""
    pattern = re.compile(re.escape(store_name) + r"-[0-9a-f]{16}(?:-\w+)?")
    with contextlib.suppress(OSError):
        return [p for p in caches.iterdir() if pattern.fullmatch(p.name)]
    return []


def _prune_bm25_caches(keep: Path, store_name: str) -> None:
    """Drop this store's older BM25 caches: each index change would otherwise leave one
    behind (tens of MB at 100k chunks). Another process still on an old one just rebuilds."""
    import shutil

    for old in _bm25_caches(keep.parent, store_name):
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def _previous_bm25(caches: Path, store_name: str) -> Any:
    """The newest saved BM25 index of this store and tokenizer, whatever its key (what a
    fresh process updates from after another one changed the index), or ``None``."""
    from bot.bm25 import Bm25Index
    from bot.terms import TERMS_VERSION

    found = [p for p in _bm25_caches(caches, store_name) if p.name.endswith(f"-{TERMS_VERSION}")]
    with contextlib.suppress(OSError):
        found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for path in found:
        with contextlib.suppress(ValueError):
            return Bm25Index.load(path)
    return None


def _save_quietly(index: Any, path: Path) -> None:
    """The BM25 cache is an optimisation: a read-only data dir only costs a rebuild."""
    with contextlib.suppress(OSError):
        index.save(path)
