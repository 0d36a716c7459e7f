"""The selector's training items: each collected question as the answerer would see it.

Reads one corpus collected by ``scripts/selector_data.py`` (``evals/out/selector/<name>.pkl``)
and turns every question into an ``Item``: its candidate sentences' feature rows (the
product's own ``bot.answer.features``), which of them hold the gold answer (word-boundary
match after the judge's normalisation, as ``evals.rtqa_data`` labels evidence), its kind
(``single``, ``unanswerable`` = evidence removed, ``near_miss`` = answer sentences cut) and
what answerability needs.

The question's day ("as of"). RealTime QA dates every question (its quiz week), but users
and held-out corpora mostly will not, so the model must work both ways:

* ``with`` — as_of is the question's date, as ``bot eval`` passes it (dev, test);
* ``without`` — no as_of: every date feature is neutral;
* ``train`` — per question, seeded by its id: half without as_of, half with it set 0 to 6
  days after the question's date (news is asked about in the days after it is printed;
  the jitter keeps the model from learning "dated the very same day").

Only the date columns depend on as_of (``bot.answer.features.date_features``), so the
rows are computed once and the date columns re-filled per variant.
"""

from __future__ import annotations

import hashlib
import pickle
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from bot.answer.answerability import names_missing, unknown_stems
from bot.answer.candidates import Candidate, candidates_of
from bot.answer.features import SENTENCE_FEATURES, Asked, SentenceRows, date_features
from bot.answer.query import condense
from evals.rtqa_data import occurs
from scripts.selector_data import OUT, DiskVectors

SEED = 0
AS_OF_KEPT = 0.5  # share of training questions that keep their date
AS_OF_JITTER_DAYS = 6  # … set this many days after it at most
DATE_COLUMNS = ("dated", "same_week", "after_as_of", "age")


@dataclass
class Item:
    """One question: its candidates' feature rows and labels, and what answerability needs."""

    id: str
    kind: str  # single, unanswerable (evidence removed) or near_miss (answer sentences cut)
    rows: SentenceRows
    asked: Asked
    labels: np.ndarray
    missing: tuple[float, float]
    day: date  # the question's date (RealTime QA's quiz week)
    dates: tuple[str | None, ...]  # each candidate's article date

    @property
    def answerable(self) -> bool:
        return self.kind == "single"

    def as_of(self, day: date | None) -> Item:
        """The same question asked about ``day`` (None: undated): date columns re-filled."""
        matrix = self.rows.matrix.copy()
        cols = [SENTENCE_FEATURES.index(c) for c in DATE_COLUMNS]
        for i, article in enumerate(self.dates):
            values = date_features(day, article)
            matrix[i, cols] = [values[c] for c in DATE_COLUMNS]
        rows = SentenceRows(matrix, self.rows.matched, self.rows.borrowed)
        return replace(self, rows=rows, asked=replace(self.asked, as_of=day))


#: The code the rows depend on: a cached corpus is reused only while these are unchanged.
FEATURE_CODE = (
    "bot/answer/years.py",
    "bot/answer/features.py",
    "bot/answer/answerability.py",
    "evals/rtqa_data.py",
    "evals/text.py",
    "bot/answer/question.py",
    "bot/answer/asked_type.py",
    "bot/answer/places.py",
    "bot/answer/candidates.py",
    "bot/answer/query.py",
    "bot/text/terms.py",
    "bot/text/discourse.py",
    "bot/text/opposites.py",
    "bot/text/lexicon.py",
)


def load(name: str, vectors: DiskVectors) -> list[Item]:
    """Every question of one collected corpus, undated (see ``variant``); cached beside the
    corpus until the feature code or the collected corpus (``<name>.pkl``) changes."""
    root = Path(__file__).resolve().parent.parent
    sources = [(root / p).read_bytes() for p in FEATURE_CODE]
    sources.append((OUT / f"{name}.pkl").read_bytes())
    digest = hashlib.sha1(b"".join(sources)).hexdigest()
    cache = OUT / f"{name}.items-{digest[:12]}.pkl"
    if cache.exists():
        with open(cache, "rb") as fh:
            return pickle.load(fh)
    items = _load(name, vectors)
    for old in OUT.glob(f"{name}.items-*.pkl"):
        old.unlink()
    with open(cache, "wb") as fh:
        pickle.dump(items, fh)
    return items


def _load(name: str, vectors: DiskVectors) -> list[Item]:
    from bot.answer.features import sentence_features

    with open(OUT / f"{name}.pkl", "rb") as fh:
        data = pickle.load(fh)
    idf = lambda t: data["idf"].get(t, 0.0)  # noqa: E731
    in_corpus = lambda t: data["df"].get(t, 0) > 0  # noqa: E731
    items = []
    for r in data["records"]:
        cands: list[Candidate] = candidates_of(r["chunks"])
        if not cands:
            continue
        query = condense(r["question"])
        asked = Asked.of(query, idf)
        vecs = vectors.encode([c.sentence.text for c in cands])
        qvec = vectors.encode([query.standalone])[0]
        rows = sentence_features(asked, cands, vecs, qvec)
        kind = r.get("kind") or ("single" if r["answerable"] else "unanswerable")
        labels = np.array([occurs(r["answer"], c.sentence.text) for c in cands], dtype=bool)
        if kind != "single":
            labels[:] = False
        missing = names_missing(asked, unknown_stems(asked, in_corpus), cands)
        day = date.fromisoformat(r["date"])
        dates = tuple(c.chunk.date for c in cands)
        items.append(Item(r["id"], kind, rows, asked, labels, missing, day, dates))
    vectors.save()
    return items


def variant(items: list[Item], mode: str) -> list[Item]:
    """``items`` asked ``with`` their date, ``without`` one, or as in ``train`` (module
    docstring)."""
    if mode == "with":
        return [i.as_of(i.day) for i in items]
    if mode == "without":
        return items
    if mode != "train":
        raise ValueError(f"unknown as_of mode {mode!r}")
    out = []
    for i in items:
        rng = random.Random(f"as_of:{SEED}:{i.id}")
        kept = rng.random() < AS_OF_KEPT
        jitter = timedelta(days=rng.randint(0, AS_OF_JITTER_DAYS))
        out.append(i.as_of(i.day + jitter) if kept else i)
    return out
