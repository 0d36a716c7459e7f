"""Fitting and measuring the selector's two models (used by ``scripts/train_selector.py``).

* ``fit_conditional`` — the sentence model: a conditional logit (softmax over one
  question's candidates) maximising the probability of the candidates holding the answer,
  L2-penalised, over the features not held out; vectorised over all questions at once.
* ``fit_trees`` — the answerability model: scikit-learn's gradient boosting, exported to
  ``bot.answer.selector.Trees`` (checked to give the same log-odds); ``fit_logistic`` the
  linear alternative it was compared with.
* ``Folds`` — sentence models fitted without a fold of questions, so answerability rows
  carry sentence scores as noisy as at answer time.
* ``answer_rows`` / ``outcomes`` — answerability rows and, per question, what the answer
  would be (refused or not, right or not) at a refusal threshold.

Seeded; scikit-learn and scipy (the dev extra) are needed here only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer.answerability import (
    ANSWER_FEATURES,
    LONG_PASSAGES,
    answer_features,
    sentences_per_passage,
    softmax,
)
from bot.answer.features import SENTENCE_FEATURES
from bot.answer.guards import ruled_out
from bot.answer.selector import Logistic, Trees, shortlist, sigmoid
from bot.answer.selector_params import SelectorParams
from scripts.selector_items import SEED, Item

FOLDS = 5
MAX_QUOTES = SelectorParams.max_sentences  # the answerer quotes at most this many


def fit_conditional(items: Sequence[Item], l2: float, unused: Iterable[str]) -> Logistic:
    """Conditional logit over the questions with a positive candidate (see the module doc)."""
    from scipy.optimize import minimize

    x = np.vstack([i.rows.matrix for i in items])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    skip = set(unused)
    keep = np.array([name not in skip for name in SENTENCE_FEATURES], dtype=float)
    groups = [i for i in items if i.labels.any()]
    z = np.vstack([(i.rows.matrix - mean) / scale * keep for i in groups])
    y = np.concatenate([i.labels for i in groups]).astype(float)
    sizes = np.array([len(i.labels) for i in groups])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    which = np.repeat(np.arange(len(groups)), sizes)
    target = y / np.add.reduceat(y, starts)[which]
    n = len(groups)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = z @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[which])
        total = np.add.reduceat(e, starts)
        log_p = s - top[which] - np.log(total)[which]
        p = e / total[which]
        value = -float(target @ log_p) / n + l2 * float(w @ w)
        grad = -z.T @ (target - p) / n + 2 * l2 * w
        return value, grad

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x
    return Logistic(SENTENCE_FEATURES, mean, scale, w * keep, 0.0)


def fit_logistic(x: np.ndarray, y: np.ndarray) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=5000, random_state=SEED)
    model.fit((x - mean) / scale, y)
    return Logistic(ANSWER_FEATURES, mean, scale, model.coef_[0].copy(), float(model.intercept_[0]))


#: Gradient boosting for answerability (scikit-learn's histogram boosting): chosen on dev
#: (combined objective) among depth 2-4, 100-300 trees, rate 0.03-0.1, with and without
#: monotonic constraints: all within 0.02 of each other and 0.02-0.03 above a logistic
#: regression on the same rows. The constraints (``MONOTONE``) cost nothing on dev and
#: keep the model from learning, say, that a wider lead over the runner-up makes an
#: answer less likely: what it does between RealTime QA's points must make sense on
#: articles it never saw.
TREES = {
    "max_depth": 3,
    "max_iter": 200,
    "learning_rate": 0.05,
    "min_samples_leaf": 20,
    "early_stopping": False,
}
#: +1: P(right) may only rise with the feature; -1: only fall; unlisted: free.
MONOTONE = {
    **dict.fromkeys(
        (
            "best_score",
            "gap",
            "best_share",
            "best_cov_own",
            "best_cov_share",
            "best_rarest",
            "best_sim",
            "best_typed",
            "best_typed_new",
            "best_salient_own",
            "best_salient_passage",
            "best_year_match",
            "best_same_week",
        ),
        1,
    ),
    **dict.fromkeys(
        (
            "best_counts_missing",
            "best_figures_missing",
            "best_other_year",
            "best_after_as_of",
            "names_unknown",
            "names_unretrieved",
        ),
        -1,
    ),
}


def fit_trees(x: np.ndarray, y: np.ndarray) -> Trees:
    """Boosted trees exported to ``bot.answer.selector.Trees`` (from the fitted model's
    tree arrays; checked to give scikit-learn's own log-odds on ``x``)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    constraints = [MONOTONE.get(name, 0) for name in ANSWER_FEATURES]
    model = HistGradientBoostingClassifier(
        **TREES, monotonic_cst=constraints, random_state=SEED
    ).fit(x, y)
    trees = [p[0].nodes for p in model._predictors]
    width = max(len(t) for t in trees)
    floats = {k: np.zeros((len(trees), width)) for k in ("threshold", "value")}
    ints = {
        k: np.full((len(trees), width), -1, dtype=np.int64) for k in ("feature", "left", "right")
    }
    for i, nodes in enumerate(trees):
        n, leaf = len(nodes), nodes["is_leaf"].astype(bool)
        ints["feature"][i, :n] = np.where(leaf, -1, nodes["feature_idx"])
        ints["left"][i, :n] = np.where(leaf, -1, nodes["left"])
        ints["right"][i, :n] = np.where(leaf, -1, nodes["right"])
        floats["threshold"][i, :n] = nodes["num_threshold"]
        floats["value"][i, :n] = np.where(leaf, nodes["value"], 0.0)
    bias = float(np.ravel(model._baseline_prediction)[0])
    exported = Trees(ANSWER_FEATURES, rate=1.0, bias=bias, **ints, **floats)
    if np.abs(exported.logit(x) - model.decision_function(x)).max() > 1e-6:
        raise AssertionError("exported trees disagree with scikit-learn")
    return exported


def scores(
    model: Logistic, item: Item, guards: Sequence[str], embed_at_most: int | None = None
) -> np.ndarray:
    """The sentence model's scores, ``-inf`` where a guard rules a candidate out or (with
    ``embed_at_most``) where the answerer would not embed it (``selector.shortlist``)."""
    out = ruled_out(item.asked, item.rows, guards, item.missing[0])
    if embed_at_most is not None:
        out |= ~shortlist(model, item.rows.matrix, out, embed_at_most)
    return np.where(out, -np.inf, model.logit(item.rows.matrix))


def top1(model: Logistic, items: Sequence[Item], guards: Sequence[str]) -> float:
    """Share of answerable questions whose best-scored candidate holds the answer."""
    hits = []
    for i in items:
        if i.answerable:
            s = scores(model, i, guards)
            hits.append(bool(np.isfinite(s).any() and i.labels[int(np.argmax(s))]))
    return float(np.mean(hits))


@dataclass
class Folds:
    """Sentence models each fitted without one fold of questions (by id, seeded)."""

    models: list[Logistic]
    fold: dict[str, int]

    @classmethod
    def fit(cls, items: Sequence[Item], l2: float, unused: Iterable[str]) -> Folds:
        skip = list(unused)
        rng = np.random.default_rng(SEED)
        ids = sorted({i.id for i in items})
        fold = dict(zip(ids, (int(k) for k in rng.permutation(len(ids)) % FOLDS)))
        models = [
            fit_conditional([i for i in items if fold[i.id] != k], l2, skip) for k in range(FOLDS)
        ]
        return cls(models, fold)

    def model_for(self, item: Item) -> Logistic | None:
        k = self.fold.get(item.id)
        return None if k is None else self.models[k]


def quoted(s: np.ndarray, ratio: float) -> np.ndarray:
    """The candidates the answerer would quote, best first: those within ``ratio`` of the
    best's probability (``s``: the selector's scores), at most ``MAX_QUOTES``. An
    approximation of ``LearnedAnswerer._select``, which also passes over near-duplicates
    and figures adding nothing and may add a conflicting report: items keep feature rows,
    not the sentences those checks read."""
    p = softmax(s)
    take = np.flatnonzero(p >= ratio * p.max())
    return take[np.argsort(-p[take], kind="stable")][:MAX_QUOTES]


def answer_row(
    model: Logistic, item: Item, guards: Sequence[str], ratio: float
) -> tuple[np.ndarray, bool] | None:
    """The answerability row of one question and whether the sentences the answerer would
    quote (runner-ups at ``ratio`` of the best) hold the answer: what "correct" counts,
    so the model learns it (None when every candidate is ruled out: the answer is a
    refusal whatever the model says).

    The label was once "the best candidate holds the answer". When several sentences
    share the probability (conflicting reports, each quoted), that read a right answer
    as a wrong one and taught the model to refuse it; on dev (``--keep-sentence``, same
    collection, 2026-12-03) the quoted label raised the objective from 0.6529 to 0.6833."""
    s = scores(model, item, guards)
    if not np.isfinite(s).any():
        return None
    row = answer_features(item.asked, item.rows, s, *item.missing)
    return row, bool(item.labels[quoted(s, ratio)].any())


def out_of_fold(
    folds: Folds, items: Sequence[Item], guards: Sequence[str], ratio: float
) -> tuple[np.ndarray, np.ndarray]:
    """Answerability rows and labels (``answer_row``) from sentence models that never saw
    the question (questions of no fold are skipped)."""
    xs, ys = [], []
    for i in items:
        model = folds.model_for(i)
        got = None if model is None else answer_row(model, i, guards, ratio)
        if got is not None:
            xs.append(got[0])
            ys.append(got[1])
    return np.vstack(xs), np.array(ys)


@dataclass(frozen=True)
class Outcome:
    """One question at answer time: P(answerable), and whether the quotes hold the answer."""

    kind: str
    probability: float  # 0 when every candidate was ruled out
    right: bool  # the answer is among the quoted sentences
    quotes: int
    long: bool = False  # its candidates come from long articles (``LONG_PASSAGES``)


def outcomes(
    sentence: Logistic,
    answerable: Logistic,
    items: Sequence[Item],
    guards: Sequence[str],
    ratio: float,
    embed_at_most: int | None = None,
) -> list[Outcome]:
    """What the answerer would do with each question (runner-ups at ``ratio`` of the best;
    ``embed_at_most`` as ``scores``)."""
    out = []
    for i in items:
        s = scores(sentence, i, guards, embed_at_most)
        long = sentences_per_passage(i.rows) > LONG_PASSAGES
        if not np.isfinite(s).any():
            out.append(Outcome(i.kind, 0.0, False, 0, long))
            continue
        row = answer_features(i.asked, i.rows, s, *i.missing)
        take = quoted(s, ratio)
        prob = float(sigmoid(answerable.logit(row))[0])
        out.append(Outcome(i.kind, prob, bool(i.labels[take].any()), len(take), long))
    return out


def rates(found: Sequence[Outcome], threshold: tuple[float, float]) -> dict[str, float]:
    """Correct and over-refusal on answerable questions, refusal per unanswerable kind, at
    ``threshold`` (short passages, long articles)."""

    def share(kind: str, test) -> float:
        of = [o for o in found if o.kind == kind]
        return float(np.mean([test(o) for o in of])) if of else float("nan")

    answered = lambda o: o.probability >= threshold[o.long]  # noqa: E731
    return {
        "correct": share("single", lambda o: answered(o) and o.right),
        "over_refusal": share("single", lambda o: not answered(o)),
        "refusal_removed": share("unanswerable", lambda o: not answered(o)),
        "refusal_near_miss": share("near_miss", lambda o: not answered(o)),
    }


def objective(r: dict[str, float]) -> float:
    """The combined dev objective: the mean of answerable accuracy and the refusal rates
    of both unanswerable kinds (each target of the issue counts the same)."""
    return float(np.mean([r["correct"], r["refusal_removed"], r["refusal_near_miss"]]))
