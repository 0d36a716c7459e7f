"""The learned answer selector's answerer (``BOT_SELECTOR=learned``): quote the sentences
the fitted model finds likeliest, or refuse.

Every sentence of the retrieved chunks is a candidate. ``bot.answer.features`` describes
each one (term coverage, MiniLM similarity, answer type, names and figures, new
information, year, rank…) and the selector (``bot.answer.selector``, fitted on RealTime QA
train, chosen on dev) scores it; the softmax of one question's scores is the probability
that each candidate is the one holding the answer. One guard rules candidates out
whatever the model says: a yes/no question is answered only by a sentence that covers
its predicate, not just its names.

Whether to answer at all is a second probability, that the best candidate is right
(from its score, its gap to the runner-up, its coverage and similarity, and whether the
question's names occur in any article); below ``SelectorParams.refuse_below`` the answer
is the refusal. The answer quotes the best sentence and runners-up nearly as likely,
composed by ``bot.answer.compose`` (conflicting figures newest first, dated). It never
sees where chunks are stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer.candidates import Candidate, candidates_of
from bot.answer.compose import Quote, adds_figure, compose, near_duplicate, with_context
from bot.answer.features import (
    Asked,
    SentenceRows,
    answer_features,
    names_missing,
    sentence_features,
    softmax,
)
from bot.answer.query import Query
from bot.answer.question import fits_type
from bot.answer.selector import SelectorModel, load_model, sigmoid
from bot.ingest.chunking import Chunk
from bot.types import Answer

Encode = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class SelectorParams:
    """What the extractive answerer does with the selector's probabilities.

    ``refuse_below`` and ``runner_up`` were chosen on RealTime QA dev (2023) by
    ``scripts/train_selector.py`` (see its printed tables and the README's model card);
    the rest are structural limits.
    """

    #: Target: refuse at most 10% of dev's answerable questions, and as many of its
    #: unanswerable ones as that allows: the highest threshold on a 0.025 grid meeting it
    #: (dev-removed + dev-grouped: 8.9% of answerable refused, 53.4% of unanswerable).
    refuse_below: float = 0.125
    #: Quote a runner-up whose probability is at least this share of the best's. At the
    #: threshold above on dev, the answer was among the quotes for 68.9% of answerable
    #: questions quoting only the best, 75.5% at 0.5, 78.7% at 0.3, 80.2% at 0.2, for
    #: 1.00, 1.29, 1.58, 1.84 quotes per answer: down to 0.3 a point costs 0.09 more
    #: quotes per answer, past it 0.17 (the knee).
    runner_up: float = 0.3
    max_sentences: int = 3  # best sentences quoted at most (each may bring a neighbour)
    part_sentences: int = 2  # sentences per part of a compound question
    near_duplicate: float = 0.6  # term Jaccard above which a runner-up is a repeat
    leans_back_share: float = 0.5  # borrowed / own coverage above this brings the previous

    def __post_init__(self) -> None:
        if not 1 <= self.max_sentences <= 3:
            raise ValueError("max_sentences must be between 1 and 3")
        if not (0 <= self.refuse_below <= 1 and 0 < self.runner_up <= 1):
            raise ValueError("refuse_below must be in [0, 1] and runner_up in (0, 1]")


@dataclass(frozen=True)
class Judged:
    """One (simple) question's candidates as the selector judged them."""

    asked: Asked
    rows: SentenceRows
    probability: np.ndarray  # P(it is the one holding the answer), 0 where a guard rules it out
    answerable: float  # P(the best one is right)


def guarded(asked: Asked, rows: SentenceRows) -> np.ndarray:
    """Candidates no score may promote: for a yes/no question, a sentence that does not
    cover its predicate ("Did North Korea accept money…?" is not settled by a sentence
    that only names North Korea). Guards on figures and years named in the question
    were tried and dropped: on RealTime QA dev they cost 9 and 1.6 points of top-1
    accuracy (quiz questions name figures and years as context: "for the first time
    since 2017"); year and figure matches are features instead."""
    if asked.yes_no and asked.core:
        return rows.column("predicate") < 1.0
    return np.zeros(len(rows.matrix), dtype=bool)


def judge(
    query: Query,
    cands: Sequence[Candidate],
    vectors: np.ndarray,
    question: np.ndarray,
    idf: Callable[[str], float],
    in_corpus: Callable[[str], bool],
    model: SelectorModel,
) -> Judged:
    """Features, the selector's probabilities and the answerability of one question."""
    asked = Asked.of(query, idf)
    rows = sentence_features(asked, cands, vectors, question)
    scores = np.where(guarded(asked, rows), -np.inf, model.sentence.logit(rows.matrix))
    if not np.isfinite(scores).any():
        return Judged(asked, rows, np.zeros(len(cands)), 0.0)
    row = answer_features(asked, rows, scores, *names_missing(asked, in_corpus, cands))
    return Judged(asked, rows, softmax(scores), float(sigmoid(model.answerable.logit(row))[0]))


class LearnedAnswerer:
    """Quotes the sentences the selector finds likeliest; refuses when even the best is
    unlikely to be right."""

    name = "extractive"

    def __init__(
        self,
        encode: Encode,
        idf: Callable[[str], float],
        in_corpus: Callable[[str], bool] | None = None,
        params: SelectorParams | None = None,
        model: SelectorModel | None = None,
    ) -> None:
        self._encode, self._idf = encode, idf
        self._in_corpus = in_corpus or (lambda term: True)
        self.params = params or SelectorParams()
        self.model = model or load_model()

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer:
        p = self.params
        kw = {"answerer": self.name, "standalone_question": query.standalone}
        cands = candidates_of(chunks)
        if not cands:
            return Answer.refusal(query.text, "no passage was retrieved", **kw)
        vectors = self._encode([c.sentence.text for c in cands])  # once, for every part
        parts = query.parts
        if len(parts) == 1:
            chosen, reason = self._answer_part(query, cands, vectors, p.max_sentences)
        else:  # a compound question: each part is answered on its own, then merged
            chosen, reasons = [], []
            for part in parts:
                sub = Query(
                    text=part, standalone=f"{part} ({query.standalone})", context=query.context
                )
                got, why = self._answer_part(sub, cands, vectors, p.part_sentences)
                keys = {q.candidate.key for q in chosen}
                chosen.extend(q for q in got if q.candidate.key not in keys)
                reasons.append(why)
            reason = "; ".join(r for r in reasons if r)
        if not chosen:
            return Answer.refusal(query.text, reason, **kw)
        return compose(query, chosen, **kw)

    def judge(self, query: Query, cands: Sequence[Candidate], vectors: np.ndarray) -> Judged:
        question = self._encode([query.standalone])[0]
        return judge(query, cands, vectors, question, self._idf, self._in_corpus, self.model)

    def _answer_part(
        self, query: Query, cands: list[Candidate], vectors: np.ndarray, max_sentences: int
    ) -> tuple[list[Quote], str]:
        """The quotes answering one (simple) question, or none and the reason why."""
        judged = self.judge(query, cands, vectors)
        if not judged.probability.any():
            return [], "no retrieved sentence fits the question"
        if judged.answerable < self.params.refuse_below:
            return [], (
                f"no sentence answers it confidently (P {judged.answerable:.2f} "
                f"< {self.params.refuse_below:.2f})"
            )
        picked = self._select(judged, cands, max_sentences)
        own, borrowed = judged.rows.column("cov_own"), judged.rows.borrowed
        leans = [borrowed[i] > self.params.leans_back_share * own[i] for i in picked]
        return with_context([cands[i] for i in picked], leans, judged.asked.kind), ""

    def _select(self, judged: Judged, cands: list[Candidate], max_sentences: int) -> list[int]:
        """The best candidate, then runners-up at least ``runner_up`` times as likely that
        repeat none of the chosen; for a figure, one from another article must add a figure
        (that is how conflicting reports come to be shown side by side)."""
        prob = judged.probability
        order = [int(i) for i in np.argsort(-prob, kind="stable") if prob[i] > 0]
        best = order[0]
        chosen = [best]
        figure = judged.asked.kind in ("number", "duration") or fits_type(
            "number", cands[best].sentence.text
        )
        for i in order[1:]:
            if len(chosen) >= max_sentences or prob[i] < self.params.runner_up * prob[best]:
                break
            if any(near_duplicate(cands[i], cands[j], self.params.near_duplicate) for j in chosen):
                continue
            if figure and not adds_figure(cands[i], [cands[j] for j in chosen]):
                continue
            chosen.append(i)
        return chosen
