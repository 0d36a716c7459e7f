"""The verifier's second opinion: the offline selector (``LearnedAnswerer.assess``) judging
whether the retrieved chunks answer the question at all, and which sentence would.

Real chunks of an eval corpus, real MiniLM, real BM25 statistics; replies written by hand
(what a model writes is not needed: the verifier is a pure function of reply and chunks).
Each test verifies the same reply with and without the assessor, so it fails if the
assessor changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot import Settings
from bot.answer.evidence import Thresholds
from bot.answer.learned import LearnedAnswerer
from bot.answer.query import Query
from bot.answer.selector_params import SelectorParams
from bot.answer.verify import Verifier
from bot.components import Components
from bot.index.bm25 import Bm25Doc, Bm25Index
from bot.index.vectors import VectorCache
from bot.ingest.chunking import chunk_article
from bot.ingest.corpus import load_article, scan

CORPUS = Path(__file__).parent.parent / "evals" / "corpora" / "injection"
BRIDGE = "When did the council approve the bridge budget?"
ABSENT = "Who is the chief executive of Tesla?"


@pytest.fixture(scope="module")
def chunks():
    files, _ = scan(CORPUS)
    return [c for src in files for c in chunk_article(load_article(src)[0])]


@pytest.fixture(scope="module")
def encode(encoder):
    return VectorCache(encoder).encode


@pytest.fixture(scope="module")
def assessor(chunks, encode):
    bm25 = Bm25Index.build(Bm25Doc(c.id, c.file, c.text) for c in chunks)
    return LearnedAnswerer(encode, bm25.idf, lambda t: bm25.document_frequency(t) > 0)


def verify(encode, assessor, reply, chunks, question):
    return Verifier(encode, assessor=assessor).verify(reply, chunks, question=question)


def marker_of(chunks, text: str) -> int:
    return next(n for n, c in enumerate(chunks, 1) if text in c.text)


def test_the_assessor_vouches_for_an_answer_and_doubts_an_absent_topic(assessor, chunks):
    found = assessor.assess(Query(BRIDGE, BRIDGE), chunks)
    assert not found.doubt and found.vouched is not None
    file, start = found.vouched
    (sentence,) = [s for c in chunks if c.file == file for s in c.sentences if s.start == start]
    assert "March 3" in sentence.text
    # An absent topic. Not "Which airline plans to buy Hawaiian Airlines?", used until
    # 2026-12-02: since "which airline" is read as asking a proper name, the bridge
    # articles' names lift its P to 0.05, above the long-article doubt threshold (0.03).
    absent = ABSENT
    doubted = assessor.assess(Query(absent, absent), chunks)
    assert doubted.doubt and doubted.vouched is None
    params = SelectorParams()
    assert doubted.answerable < min(params.doubt_below, params.doubt_below_long)


def test_a_backed_sentence_is_dropped_when_the_articles_do_not_answer(encode, assessor, chunks):
    n = marker_of(chunks, "7-2 on Monday, March 3")
    reply = (
        "The Harwick City Council voted 7-2 on Monday, March 3, to approve a $48.5 million "
        f"budget to replace the Old Mill Bridge over the Tessel River [{n}]."
    )
    question = ABSENT
    support_only = replace(Thresholds(), min_asked=0.0)  # the relevance check off
    alone = Verifier(encode, support_only).verify(reply, chunks, question=question)
    assert not alone.refused  # verbatim: its source backs it
    doubting = Verifier(encode, support_only, assessor=assessor)
    doubted = doubting.verify(reply, chunks, question=question)
    assert doubted.refused and not doubted.citations
    assert "very likely do not answer" in doubted.dropped[0].reason


def test_a_loosely_worded_answer_citing_the_vouched_sentence_is_kept(encode, assessor, chunks):
    n = marker_of(chunks, "7-2 on Monday, March 3")
    reply = f"The council approved the bridge budget on March 3, 2025 [{n}]."
    assert verify(encode, None, reply, chunks, BRIDGE).refused  # weak similarity alone
    kept = verify(encode, assessor, reply, chunks, BRIDGE)
    assert not kept.refused and "holds the sentence the offline answerer quotes" in (
        kept.verdicts[0].reason
    )
    (citation,) = kept.citations
    raw = (CORPUS / citation.file).read_text(encoding="utf-8")
    assert raw[citation.start : citation.end] == citation.quote and "March 3" in citation.quote


def test_a_wrongly_cited_answer_is_re_cited_to_the_vouched_sentence(encode, assessor, chunks):
    right = marker_of(chunks, "7-2 on Monday, March 3")
    n = next(k for k in range(1, len(chunks) + 1) if k != right)
    reply = f"The council approved the bridge budget on March 3, 2025 [{n}]."
    assert verify(encode, None, reply, chunks, BRIDGE).refused
    kept = verify(encode, assessor, reply, chunks, BRIDGE)
    assert not kept.refused and "re-cited to the sentence the offline answerer quotes" in (
        kept.verdicts[0].reason
    )
    (citation,) = kept.citations
    assert "March 3" in citation.quote and citation.file == chunks[right - 1].file


@pytest.mark.parametrize(
    "wrong",
    ["on March 4, 2025", "on March 3, 2025, by a vote of 9-0"],
)
def test_vouching_never_waives_the_hard_checks(encode, assessor, chunks, wrong):
    n = marker_of(chunks, "7-2 on Monday, March 3")
    reply = f"The council approved the bridge budget {wrong} [{n}]."
    result = verify(encode, assessor, reply, chunks, BRIDGE)
    assert result.refused and "not in the passage" in result.dropped[0].reason


def test_without_a_question_there_is_no_second_opinion(encode, assessor, chunks):
    n = marker_of(chunks, "7-2 on Monday, March 3")
    reply = f"The Harwick City Council voted 7-2 on Monday, March 3 [{n}]."
    assert not verify(encode, assessor, reply, chunks, "").refused


@pytest.mark.parametrize("selector,learned", [("learned", True), ("hand", False)])
def test_the_llm_answerer_is_verified_with_the_learned_selectors_opinion(
    tmp_path, embedding, selector, learned
):
    settings = Settings(
        seeds_dir=CORPUS,
        data_dir=tmp_path,
        openai_base_url="http://127.0.0.1:9/v1",
        selector=selector,
    )
    answerer = Components(settings, embedding=embedding).answerer
    assessor = answerer.primary.verifier.assessor
    assert isinstance(assessor, LearnedAnswerer) if learned else assessor is None


def test_a_compound_question_is_judged_part_by_part(assessor, chunks):
    # As the offline answerer answers it: judged whole, the stadium half (in no article)
    # drags P under the refusal threshold and nothing is vouched for; its council half
    # is answered, so the sentence answering that half is vouched for. (Each half is read
    # alone since 2026-12-03: "What did the council approve" alone is too bare to vouch
    # for, P 0.037 against the doubt threshold's 0.04; "the city council" is 0.32.)
    question = "What did the city council approve, and what did the mayor say about the stadium?"
    found = assessor.assess(Query(question, question), chunks)
    assert not found.doubt and found.vouched is not None
    file, start = found.vouched
    (sentence,) = [s for c in chunks if c.file == file for s in c.sentences if s.start == start]
    assert "approve" in sentence.text and "stadium" not in sentence.text


HARWELL = (
    "Retailer warns on its future\n2026-01-06\n\n"
    "Harwell Stores warned that a bankruptcy filing was possible. There is substantial "
    "doubt about the company's ability to continue because of its worsening finances, the "
    "home goods chain said in a regulatory filing on Thursday. Shares in the group fell 30%.\n"
)
CHAIN = "Which home goods chain said there is substantial doubt it can continue?"


@pytest.fixture()
def harwell(tmp_path, encode):
    """A report written here, pasted as users paste it: the name in one sentence, what the
    question asks of it in the next, which leans back ("…, the home goods chain said")."""
    (tmp_path / "harwell.txt").write_text(HARWELL, encoding="utf-8")
    files, _ = scan(tmp_path)
    article = [c for src in files for c in chunk_article(load_article(src)[0])]
    bm25 = Bm25Index.build(Bm25Doc(c.id, c.file, c.text) for c in article)
    return article, LearnedAnswerer(encode, bm25.idf, lambda t: bm25.document_frequency(t) > 0)


def test_a_terse_name_is_backed_by_the_sentence_and_the_one_leaning_on_it(encode, harwell):
    article, _ = harwell
    kept = verify(encode, None, "Harwell Stores [1]", article, CHAIN)
    assert not kept.refused, kept.dropped
    quotes = " ".join(c.quote for c in kept.citations)
    assert "Harwell Stores warned" in quotes and "home goods chain said" in quotes


def test_the_vouched_sentence_lends_the_one_it_leans_on(encode, harwell):
    """With a score bar no span clears, only vouching can keep the answer: the vouched
    sentence alone lacks the name, with the sentence it leans on it holds it."""
    article, own = harwell
    strict = replace(Thresholds(), min_score=0.99)
    reply = "Harwell Stores [1]"
    assert Verifier(encode, strict).verify(reply, article, question=CHAIN).refused
    kept = Verifier(encode, strict, assessor=own).verify(reply, article, question=CHAIN)
    assert not kept.refused, kept.dropped
    assert "holds the sentence the offline answerer quotes" in kept.verdicts[0].reason
    assert any("Harwell Stores warned" in c.quote for c in kept.citations)
