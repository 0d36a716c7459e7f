"""The learned selector: two logistic models read from ``selector.json`` beside this file.

* ``sentence`` — a score per candidate sentence from ``SENTENCE_FEATURES``; the softmax
  of one question's scores is the probability that each is the one holding the answer (a
  conditional logit: logistic regression over the candidate set);
* ``answerable`` — P(the sentences quoted hold the answer) from ``ANSWER_FEATURES``
  (gradient-boosted trees, ``Trees``, monotone in the features where the direction is
  known: on dev they refused more unanswerable questions than a logistic regression at
  the same over-refusal); refusing below a threshold is
  ``bot.answer.learned``'s choice;
* ``guards`` — the hard filters (``bot.answer.guards``) both were chosen with.

Both were fitted by ``scripts/train_selector.py`` (scikit-learn, at training time only) on
the RealTime QA train split and chosen on dev; the file records the recipe, the feature
names and the dev numbers. Applying a model is standardise, dot product, sigmoid, or a
walk down each tree: numpy only. It neither extracts features nor decides anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.answer.answerability import ANSWER_FEATURES
from bot.answer.features import SENTENCE_FEATURES, SIMILARITY_FEATURES
from bot.answer.guards import GUARDS

MODEL_FILE = Path(__file__).with_name("selector.json")


def _check_features(data: dict[str, Any], expected: Sequence[str]) -> tuple[str, ...]:
    features = tuple(data["features"])
    if features != tuple(expected):
        raise ValueError(
            f"{MODEL_FILE.name} was fitted on other features than the code computes: "
            "re-run scripts/train_selector.py"
        )
    return features


@dataclass(frozen=True)
class Logistic:
    """``sigmoid(((x - mean) / scale) @ coef + intercept)`` over named features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_dict(cls, data: dict[str, Any], expected: Sequence[str]) -> Logistic:
        features = _check_features(data, expected)
        arrays = {k: np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")}
        if any(a.shape != (len(features),) for a in arrays.values()):
            raise ValueError(f"{MODEL_FILE.name}: one mean, scale and coef per feature")
        return cls(features, intercept=float(data["intercept"]), **arrays)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "logistic",
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The linear score (log-odds), one per row of ``x`` (columns in ``features`` order)."""
        return ((np.atleast_2d(x) - self.mean) / self.scale) @ self.coef + self.intercept

    def logit_without(self, x: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """``logit`` with the named features held at their training mean (what the score
        would be, on average, before they are known)."""
        held = np.atleast_2d(x).copy()
        cols = [self.features.index(n) for n in names]
        held[:, cols] = self.mean[cols]
        return self.logit(held)


@dataclass(frozen=True)
class Trees:
    """A sum of regression trees (gradient boosting): ``bias + rate * sum of the leaf each
    tree sends a row to``, as log-odds. Tree ``t``'s node ``n`` sends ``x`` to
    ``left[t, n]`` when ``x[feature[t, n]] <= threshold[t, n]``, else to ``right[t, n]``;
    a leaf (``feature`` -1) holds ``value[t, n]``."""

    features: tuple[str, ...]
    feature: np.ndarray  # trees x nodes, int
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    rate: float
    bias: float

    @classmethod
    def from_dict(cls, data: dict[str, Any], expected: Sequence[str]) -> Trees:
        features = _check_features(data, expected)
        ints = {k: np.asarray(data[k], dtype=np.int64) for k in ("feature", "left", "right")}
        floats = {k: np.asarray(data[k], dtype=np.float64) for k in ("threshold", "value")}
        shapes = {a.shape for a in (*ints.values(), *floats.values())}
        if (
            len(shapes) != 1
            or len(next(iter(shapes))) != 2
            or ints["feature"].max() >= len(features)
        ):
            raise ValueError(f"{MODEL_FILE.name}: malformed trees")
        return cls(features, rate=float(data["rate"]), bias=float(data["bias"]), **ints, **floats)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "trees",
            "features": list(self.features),
            "rate": self.rate,
            "bias": self.bias,
            **{k: getattr(self, k).tolist() for k in ("feature", "threshold", "left", "right")},
            "value": self.value.tolist(),
        }

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The log-odds, one per row of ``x`` (columns in ``features`` order)."""
        x = np.atleast_2d(x)
        trees = np.arange(len(self.feature))
        out = np.empty(len(x))
        for r, row in enumerate(x):
            node = np.zeros(len(trees), dtype=np.int64)
            while True:
                f = self.feature[trees, node]
                inner = f >= 0
                if not inner.any():
                    break
                go_left = row[np.where(inner, f, 0)] <= self.threshold[trees, node]
                step = np.where(go_left, self.left[trees, node], self.right[trees, node])
                node = np.where(inner, step, node)
            out[r] = self.bias + self.rate * float(self.value[trees, node].sum())
        return out


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def shortlist(model: Logistic, lexical: np.ndarray, out: np.ndarray, k: int) -> np.ndarray:
    """Which candidates to embed: the ``k`` best by ``model``'s score without its MiniLM
    features (``SIMILARITY_FEATURES``, from rows computed before any sentence was embedded),
    among those no guard rules ``out``; a mask over the rows of ``lexical``. Embedding every
    sentence of the retrieved chunks is most of an ask's time; ``k`` is chosen on dev
    (``scripts/train_selector.py``) so that the answers do not get worse."""
    score = np.where(out, -np.inf, model.logit_without(lexical, SIMILARITY_FEATURES))
    keep = np.zeros(len(score), dtype=bool)
    alive = np.flatnonzero(np.isfinite(score))
    keep[alive[np.argsort(-score[alive], kind="stable")[:k]]] = True
    return keep


def _scorer(data: dict[str, Any], expected: Sequence[str]) -> Logistic | Trees:
    kind = data.get("kind", "logistic")
    if kind not in ("logistic", "trees"):
        raise ValueError(f"{MODEL_FILE.name}: unknown model kind {kind!r}")
    return (Trees if kind == "trees" else Logistic).from_dict(data, expected)


@dataclass(frozen=True)
class SelectorModel:
    """The two models, the guards they were chosen with, and how they were made (``meta``)."""

    sentence: Logistic
    answerable: Logistic | Trees
    guards: tuple[str, ...]
    meta: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SelectorModel:
        guards = tuple(data.get("guards", ()))
        unknown = sorted(set(guards) - set(GUARDS))
        if unknown:
            raise ValueError(f"{MODEL_FILE.name}: unknown guard(s) {', '.join(unknown)}")
        return cls(
            Logistic.from_dict(data["sentence"], SENTENCE_FEATURES),
            _scorer(data["answerable"], ANSWER_FEATURES),
            guards,
            dict(data.get("meta", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "guards": list(self.guards),
            "sentence": self.sentence.to_dict(),
            "answerable": self.answerable.to_dict(),
        }


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> SelectorModel:
    """The shipped model (read once)."""
    return SelectorModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
