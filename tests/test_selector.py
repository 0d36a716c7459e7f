"""The learned selector: its features, its shipped model, its answers, and dated conflicts.

The corpora are written here (reports of made-up events), not taken from the eval cases or
RealTime QA, so nothing is tuned to them. Real MiniLM, real Chroma, real BM25.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.answer.candidates import candidates_of
from bot.answer.features import SENTENCE_FEATURES, Asked, sentence_features
from bot.answer.query import condense
from bot.answer.question import is_yes_no
from bot.answer.selector import MODEL_FILE, SelectorModel, load_model
from bot.ingest.chunking import chunk_article
from bot.ingest.corpus import article_from_text

FERRY = (
    " date 2023-05-02\n"
    "The Marlow Sound ferry service will resume on Friday after a two-month suspension. "
    "The repaired Marlow Sound ferry carried 212 passengers on its trial crossing, the "
    "operator said. "
    "Harbour officials declined to say what the repairs cost.\n"
)
FERRY_LATER = (
    " date 2023-06-20\n"
    "The repaired Marlow Sound ferry carried 348 passengers on its trial crossing, the "
    "operator said on Tuesday in a corrected count. Queues at the terminal stretched past "
    "the car park.\n"
)
LIBRARY = (
    " date 2023-03-14\n"
    "Quentin Arbuckle was named head librarian of the Pellworth Library on Monday. "
    "He replaces Ada Marsh, who retired in January after 31 years. "
    "The library will extend its weekend opening hours from April.\n"
)


def chunks_of(name: str, text: str):
    return chunk_article(article_from_text(name, text))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Did the operator accept the offer?", True),
        ("Is the ferry running again?", True),
        ("Did the number go up or down?", False),
        ("Who runs the library?", False),
        ("How many passengers did it carry?", False),
    ],
)
def test_yes_no_questions_are_told_from_others(question, expected):
    assert is_yes_no(question) is expected


def test_features_say_which_sentence_holds_a_new_figure(encoder):
    question = "How many passengers did the repaired Marlow Sound ferry carry?"
    query = condense(question)
    cands = candidates_of(chunks_of("ferry.txt", FERRY))
    asked = Asked.of(query, lambda t: 1.0)
    vectors = encoder.encode([c.sentence.text for c in cands])
    rows = sentence_features(asked, cands, vectors, encoder.encode([query.standalone])[0])
    assert rows.matrix.shape == (len(cands), len(SENTENCE_FEATURES))
    texts = [c.sentence.text for c in cands]
    figure = next(i for i, t in enumerate(texts) if "212" in t)
    assert rows.column("typed_new")[figure] == 1.0
    assert all(rows.column("typed_new")[i] == 0.0 for i in range(len(cands)) if i != figure)
    assert rows.column("sim_gap").max() == 0.0 and (rows.column("sim_gap") <= 0).all()
    assert rows.column("cov_own")[figure] == rows.column("cov_own").max()


def test_the_shipped_model_matches_the_features_the_code_computes():
    model = load_model()
    assert model.sentence.features == SENTENCE_FEATURES
    assert "trained_on" in model.meta and "RealTime QA" in model.meta["trained_on"]
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["sentence"]["features"] = data["sentence"]["features"][:-1]
    with pytest.raises(ValueError, match=r"re-run scripts/train_selector\.py"):
        SelectorModel.from_dict(data)


@pytest.fixture()
def learned_bot(make_bot, tmp_path):
    seeds = tmp_path / "news"
    seeds.mkdir()
    for name, text in {"ferry.txt": FERRY, "ferry2.txt": FERRY_LATER, "lib.txt": LIBRARY}.items():
        (seeds / name).write_text(text, encoding="utf-8")
    bot = make_bot(seeds, selector="learned")
    bot.index()
    return bot


def test_the_learned_selector_quotes_the_sentence_with_the_answer(learned_bot):
    answer = learned_bot.ask("Who was named head librarian of the Pellworth Library?")
    assert not answer.refused, answer.reason
    assert "Quentin Arbuckle" in answer.text
    assert answer.citations[0].file == "lib.txt"


def test_the_learned_selector_refuses_what_no_article_says(learned_bot):
    answer = learned_bot.ask("Which team won the national rugby final?")
    assert answer.refused and answer.citations == []
    assert answer.reason


def test_a_yes_no_question_needs_a_sentence_that_covers_its_predicate(learned_bot):
    # the articles name the library but never say it was sold
    answer = learned_bot.ask("Was the Pellworth Library sold to a developer?")
    assert answer.refused, answer.text


def test_conflicting_figures_are_dated_newest_first(make_bot, tmp_path):
    seeds = tmp_path / "ferry"
    seeds.mkdir()
    (seeds / "ferry.txt").write_text(FERRY, encoding="utf-8")
    (seeds / "ferry2.txt").write_text(FERRY_LATER, encoding="utf-8")
    bot = make_bot(seeds)
    bot.index()
    answer = bot.ask("How many passengers did the Marlow Sound ferry carry?")
    assert not answer.refused, answer.reason
    if {c.file for c in answer.citations} != {"ferry.txt", "ferry2.txt"}:
        pytest.fail(f"both reports should be quoted: {answer.text}")
    assert answer.text.startswith("2023-06-20: ")
    assert answer.text.index("348") < answer.text.index("2023-05-02: ") < answer.text.index("212")
    dates = [c.date for c in answer.citations]
    assert dates == sorted(dates, reverse=True)


def test_softmax_of_a_ruled_out_candidate_is_zero():
    from bot.answer.features import softmax

    p = softmax(np.array([1.0, -np.inf, 0.0]))
    assert p[1] == 0.0 and abs(p.sum() - 1.0) < 1e-12 and p[0] > p[2]
