"""Passages for a question: the retrieval step of ``ask``, returning what it found.

``PassageRetriever.retrieve(standalone, parts)`` runs hybrid search for the question; a
compound question ("How did X…, and what did Y…?") also searches each part and fuses the
rankings (``bot.index.fusion``), so every part gets candidates of its own. It returns a
``Retrieved``: the chunks (for the answerer), the same chunks as public ``Passage`` data
(for evals and the page) and the seconds it took. It does not answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from bot.index.fusion import fuse_hits
from bot.index.search import HybridSearch
from bot.ingest.chunking import Chunk
from bot.types import Passage


@dataclass(frozen=True)
class Retrieved:
    chunks: list[Chunk]
    passages: list[Passage]
    seconds: float


class PassageRetriever:
    """Hybrid search for a question and its parts (see the module docstring)."""

    def __init__(self, search: HybridSearch, clock: Callable[[], float] = time.monotonic) -> None:
        self._search, self._clock = search, clock

    def retrieve(
        self, standalone: str, parts: Sequence[str] = (), week: Collection[str] | None = None
    ) -> Retrieved:
        """``week``: the ``YYYY-MM-DD`` days of the question's week, when it is asked about
        a known day (their articles are also ranked by themselves: ``HybridSearch``)."""
        t0 = self._clock()
        hits = self._search.search(standalone, week=week)
        if len(parts) > 1:  # a compound question: each part gets its own candidates
            more = [self._search.search(p, week=week) for p in parts]
            hits = fuse_hits([hits, *more], self._search.top_k + 2 * len(parts))
        chunks = [h.chunk for h in hits]
        passages = [
            Passage(c.file, c.start, c.end, c.line_start, c.line_end, c.title, c.date, h.score)
            for c, h in zip(chunks, hits)
        ]
        return Retrieved(chunks, passages, self._clock() - t0)
