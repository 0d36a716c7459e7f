"""Index keeper: keeps one ``Bot``'s index in line with its seeds dir, and says how complete it is.

``IndexKeeper.index`` runs the indexer under the data dir's lock (and records the run in an
``IndexTracker``, so answers given meanwhile know what was searchable); ``ensure_indexed``
indexes only when the seeds dir changed; ``ensure_fresh`` is the check ``ask`` makes first
(at most every ``refresh_seconds``, see ``bot.index.freshness``); ``coverage`` is how many of
the folder's articles are searchable now. After a run it tells the caches (source texts,
ledger copy, BM25) that the index moved. It keeps the index; it answers nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import IndexBusyError
from bot.index.freshness import FreshnessGuard
from bot.index.tracker import IndexTracker
from bot.types import IndexCoverage

if TYPE_CHECKING:
    from bot.components import Components
    from bot.types import IndexProgress, IndexReport, Progress


class IndexKeeper:
    """The index side of a ``Bot`` (see the module docstring). Thread-safe."""

    def __init__(self, components: Components) -> None:
        self.components, self.settings = components, components.settings
        self.fresh = FreshnessGuard(self.settings.refresh_seconds, components.clock)
        self.tracker = IndexTracker()

    def index(self, progress: Progress | None = None, wait: float | None = None) -> IndexReport:
        """Bring the index in line with the seeds dir; returns an ``IndexReport``.

        ``progress`` is called with an ``IndexProgress`` after the plan, after each file
        and after each slice of chunks is embedded. Waits up to ``wait`` seconds (default
        ``settings.lock_timeout``) for another indexer of the same data dir (another
        process, or another thread of this one), then raises ``IndexBusyError``.
        """
        from bot.index.indexer import Indexer, lock

        c = self.components
        timeout = self.settings.lock_timeout if wait is None else wait
        if timeout <= 0 and self.tracker.running:
            raise IndexBusyError("this process is indexing already")
        with lock(self.settings.data_dir, timeout), self.tracker.run() as tell:

            def on_progress(p: IndexProgress) -> None:
                tell(p)
                if progress is not None:
                    progress(p)

            indexer = Indexer(
                c.store, c.encoder, self.settings.max_file_bytes, on_progress, c.extraction_cache
            )
            report = indexer.sync(self.settings.seeds_dir)
        self.fresh.checked()
        c.sources.forget()
        c.ledger.forget()
        if report.changed:
            c.bm25.invalidate()
        return report

    def ensure_indexed(self, progress: Progress | None = None) -> IndexReport | None:
        """Index now if the index is missing or stale, as ``ask`` would first; the report,
        or None when there was nothing to do (or another process is indexing)."""
        if not self.is_stale():
            self.fresh.checked()
            return None
        try:
            return self.index(progress=progress, wait=0)
        except IndexBusyError:
            self.fresh.checked()
            return None

    def ensure_fresh(self) -> None:
        """Index first when the seeds dir changed (see ``FreshnessGuard``); while an index
        run goes on, follow its batches."""
        self.fresh.ensure(self.is_stale, lambda: self.index(wait=0))
        if not self.tracker.coverage(0).complete:  # indexing goes on: follow its batches
            self.components.bm25.follow(self.components.ledger.records())

    def is_stale(self) -> bool:
        """The seeds dir differs from the index (and the tracker knows by how much)."""
        from bot.index.indexer import Indexer

        c = self.components
        records = c.ledger.records()
        c.bm25.follow(records)  # another process may have changed the index
        status = Indexer(c.store, c.encoder, self.settings.max_file_bytes).status(
            self.settings.seeds_dir, records
        )
        if status.stale:  # if indexing it now turns out busy, answers say what is missing
            self.tracker.behind(status.indexed, status.articles)
        else:
            self.tracker.caught_up()
        return status.stale

    def coverage(self) -> IndexCoverage:
        """How much of the folder is searchable now (see ``Answer.coverage``)."""
        return self.tracker.coverage(self.components.ledger.done())
