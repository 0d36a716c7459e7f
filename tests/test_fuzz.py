"""Fuzzing the parsers that see untrusted text: any input, no exception, invariants hold.

(The cleaner's offset map and the sentence splitter are fuzzed in their own test files.)
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer.claims import split_claims
from bot.answer.sanitize import sanitize
from bot.ingest.cleaning import clean
from bot.types import REFUSAL

_MARKERISH = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "[1]",
            "[2]",
            "[99]",
            "[0]",
            "[-1]",
            "[1,2]",
            "[1-3]",
            "[",
            "]",
            "[[1]]",
            "![x](http://evil.example/p.png)",
            "<img src=x>",
            "\n",
            ". ",
            "? ",
            "…",
        ]
    ),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_MARKERISH, max_size=25), st.integers(0, 9))
def test_citation_parser_never_fails_and_keeps_markers_in_range(pieces, n_sources):
    reply = "".join(pieces)
    claims = split_claims(reply, n_sources)
    for claim in claims:
        assert all(1 <= n <= n_sources for n in claim.cited)
        assert not set(claim.cited) & set(claim.invalid)
        assert not re.search(r"\[\s*\d+\s*\]", claim.text)  # markers are parsed out
        assert re.search(r"\w", claim.text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_sanitized_text_has_no_links_images_or_tags(text):
    out = sanitize(text + " ![a](http://x.example/i.png) <b>x</b> https://y.example/z")
    # The word "http" may stay (the fuzzer writes it); a URL, link, image or tag may not.
    assert "](" not in out and "<b>" not in out
    assert not re.search(r"(?i)(?:https?|ftp|file)://|www\.\w", out), out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MARKERISH, min_size=1, max_size=20))
def test_verifier_on_arbitrary_replies(seeds_bot, pieces):
    from bot.answer.verify import Verifier

    chunks = [h.chunk for h in seeds_bot.searcher.search("North Korean troops")][:4]
    result = Verifier(seeds_bot.components.vectors.encode).verify("".join(pieces), chunks)
    if result.refused:
        assert result.text == REFUSAL and not result.citations
    for c in result.citations:
        text = seeds_bot.source_text(c.file)[0]
        assert text[c.start : c.end] == c.quote


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_cleaner_on_arbitrary_decoded_bytes(data):
    raw = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    cleaned = clean(raw)
    assert cleaned.body == "".join(raw[s:e] for s, e in cleaned.spans)
