"""Index progress for people: a bar on a terminal, a line every few seconds otherwise.

``ProgressView`` takes the ``IndexProgress`` a ``Bot.index`` run reports and writes to a
stream (stderr): at the plan, one line saying how many files will be read and why
("Indexing 100 new or changed files in seeds/ before answering…"); then, on a terminal, a
tqdm bar with count, rate and ETA; elsewhere (a log, a pipe) the same facts as a plain
line at most every ``every`` seconds, and a last one at the end. ``describe`` is that line,
which the page's status shows too. It only formats what the run reports.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

    from bot.types import IndexProgress

#: Seconds between two progress lines when stderr is not a terminal.
LINE_EVERY = 5.0


def describe(p: IndexProgress) -> str:
    """The line "40 of 100 files, 4.0 files/s, about 15 s left" (rate, ETA once known)."""

    out = f"{p.done:,} of {p.total:,} files"
    if p.done and p.seconds > 0:
        rate = p.done / p.seconds
        left = (p.total - p.done) / rate
        out += f", {rate:.1f} files/s"
        if p.done < p.total:
            out += f", about {_duration(left)} left"
    return out


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


class ProgressView:
    """Writes one index run's progress to ``stream`` (see the module docstring)."""

    def __init__(
        self,
        lead: str,
        stream: TextIO | None = None,
        tty: bool | None = None,
        every: float = LINE_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lead, self.stream = lead, stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every, self.clock = every, clock
        self._bar: tqdm | None = None
        self._said_at: float | None = None
        self._last: IndexProgress | None = None

    def __call__(self, p: IndexProgress) -> None:
        if not p.total:
            return
        if self._last is None:
            self._write(f"{self.lead}: {p.total:,} new or changed file{'s' * (p.total != 1)}…")
            self._said_at = self.clock()
        last, self._last = self._last, p
        if self.tty:
            self._draw(p)
            return
        due = self.clock() - (self._said_at or 0.0) >= self.every
        if (p.finished and not (last and last.finished)) or (due and not p.finished):
            self._write(f"indexing: {describe(p)}")
            self._said_at = self.clock()

    def __enter__(self) -> ProgressView:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _draw(self, p: IndexProgress) -> None:
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(
                total=p.total, unit="file", desc="indexing", file=self.stream, leave=True
            )
        self._bar.update(p.done - self._bar.n)
        self._bar.set_postfix_str(f"{p.chunks:,} chunks", refresh=True)
        if p.finished:
            self.close()

    def _write(self, line: str) -> None:
        print(line, file=self.stream, flush=True)
