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
