"""Hybrid retrieval: RRF arithmetic, BM25 on its own, and the fused retriever on the seeds."""

from __future__ import annotations

from datetime import date

import pytest
from llama_index.core.base.base_retriever import BaseRetriever

from bot.index.bm25 import Bm25Doc, Bm25Index
from bot.index.retrieval import chunk_from_node, reciprocal_rank_fusion


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
            Bm25Doc("a", "x.txt", "Troops were wounded near the border."),
            Bm25Doc("b", "y.txt", "Over 11,000 soldiers arrived."),
            Bm25Doc("c", "y.txt", "The bridge budget was approved."),
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


@pytest.mark.parametrize(
    "bad",
    [
        dict(top_k=0),
        dict(top_k=5, params=dict(candidates=2)),
        dict(params=dict(rrf_k=0)),
        dict(params=dict(per_file=0)),
    ],
)
def test_retriever_validates_its_arguments(seeds_bot, bad):
    from bot.index.retrieval import HybridRetriever
    from bot.index.search import SearchParams

    with pytest.raises(ValueError):
        params = SearchParams(**bad.pop("params", {}))
        HybridRetriever(seeds_bot.store, seeds_bot.embedding, seeds_bot.bm25, params=params, **bad)


def _docs(files: dict[str, list[str]]) -> list[Bm25Doc]:
    return [Bm25Doc(f"{f}#{i}", f, t) for f, texts in files.items() for i, t in enumerate(texts)]


def test_an_updated_bm25_index_equals_one_built_from_scratch():
    before = {
        "a.txt": ["Troops were wounded near the border.", "Shelling hit Kursk."],
        "b.txt": ["Over 11,000 soldiers arrived in Russia."],
        "c.txt": ["The bridge budget was approved by parliament."],
    }
    after = {
        "a.txt": before["a.txt"],
        "b.txt": ["Some 12,000 soldiers arrived.", "Pyongyang denied it.", "Kursk again."],
        "d.txt": ["A new article about the bridge and wounded soldiers."],
    }
    fetched: list[list[str]] = []

    def fetch(files):
        fetched.append(list(files))
        return _docs({f: after[f] for f in files})

    old = Bm25Index.build(_docs(before), {f: "v1" for f in before})
    versions = {"a.txt": "v1", "b.txt": "v2", "d.txt": "v1"}
    new = old.updated(versions, fetch)
    fresh = Bm25Index.build(_docs(after), versions)
    assert fetched == [["b.txt", "d.txt"]]  # the unchanged file was not read again
    assert sorted(new.ids) == sorted(fresh.ids) and new.versions == versions
    for query in ["soldiers", "wounded bridge", "Kursk", "11,000", "12000", "parliament"]:
        assert dict(new.search(query, 10)) == pytest.approx(dict(fresh.search(query, 10)))
        assert new.idf(query.lower()) == pytest.approx(fresh.idf(query.lower()))
    assert new.search("parliament", 5) == []  # c.txt is gone
    assert new.updated(versions, fetch) is new and len(fetched) == 1  # nothing changed


def test_bm25_follows_an_edit_by_reading_only_the_changed_file(make_bot, seeds_copy, monkeypatch):
    bot = make_bot(seeds_copy)
    bot.index()
    bot.bm25()
    edited = sorted(seeds_copy.glob("*.txt"))[1]
    edited.write_text(edited.read_text() + "\nZanzibarian envoys arrived on Tuesday.\n")
    read: list[list[str]] = []
    real = bot.store.chunks_of_files
    monkeypatch.setattr(bot.store, "chunks_of_files", lambda f: read.append(list(f)) or real(f))
    monkeypatch.setattr(bot.store, "iter_chunks", lambda: pytest.fail("full rebuild"))
    bot.index()
    assert bot.bm25().search("Zanzibarian envoys", 3)[0][0].startswith(edited.name + "#")
    assert read == [[edited.name]]
    # a fresh process (here: a fresh Bot) updates from the cache the last one saved
    edited.write_text(edited.read_text() + "\nQuokkas were seen.\n")
    other = make_bot(seeds_copy)
    other.index()
    monkeypatch.setattr(other.store, "iter_chunks", lambda: pytest.fail("full rebuild"))
    assert other.bm25().search("quokkas", 3)[0][0].startswith(edited.name + "#")


def test_diversify_caps_chunks_per_file_and_tops_up_in_rank_order():
    from bot.index.search import diversify

    ranked = ["a#0", "a#1", "a#2", "b#0", "a#3", "b#1", "c#0", "b#2", "b#3"]
    assert diversify(ranked, 5, 2) == ["a#0", "a#1", "b#0", "b#1", "c#0"]
    # fewer files than the cap allows for: the held-back chunks fill up, best first
    assert diversify(["a#0", "a#1", "a#2", "b#0"], 4, 1) == ["a#0", "a#1", "a#2", "b#0"]
    assert diversify(["x#0", "y#0"], 8, 3) == ["x#0", "y#0"]
    assert diversify(["dir/f.txt#0", "dir/f.txt#1"], 1, 1) == ["dir/f.txt#0"]


def test_a_dated_question_also_searches_its_weeks_articles(make_bot, tmp_path):
    # a report of the question's week in other words than the question's ranks below
    # look-alike stories of other weeks; asked about a known day, its week is also
    # searched by itself, so the report is among the passages the answerer sees
    seeds = tmp_path / "weeks"
    seeds.mkdir()
    for i in range(6):
        day = f"2022-0{i + 1}-1{i}"
        (seeds / f"lookalike{i}.txt").write_text(
            f" date {day}\nA new report named the most liveable city in the world this week: "
            f"the city ranked first for liveable streets, report {i} said.\n"
        )
    (seeds / "week.txt").write_text(
        " date 2022-06-24\nThe Austrian capital grabbed the top spot from Auckland, which "
        "sank to 34th place. The report praised Vienna for its stability.\n"
    )
    (seeds / "later.txt").write_text(
        " date 2022-08-05\nThe Danish capital opened a harbour bath for swimmers.\n"
    )
    bot = make_bot(seeds, top_k=6)
    bot.index()
    question = "Which city was named the most liveable city in the world this week?"

    def files(**kw) -> list[str]:
        return [p.file for p in bot.ask(question, **kw).passages]

    assert "week.txt" not in files()
    assert "week.txt" in files(as_of=date(2022, 6, 26))
    # only articles of the week up to that day are searched by themselves
    assert "later.txt" not in files(as_of=date(2022, 8, 20))
    assert "later.txt" in files(as_of=date(2022, 8, 6))
