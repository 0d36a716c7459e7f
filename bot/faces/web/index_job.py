"""The page's index job: one background ``bot.index`` per app, watched by every page.

``IndexJob.start`` runs ``bot.index`` once in a daemon thread; ``wait(seen)`` hands each
watcher the newest ``Progress`` (a version counter lets a page wait for change, not poll);
``status(progress)`` is its one-line HTML for the page. When indexing ends it keeps the
example questions for the page. It renders through ``bot.faces.web.html`` and calls only
the public ``Bot`` API.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import BotError
from bot.faces.web.examples import example_questions
from bot.faces.web.html import render_status

if TYPE_CHECKING:
    from bot.api import Bot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    version: int
    stage: str
    done: int
    total: int
    finished: bool
    error: str
    summary: str


class IndexJob:
    """Indexes once, in a background thread, and lets any number of pages watch progress."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._state = Progress(0, "waiting", 0, 0, False, "", "")
        self.examples: list[str] = []

    def start(self) -> None:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bot-index", daemon=True)
                self._thread.start()

    def wait(self, seen: int, timeout: float = 1.0) -> Progress:
        """The current progress, once it is newer than version ``seen`` (or after ``timeout``)."""
        with self._cond:
            self._cond.wait_for(lambda: self._state.version != seen, timeout=timeout)
            return self._state

    def _update(self, **changes: object) -> None:
        with self._cond:
            fields = {**self._state.__dict__, **changes, "version": self._state.version + 1}
            self._state = Progress(**fields)
            self._cond.notify_all()

    def _run(self) -> None:
        error = summary = ""
        try:
            report = self._bot.index(
                progress=lambda stage, done, total: self._update(
                    stage=stage, done=done, total=total
                )
            )
            for warning in report.warnings:
                log.warning("%s", warning)
            articles = self._bot.articles()
            skipped = f", {report.skipped} skipped (see the server log)" if report.skipped else ""
            summary = f"{len(articles)} article{'s' * (len(articles) != 1)} indexed{skipped}"
            self.examples = example_questions(articles)
        except BotError as exc:
            error = str(exc)
        except Exception as exc:  # a bug: keep the page up, log the traceback
            log.exception("indexing failed")
            error = f"indexing failed ({type(exc).__name__}); the details are in the server log"
        self._update(finished=True, error=error, summary=summary)


def status(state: Progress) -> str:
    if state.error:
        return render_status(f"Indexing failed: {state.error}", "error")
    if state.finished:
        return render_status(f"Ready — {state.summary}", "ready")
    if state.total:
        return render_status(f"Indexing articles ({state.stage})…", "busy", state.done, state.total)
    return render_status("Checking the articles…", "busy")
