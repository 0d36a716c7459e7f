"""Timeline: where an article's date stands against the day a question is asked about.

A caller that knows the day (``Query.as_of``: "who won this week?" asked on 2024-03-07)
lets the answer keep to the reports of that time, and retrieval search the articles of its
week by themselves (``its_week``). ``in_its_week`` serves questions that
name their own week; ``reported_later`` serves every dated question: an article written
well after the day reports what happened since (the Columbia hearing of April answers no
question asked in March). ``out_of_time`` says why a chunk may not back an answer, or "".

Dates only: it reads no text and decides nothing about sentences.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from bot.answer.question import asks_about_its_week

#: Articles dated up to this many days before the question's day are "the same week".
SAME_WEEK_DAYS = 7
#: Days after the question's day within which a report may still be of that day (news of
#: an event is often written days later). On the RealTime QA dev replies of the 1.5B model
#: (``scripts/reverify.py``, four 2023 slices) every right answer kept cites an article
#: dated at most 1 day after the question's day, and the one invention citing a later one
#: cites an article 118 days after: any value from 1 to 117 does the same there, so a
#: week, as for "this week", leaves room for late reports.
LATER_REPORT_DAYS = 7


@lru_cache(maxsize=1024)
def parse_day(text: str | None) -> date | None:
    """An article's ``YYYY-MM-DD`` date (None: undated or unreadable)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def its_week(as_of: date) -> frozenset[str]:
    """The ``YYYY-MM-DD`` days whose articles are of the week up to ``as_of``
    (``in_its_week``): what retrieval also searches by itself for a dated question."""
    return frozenset((as_of - timedelta(days=n)).isoformat() for n in range(SAME_WEEK_DAYS + 1))


def in_its_week(as_of: date, article_date: str | None) -> bool | None:
    """The article is dated in the ``SAME_WEEK_DAYS`` up to ``as_of`` (None: undated)."""
    day = parse_day(article_date)
    return None if day is None else 0 <= (as_of - day).days <= SAME_WEEK_DAYS


def reported_later(as_of: date, article_date: str | None) -> bool:
    """The article is dated more than ``LATER_REPORT_DAYS`` after ``as_of``."""
    day = parse_day(article_date)
    return day is not None and (day - as_of).days > LATER_REPORT_DAYS


def out_of_time(question: str, as_of: date | None, article_date: str | None) -> str:
    """Why an article dated ``article_date`` may not answer ``question`` asked about
    ``as_of`` ("" when it may, or when either date is unknown)."""
    if as_of is None:
        return ""
    if asks_about_its_week(question) and in_its_week(as_of, article_date) is False:
        return "is from another week than the question's"
    if reported_later(as_of, article_date):
        return "was written after the day the question asks about"
    return ""
