"""Hybrid retrieval: RRF arithmetic, BM25 on its own, and the fused retriever on the seeds."""

from __future__ import annotations

import pytest
from llama_index.core.base.base_retriever import BaseRetriever

from bot.bm25 import Bm25Index
from bot.retrieval import chunk_from_node, reciprocal_rank_fusion


def test_rrf_rewards_agreement_and_is_deterministic():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    assert [doc for doc, _ in fused] == ["b", "a", "d", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    assert reciprocal_rank_fusion([["x"], ["y"]]) == reciprocal_rank_fusion([["x"], ["y"]])
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])


def test_bm25_scores_stems_numbers_and_saves(tmp_path):
    index = Bm25Index.build(
        [
            ("a", "Troops were wounded near the border."),
            ("b", "Over 11,000 soldiers arrived."),
            ("c", "The bridge budget was approved."),
        ]
    )
    assert index.search("wounds", 2)[0][0] == "a"
    assert index.search("11000", 2)[0][0] == "b"
    assert index.search("zzz unknown", 3) == []
    assert index.idf("bridg") > 0 and index.idf("never-seen") > index.idf("bridg")
    index.save(tmp_path / "bm25")
    again = Bm25Index.load(tmp_path / "bm25")
    assert again.search("budget", 1) == index.search("budget", 1)
    assert Bm25Index.build([]).search("anything", 5) == []


def test_hybrid_retriever_is_a_llama_index_retriever(seeds_bot):
    retriever = seeds_bot.retriever
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve(
        "How many North Korean workers were sent to Donbas for reconstruction?"
    )
    assert 1 <= len(nodes) <= seeds_bot.settings.top_k
    assert "002_a3b9d148d5404355.txt" in {chunk_from_node(n).file for n in nodes[:3]}
    scores = [n.score for n in nodes]
    assert scores == sorted(scores, reverse=True)


def test_lexical_half_finds_rare_names(seeds_bot):
    nodes = seeds_bot.retriever.retrieve("Joonkook Hwang")
    assert chunk_from_node(nodes[0]).file == "004_c7e5022738f6770f.txt"
    assert nodes[0].node.metadata["bm25_score"] > 0


@pytest.mark.parametrize("bad", [dict(top_k=0), dict(top_k=5, candidates=2), dict(rrf_k=0)])
def test_retriever_validates_its_arguments(seeds_bot, bad):
    from bot.retrieval import HybridRetriever

    with pytest.raises(ValueError):
        HybridRetriever(seeds_bot.store, seeds_bot.embedding, seeds_bot.bm25, **bad)
