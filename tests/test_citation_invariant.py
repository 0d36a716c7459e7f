"""The sacred invariant, as a property: for any question, every citation is an exact slice."""

from __future__ import annotations

import re

from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import InputError

_VOCAB = sorted(
    {w for p in SEEDS.glob("*.txt") for w in re.findall(r"[\w’'-]+", p.read_text(encoding="utf-8"))}
)
_WORDS = st.one_of(st.sampled_from(_VOCAB), st.text(min_size=1, max_size=12))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, min_size=1, max_size=14), st.sampled_from(["?", "", "."]))
def test_every_citation_is_an_exact_slice(seeds_bot, words, end):
    question = " ".join(words) + end
    try:  # empty once invisible characters go (the fuzzer writes some), or too long
        seeds_bot.validate_question(question)
    except InputError:
        return
    answer = seeds_bot.ask(question)
    assert answer.refused == (not answer.citations)
    for c in answer.citations:
        text = (SEEDS / c.file).open(encoding=c.encoding).read()
        assert text[c.start : c.end] == c.quote
        assert c.line == text.count("\n", 0, c.start) + 1
        assert f"[{c.n}]" in answer.text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
