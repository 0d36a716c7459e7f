"""The years a question asks about, and whether it closes on one.

A question names years as what it asks about ("Who won in 2019?") or as background ("for
the first time since 2017"); only the first kind should pick a report by its year. A
question that closes on its year, or on a month or day of it ("…in 2023?", "…in March
2025?", "…on June 7, 2024?"), is answered only by a sentence about that year
(``bot.answer.guards``). It reads the question's text; sentences' years are
``bot.answer.candidates.years_of``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.text.lexicon import DECADE, MONTH_PREFIX, YEAR, YEAR_RE

#: Words that make a date after them background: "since 2017", "higher than in 2019",
#: "…after sealing its borders in March 2020?" (a question about its own week).
_BACKGROUND = r"\b(?:since|before|after|until|till|from|than|as of)\b"
_BACKGROUND_RE = re.compile(_BACKGROUND, re.I)
#: A question's closing date: a year, maybe after a month (and day) or "early"/"late".
_CLOSING_RE = re.compile(
    rf"\b(?:in|during|of|on)\s+(?:(?:early|late|mid)[\s-]+)?"
    rf"(?:{MONTH_PREFIX}\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?)?{YEAR}\W*$",
    re.I,
)


def _background(year: str) -> re.Pattern[str]:
    """``year`` right after a background word: "since 2017", "than in 2019", "from 2018"."""
    return re.compile(rf"{_BACKGROUND}\s+(?:in\s+|early\s+|late\s+)?{year}\b", re.I)


def asked_years(text: str, figures: Iterable[str]) -> frozenset[str]:
    """The years among the question's ``figures`` that it asks about (not background, not
    a decade: "which 1990s sitcom…?" is read with the figure "1990" but asks no year)."""
    bare = re.sub(DECADE, " ", text)
    return frozenset(
        f
        for f in figures
        if YEAR_RE.fullmatch(f) and re.search(rf"\b{f}\b", bare) and not _background(f).search(text)
    )


def closes_on_its_year(text: str) -> bool:
    """The question ends on the year (or a month or day of it) that it asks about, not
    after a background word in the same clause."""
    m = _CLOSING_RE.search(text)
    if not m:
        return False
    clause = re.split(r"[,;:]\s", text[: m.start()])[-1]
    return not _BACKGROUND_RE.search(clause)
