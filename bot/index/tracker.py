"""IndexTracker: what one process knows about indexing while it answers questions.

It holds the progress of this process's index run, if one is going (a page indexes in a
background thread while people ask), or the state the last freshness check found when it
could not index (another process holds the index lock), and lets an asker wait for a run
to finish. ``coverage(indexed)`` turns that into the ``IndexCoverage`` an ``Answer``
carries. It keeps state; it neither indexes nor answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bot.types import IndexCoverage, IndexProgress


class IndexTracker:
    """This process's view of indexing (see the module docstring). Thread-safe."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._runs = 0
        self._progress: IndexProgress | None = None
        self._behind: IndexCoverage | None = None  # stale, and someone else is indexing

    @property
    def running(self) -> bool:
        with self._cond:
            return self._runs > 0

    @contextmanager
    def run(self) -> Iterator[Callable[[IndexProgress], None]]:
        """Mark an index run of this process; yields the callback for its progress."""

        def tell(progress: IndexProgress) -> None:
            with self._cond:
                self._progress = progress
                self._cond.notify_all()

        with self._cond:
            self._runs += 1
            self._progress = None
        try:
            yield tell
        finally:
            with self._cond:
                self._runs -= 1
                if not self._runs:
                    self._progress, self._behind = None, None
                self._cond.notify_all()

    def behind(self, indexed: int, articles: int) -> None:
        """The folder holds ``articles`` but only ``indexed`` are searchable, and this
        process could not index (another one holds the lock)."""
        with self._cond:
            self._behind = IndexCoverage(indexed, articles, indexing=True)

    def caught_up(self) -> None:
        """A freshness check found nothing to do."""
        with self._cond:
            self._behind = None

    def coverage(self, indexed: int) -> IndexCoverage:
        """How complete the index is; ``indexed`` is the count of searchable articles,
        used when no run is going and nothing is known to be missing."""
        with self._cond:
            if self._runs and self._progress is not None:
                p = self._progress
                return IndexCoverage(p.indexed, p.articles, indexing=True)
            if self._runs:  # started, not planned yet
                return IndexCoverage(indexed, indexed, indexing=True)
            return self._behind or IndexCoverage(indexed, indexed)

    def wait_idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for this process's index runs to end; True if
        none is running."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._runs, timeout=max(0.0, timeout))
