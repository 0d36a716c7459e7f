"""Freshness: re-index before answering when the seeds dir changed, without stalling.

``FreshnessGuard.ensure(is_stale, reindex)`` checks at most every ``refresh_seconds``.
The first check of a guard makes every caller wait (the index may be missing); later ones
are made by one caller while the others answer from the current index (citations are
re-checked against the files anyway). When another process holds the index lock
(``IndexBusyError``) it answers from what is indexed and looks again later. It decides
when to look; what "stale" means and how to index are given to it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from bot.errors import IndexBusyError

Clock = Callable[[], float]
_NEVER = float("-inf")


class FreshnessGuard:
    """When to check the seeds dir against the index (see the module docstring)."""

    def __init__(self, refresh_seconds: float, clock: Clock) -> None:
        if refresh_seconds < 0:
            raise ValueError("refresh_seconds must be non-negative")
        self.refresh_seconds, self._clock = refresh_seconds, clock
        self._checked_at = _NEVER
        self._lock = threading.Lock()  # one check at a time

    def checked(self) -> None:
        """Record that the index was just brought up to date."""
        self._checked_at = self._clock()

    def _due(self) -> bool:
        return self._clock() - self._checked_at >= self.refresh_seconds

    def ensure(self, is_stale: Callable[[], bool], reindex: Callable[[], object]) -> None:
        """Call ``reindex`` when due and ``is_stale()``; ``reindex`` may raise
        ``IndexBusyError`` (another process is indexing): then answer from what is there."""
        if not self._due():
            return
        if not self._lock.acquire(blocking=self._checked_at == _NEVER):
            return
        try:
            if not self._due():
                return  # another thread checked while this one waited
            if is_stale():
                with contextlib.suppress(IndexBusyError):  # busy: look again later
                    reindex()
            self.checked()
        finally:
            self._lock.release()
