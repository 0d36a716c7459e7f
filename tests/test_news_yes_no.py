"""Yes/no questions settled by the sentence that answers them, in whatever words it uses.

The corpus is written here (nothing is tuned to it): a short trading report pasted as
users paste it. A yes/no question is answered only by a sentence stating its predicate;
news states a change with many verbs ("climbed", "rose", "kept … unchanged"), so a
question asking "increase" or "fall" once matched nothing and the learned selector
refused "Did sales increase?" over "Sales climbed 8%". Those words and their opposites
(``bot.text.opposites``) now settle the question, yes or no. The first and third cases
failed on the code before (refused); the others passed on a share of the other words.
"""

from __future__ import annotations

import pytest
from conftest import report_bots

REPORT = (
    "Harrow Books trading update\n2026-02-03\n\n"
    "Sales at Harrow Books climbed 8% over the Christmas period, the bookseller said on "
    "Tuesday. Its shares rose 4% after the update. The company kept its dividend "
    "unchanged at 12p. Managing director Tomasz Wilk said paperback prices had fallen "
    "for a second year. The board rejected an offer for its stationery arm.\n"
)


@pytest.fixture(scope="module")
def ask(tmp_path_factory, encoder):
    """``ask(question)``: the learned selector's answer from the report above."""
    root = tmp_path_factory.mktemp("news-yes-no")
    return report_bots(root, encoder, {"harrow.txt": REPORT})["learned"].ask


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Did sales increase over Christmas?", "Sales at Harrow Books climbed 8%"),
        ("Did sales fall over Christmas?", "Sales at Harrow Books climbed 8%"),
        ("Did Harrow cut its dividend?", "kept its dividend unchanged"),
        ("Were paperback prices rising?", "paperback prices had fallen"),
    ],
)
def test_a_yes_no_question_is_settled_by_the_sentence_in_other_words(ask, question, said):
    answer = ask(question)
    assert not answer.refused, answer.reason
    assert said in answer.citations[0].quote, answer.text


def test_a_yes_no_question_nothing_settles_is_not_answered_with_the_topic(ask):
    answer = ask("Did Harrow Books open new shops over Christmas?")
    assert answer.refused or not any("climbed 8%" in c.quote for c in answer.citations)


def test_a_yes_no_question_about_a_name_no_article_holds_is_refused(ask):
    """ "Did Waterstones…?" is about Waterstones: Harrow's sentences on the same predicate
    do not settle it (the learned selector quoted "Its shares rose 4%" before)."""
    answer = ask("Did Waterstones shares rise after the update?")
    assert answer.refused, answer.text
    assert "Waterstones" in answer.reason
    assert not ask("Did Harrow Books shares rise after the update?").refused
