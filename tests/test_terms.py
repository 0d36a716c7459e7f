"""The shared tokenizer: what BM25, the answerers and the verifier see of a text."""

from __future__ import annotations

import pytest

from bot.text.terms import terms, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11,000 troops", ["11000", "troops"]),
        ("U.N. sanctions", ["un", "sanctions"]),
        # an ampersand name stays one token: split, "at" and "t" would vanish as stopwords
        ("AT&T and P&G", ["at&t", "and", "p&g"]),
        ("Johnson & Johnson", ["johnson", "johnson"]),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_an_ampersand_name_is_a_term():
    assert "at&t" in terms("Which network had an outage? AT&T did.")


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("North Korean labourers", "North Korean laborers"),
        ("the defence programme", "the defense program"),
        ("a harbour centre", "a harbor center"),
        ("organised travellers", "organized travelers"),
    ],
)
def test_british_and_american_spellings_are_one_term(british, american):
    assert terms(british) == terms(american)


def test_words_american_english_writes_too_are_left_as_written():
    # breame lists these as British; read as "busses", "gage", "filter" they would part
    # from the American texts that write them the same way
    assert terms("buses gauge philtre") == ["buse", "gaug", "philtr"]


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("Beyoncé", "Beyonce"),
        ("Kylian Mbappé", "Kylian Mbappe"),
        ("São Paulo café", "Sao Paulo cafe"),
    ],
)
def test_a_word_with_accents_is_the_term_users_type_without_them(accented, plain):
    assert terms(accented) == terms(plain)
    assert tokens(accented) != tokens(plain)  # tokens keep the text as written
