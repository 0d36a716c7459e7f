"""The learned selector: two logistic models read from ``selector.json`` beside this file.

* ``sentence`` — a score per candidate sentence from ``SENTENCE_FEATURES``; the softmax
  of one question's scores is the probability that each is the one holding the answer (a
  conditional logit: logistic regression over the candidate set);
* ``answerable`` — P(the best candidate's answer is right) from ``ANSWER_FEATURES``
  (binary logistic regression); refusing below a threshold is
  ``bot.answer.extractive``'s choice.

Both were fitted by ``scripts/train_selector.py`` (scikit-learn, at training time only) on
the RealTime QA train split and chosen on dev; the file records the recipe, the feature
names and the dev numbers. Applying a model is standardise, dot product, sigmoid: numpy
only. It neither extracts features nor decides anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.answer.features import ANSWER_FEATURES, SENTENCE_FEATURES

MODEL_FILE = Path(__file__).with_name("selector.json")


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
        features = tuple(data["features"])
        if features != tuple(expected):
            raise ValueError(
                f"{MODEL_FILE.name} was fitted on other features than the code computes: "
                "re-run scripts/train_selector.py"
            )
        arrays = {k: np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")}
        if any(a.shape != (len(features),) for a in arrays.values()):
            raise ValueError(f"{MODEL_FILE.name}: one mean, scale and coef per feature")
        return cls(features, intercept=float(data["intercept"]), **arrays)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The linear score (log-odds), one per row of ``x`` (columns in ``features`` order)."""
        return ((np.atleast_2d(x) - self.mean) / self.scale) @ self.coef + self.intercept


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class SelectorModel:
    sentence: Logistic
    answerable: Logistic
    meta: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SelectorModel:
        return cls(
            Logistic.from_dict(data["sentence"], SENTENCE_FEATURES),
            Logistic.from_dict(data["answerable"], ANSWER_FEATURES),
            dict(data.get("meta", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "sentence": self.sentence.to_dict(),
            "answerable": self.answerable.to_dict(),
        }


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> SelectorModel:
    """The shipped model (read once)."""
    return SelectorModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
