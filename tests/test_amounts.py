"""Figure questions narrowed to money, an age, a share or a span of time, and the text that
fits them.

Each sentence below holds a figure, so before the narrowing every one of them "fit" a
"how much / how old / how long" question; the answerer quoted an on-topic sentence with the
wrong kind of figure ("Pettigrew, 54, was convicted" for what he spent on a racehorse).
"""

from __future__ import annotations

import pytest

from bot.answer.asked_type import answer_type
from bot.answer.question import fits_type


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much did the council pay for the land?", "money"),
        ("How much money was recovered?", "money"),
        ("What fee did the club pay for the striker?", "money"),
        ("The hat sold for how much at auction?", "money"),
        ("How old is the club's new manager?", "age"),
        ("How much did sales fall last quarter?", "number"),  # a share or a count
        ("The price of pasta has risen by how much?", "number"),  # a change: 90%
        # a share: "two-thirds", "80%" (RealTime QA dev: "…cut approximately how much of
        # Twitter's staff?" was answered with "more than 6,000 people")
        ("How much of the cost did the government pay?", "share"),
        ("What percentage of adults want to live to 100?", "share"),
        ("What proportion of voters turned out?", "share"),
        ("What share price did the firm reach?", "number"),
        ("How much did the council set aside for roads?", "number"),  # no money word
        ("How many fans watched the final?", "number"),
        ("How long did the strike last?", "duration"),
    ],
)
def test_figure_questions_are_narrowed_by_their_words(question: str, kind: str) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("kind", "sentence", "fits"),
    [
        ("money", "The company posted net income of $84.6 million.", True),
        ("money", "He stole £2.3m from the charity.", True),
        ("money", "Fines of up to 500 euros apply.", True),
        ("money", "Graham Pettigrew, 54, was convicted of fraud.", False),
        ("money", "About 3,200 people work at the plant.", False),
        ("age", "Graham Pettigrew, 54, of Hexley, was convicted.", True),
        ("age", "The 24-year-old striker scored twice.", True),
        ("age", "She retired aged 71.", True),
        ("age", "Okafor scored twice in the second half.", False),
        ("duration", "He has been Moscow's envoy there for over a decade.", True),
        ("duration", "The ovation lasted 17 minutes.", True),
        ("duration", "The 450-metre bridge opens next week.", True),
        ("duration", "The deal involved hundreds of troops.", False),
        ("share", "The cuts equate to roughly 80% of its staff.", True),
        ("share", "Some 35 per cent of Britons agree.", True),
        ("share", "The state paid two-thirds of the cost.", True),
        ("share", "One in five adults agree.", True),
        ("share", "The firm has laid off more than 6,000 people.", False),
    ],
)
def test_a_sentence_fits_a_narrowed_kind_only_with_that_kind_of_figure(
    kind: str, sentence: str, fits: bool
) -> None:
    assert fits_type(kind, sentence) is fits
