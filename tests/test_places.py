"""Countries and states: what "which country / state…?" asks, and which sentences name one."""

from __future__ import annotations

import pytest

from bot.answer.asked_type import answer_type
from bot.answer.question import fits_type


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Which country experienced a nationwide power outage this week?", "country"),
        ("A deadly crash occurred in which South Asian nation?", "country"),
        ("Which Nato member state threatened to derail the plan?", "country"),
        ("Which US state announced a ban on the app?", "state"),
        ("In which state did the event take place?", "state"),
        ("Which state's governor signed the bill?", "state"),
        ("Which company recalled the cars?", "name"),
    ],
)
def test_a_country_or_a_state_is_asked_for_by_its_noun(question, kind):
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "China agreed a deal to build a facility in Cuba.",
        "US officials said they shot down a Chinese balloon.",  # an adjective of a country
        "Scotland's chief medical officer approved the plan.",  # a country of the UK
        "The talks were held in Côte d'Ivoire and Iran.",
        "Swiss banks and German lenders were named.",  # irregular adjectives, a plural
        "Officials in the UAE said.",  # a short form ISO does not use
    ],
)
def test_a_sentence_naming_a_country_answers_which_country(sentence):
    assert fits_type("country", sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "More than a dozen tornadoes struck Texas and Louisiana.",
        "Concerns about the Supreme Court grew on Tuesday.",
        pytest.param(
            "The Georgia Bulldogs declined an invitation.",
            marks=pytest.mark.xfail(strict=True, reason="a place inside a team's name counts"),
        ),
    ],
)
def test_a_capitalised_word_that_names_no_country_does_not_answer_which_country(sentence):
    assert not fits_type("country", sentence)


@pytest.mark.parametrize(
    "sentence, fits",
    [
        ("Vermont received two months of rain in two days.", True),
        ("Floods hit Bihar and Kerala this week.", True),  # Indian states; ISO spells "Bihār"
        ("Gov. Brian Kemp of Georgia signed the order.", True),  # a state and a country
        ("Floods hit Bavaria and Saxony.", True),  # German states, which ISO spells in German
        ("The governor called on Californians to cut their water use.", True),  # its people
        ("Juneteenth is also called Freedom Day and Jubilee Day.", False),
        ("Storms swept across the southwestern US and Mexico.", False),
    ],
)
def test_which_state_wants_a_state_by_name(sentence, fits):
    assert fits_type("state", sentence) is fits
