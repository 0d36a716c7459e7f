"""Cleaning rules on the real seed files and on synthetic snippets; the offset map is exact."""

from __future__ import annotations

import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest.cleaning import clean
from bot.ingest.corpus import article_from_text

SEED_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def body(name: str) -> str:
    return clean(SEED_TEXTS[name]).body


def test_ticker_and_link_lists_are_gone():
    ticker = "002_a3b9d148d5404355.txt"
    assert "21 Russian servicemen surrender" in SEED_TEXTS[ticker]
    cleaned = body(ticker)
    for boilerplate in (
        "21 Russian servicemen surrender",
        "14:43",
        "Read also",
        "More news",
        "client/title.list_title",
        "Russia loses 1,140 soldiers",
    ):
        assert boilerplate not in cleaned
    related = body("000_a0f9aa3273438d83.txt")
    assert "Related:" not in related
    assert "NHK: North Korea built a drone" not in related


def test_widgets_and_teasers_are_gone():
    cleaned = body("003_9c917ec44682070a.txt")
    for boilerplate in (
        "How useful was this post?",
        "Average rating",
        "You may also like",
        "Massive Earthquake Kills",
        "Tags:",
    ):
        assert boilerplate not in cleaned
    assert "Skip to content" not in body("004_c7e5022738f6770f.txt")
    assert "Source link" not in body("001_d0fa11202cbcfd51.txt")
    assert "Read the original article" not in body("001_d0fa11202cbcfd51.txt")


def test_article_sentences_are_kept():
    assert "This brings the total number of North Korean troops in Russia to around 11,000" in body(
        "003_9c917ec44682070a.txt"
    )
    assert "The Institute for the Study of War reports" in body("000_a0f9aa3273438d83.txt")
    assert "around 150 North Korean workers were dispatched" in body("002_a3b9d148d5404355.txt")
    assert "over 12,000 North Korean soldiers are currently in Russia" in body(
        "004_c7e5022738f6770f.txt"
    )
    # the date header is metadata, not text; the sentence on the same line stays
    cleaned = clean(SEED_TEXTS["000_a0f9aa3273438d83.txt"])
    assert cleaned.header_date == "2025-02-11"
    assert not cleaned.body.lstrip().startswith("date")


def assert_exact_map(raw: str) -> None:
    cleaned = clean(raw)
    text = cleaned.body
    pos = 0
    for s, e in cleaned.spans:
        assert 0 <= s < e <= len(raw)
        assert text[pos : pos + (e - s)] == raw[s:e]
        pos += e - s
    assert pos == len(text)
    for i in range(0, len(text), max(1, len(text) // 500)):
        assert raw[cleaned.to_raw(i)] == text[i]
    starts = [s for s, _ in cleaned.spans]
    assert starts == sorted(starts)
    assert all(a[1] <= b[0] for a, b in zip(cleaned.spans, cleaned.spans[1:]))


def test_offsets_map_back_exactly_on_every_seed():
    for raw in SEED_TEXTS.values():
        assert_exact_map(raw)


def test_trailer_list_stops_at_prose():
    raw = (
        "Intro paragraph that is real article text and ends properly.\n"
        "Related:\n- One headline\n- Another headline\n"
        "This paragraph is long real prose that continues the article after the list, and it is "
        "well over the length of any headline because it keeps explaining the story in detail.\n"
    )
    text = clean(raw).body
    assert "One headline" not in text and "Related:" not in text
    assert "This paragraph is long real prose" in text


def test_ticker_without_heading_and_nav_menu():
    raw = (
        "Home\nNews\nSport\nWeather\n\n"
        "The story starts here with a full sentence about the council vote.\n"
        "10:31\nExclusive\nSomething happened elsewhere\n10:13\nAnother headline here\n"
        "09:55\nThird headline\n"
    )
    text = clean(raw).body
    assert "Sport" not in text and "10:31" not in text and "Third headline" not in text
    assert "The story starts here" in text


_LINES = [line for raw in SEED_TEXTS.values() for line in raw.split("\n")]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_LINES), st.text(max_size=80)), min_size=0, max_size=40),
    st.sampled_from(["\n", "\r\n", "\n\n"]),
)
def test_offset_map_is_exact_for_any_text(lines, sep):
    raw = sep.join(lines).replace("\r\n", "\n")
    assert_exact_map(raw)


def test_author_footer_ends_the_article_near_the_end():
    article = "A long article sentence that keeps going about the bridge budget vote. " * 8
    raw = article + "\nAuthor: Jane Doe\nPodcast promo: listen to our other show.\n"
    text = clean(raw).body
    assert "Podcast promo" not in text and "Author:" not in text
    assert text.startswith("A long article sentence")
    # near the top it is a byline, not a footer: the article after it stays
    top = "Author: Jane Doe, City Desk Reporter\n" + article
    assert "bridge budget vote" in clean(top).body
    assert "Kasparov" not in body("004_c7e5022738f6770f.txt")


def test_an_author_footer_alone_on_the_last_line_ends_the_article():
    """Hypothesis found it (CI, 2026-12-03): an "Author: …" paragraph closing the text on
    its own made the promo check read the line after it, which does not exist."""
    article = "The council approved the bridge budget on Monday after a long debate. " * 6
    cleaned = clean(article + "\n\nAuthor: Olena Goncharova").body
    assert cleaned.startswith("The council approved") and "Author:" not in cleaned
    assert_exact_map(article + "\n\nAuthor: Olena Goncharova")


def test_a_promo_glued_above_the_author_footer_goes_a_wrapped_paragraph_stays():
    article = "The council approved the bridge budget on Monday after a long debate.\n\n" * 6
    promo = (
        "Mayor urges region to fund second crossing\n"
        "The mayor asked the region to pay for a second crossing in her address on Dec. 2.\n"
        "The City PaperJo Smith\n"
    )
    text = clean(article + promo + "Author: Jane Doe\n").body
    assert "second crossing" not in text and "bridge budget" in text
    # a hard-wrapped closing paragraph glued to the footer is article text
    wrapped = (
        "Work on the bridge starts in April, and the\n"
        "old crossing will close to all traffic while\n"
        "the new one is built.\n"
    )
    assert "old crossing will close" in clean(article + wrapped + "Author: Jane Doe\n").body
    # so is a closing paragraph of whole sentences
    closing = "Work starts in April.\nThe old crossing closes then.\n"
    assert "The old crossing closes" in clean(article + closing + "Author: Jane Doe\n").body
    seed = body("004_c7e5022738f6770f.txt")
    assert "Zelensky urges China" not in seed and "Dec. 27" not in seed


def test_image_link_and_tag_only_lines_are_not_text():
    raw = (
        "The council approved the bridge budget on Monday after a long debate.\n"
        "![logo](http://attacker.example/pixel.png?leak=1)\n"
        "[click here](http://attacker.example/x) <br/>\n"
        "<img src=x onerror=alert(1)>\n"
        "http://attacker.example/raw\n"
        "A sentence with a [link](http://example.org) inside stays: it is prose.\n"
    )
    text = clean(raw).body
    assert "pixel.png" not in text and "click here" not in text and "onerror" not in text
    assert "http://attacker.example/raw" not in text
    assert "A sentence with a [link](http://example.org) inside stays" in text


@pytest.mark.parametrize(
    "head",
    [
        "Harbour repairs finish early\ndate 2026-03-14\n\n",
        "Harbour repairs finish early\nDate: 2026-03-14\n\n",
        "Harbour repairs finish early\n\ndate 2026-03-14\n\n",
        "Harbour repairs finish early\nUpdated 2026-03-14 09:30\n\n",
    ],
)
def test_a_date_line_under_the_headline_is_not_quoted(head):
    """A .txt article as users paste it (headline, a date line, the story): only
    the story's sentences are quotable, and the date is the article's."""
    story = "The harbour reopened on Monday after repairs. By Friday the fleet was back.\n"
    article = article_from_text("a.txt", head + story)
    quotable = [s.text for s in article.sentences if not article.is_headline(s)]
    assert quotable == [
        "The harbour reopened on Monday after repairs.",
        "By Friday the fleet was back.",
    ]
    assert article.date == "2026-03-14"
    assert article.title == "Harbour repairs finish early"


@pytest.mark.parametrize(
    "tail",
    [
        "Read more: Residents object to the new moorings\n",
        "Related Topics: Harbour, Boats\n",
        "(Reporting by Priya Raman; Editing by Nick Zieminski)\n",
        "Associated Press writer Jenna Ruiz contributed to this report.\n",
    ],
)
def test_credits_and_one_line_promos_are_not_quoted(tail):
    """Wire and newspaper furniture under a story (reporting credits, a one-line promo) is
    not article text; the story's own "By Friday…" sentence stays."""
    story = (
        "The harbour reopened on Monday after repairs, the port authority said.\n\n"
        "By Friday the fleet was back.\n\n"
    )
    article = article_from_text("a.txt", "Harbour repairs finish early\n\n" + story + tail)
    quotable = [s.text for s in article.sentences if not article.is_headline(s)]
    assert quotable == [
        "The harbour reopened on Monday after repairs, the port authority said.",
        "By Friday the fleet was back.",
    ]
