"""Fit the answer selector (``bot/answer/selector.json``) on RealTime QA train, choose on dev.

Reads what ``scripts/selector_data.py`` collected (``evals/out/selector/*.pkl``) as items
(``scripts/selector_items.py``: feature rows from the product's own
``bot.answer.features``, gold labels, the question's day with seeded dropout); fits with
``scripts/selector_fit.py``. The protocol, every choice made on dev only:

1. **Sentence model** on ``train-full`` + ``train-grouped`` (answerable questions, a
   candidate holding the gold answer is positive); the feature set (``FEATURE_SETS``) and
   L2 chosen on ``dev-full`` + ``dev-grouped`` top-1 accuracy (dated and undated
   questions alike): the sentence model is chosen on what it is for, picking the
   sentence.
2. **Answerability model** (gradient-boosted trees, ``selector_fit.TREES``) on the train
   questions of the four answerability corpora (answerable, evidence removed, answer
   sentences cut; quiz passages and weekly articles): positive when the sentences the
   answerer would quote (the best and its runner-ups, ``RUNNER_UP``) hold the answer, as
   "correct" counts it; its features from sentence models that never saw the question
   (5 folds).
3. **Refusal thresholds**: on the same four dev corpora, for questions asked with their
   date and for questions asked without (dated questions are much easier to refuse: a
   look-alike story from another week is told apart by its date), a pair each: one for
   short passages, one for long articles (``answerability.LONG_PASSAGES``: answerability
   runs lower on long articles, and one threshold refused 13% of the weekly articles'
   answerable questions to keep the pool at 10%). The pair maximises the combined
   objective (answerable accuracy and both refusal rates, ``selector_fit.objective``)
   among those refusing at most ``MAX_OVER_REFUSAL`` of the answerable questions of
   each dev corpus.
4. **Guards** (``bot.answer.guards``), added one at a time while one raises the
   objective by at least ``MIN_GAIN``, on top of the two that say what an answer is
   (``BASE_GUARDS``).
5. **Sentences embedded** (``SelectorParams.embed_at_most``): the answerer embeds only
   the candidates the sentence model likes best without its MiniLM features; the fewest
   of ``EMBED_GRID`` whose dev objective, at the thresholds above, is within
   ``MIN_GAIN`` of embedding every candidate while each dev corpus's over-refusal stays
   within ``MAX_OVER_REFUSAL`` (the bar of step 3).
6. **The LLM's doubt** (``SelectorParams.doubt_below``): the verifier drops a model's
   sentences, however well its source backs them, when the selector's answerability is
   below this (the sources very likely hold no answer: an invented answer quotes an
   on-topic sentence verbatim). Per as_of mode and for short passages and long articles
   apart (as the refusal thresholds), the highest of ``DOUBT_GRID`` at which at most
   ``MAX_DOUBT_LOSS`` of the answerable questions (the answer in a retrieved sentence)
   of each dev corpus are doubted.

With ``--keep-sentence`` steps 1 and 4 are skipped: the shipped sentence model, its
feature set, L2 and guards are kept and the answerability model is refitted on this
collection (how a new answerability feature is measured against the shipped model without
the sentence refit's run-to-run noise, docs/model-card.md).

    PYTHONPATH=. .venv/bin/python scripts/train_selector.py [--keep-sentence] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from bot.answer.answerability import ANSWER_FEATURES
from bot.answer.features import SENTENCE_FEATURES
from bot.answer.selector import MODEL_FILE, Logistic, SelectorModel
from scripts.selector_choose import (
    MIN_GAIN,
    RUNNER_UP,
    choose_doubt,
    choose_embed_at_most,
    choose_thresholds,
)
from scripts.selector_data import OUT, DiskVectors, collected_depth
from scripts.selector_fit import (
    Folds,
    fit_conditional,
    fit_trees,
    out_of_fold,
    outcomes,
    top1,
)
from scripts.selector_items import Item, load, variant
from scripts.selector_recipe import (
    ANSWER_SETS,
    BASE_GUARDS,
    CANDIDATE_GUARDS,
    FEATURE_SETS,
    SENTENCE_SETS,
    Fit,
    per_set,
    report,
    write,
)

L2_GRID = (0.0003, 0.001, 0.003, 0.01)


def fit_answerable(sentence, folds, guards, train, dev) -> tuple[Logistic, dict, float, dict]:
    x, y = out_of_fold(folds, train, guards, RUNNER_UP)
    answerable = fit_trees(x, y)
    return (answerable, *thresholds_on(sentence, answerable, guards, dev))


def thresholds_on(sentence, answerable, guards, dev) -> tuple[dict, float, dict]:
    """Step 3 for these models on ``dev`` (as_of mode -> corpus -> items):
    ``choose_thresholds`` over what the answerer would do with each question."""
    found = {
        m: {c: outcomes(sentence, answerable, items, guards, RUNNER_UP) for c, items in d.items()}
        for m, d in dev.items()
    }
    return choose_thresholds(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_FILE}")
    parser.add_argument(
        "--keep-sentence",
        action="store_true",
        help="keep the shipped sentence model, its features, L2 and guards; refit the "
        "answerability model and choose what follows it (steps 2, 3, 5, 6)",
    )
    parser.add_argument(
        "--thresholds-only",
        action="store_true",
        help="keep every shipped model, guard and the LLM's doubt thresholds; choose the "
        "refusal thresholds and the embedding budget again on this collection (steps 3, 5)",
    )
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    # One thread: boosting sums its histograms in parallel, and a different summing order
    # on a busy machine gave different trees from the same seed.
    with threadpool_limits(limits=1):
        if args.thresholds_only:
            return _thresholds_only(args.write)
        return _train(args.write, args.keep_sentence)


def choose_sentence(train_s: list[Item], dev_s: dict[str, list[Item]]) -> tuple[str, float]:
    """Step 1: the feature set and L2 whose sentence model has the best dev top-1."""
    found = {}
    for fname, unused in FEATURE_SETS.items():
        for l2 in L2_GRID:
            model = fit_conditional(train_s, l2, unused)
            found[fname, l2] = float(np.mean([top1(model, d, BASE_GUARDS) for d in dev_s.values()]))
            print(f"{fname} L2 {l2}: dev top-1 {found[fname, l2]:.3f}")
    return max(found, key=lambda k: (found[k], k[1]))


def shipped_sentence(shipped: dict) -> tuple[str, float, Logistic, tuple[str, ...]]:
    """The shipped file's sentence model with its feature set, L2 and guards (``--keep-
    sentence``: a sentence refit moves with each collection's retrieval, docs/model-card.md)."""
    sentence = Logistic.from_dict(shipped["sentence"], SENTENCE_FEATURES)
    meta = shipped["meta"]
    return meta["features"], meta["l2"], sentence, tuple(shipped["guards"])


def shipped_answerable(shipped: dict, sentence: Logistic, guards: tuple[str, ...], dev) -> None:
    """Print the shipped answerability model's dev objective on this collection, its
    thresholds chosen as step 3 chooses them: the bar a refit must clear."""
    try:
        answerable = SelectorModel.from_dict(shipped).answerable
    except ValueError as e:  # the code now computes other answerability features
        print(f"shipped answerability model not comparable: {e}")
        return
    report("shipped", guards, *thresholds_on(sentence, answerable, guards, dev))


def _thresholds_only(write_model: bool) -> int:
    """``--thresholds-only``: the shipped models on this collection's dev, their refusal
    thresholds and embedding budget chosen again (how they were moved to the product's
    retrieval depth of 12 at stop 34: the models and the LLM's doubt, whose sources stay at
    ``Settings.llm_sources``, as chosen at 8)."""
    vectors = DiskVectors(OUT / "vectors.npz")
    raw = {n: load(n, vectors) for n in ANSWER_SETS["dev"]}
    dev_a = {m: {n: variant(raw[n], m) for n in ANSWER_SETS["dev"]} for m in ("with", "without")}
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    model, meta = SelectorModel.from_dict(shipped), shipped["meta"]
    t, score, dev = thresholds_on(model.sentence, model.answerable, model.guards, dev_a)
    report(meta["features"], model.guards, t, score, dev)
    k, embedded = choose_embed_at_most(
        model.sentence, model.answerable, model.guards, t, score, dev_a
    )
    doubt = {
        "without": (meta["doubt_below"], meta["doubt_below_long"]),
        "with": (meta["doubt_below_dated"], meta["doubt_below_long_dated"]),
    }
    depth = {collected_depth(n) for n in ANSWER_SETS["dev"]}
    note = (
        f"refusal thresholds and embedding budget chosen on dev retrieved at top_k "
        f"{'/'.join(map(str, sorted(depth)))}; the models, guards and doubt thresholds as "
        "chosen before"
    )
    fit = Fit(
        meta["features"], model.guards, meta["l2"], model.sentence, model.answerable,
        t, score, k, embedded, dev, doubt, note,
    )  # fmt: skip
    print(f"chosen threshold {fit.threshold}, dev objective {fit.score:.4f}")
    print(f"chosen: embed at most {fit.embed_at_most} candidates")
    per_set(fit, raw)
    if write_model:
        write(fit)
    return 0


def _train(write_model: bool, keep_sentence: bool) -> int:
    vectors = DiskVectors(OUT / "vectors.npz")
    names = {n for sets in (SENTENCE_SETS, ANSWER_SETS) for v in sets.values() for n in v}
    raw = {n: load(n, vectors) for n in sorted(names)}
    for name, items in raw.items():
        kinds = {
            k: sum(i.kind == k for i in items) for k in ("single", "unanswerable", "near_miss")
        }
        reach = np.mean([i.labels.any() for i in items if i.answerable])
        print(f"{name}: {kinds}, answer in a retrieved sentence for {reach:.3f} of the answerable")
    pick = lambda sets, mode: [i for n in sets for i in variant(raw[n], mode)]  # noqa: E731
    train_s = pick(SENTENCE_SETS["train"], "train")
    train_a = pick(ANSWER_SETS["train"], "train")
    dev_s = {m: pick(SENTENCE_SETS["dev"], m) for m in ("with", "without")}
    dev_a = {m: {n: variant(raw[n], m) for n in ANSWER_SETS["dev"]} for m in ("with", "without")}

    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8")) if keep_sentence else {}
    if keep_sentence:
        fname, l2, sentence, guards = shipped_sentence(shipped)
    else:
        fname, l2 = choose_sentence(train_s, dev_s)
        sentence, guards = fit_conditional(train_s, l2, FEATURE_SETS[fname]), BASE_GUARDS
    folds = Folds.fit(train_s, l2, FEATURE_SETS[fname])
    answerable, t, score, dev = fit_answerable(sentence, folds, guards, train_a, dev_a)
    report(fname, guards, t, score, dev)
    if keep_sentence:
        shipped_answerable(shipped, sentence, guards, dev_a)
    while not keep_sentence:  # greedy: the guard that helps most, while one helps
        tried = {}
        for g in CANDIDATE_GUARDS:
            if g not in guards:
                tried[g] = fit_answerable(sentence, folds, (*guards, g), train_a, dev_a)
                report(fname, (*guards, g), *tried[g][1:])
        if not tried:
            break
        g, best = max(tried.items(), key=lambda kv: kv[1][2])
        if best[2] < score + MIN_GAIN:
            break
        guards = (*guards, g)
        answerable, t, score, dev = best
    k, embedded = choose_embed_at_most(sentence, answerable, guards, t, score, dev_a)
    doubt = choose_doubt(sentence, answerable, guards, k, dev_a)
    fit = Fit(fname, guards, l2, sentence, answerable, t, score, k, embedded, dev, doubt)
    print(f"chosen: features {fit.features}, guards {fit.guards}, L2 {fit.l2}")
    print(f"chosen threshold {fit.threshold}, dev objective {fit.score:.4f}")
    print(f"chosen: embed at most {fit.embed_at_most} candidates")
    print(f"chosen: the LLM doubted below {fit.doubt}")
    for name, w in sorted(zip(SENTENCE_FEATURES, fit.sentence.coef), key=lambda p: -abs(p[1])):
        print(f"  sentence {name:18s} {w:+.3f}")
    used = np.bincount(
        fit.answerable.feature[fit.answerable.feature >= 0], minlength=len(ANSWER_FEATURES)
    )
    for name, n in sorted(zip(ANSWER_FEATURES, used), key=lambda p: -p[1]):
        print(f"  answerable {name:18s} split on in {n} nodes")
    per_set(fit, raw)
    if write_model:
        write(fit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
