"""Same-topic articles from different years: the year asked about picks the report.

The corpus is written here (not the eval's temporal corpus, so nothing is tuned to it):
three reports of a yearly race whose sentences never name their year ("won on Sunday");
only each article's date says which year it is about. Asked of both offline answerers;
the learned selector's known failures are strict xfails (``conftest.learned_fails``).
"""

from __future__ import annotations

import pytest
from conftest import learned_fails

from bot.answer.query import split_parts

RACES = {
    "a.txt": (
        " date 2017-04-09",
        "Halvard Omoro won the Lindqvist Harbour Marathon on Sunday in two hours and eleven "
        "minutes. The prize purse for the race was $30,000, organisers said. Rain fell for "
        "most of the morning.",
    ),
    "b.txt": (
        "April 14, 2019",
        "Seren Vattel won the Lindqvist Harbour Marathon on Sunday after a late sprint along "
        "the quay. The prize purse for the race was $42,000, organisers said. A record crowd "
        "lined the route.",
    ),
    "c.txt": (
        " date 2021-04-11",
        "Ibsa Trondheim won the Lindqvist Harbour Marathon on Sunday in a course record. The "
        "prize purse for the race was $55,000, organisers said. Runners started in waves.",
    ),
}


@pytest.fixture(scope="module")
def races(tmp_path_factory, encoder):
    """The races corpus indexed once; ``races(selector)`` is a Bot answering from it with
    the learned selector or the hand-set weights."""
    from dataclasses import replace

    from bot import Bot, Settings
    from bot.index.embedding import MiniLMEmbedding

    root = tmp_path_factory.mktemp("races")
    seeds = root / "seeds"
    seeds.mkdir()
    for name, (dateline, body) in RACES.items():
        (seeds / name).write_text(f"{dateline}\n{body}\n")
    settings = Settings(seeds_dir=seeds, data_dir=root / "data", llm="extractive")
    Bot(settings=settings, embedding=MiniLMEmbedding(encoder)).index()
    bots = {
        selector: Bot(
            settings=replace(settings, selector=selector), embedding=MiniLMEmbedding(encoder)
        )
        for selector in ("learned", "hand")
    }
    return bots.__getitem__


YEARS = [("2017", "Omoro", "a.txt"), ("2019", "Vattel", "b.txt"), ("2021", "Trondheim", "c.txt")]
#: The learned selector's known failures here (README model card): none since the
#: "year_closing" guard (a question ending on its year is answered only by a sentence about
#: that year, by its words or its article's date). Before it, "…in 2019?" quoted another
#: year's winner and "…in 2021?" added the 2017 winner as a runner-up.
LEARNED_FAILS: dict[str, str] = {}


def _selectors(*years: str) -> list:
    out = []
    for year in years:
        why = LEARNED_FAILS.get(year)
        marks = [learned_fails(why)] if why else []
        out += [pytest.param("learned", year, marks=marks), pytest.param("hand", year)]
    return out


@pytest.mark.parametrize(("selector", "year"), _selectors(*(y for y, _, _ in YEARS)))
def test_the_year_asked_picks_that_years_report(races, selector, year):
    _, winner, file = next(row for row in YEARS if row[0] == year)
    answer = races(selector).ask(f"Who won the Lindqvist Harbour Marathon in {year}?")
    assert not answer.refused, answer.reason
    assert winner in answer.text
    assert {c.file for c in answer.citations} == {file}


@pytest.mark.parametrize("selector", ["learned", "hand"])
def test_a_comparison_of_two_years_quotes_each_years_report(races, selector):
    answer = races(selector).ask("Compare the prize purses of the 2017 and 2021 races.")
    assert not answer.refused, answer.reason
    assert "$30,000" in answer.text and "$55,000" in answer.text
    assert "$42,000" not in answer.text
    assert {c.file for c in answer.citations} == {"a.txt", "c.txt"}


@pytest.mark.parametrize("selector", ["learned", "hand"])
@pytest.mark.parametrize("when", ["April 2019", "April 14, 2019", "early 2019"])
def test_a_month_or_day_of_the_year_asked_picks_that_years_report(races, selector, when):
    # "…in April 2019?" asks about 2019 as "…in 2019?" does; until the year-closing reading
    # took a month or day before the year, the learned selector also quoted the 2017 and
    # 2021 winners as runners-up here
    answer = races(selector).ask(f"Who won the Lindqvist Harbour Marathon in {when}?")
    assert not answer.refused, answer.reason
    assert "Vattel" in answer.text
    assert {c.file for c in answer.citations} == {"b.txt"}


@pytest.mark.parametrize(("selector", "year"), _selectors("2023"))
def test_a_year_no_report_covers_is_refused(races, selector, year):
    # the learned selector quoted another year's winner until the "year_nowhere" guard
    # (no retrieved sentence about the year asked, by its words or its article's date)
    answer = races(selector).ask(f"Who won the Lindqvist Harbour Marathon in {year}?")
    assert answer.refused and year in answer.reason, answer.reason


def test_a_decade_asks_no_year(races):
    # RealTime QA train: "Where did he revolutionize cinema in the late 1950s and 60s?" was
    # refused, "no retrieved passage is about 1950": the decade was read as the year 1950.
    # (The hand-set answerer refuses it too, as it refuses any figure no article holds.)
    answer = races("learned").ask("Who won the Lindqvist Harbour Marathon, a race of the 2010s?")
    assert not answer.refused, answer.reason
    assert "won the Lindqvist" in answer.text


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("Which 1990s sitcom made him famous?", set()),
        ("Which 1990’s sitcom made him famous?", set()),
        ("Who won in 2019, the first win since the 1990s?", {"2019"}),
    ],
)
def test_the_years_a_question_asks_leave_out_decades(question, years):
    from bot.answer.features import Asked
    from bot.answer.query import condense

    assert Asked.of(condense(question), lambda t: 1.0).years == years


@pytest.mark.parametrize(
    ("question", "closing"),
    [
        ("Who won the Lindqvist Harbour Marathon in 2019?", True),
        ("Which term was most searched in 2023 ?", True),
        ("Who was named Sexiest Man Alive of 2023?", True),
        ("How many players took part during 2021.", True),
        ("Who won the 2019 Lindqvist Harbour Marathon?", False),  # names it, does not close on it
        ("Who won the marathon for the first time since 2017?", False),  # background
        ("Which politician is running in 2024 and why?", False),
        ("Which Russian official visited North Korea in March 2025?", True),
        ("What did the council decide on June 7, 2024?", True),
        ("Who was appointed in early 2025?", True),
        ("Who left after the row in March 2020?", False),  # background in its clause
        ("Which country lifted its rules, after closing its borders in March 2020?", False),
    ],
)
def test_a_question_closing_on_its_year_is_read_so(question, closing):
    from bot.answer.features import Asked
    from bot.answer.query import condense

    assert Asked.of(condense(question), lambda t: 1.0).year_closing is closing


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("Who won in 2019?", ["Who won in 2019?"]),
        (
            "Compare the prize funds of the 2018 and 2022 tournaments.",
            [
                "Compare the prize funds of the 2018 tournaments.",
                "Compare the prize funds of the 2022 tournaments.",
            ],
        ),
        (
            "How did attendance change between 2018 and 2024?",
            ["How did attendance change in 2018?", "How did attendance change in 2024?"],
        ),
        ("Who won in 2019, 2021 or 2023?", [f"Who won in {y}?" for y in (2019, 2021, 2023)]),
        ("What happened in 2019 and 2019?", ["What happened in 2019 and 2019?"]),
    ],
)
def test_questions_comparing_years_split_by_year(question, parts):
    assert split_parts(question) == parts


@pytest.mark.parametrize(
    ("question", "previous", "resolved"),
    [
        ("And who won the year after that?", "Who won in 2021?", "And who won in 2022?"),
        ("What about the year before?", "Who won in 2021?", "What about in 2020?"),
        ("And a year later?", "How big was the 2019 purse?", "And in 2020?"),
        ("And in the previous year?", "Who won in 2021?", "And in 2020?"),
        ("And who won next year?", "Who won in 2021?", ""),  # may count from today
        ("And the year after that?", "Compare 2019 and 2021.", ""),  # which year?
        ("And who came second?", "Who won in 2021?", ""),
    ],
)
def test_a_follow_up_about_the_year_after_asks_about_that_year(question, previous, resolved):
    from bot.answer.query import condense

    query = condense(question, [{"role": "user", "content": previous}])
    assert query.text == question and query.resolved == resolved
    if resolved:
        year = resolved.split("in ")[-1].rstrip("?")
        assert year in query.context and year in query.standalone
        assert query.meaning == resolved


@pytest.mark.parametrize("selector", ["learned", "hand"])
@pytest.mark.parametrize(
    ("previous", "question", "winner", "file"),
    [
        ("in 2020", "And who won the year after that?", "Trondheim", "c.txt"),
        ("in 2018", "And the year before that?", "Omoro", "a.txt"),
    ],
)
def test_the_year_after_that_is_answered_from_that_years_report(
    races, selector, previous, question, winner, file
):
    history = [
        {"role": "user", "content": f"Who won the Lindqvist Harbour Marathon {previous}?"},
        {"role": "assistant", "content": "The articles don't say."},
    ]
    answer = races(selector).ask(question, history=history)
    assert not answer.refused, answer.reason
    assert winner in answer.text
    assert {c.file for c in answer.citations} == {file}


def test_a_sentence_leaning_on_another_years_report_is_about_that_year():
    # "This decision followed…" is quoted with the sentence before it (it leans on it), so
    # for "…in March 2025?" it is about the 2024 vote, whatever its article's date says: the
    # learned selector no longer quotes such a runner-up for a question closing on its year
    from bot.answer.candidates import candidates_of, leans_on_other_year
    from bot.ingest.chunking import chunk_article
    from bot.ingest.corpus import article_from_text

    text = (
        " date 2025-03-27\n"
        "Ana Petrov visited the harbour last week, officials said. The council voted in "
        "March 2024 to widen the harbour road. This decision followed a long dispute.\n"
    )
    cands = candidates_of(chunk_article(article_from_text("harbour.txt", text)))
    sentence = {c.sentence.text.split()[0]: c for c in cands}
    assert leans_on_other_year(sentence["This"], frozenset({"2025"}))
    assert not leans_on_other_year(sentence["This"], frozenset({"2024"}))
    assert not leans_on_other_year(sentence["Ana"], frozenset({"2025"}))  # nothing before
    assert not leans_on_other_year(sentence["The"], frozenset({"2025"}))  # names no year
