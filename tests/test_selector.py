"""The extractive answerer's learned selector: its features, its shipped model, its
answers (the question's day, near misses, dated conflicts).

The corpora are written here (reports of made-up events), not taken from the eval cases or
RealTime QA, so nothing is tuned to them. Real MiniLM, real Chroma, real BM25.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from bot.answer.answerability import ANSWER_FEATURES, LONG_PASSAGES
from bot.answer.candidates import addresses_reader, candidates_of
from bot.answer.features import (
    SENTENCE_FEATURES,
    SIMILARITY_FEATURES,
    Asked,
    SentenceRows,
    date_features,
    lexical_features,
    sentence_features,
)
from bot.answer.learned import Judged, LearnedAnswerer, SentenceVectors
from bot.answer.query import condense
from bot.answer.question import is_yes_no
from bot.answer.selector import (
    MODEL_FILE,
    Logistic,
    SelectorModel,
    Trees,
    load_model,
    shortlist,
    sigmoid,
)
from bot.answer.selector_params import SelectorParams
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


@pytest.mark.parametrize(
    ("sentence", "to_reader"),
    [
        ("For more odd news, sign up to our Tall Tales newsletter.", True),
        ("Find out more with The Week Unwrapped podcast.", True),
        ("See the full list of nominees here.", True),
        ("Watch some of the other celebrations that took place across America here.", True),
        ("“Watch this space,” Harding said.", False),
        ("See how the storm unfolded.", False),
        ("Visit Britain said bookings rose 5% this year.", False),
        ("Watchdog Ofcom said it would investigate the broadcaster.", False),
        ("Sign language interpreters stood beside the mayor.", False),
    ],
)
def test_a_call_to_the_reader_is_no_candidate(sentence, to_reader):
    assert addresses_reader(sentence) is to_reader
    text = f" date 2023-05-02\nThe Marlow Sound ferry will resume on Friday. {sentence}\n"
    quotable = [c.sentence.text for c in candidates_of(chunks_of("promo.txt", text))]
    assert (sentence in quotable) is not to_reader


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


PATROL = (
    " date 2023-04-11\n"
    "According to Priya Nandakumar, the harbour master, the patrol now has 40 boats. "
    "Captain Ines Varro commands the harbour patrol from the north pier.\n"
)


@pytest.mark.parametrize(
    ("question", "typed"),
    [
        ("Who commands the harbour patrol?", [0.0, 1.0]),  # Nandakumar is only the source
        ("Who said the harbour patrol has 40 boats?", [1.0, 1.0]),  # … here the answer
    ],
)
def test_a_name_that_is_only_a_reports_source_answers_who_only_who_said(question, typed):
    cands = candidates_of(chunks_of("patrol.txt", PATROL))
    rows = lexical_features(Asked.of(condense(question), lambda t: 1.0), cands)
    assert [c.sentence.text[:9] for c in cands] == ["According", "Captain I"]
    assert rows.column("typed").tolist() == typed


def test_only_the_similarity_features_need_the_sentences_vectors(encoder):
    # the shortlist scores candidates before any is embedded: every other feature must
    # come out the same with blank vectors
    query = condense("How many passengers did the repaired Marlow Sound ferry carry?")
    cands = candidates_of(chunks_of("ferry.txt", FERRY) + chunks_of("lib.txt", LIBRARY))
    asked = Asked.of(query, lambda t: 1.0)
    question = encoder.encode([query.standalone])[0]
    real = sentence_features(
        asked, cands, encoder.encode([c.sentence.text for c in cands]), question
    )
    blank = sentence_features(asked, cands, np.zeros((len(cands), len(question))), question)
    differ = {
        name
        for j, name in enumerate(SENTENCE_FEATURES)
        if not np.allclose(real.matrix[:, j], blank.matrix[:, j])
    }
    assert differ and differ <= set(SIMILARITY_FEATURES)


def test_the_shortlist_keeps_the_best_lexical_scores_and_no_ruled_out_candidate():
    model = load_model().sentence
    rng = np.random.default_rng(0)
    rows = rng.normal(model.mean, model.scale, size=(12, len(SENTENCE_FEATURES)))
    out = np.zeros(12, dtype=bool)
    out[[0, 5]] = True
    keep = shortlist(model, rows, out, 4)
    assert keep.sum() == 4 and not keep[out].any()
    lexical = model.logit_without(rows, SIMILARITY_FEATURES)
    assert lexical[keep].min() >= lexical[~keep & ~out].max()
    sims = rows.copy()
    sims[:, [SENTENCE_FEATURES.index(n) for n in SIMILARITY_FEATURES]] = 0.9
    assert (shortlist(model, sims, out, 4) == keep).all()  # similarity plays no part
    assert shortlist(model, rows, np.ones(12, dtype=bool), 4).sum() == 0


def test_the_learned_answerer_embeds_at_most_its_shortlist(encoder):
    texts: list[str] = []

    def counting(batch):
        texts.extend(batch)
        return encoder.encode(batch)

    chunks = []
    for k in range(6):  # six reports, ~18 candidate sentences
        chunks += chunks_of(f"ferry{k}.txt", FERRY.replace("212", str(200 + k)))
    answerer = LearnedAnswerer(counting, lambda t: 1.0, params=SelectorParams(embed_at_most=5))
    query = condense("How many passengers did the repaired Marlow Sound ferry carry?")
    answer = answerer.answer(query, chunks)
    assert len(candidates_of(chunks)) > 10
    assert len([t for t in texts if t != query.standalone]) <= 5
    assert not answer.refused and "passengers" in answer.text


def test_short_passages_and_long_articles_have_their_own_refusal_and_doubt_thresholds(encoder):
    from bot.answer.answerability import sentences_per_passage
    from bot.answer.learned import is_long

    short = chunks_of("ferry.txt", FERRY)  # three sentences, one chunk
    long = chunks_of(
        "ferry.txt",
        FERRY.replace("\n", " ")
        + " ".join(
            f"Crossing {k} ran {k} minutes late on the Marlow Sound route." for k in range(1, 9)
        )
        + "\n",
    )
    query = condense("How many passengers did the repaired Marlow Sound ferry carry?")
    answerer = LearnedAnswerer(encoder.encode, lambda t: 1.0)
    for chunks, expect_long in ((short, False), (long, True)):
        judged = answerer.judge(
            query, candidates_of(chunks), SentenceVectors(encoder.encode, candidates_of(chunks))
        )
        assert (sentences_per_passage(judged.rows) > LONG_PASSAGES) is expect_long
        assert is_long(judged.rows) is expect_long
        refuse_short = SelectorParams(
            refuse_below=1.0, refuse_below_long=0.0, doubt_below=0.0, doubt_below_long=0.0
        )
        refuse_long = SelectorParams(
            refuse_below=0.0, refuse_below_long=1.0, doubt_below=0.0, doubt_below_long=0.0
        )
        for params, refused in ((refuse_short, not expect_long), (refuse_long, expect_long)):
            got = LearnedAnswerer(encoder.encode, lambda t: 1.0, params=params).answer(
                query, chunks
            )
            assert got.refused is refused
            # … and so does the verifier's doubt (the second opinion on an LLM's answer)
            doubted = LearnedAnswerer(
                encoder.encode,
                lambda t: 1.0,
                params=replace(
                    params,
                    doubt_below=params.refuse_below,
                    doubt_below_long=params.refuse_below_long,
                ),
            ).assess(query, chunks)
            assert bool(doubted.doubt) is refused


_FEATURE_PROBE = """
import hashlib, sys
from pathlib import Path
import numpy as np
from bot.answer.candidates import candidates_of
from bot.answer.features import Asked, sentence_features
from bot.answer.query import condense
from bot.ingest.chunking import chunk_article
from bot.ingest.corpus import article_from_text
chunks = []
for p in sorted(Path(sys.argv[1]).glob("*.txt")):
    chunks += chunk_article(article_from_text(p.name, p.read_text(encoding="utf-8")))
cands = candidates_of(chunks)
h = hashlib.sha1()
for question in sys.argv[2:]:
    asked = Asked.of(condense(question), lambda t: 0.1 * len(t) + 1 / (1 + ord(t[0])))
    h.update(sentence_features(asked, cands, np.zeros((len(cands), 4)), np.zeros(4)).matrix.tobytes())
print(h.hexdigest())
"""


def test_features_are_the_same_bits_whatever_pythons_hash_seed():
    # the selector is refitted from features computed in fresh processes: sums over sets of
    # words in hash order made them differ in the last bit, and the refit trees with them
    import os
    import subprocess
    import sys

    from conftest import SEEDS

    questions = [
        "How many North Korean workers were dispatched to Donbas in 2024?",
        "Who is Moscow's ambassador to Pyongyang and what did he say about wounded soldiers?",
        "What weapons has North Korea sent to Russia since the war began?",
    ]
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _FEATURE_PROBE, str(SEEDS), *questions],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_the_shipped_model_matches_the_features_the_code_computes():
    model = load_model()
    assert model.sentence.features == SENTENCE_FEATURES
    assert model.answerable.features == ANSWER_FEATURES
    assert "trained_on" in model.meta and "RealTime QA" in model.meta["trained_on"]
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["sentence"]["features"] = data["sentence"]["features"][:-1]
    with pytest.raises(ValueError, match=r"re-run scripts/train_selector\.py"):
        SelectorModel.from_dict(data)
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["guards"] = ["no_such_guard"]
    with pytest.raises(ValueError, match="unknown guard"):
        SelectorModel.from_dict(data)


def test_the_answerers_thresholds_are_the_ones_chosen_with_the_model():
    meta, params = load_model().meta, SelectorParams()
    assert params.refuse_below == meta["refuse_below"]
    assert params.refuse_below_dated == meta["refuse_below_dated"]
    assert params.refuse_below_long == meta["refuse_below_long"]
    assert params.refuse_below_long_dated == meta["refuse_below_long_dated"]
    assert meta["long_passages"] == LONG_PASSAGES
    assert params.runner_up == meta["runner_up"]
    assert params.embed_at_most == meta["embed_at_most"]
    assert params.doubt_below == meta["doubt_below"]
    assert params.doubt_below_long == meta["doubt_below_long"]
    assert params.doubt_below_dated == meta["doubt_below_dated"]
    assert params.doubt_below_long_dated == meta["doubt_below_long_dated"]


def test_answerability_is_labelled_by_every_sentence_the_answerer_would_quote():
    """The trees learn "the quoted sentences hold the answer", what "correct" counts: a
    runner-up close to the best one is quoted, so its holding the answer makes the question
    a positive even when the best sentence does not (conflicting reports, each quoted)."""
    from scripts.selector_fit import MAX_QUOTES, answer_row, quoted
    from scripts.selector_items import Item

    sim = np.array([2.0, 1.9, -3.0])  # two near-equal candidates and a far one
    width = len(SENTENCE_FEATURES)
    matrix = np.zeros((3, width))
    matrix[:, SENTENCE_FEATURES.index("sim")] = sim
    coef = np.zeros(width)
    coef[SENTENCE_FEATURES.index("sim")] = 1.0
    model = Logistic(SENTENCE_FEATURES, np.zeros(width), np.ones(width), coef, 0.0)
    assert list(quoted(sim, 0.3)) == [0, 1]  # best first, the far one left out
    assert list(quoted(np.zeros(MAX_QUOTES + 2), 0.3)) == list(range(MAX_QUOTES))
    asked = Asked.of(condense("How many people took the ferry?"), lambda t: 1.0)
    rows = SentenceRows(matrix, [{} for _ in sim], [0.0 for _ in sim])

    def label(*holds: bool) -> bool:
        labels = np.array(holds)
        item = Item("q", "single", rows, asked, labels, (0.0, 0.0), date(2023, 5, 2), (None,) * 3)
        got = answer_row(model, item, (), 0.3)
        assert got is not None and got[0].shape == (len(ANSWER_FEATURES),)
        return got[1]

    assert label(True, False, False)
    assert label(False, True, False)  # the runner-up is quoted: right
    assert not label(False, False, True)  # the far one is never quoted: wrong


def test_the_embedding_budget_keeps_to_the_over_refusal_bar(monkeypatch):
    """Fewer embedded candidates can leave only weaker ones, so more is refused: refusing
    every unanswerable question raises the objective while over-refusing. The budget
    chosen on dev must keep to the bar the thresholds were chosen under (a fewer-candidate
    budget once won on the objective with 17-19% of a dev corpus's answerable refused)."""
    import scripts.selector_choose as choose
    from scripts.selector_fit import Outcome

    def outcomes(sentence, answerable, items, guards, ratio, k):
        weak = k < 8  # 3 of 10 answerable refused and every unanswerable one, else 1 and 8
        single = [
            Outcome("single", 0.1 if n < (3 if weak else 1) else 0.9, True, 1) for n in range(10)
        ]
        others = [
            Outcome(kind, 0.1 if weak or n < 8 else 0.9, False, 1)
            for kind in ("unanswerable", "near_miss")
            for n in range(10)
        ]
        return single + others

    monkeypatch.setattr(choose, "outcomes", outcomes)
    full = (0.9 + 0.8 + 0.8) / 3  # the objective embedding every candidate
    k, score = choose.choose_embed_at_most(
        None, None, (), {"with": (0.5, 0.5)}, full, {"with": {"corpus": []}}
    )
    assert (k, round(score, 3)) == (8, round(full, 3))  # 5 scored 0.9, refusing 30%


def test_exported_trees_give_scikit_learns_log_odds_and_survive_json():
    from scripts.selector_fit import fit_trees  # raises if the export disagrees

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(ANSWER_FEATURES)))
    y = x[:, 0] + 0.5 * x[:, 3] * x[:, 4] + rng.normal(scale=0.5, size=400) > 0
    trees = fit_trees(x, y)
    again = Trees.from_dict(json.loads(json.dumps(trees.to_dict())), ANSWER_FEATURES)
    fresh = rng.normal(size=(50, len(ANSWER_FEATURES)))
    assert np.allclose(again.logit(fresh), trees.logit(fresh))
    p = sigmoid(trees.logit(x))
    assert p[y].mean() > 0.7 > 0.3 > p[~y].mean()  # it learned the rule


@pytest.mark.parametrize(
    ("as_of", "article_date", "expected"),
    [
        (None, "2023-05-02", dict(dated=0, same_week=0, after_as_of=0, age=0)),
        (date(2023, 5, 4), None, dict(dated=0, same_week=0, after_as_of=0, age=0)),
        (date(2023, 5, 4), "2023-05-02", dict(dated=1, same_week=1, after_as_of=0)),
        (date(2023, 5, 4), "2023-05-04", dict(dated=1, same_week=1, after_as_of=0, age=0)),
        (date(2023, 5, 4), "2023-04-20", dict(dated=1, same_week=0, after_as_of=0)),
        (date(2023, 5, 4), "2023-05-09", dict(dated=1, same_week=0, after_as_of=1, age=0)),
    ],
)
def test_date_features_compare_the_article_with_the_questions_day(as_of, article_date, expected):
    got = date_features(as_of, article_date)
    assert {k: got[k] for k in expected} == expected
    if got["dated"] and not got["after_as_of"]:
        assert got["age"] == pytest.approx(
            math.log1p((as_of - date.fromisoformat(article_date)).days)
        )


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


REGATTA_MAY = (
    " date 2023-05-02\n"
    "Team Aurora won the Harbour Cup regatta on Sunday, finishing four minutes clear of the "
    "fleet. Strong winds delayed the start by an hour.\n"
)
REGATTA_JUNE = (
    " date 2023-06-13\n"
    "Team Borealis won the Harbour Cup regatta on Sunday after a tight final leg. "
    "Spectators lined the harbour wall.\n"
)


@pytest.fixture()
def regatta_bot(make_bot, tmp_path):
    seeds = tmp_path / "regatta"
    seeds.mkdir()
    (seeds / "may.txt").write_text(REGATTA_MAY, encoding="utf-8")
    (seeds / "june.txt").write_text(REGATTA_JUNE, encoding="utf-8")
    bot = make_bot(seeds, selector="learned")
    bot.index()
    return bot


@pytest.mark.parametrize(
    ("as_of", "winner", "file"),
    [(date(2023, 5, 4), "Aurora", "may.txt"), (date(2023, 6, 15), "Borealis", "june.txt")],
)
def test_the_questions_day_picks_that_weeks_report(regatta_bot, as_of, winner, file):
    question = "Which team won the Harbour Cup regatta this week?"
    answer = regatta_bot.ask(question, as_of=as_of)
    assert not answer.refused, answer.reason
    assert answer.citations[0].file == file and winner in answer.citations[0].quote


def test_a_look_alike_story_from_another_week_is_refused_when_the_day_is_known(make_bot, tmp_path):
    seeds = tmp_path / "may"
    seeds.mkdir()
    (seeds / "may.txt").write_text(REGATTA_MAY, encoding="utf-8")
    bot = make_bot(seeds, selector="learned")
    bot.index()
    question = "Which team won the Harbour Cup regatta this week?"
    assert bot.ask(question, as_of=date(2023, 9, 21)).refused  # four months on: not this week
    undated = bot.ask(question)  # without a day, the only report is the best there is
    assert not undated.refused and "Aurora" in undated.text


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
    from bot.answer.answerability import softmax

    p = softmax(np.array([1.0, -np.inf, 0.0]))
    assert p[1] == 0.0 and abs(p.sum() - 1.0) < 1e-12 and p[0] > p[2]


CARGO = (
    " date 2023-08-09\n"
    "The port shipped 4,000 containers of machine parts to Kestrel Bay since March. "
    "Its cranes also loaded steel girders and railway sleepers for the new bridge.\n"
)


@pytest.mark.parametrize(
    ("question", "both"),
    [
        ("What goods has the port shipped to Kestrel Bay?", True),
        ("How many containers has the port shipped to Kestrel Bay?", False),
    ],
)
def test_only_a_figure_question_makes_runners_up_add_a_figure(question, both):
    # The best sentence holds a figure ("4,000 containers"). A question that asks no
    # figure still gets the close runner-up that names more goods; a "how many" question
    # gets it only if it adds a figure (it does not), so a count is not padded with prose.
    cands = candidates_of(chunks_of("cargo.txt", CARGO))
    asked = Asked.of(condense(question), lambda t: 1.0)
    rows = lexical_features(asked, cands)
    judged = Judged(asked, rows, np.array([0.55, 0.45]), 0.9, frozenset())
    answerer = LearnedAnswerer(encode=lambda texts: np.zeros((len(texts), 4)), idf=lambda t: 1.0)
    assert answerer._select(judged, cands, max_sentences=3) == ([0, 1] if both else [0])
