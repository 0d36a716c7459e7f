"""The public API: ``Bot`` — index a folder of articles, ask questions, read sources.

``Bot(seeds_dir, data_dir)`` -> ``index()`` -> ``ask(question, history)``. The CLI, the
page and the evals go through this class and nothing else. It is a facade: the parts
(encoder, Chroma store, BM25 cache, hybrid search, answerers) are built on first use by
``bot.components.Components`` and may be passed in; freshness checks are
``bot.index.freshness``'s, retrieval ``bot.index.passages``'s, and the on-disk re-check of
every citation ``bot.ingest.sources``'s. ``ask`` indexes first when the index is missing
or stale; the offline path never imports llama-index.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answer.query import (
    Query,
    condense,
    validate_as_of,
    validate_history,
    validate_question,
)
from bot.components import Components
from bot.config import Settings
from bot.errors import BotError, IndexBusyError
from bot.index.freshness import FreshnessGuard
from bot.protocols import Condenser, StreamingAnswerer
from bot.types import Answer

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from bot.index.bm25 import Bm25Index
    from bot.index.indexer import IndexReport, Progress
    from bot.index.retrieval import HybridRetriever
    from bot.index.search import HybridSearch
    from bot.index.store import ChunkStore
    from bot.protocols import Answerer

History = Sequence[Mapping[str, str]]


class Bot:
    """Questions about a folder of news articles, answered with exact citations."""

    def __init__(
        self,
        seeds_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embedding: BaseEmbedding | None = None,
        client: ClientAPI | None = None,  # embedded or HTTP
        answerer: Answerer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        base = settings or Settings.from_env()
        self.settings = base.with_(seeds_dir=seeds_dir, data_dir=data_dir)
        self.components = Components(
            self.settings, embedding=embedding, client=client, answerer=answerer, clock=clock
        )
        self._clock = clock
        self._fresh = FreshnessGuard(self.settings.refresh_seconds, clock)

    # --- parts, for callers who want them -------------------------------------------------

    @property
    def embedding(self) -> BaseEmbedding:
        """The llama-index ``BaseEmbedding`` in use (offline MiniLM by default)."""
        return self.components.embedding

    @property
    def store(self) -> ChunkStore:
        """The ``ChunkStore`` (Chroma) holding chunks, vectors and the file ledger."""
        return self.components.store

    @property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever as a llama-index ``BaseRetriever``."""
        return self.components.retriever

    @property
    def searcher(self) -> HybridSearch:
        """The ``HybridSearch`` that ``ask`` uses."""
        return self.components.search

    @property
    def answerer(self) -> Answerer:
        """Who answers (``settings.llm``), with the offline fallback."""
        return self.components.answerer

    def bm25(self) -> Bm25Index:
        """The BM25 index over the store's current chunks."""
        return self.components.bm25.get()

    # --- indexing --------------------------------------------------------------------------

    def index(self, progress: Progress | None = None, wait: float | None = None) -> IndexReport:
        """Bring the index in line with the seeds dir; returns an ``IndexReport``.

        Waits up to ``wait`` seconds (default ``settings.lock_timeout``) for another process
        indexing the same data dir, then raises ``IndexBusyError``.
        """
        from bot.index.indexer import Indexer, lock

        c = self.components
        timeout = self.settings.lock_timeout if wait is None else wait
        with lock(self.settings.data_dir, timeout):
            indexer = Indexer(c.store, c.encoder, self.settings.max_file_bytes, progress)
            report = indexer.sync(self.settings.seeds_dir)
        self._fresh.checked()
        c.sources.forget()
        c.ledger.forget()
        if report.changed or report.skipped:
            c.bm25.invalidate()
        return report

    def _ensure_fresh(self) -> None:
        self._fresh.ensure(self._index_is_stale, lambda: self.index(wait=0))

    def _index_is_stale(self) -> bool:
        from bot.index.indexer import Indexer

        c = self.components
        records = c.ledger.records()
        c.bm25.follow(records)  # another process may have changed the index
        return Indexer(c.store, c.encoder).is_stale(self.settings.seeds_dir, records)

    # --- asking ----------------------------------------------------------------------------

    def ask(
        self, question: str, history: History | None = None, as_of: date | None = None
    ) -> Answer:
        """Answer ``question`` from the articles, every sentence cited, or refuse.

        ``as_of`` is the day the question is asked about ("who won this week?"), when the
        caller knows it: the learned selector weighs articles from that week more (the
        hand-set answerer ignores it). None (the default) assumes no date, never today's."""
        t0 = self._clock()
        query = self._prepare(question, history, as_of)
        return self._finish(self._answer(query), query, t0)

    def ask_stream(
        self, question: str, history: History | None = None, as_of: date | None = None
    ) -> Iterator[str | Answer]:
        """Text deltas (``str``) as the answer is produced, then the final ``Answer``.

        The final answer is the verified one; its text may differ from the concatenated
        deltas when verification dropped or re-cited sentences (the page replaces the
        streamed text with it). Input errors raise before anything is yielded. ``as_of``
        as in ``ask``.
        """
        t0 = self._clock()
        query = self._prepare(question, history, as_of)
        return self._stream(query, t0)

    def _stream(self, query: Query, t0: float) -> Iterator[str | Answer]:
        found = self.components.passages.retrieve(query.standalone, query.parts)
        t1 = self._clock()
        answerer = self.components.answerer
        answer, streamed = None, False
        items = (
            answerer.stream(query, found.chunks)
            if isinstance(answerer, StreamingAnswerer)
            else iter([answerer.answer(query, found.chunks)])
        )
        for item in items:
            if isinstance(item, Answer):
                answer = item
            else:
                streamed = True
                yield item
        assert answer is not None, "an answerer must end with an Answer"
        answer.passages = found.passages
        answer.timings.update(retrieve=found.seconds, answer=self._clock() - t1)
        final = self._finish(answer, query, t0)
        if not streamed:
            yield final.text
        yield final

    def _prepare(self, question: str, history: History | None, as_of: object = None) -> Query:
        text = self.validate_question(question)
        messages = validate_history(history)
        day = validate_as_of(as_of)
        self._ensure_fresh()
        answerer = self.components.answerer
        if isinstance(answerer, Condenser) and messages:
            try:
                return replace(answerer.condense(text, messages), as_of=day)
            except BotError:
                pass  # the heuristic rewrite below is always available
        return replace(condense(text, messages), as_of=day)

    def _answer(self, query: Query) -> Answer:
        found = self.components.passages.retrieve(query.standalone, query.parts)
        t1 = self._clock()
        answer = self.components.answerer.answer(query, found.chunks)
        answer.passages = found.passages
        answer.timings.update(retrieve=found.seconds, answer=self._clock() - t1)
        return answer

    def _finish(self, answer: Answer, query: Query, t0: float) -> Answer:
        answer = self._checked(answer, query)
        answer.timings["total"] = self._clock() - t0
        return answer

    def _checked(self, answer: Answer, query: Query, retry: bool = True) -> Answer:
        """Every citation re-read from disk; a mismatch means a file changed since the last
        freshness check: re-index and re-ask once, else drop what no longer matches."""
        kept = self.components.sources.recheck(answer.citations)
        if len(kept) == len(answer.citations):
            answer.citations = kept
            return answer
        if retry:
            try:
                self.index(wait=0)
            except IndexBusyError:
                pass  # another process is indexing: drop, don't wait
            else:
                return self._checked(self._answer(query), query, retry=False)
        answer.citations = kept
        return answer.keep_citations({c.n for c in kept})

    def validate_question(self, question: object) -> str:
        """The question cleaned of control characters, or an ``InputError`` saying why not."""
        return validate_question(question, self.settings.max_question_chars)

    # --- sources ---------------------------------------------------------------------------

    def articles(self) -> list[dict[str, str]]:
        """The indexed articles as ``{"file", "title", "date"}`` dicts, sorted by file.

        Read from the store's file ledger (``date`` is ``""`` when unknown); files still being
        indexed are left out. It does not index: call ``index()`` first on a new data dir.
        """
        records = self.components.store.file_records().values()
        return [
            {"file": r.file, "title": r.title, "date": r.date or ""}
            for r in sorted(records, key=lambda r: r.file)
            if r.state == "done"
        ]

    def source_text(self, file: str) -> tuple[str, str] | None:
        """``(text, encoding)`` of a seeds file as citations index it; None if unreadable."""
        return self.components.sources.text(file)
