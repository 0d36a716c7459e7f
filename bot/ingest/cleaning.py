"""Cleaning: decide which characters of a raw article are article text.

The rules of ``bot.ingest.boilerplate`` mark raw ranges as page furniture (header fields,
news tickers, "Read also" lists, rating widgets, share buttons, template tokens). Nothing
is rewritten: the cleaned body is the raw text with those ranges cut out, and ``Cleaned``
maps every body character back to its exact raw offset. The kept text comes as ``spans``:
maximal runs of raw text with nothing cut inside, so a sentence found inside a span is
always one contiguous raw slice.

This module knows nothing of files, sentences, chunks or storage.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.ingest.boilerplate import RULES as PAGE_RULES
from bot.ingest.boilerplate import Range, Rule, has_alnum, split_lines
from bot.ingest.credits import CREDIT_RULES

#: Every rule ``clean`` applies: page furniture, then wire credits and one-line promos.
RULES: tuple[Rule, ...] = (*PAGE_RULES, *CREDIT_RULES)

#: ``date 2025-02-11`` style header fields at the very start of a file.
HEADER_RE = re.compile(
    r"\A\s*(?:date|published|updated)\s*:?\s*(\d{4}-\d{2}-\d{2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?Z?)?[ \t]*",
    re.IGNORECASE,
)


# --- result type ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cleaned:
    """The kept raw spans of one article, plus header fields found while cleaning."""

    raw: str
    spans: tuple[Range, ...]
    header_date: str | None = None

    @property
    def body(self) -> str:
        """The cleaned text: the raw text with boilerplate cut out."""
        return "".join(self.raw[s:e] for s, e in self.spans)

    def to_raw(self, offset: int) -> int:
        """Raw offset of the body character at ``offset`` (``len(body)`` maps to the end)."""
        starts = self._body_starts()
        if offset < 0 or offset > (starts[-1] if starts else 0):
            raise IndexError(f"body offset {offset} out of range")
        k = bisect.bisect_right(starts, offset) - 1
        if k >= len(self.spans):  # the end of the body
            return self.spans[-1][1] if self.spans else 0
        return self.spans[k][0] + (offset - starts[k])

    def _body_starts(self) -> list[int]:
        starts, pos = [], 0
        for s, e in self.spans:
            starts.append(pos)
            pos += e - s
        starts.append(pos)
        return starts


# --- putting it together -------------------------------------------------------------------


def clean(raw: str, rules: tuple[Rule, ...] = RULES) -> Cleaned:
    """Apply the header rule and ``rules``; return the kept spans of ``raw``."""
    drops: list[Range] = []
    header_date = None
    m = HEADER_RE.match(raw)
    if m:
        header_date = m.group(1)
        drops.append((0, m.end()))
    lines = split_lines(raw, m.end() if m else 0)
    for rule in rules:
        drops.extend(rule(lines))
    return Cleaned(raw=raw, spans=_keep(raw, drops), header_date=header_date)


def _keep(raw: str, drops: list[Range]) -> tuple[Range, ...]:
    """The complement of ``drops`` in ``raw``, minus pieces holding no text."""
    kept: list[Range] = []
    pos = 0
    for s, e in sorted(drops):
        if s > pos:
            kept.append((pos, s))
        pos = max(pos, e)
    if pos < len(raw):
        kept.append((pos, len(raw)))
    return tuple((s, e) for s, e in kept if has_alnum(raw[s:e]))
