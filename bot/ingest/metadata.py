"""Article metadata from its text: publication date, headline, outlet.

``parse_date`` reads the first full date in a text (ISO, "15 October 2024", "Jan. 8,
2025"); ``detect_date`` prefers a dateline or a dated byline near the top; ``detect_title``
takes the first headline-like line (else the lead sentence); ``detect_outlet`` finds
"Read the original article on X", "© X" or a masthead. Text in, strings out: no files,
no chunks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from bot.ingest.boilerplate import BOILERPLATE_SUFFIX_RE, is_date_only, is_masthead
from bot.text.lexicon import MONTHS, alternation

if TYPE_CHECKING:
    from bot.ingest.corpus import Article

_MONTH = rf"(?P<month>{alternation(list(MONTHS))})\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})\b", re.I),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.I),
]
_HEAD_CHARS = 2500


def parse_date(text: str) -> str | None:
    """The first full date (day, month, year) in ``text`` as ISO ``yyyy-mm-dd``."""
    found = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = (
                int(m.group("mnum"))
                if "mnum" in m.groupdict() and m.group("mnum")
                else MONTHS[m.group("month").lower()]
            )
            try:
                found.append((m.start(), dt.date(int(m.group("year")), month, int(m.group("day")))))
            except ValueError:
                continue
    return min(found)[1].isoformat() if found else None


def detect_date(raw: str) -> str | None:
    """Publication date: a dateline, else a dated byline, else the first full date near the top."""
    head_lines = [
        BOILERPLATE_SUFFIX_RE.sub("", line).strip() for line in raw[:_HEAD_CHARS].split("\n")
    ]
    for line in head_lines:
        if is_date_only(line) and (date := parse_date(line)):
            return date
    for line in head_lines:
        if line.lower().startswith("by ") and (date := parse_date(line)):
            return date
    return parse_date(raw[:_HEAD_CHARS])


def detect_title(article: Article) -> tuple[str, tuple[int, int] | None]:
    """``(title, headline span)``: the first headline-like kept line (of the first eight)
    and its raw range; else the lead sentence of the first paragraph and None (a lead
    sentence is article text)."""
    for line, span in _kept_lines(article)[:8]:
        if _headline_like(line):
            return line, span
    sentences = article.sentences
    lead = next((s for s in sentences if len(_line_of(article.raw, s.start)) >= 200), None)
    text = " ".join((lead or sentences[0]).text.split())
    return (text if len(text) <= 120 else text[:120].rsplit(" ", 1)[0] + "…"), None


def _kept_lines(article: Article) -> list[tuple[str, tuple[int, int]]]:
    """The non-blank kept lines, stripped, with their raw ranges."""
    out = []
    for s, e in article.cleaned.spans:
        pos = s
        for piece in article.raw[s:e].split("\n"):
            line = piece.strip()
            if line:
                lead = pos + len(piece) - len(piece.lstrip())
                out.append((line, (lead, lead + len(line))))
            pos += len(piece) + 1
    return out


def _headline_like(line: str) -> bool:
    """Long enough to name a story, short enough for a headline, and not a sentence: no
    closing full stop (inside quotes or brackets too) and no sentence break within."""
    return (
        15 <= len(line) <= 160
        and len(line.split()) >= 4
        and not line.rstrip("\"'”’)»").endswith((".", "!", "…"))
        and ". " not in line
        and not line.lower().startswith("by ")
        and not is_date_only(line)
    )


def _line_of(raw: str, pos: int) -> str:
    start = raw.rfind("\n", 0, pos) + 1
    end = raw.find("\n", pos)
    return raw[start : end if end >= 0 else len(raw)]


_OUTLET_RES = [
    re.compile(r"^read the original article (?:on|at) (?P<o>.{2,60}?)\.?$", re.I | re.M),
    re.compile(
        r"\boriginally (?:appeared|published) (?:on|in|at|by) (?P<o>[A-Z][^.\n]{1,50})", re.M
    ),
    re.compile(r"^source:\s*(?P<o>[^\n]{2,60}?)\.?$", re.I | re.M),
    re.compile(r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<o>[A-Z][^\n.]{1,50})", re.I | re.M),
]


def detect_outlet(raw: str) -> str | None:
    """The outlet when the file names it ("Read the original article on X", "© X", a masthead)."""
    for pattern in _OUTLET_RES:
        m = pattern.search(raw)
        if m:
            return m.group("o").strip()
    first = next((ln.strip() for ln in raw[:300].split("\n") if ln.strip()), "")
    if is_masthead(first) and not first.lower().startswith(("date", "skip")):
        return first  # a masthead line such as "Espreso. Global"
    return None
