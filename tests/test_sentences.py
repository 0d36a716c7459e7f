"""Sentence splitting: known hard cases, and properties that hold for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.sentences import MAX_SENTENCE_CHARS, split_sentences


def texts(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_initials_and_acronyms_do_not_split():
    text = "A senior U.S. official said on Jan. 8 that Dr. J. Smith left. The council met."
    assert texts(text) == [
        "A senior U.S. official said on Jan. 8 that Dr. J. Smith left.",
        "The council met.",
    ]


def test_quotes_and_question_marks():
    text = "“SVO” is an abbreviation, he said. “Why?” he asked. Then he left!"
    assert texts(text) == [
        "“SVO” is an abbreviation, he said.",
        "“Why?” he asked.",
        "Then he left!",
    ]


def test_line_breaks_blank_lines_and_wrapped_text():
    text = "Headline without a period\n\nby Jane Doe\nFirst line of a paragraph that\ncontinues here. Next one.\n- A bullet item"
    assert texts(text) == [
        "Headline without a period",
        "by Jane Doe",
        "First line of a paragraph that\ncontinues here.",
        "Next one.",
        "A bullet item",
    ]


def test_over_long_runs_are_cut():
    text = ("word " * 400).strip()
    parts = texts(text)
    assert len(parts) > 1 and all(len(p) <= MAX_SENTENCE_CHARS for p in parts)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_properties_for_any_text(text):
    spans = split_sentences(text)
    prev_end = 0
    for a, b in spans:
        assert prev_end <= a < b <= len(text)
        piece = text[a:b]
        assert piece == piece.strip() and any(ch.isalnum() for ch in piece)
        prev_end = b
    # no letter or digit is lost between sentences
    covered = set()
    for a, b in spans:
        covered.update(range(a, b))
    assert all(i in covered for i, ch in enumerate(text) if ch.isalnum())
