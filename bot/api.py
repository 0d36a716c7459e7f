"""The public API: ``Bot`` — index a folder of articles, ask questions, read sources.

``Bot(seeds_dir, data_dir)`` -> ``index()`` -> ``ask(question, history)``. The CLI, the
page and the evals go through this class and nothing else. It is a facade: the parts
(encoder, Chroma store, BM25 cache, hybrid search, answerers) are built on first use by
``bot.components.Components`` and may be passed in; keeping the index fresh is
``bot.keeper.IndexKeeper``'s job, retrieval ``bot.index.passages``'s, and the on-disk
re-check of every citation ``bot.ingest.sources``'s. ``ask`` indexes first when the index is missing
or stale; the offline path never imports llama-index.

While an index run is still going (a page indexing in a background thread, or another
process holding the index lock), ``ask`` answers from what is searchable and says so in
``Answer.coverage``; a refusal then waits for this process's run to finish (up to
``settings.index_wait`` seconds) and asks again, so nothing is refused only because it
was not indexed yet.
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
from bot.answer.question import asks_about_its_week
from bot.answer.timeline import its_week
from bot.components import Components
from bot.config import Settings
from bot.errors import BotError, IndexBusyError, InputError
from bot.keeper import IndexKeeper
from bot.protocols import Condenser, StreamingAnswerer
from bot.text.language import looks_english
from bot.types import PARTIAL_REFUSAL, Answer, IndexCoverage, Status

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from bot.index.bm25 import Bm25Index
    from bot.index.passages import Retrieved
    from bot.index.retrieval import HybridRetriever
    from bot.index.search import HybridSearch
    from bot.index.store import ChunkStore
    from bot.protocols import Answerer, Encoder
    from bot.types import IndexReport, Progress

History = Sequence[Mapping[str, str]]
#: Why a refusal of a question that is not in English may be one (the models are English).
ENGLISH_ONLY = (
    "questions are read in English only: if you asked in another language, ask in English"
)


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
        self._keeper = IndexKeeper(self.components)

    # --- parts, for callers who want them -------------------------------------------------

    @property
    def embedding(self) -> BaseEmbedding:
        """The llama-index ``BaseEmbedding`` in use (offline MiniLM by default)."""
        return self.components.embedding

    @property
    def encoder(self) -> Encoder:
        """The ``Encoder`` behind ``embedding``: what indexing and asking actually call."""
        return self.components.encoder

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

        ``progress`` is called with an ``IndexProgress`` after the plan, after each file
        and after each slice of chunks is embedded. Waits up to ``wait`` seconds (default
        ``settings.lock_timeout``) for another indexer of the same data dir (another
        process, or another thread of this one), then raises ``IndexBusyError``.
        """
        return self._keeper.index(progress, wait)

    def ensure_indexed(self, progress: Progress | None = None) -> IndexReport | None:
        """Index now if the index is missing or stale, as ``ask`` would first; the report,
        or None when there was nothing to do (or another process is indexing)."""
        return self._keeper.ensure_indexed(progress)

    def coverage(self) -> IndexCoverage:
        """How much of the folder is searchable now (see ``Answer.coverage``)."""
        return self._keeper.coverage()

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
        if not self.coverage().complete:
            return self._finish(self._answer_while_indexing(query), query, t0)
        return self._finish(self._answer(query), query, t0)

    def ask_stream(
        self, question: str, history: History | None = None, as_of: date | None = None
    ) -> Iterator[Status | str | Answer]:
        """The answer as it is produced, then the final ``Answer``.

        Yields ``Status`` signs of life from the start ("retrieving…", "asking <model>…",
        "checking sentence 2…") and ``str`` deltas of verified text only: on the LLM path
        each sentence appears once it has passed verification, so nothing unverified is
        ever streamed. The final answer's text is the deltas joined, except when a file
        changed under a citation (re-checked from disk) or the model broke off and the
        articles were quoted instead. Bad input raises before anything is yielded.
        ``as_of`` as in ``ask``.
        """
        t0 = self._clock()
        text = self.validate_question(question)
        messages = validate_history(history)
        day = validate_as_of(as_of)
        return self._stream(text, messages, day, t0)

    def _stream(
        self, text: str, messages: History, as_of: date | None, t0: float
    ) -> Iterator[Status | str | Answer]:
        yield Status("retrieving")
        query = self._standalone(text, messages, as_of)
        if not self.coverage().complete:  # while indexing: the whole answer, then its text
            final = self._finish(self._answer_while_indexing(query), query, t0)
            yield final.text
            yield final
            return
        found = self._retrieve(query)
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
                if isinstance(item, str) and not streamed:
                    streamed = True
                    first_text = self._clock() - t0
                yield item
        assert answer is not None, "an answerer must end with an Answer"
        answer.passages = found.passages
        answer.timings.update(retrieve=found.seconds, answer=self._clock() - t1)
        final = self._finish(answer, query, t0)
        if not streamed:
            first_text = self._clock() - t0
            yield final.text
        final.timings["first_text"] = first_text
        yield final

    def _prepare(self, question: str, history: History | None, as_of: object = None) -> Query:
        text = self.validate_question(question)
        messages = validate_history(history)
        return self._standalone(text, messages, validate_as_of(as_of))

    def _standalone(self, text: str, messages: History, day: date | None) -> Query:
        """The question made standalone (after bringing the index up to date)."""
        self._keeper.ensure_fresh()
        coverage = self.coverage()
        if coverage.complete and not coverage.articles:
            raise InputError(
                f"no articles to answer from: {self.settings.seeds_dir} holds no readable "
                ".txt, .md, .html, .pdf or .docx file (`bot index` says why for each)"
            )
        answerer = self.components.answerer
        if isinstance(answerer, Condenser) and messages:
            try:
                return replace(answerer.condense(text, messages), as_of=day)
            except BotError:
                pass  # the heuristic rewrite below is always available
        return replace(condense(text, messages), as_of=day)

    def _retrieve(self, query: Query) -> Retrieved:
        """The passages for ``query``; one naming its week ("…this week?") asked about a
        known day also searches that week's articles by themselves."""
        week = its_week(query.as_of) if query.as_of and asks_about_its_week(query.meaning) else None
        return self.components.passages.retrieve(query.standalone, query.parts, week)

    def _answer(self, query: Query) -> Answer:
        found = self._retrieve(query)
        t1 = self._clock()
        answer = self.components.answerer.answer(query, found.chunks)
        answer.passages = found.passages
        answer.timings.update(retrieve=found.seconds, answer=self._clock() - t1)
        return answer

    def _answer_while_indexing(self, query: Query) -> Answer:
        """An answer from what is searchable; a refusal waits for this process's index run
        (up to ``settings.index_wait``) and asks again. Still refused while indexing goes
        on: a partial refusal that says so; nothing searchable yet: ``IndexBusyError``."""
        deadline = self._clock() + self.settings.index_wait
        answer = self._answer(query)
        while answer.refused and self._keeper.tracker.running and self._clock() < deadline:
            self._keeper.tracker.wait_idle(deadline - self._clock())
            self.components.bm25.follow(self.components.ledger.records())
            answer = self._answer(query)
        coverage = self.coverage()
        if answer.refused and not coverage.complete:
            if coverage.indexed == 0:
                raise IndexBusyError(
                    f"nothing is indexed yet (0 of {coverage.articles:,} articles); "
                    "indexing continues, ask again in a moment"
                )
            answer.text = PARTIAL_REFUSAL  # Answer.coverage says how much was searchable
        return answer

    def _finish(self, answer: Answer, query: Query, t0: float) -> Answer:
        answer = self._checked(answer, query)
        if answer.refused and not looks_english(query.text):
            answer.reason = "; ".join(r for r in (ENGLISH_ONLY, answer.reason) if r)
        answer.coverage = self.coverage()
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

    def check_seeds_dir(self) -> None:
        """An ``InputError`` when the seeds dir is missing, a file or unreadable."""
        from bot.ingest.corpus import check_seeds_dir

        check_seeds_dir(self.settings.seeds_dir)

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

    def example_questions(self, limit: int = 4, check: bool | None = None) -> list[str]:
        """Up to ``limit`` questions about the key facts of the newest articles, each one
        this bot answers when ``check`` (default: with the offline answerer); see
        ``bot.examples``."""
        from bot.examples import example_questions

        if check is None:
            check = self.components.answerer is self.components.extractive
        return example_questions(self, limit, check)

    def source_text(self, file: str) -> tuple[str, str] | None:
        """``(text, encoding)`` of a seeds file as citations index it; None if unreadable.
        For ``.txt``/``.md`` that is the file's text; for HTML/PDF/DOCX the text extracted
        from it (kept by content hash, so it is not parsed again), which the page shows."""
        return self.components.sources.text(file)
