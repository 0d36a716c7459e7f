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
