"""A count of the opposite of what is asked is not an answer: "How many people died?" is
not answered by "Fourteen people were injured".

The corpus is written here (nothing is tuned to it): a short storm report pasted as users
paste it, which gives the injured and no deaths. The learned selector quoted the
injured count for the deaths (a number, of people, on topic); a sentence that counts the
other side of a "died"/"injured" or "rose"/"fell" family than the question asks is no
longer of the asked type (``bot.text.opposites.counts_the_opposite``). The death
question fails on the code before.
"""

from __future__ import annotations

import pytest
from conftest import report_bots

from bot.text.opposites import counts_the_opposite
from bot.text.terms import terms

REPORT = (
    "Storm batters Harlow\n2026-02-09\n\n"
    "Fourteen people were injured when a storm hit Harlow on Monday night, the fire service "
    "said. Winds of up to 90 mph brought down trees and power lines across the town. About "
    "3,000 homes were left without electricity.\n"
)


@pytest.fixture(scope="module")
def ask(tmp_path_factory, encoder):
    """``ask(question)``: the learned selector's answer from the report above."""
    root = tmp_path_factory.mktemp("news-counts")
    return report_bots(root, encoder, {"storm.txt": REPORT})["learned"].ask


def test_the_injured_are_not_quoted_for_the_dead(ask):
    answer = ask("How many people died in the storm?")
    assert not any("injured" in c.quote for c in answer.citations), answer.text


def test_the_injured_are_quoted_for_the_injured(ask):
    answer = ask("How many people were hurt in the storm?")
    assert not answer.refused, answer.reason
    assert "Fourteen people were injured" in answer.citations[0].quote


@pytest.mark.parametrize(
    ("question", "sentence", "opposite"),
    [
        ("How many people died?", "Nine people were injured.", True),
        ("How many were hurt?", "Two people died.", True),
        ("How much did sales rise?", "Sales fell 8%.", True),
        ("How many died?", "Two died and nine were injured.", False),  # both sides
        ("How many people died?", "Two people died.", False),
        ("How many games did they lose?", "They won 12 games.", False),  # not a count family
    ],
)
def test_counts_the_opposite(question, sentence, opposite):
    assert counts_the_opposite(set(terms(question)), set(terms(sentence))) is opposite


FERRY = (
    "Harlow ferry sets a record\n2026-01-12\n\n"
    "The Harlow ferry service opened a second route in March, the operator said. "
    "Ridership on the Harlow ferry surged to 48,000 passengers in 2025. "
    "That's a threefold increase compared with 2024. "
    "The operator plans a third route next year.\n"
)


def test_a_sentence_saying_what_the_quoted_one_amounts_to_is_quoted_with_it(tmp_path, encoder):
    """ "That's a threefold increase…" carries on from the figure before it: the answer to
    "by what factor" is in it, so it joins the quote (``discourse.continues``); before,
    only "These include…"/"They…"/"Such…" openers did."""
    ask = report_bots(tmp_path, encoder, {"ferry.txt": FERRY})["learned"].ask
    answer = ask("By what factor did ridership on the Harlow ferry grow in 2025?")
    quotes = [c.quote for c in answer.citations]
    assert "That's a threefold increase compared with 2024." in quotes, answer.text
    assert not any("third route" in q for q in quotes)


CUTS = (
    "Harlow tech firm cuts jobs\n2026-03-02\n\n"
    "Harlow software firm Brightwell has laid off more than 600 people since January, its "
    "chief executive said on Monday. The reduction equates to roughly 40% of its staff.\n"
)


def test_a_share_is_answered_with_a_share_not_a_count(tmp_path, encoder):
    # RealTime QA dev: "…cut approximately how much of Twitter's staff?" was answered with
    # "more than 6,000 people" (a figure, of people, on topic); a share question now wants
    # a share ("80%", "two-thirds") in the sentence it quotes
    ask = report_bots(tmp_path, encoder, {"cuts.txt": CUTS})["learned"].ask
    answer = ask("Approximately how much of its staff has Brightwell cut?")
    assert not answer.refused, answer.reason  # it was refused before
    assert "40%" in answer.citations[0].quote, answer.text
    answer = ask(
        "Brightwell's chief executive said he has cut approximately how much of its staff?"
    )
    assert "600 people" not in answer.text, answer.text  # it was the answer before
