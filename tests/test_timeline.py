"""Where an article's date stands against the day a question is asked about."""

from datetime import date

import pytest

from bot.answer.timeline import (
    LATER_REPORT_DAYS,
    in_its_week,
    out_of_time,
    parse_day,
    reported_later,
)

DAY = date(2024, 3, 7)


@pytest.mark.parametrize(
    "article, expected",
    [
        ("2024-03-07", False),
        ("2024-01-02", False),
        (str(date.fromordinal(DAY.toordinal() + LATER_REPORT_DAYS)), False),
        (str(date.fromordinal(DAY.toordinal() + LATER_REPORT_DAYS + 1)), True),
        ("2024-04-18", True),
        (None, False),
        ("not a date", False),
    ],
)
def test_an_article_is_reported_later_only_when_dated_well_after_the_day(article, expected):
    assert reported_later(DAY, article) is expected


@pytest.mark.parametrize(
    "question, article, why",
    [
        ("Which university is under investigation?", "2024-04-18", "written after the day"),
        ("Which university is under investigation?", "2024-03-08", ""),
        ("Which university is under investigation?", "2023-11-01", ""),
        ("Which university was named this week?", "2023-11-01", "another week"),
        ("Which university was named this week?", "2024-03-05", ""),
        ("Which university was named this week?", None, ""),
    ],
)
def test_out_of_time_says_why_an_article_may_not_answer(question, article, why):
    got = out_of_time(question, DAY, article)
    assert (why in got) if why else got == ""


def test_nothing_is_out_of_time_when_the_day_is_unknown():
    assert out_of_time("Who won this week?", None, "1999-01-01") == ""


def test_days_are_read_leniently():
    assert parse_day("2024-03-07") == DAY
    assert parse_day("March 7") is None and parse_day(None) is None
    assert in_its_week(DAY, None) is None and in_its_week(DAY, "2024-03-01") is True
