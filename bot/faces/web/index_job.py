"""The page's index job: one background ``bot.index`` per app, watched by every page.

``IndexJob.start`` runs ``bot.index`` once in a daemon thread; ``wait(seen)`` hands each
watcher the newest ``JobState`` (a version counter lets a page wait for change, not poll);
``status(state)`` is its status line for the page: while indexing, count, rate, ETA and how
many articles can be asked about already; when done, the article count and every file not
indexed with its reason. When indexing ends it keeps example questions for the page
(``bot.example_questions``). It renders through ``bot.faces.web.html`` and calls only the
public ``Bot`` API.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.errors import BotError
from bot.faces.progress import describe
from bot.faces.web.html import render_status

if TYPE_CHECKING:
    from bot.api import Bot
    from bot.types import IndexProgress


@dataclass(frozen=True)
class JobState:
    """The index job as a page sees it."""

    version: int = 0
    progress: IndexProgress | None = None
    finished: bool = False
    error: str = ""
    articles: int = 0
    skipped: tuple[tuple[str, str], ...] = ()  # (file, reason) of every file not indexed


log = logging.getLogger(__name__)


class IndexJob:
    """Indexes once, in a background thread, and lets any number of pages watch progress."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._state = JobState()
        self.examples: list[str] = []

    @property
    def state(self) -> JobState:
        with self._cond:
            return self._state

    def start(self) -> None:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bot-index", daemon=True)
                self._thread.start()

    def wait(self, seen: int, timeout: float = 1.0) -> JobState:
        """The current state, once it is newer than version ``seen`` (or after ``timeout``)."""
        with self._cond:
            self._cond.wait_for(lambda: self._state.version != seen, timeout=timeout)
            return self._state

    def _update(self, **changes: object) -> None:
        with self._cond:
            self._state = replace(self._state, **changes, version=self._state.version + 1)
            self._cond.notify_all()

    def _run(self) -> None:
        try:
            report = self._bot.index(progress=lambda p: self._update(progress=p))
            for warning in report.warnings:
                log.warning("%s", warning)
            articles = len(self._bot.articles())
            self._update(articles=articles, skipped=tuple(report.skipped_files))
            self.examples = self._bot.example_questions() if articles else []
            self._update(finished=True)
        except BotError as exc:
            self._update(finished=True, error=str(exc))
        except Exception as exc:  # a bug: keep the page up, log the traceback
            log.exception("indexing failed")
            error = f"indexing failed ({type(exc).__name__}); the details are in the server log"
            self._update(finished=True, error=error)


def status(state: JobState) -> str:
    """The status line for ``state`` (HTML, through ``render_status``)."""
    if state.error:
        return render_status(f"Indexing failed: {state.error}", "error")
    skipped = list(state.skipped)
    p = state.progress
    if not state.finished and p is not None and p.total:  # done counts embedded files
        ready = (
            f" — {p.indexed:,} of {p.articles:,} articles searchable; you can ask already"
            if p.indexed
            else " — the first articles will be searchable in a few seconds"
        )
        # the bar: how much can be asked about (files read run ahead of files written)
        return render_status(f"Indexing: {describe(p)}{ready}", "busy", p.indexed, p.articles)
    if not state.finished:
        return render_status("Checking the articles…", "busy")
    n = state.articles
    if not n:
        return render_status(
            "No articles to ask about: the folder holds no readable .txt, .md, .html, .pdf "
            "or .docx file",
            "error",
            skipped=skipped,
        )
    return render_status(f"Ready — {n:,} article{'s' * (n != 1)} indexed", "ready", skipped=skipped)
