"""The `bot ask` path stays light: no llama-index import, same hits as the llama-index retriever."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

_PROBE = """
import json, sys
from bot.faces.cli import main
try:
    main(["ask", "--json", "--seeds", sys.argv[1], "--data", sys.argv[2], sys.argv[3]])
except SystemExit as exc:
    code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"llama_index", "sqlalchemy", "openai", "gradio"})
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _run_probe(seeds, data, question):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(seeds), str(data), question],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    probe = json.loads(proc.stderr.strip().splitlines()[-1])
    return probe, proc.stdout


@pytest.mark.slow
def test_bot_ask_never_imports_llama_index(seeds_copy, tmp_path):
    # first run indexes (missing index), second run only asks: neither needs llama-index
    for _ in range(2):
        probe, out = _run_probe(
            seeds_copy, tmp_path / "data", "How many North Korean troops are in Russia?"
        )
        assert probe == {"code": 0, "heavy": []}
        answer = json.loads(out)
        assert not answer["refused"] and answer["citations"]


def test_llama_index_retriever_returns_the_hits_ask_uses(seeds_bot):
    question = "Who is Moscow's ambassador to Pyongyang?"
    hits = seeds_bot.searcher.search(question)
    nodes = seeds_bot.retriever.retrieve(question)
    assert [(n.node.node_id, n.score) for n in nodes] == [(h.chunk.id, h.score) for h in hits]
    assert [n.node.get_content() for n in nodes] == [h.chunk.text for h in hits]
    assert nodes[0].node.metadata["file"] == hits[0].chunk.file
    assert {n.node.metadata["dense_similarity"] for n in nodes} == {
        h.dense_similarity for h in hits
    }


def test_ask_passages_are_the_search_hits(seeds_bot):
    question = "How many North Korean workers were dispatched to Donbas?"
    answer = seeds_bot.ask(question)
    hits = seeds_bot.searcher.search(question)
    assert [(p.file, p.start, p.end) for p in answer.passages] == [
        (h.chunk.file, h.chunk.start, h.chunk.end) for h in hits
    ]
