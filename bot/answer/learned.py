"""The learned selector's answerer (``BOT_SELECTOR=learned``): quote the sentences the fitted
model finds likeliest, or refuse.

Every sentence of the retrieved chunks is a candidate. ``bot.answer.features`` describes
each one (term coverage, MiniLM similarity, answer type, names and figures, new
information, year, its place in its article, its article's date against the question's
day…) and the selector (``bot.answer.selector``, fitted on RealTime QA train, chosen on
dev) scores it; the softmax of one question's scores is the probability that each
candidate is the one holding the answer. The guards the model was chosen with
(``bot.answer.guards``) rule candidates out whatever the score says.

Whether to answer at all is a second probability, that the sentences it would quote (the
best and its runner-ups) hold the answer (``bot.answer.answerability``: the best's score
and lead over the runner-up, what it covers, whether it holds the asked type, figures and
names, whether its article is from the question's week); below
``SelectorParams.refuse_below`` the answer is the refusal. Only the
``SelectorParams.embed_at_most`` candidates the model likes best on their lexical features
are embedded (MiniLM on every sentence was most of an ask's time). The answer quotes the
best sentence and runners-up nearly as likely, composed by ``bot.answer.compose``
(conflicting figures newest first, dated); a compound question is answered part by part. It
never sees where chunks are stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer.amounts import FIGURE_KINDS
from bot.answer.answerability import (
    LONG_PASSAGES,
    answer_features,
    names_missing,
    sentences_per_passage,
    softmax,
    unknown_stems,
)
from bot.answer.candidates import Candidate, candidates_of
from bot.answer.compose import (
    Quote,
    adds_figure,
    by_parts,
    compose,
    near_duplicate,
    part_queries,
    same_words,
    with_context,
)
from bot.answer.features import Asked, SentenceRows, lexical_features, with_similarity
from bot.answer.guards import ruled_out, why_none_fits
from bot.answer.names import unknown_name, unknown_word
from bot.answer.query import Query
from bot.answer.selector import SelectorModel, load_model, shortlist, sigmoid
from bot.ingest.chunking import Chunk
from bot.protocols import Encode
from bot.types import Answer, Assessment


@dataclass(frozen=True)
class SelectorParams:
    """What the extractive answerer does with the selector's probabilities.

    ``refuse_below``, ``refuse_below_dated`` and ``runner_up`` were chosen on RealTime QA
    dev (2023) by ``scripts/train_selector.py`` and are recorded in ``selector.json``'s
    meta (a test keeps the two equal); the rest are structural limits.
    """

    #: Refuse when P(the quoted sentences hold the answer) is below this, for a question
    #: asked without a day (``Query.as_of`` None) of short passages (``LONG_PASSAGES``).
    #: Target: the best combined dev objective (answerable accuracy, refusal of
    #: evidence-removed and of near-miss questions, equal weights) among threshold pairs
    #: (short, long) refusing at most 10% of the answerable questions of each dev corpus,
    #: retrieved 12 chunks deep (stop 34, ``train_selector.py --thresholds-only``).
    #: Dev, undated, quiz passages: 81.6% right, 8.0% over-refusal, 65.3% refused.
    refuse_below: float = 0.33
    #: … of long articles (their answerability runs lower). Dev, undated, weekly
    #: articles: 79.8% right, 9.2% over-refusal, 61.4% refused.
    refuse_below_long: float = 0.23
    #: … for a question asked about a known day, short passages: 89.6% right, 7.4%
    #: over-refusal, 92.8% refused.
    refuse_below_dated: float = 0.61
    #: … for a question asked about a known day, long articles: 86.5%, 8.3%, 78.0%.
    refuse_below_long_dated: float = 0.14
    #: Quote a runner-up whose probability is at least this share of the best's: on dev (an
    #: earlier fit) the answer was among the quotes for 68.9% of answerable questions with
    #: the best alone, 78.7% at 0.3 (1.58 quotes per answer), 80.2% at 0.2 (1.84): the knee.
    runner_up: float = 0.3
    #: Embed (MiniLM) at most this many candidates per question, the best by the
    #: selector's score without its similarity features; the rest cannot be quoted.
    #: Chosen on dev by ``scripts/train_selector.py`` (recorded in ``selector.json``'s
    #: meta): the fewest whose dev objective is within ``MIN_GAIN`` of embedding all
    #: (0.6823 vs 0.6833; 20: 0.6800).
    embed_at_most: int = 25
    #: The verifier drops an LLM's sentences, however well backed, when P(the quoted
    #: sentences hold the answer) is below this (``assess``; undated, short passages): the
    #: sources very likely hold no answer, and a model inventing one quotes an on-topic
    #: sentence. Chosen on dev by ``scripts/train_selector.py`` (``selector.json``'s meta),
    #: short and long apart: the highest doubting at most 2% of the answerable questions
    #: whose answer was retrieved on each dev corpus: 1.6% at most, 20.2% of unanswerable.
    doubt_below: float = 0.1
    #: … of long articles (their answerability runs lower): 1.7% and 13.5%.
    doubt_below_long: float = 0.045
    #: … for a question asked about a known day, short passages: 1.9% and 43.1%.
    doubt_below_dated: float = 0.035
    #: … for a question asked about a known day, long articles: 1.7% and 44.7%.
    doubt_below_long_dated: float = 0.02
    max_sentences: int = 3  # best sentences quoted at most (each may bring a neighbour)
    part_sentences: int = 2  # sentences per part of a compound question
    near_duplicate: float = 0.6  # term Jaccard above which a runner-up is a repeat
    leans_back_share: float = 0.5  # borrowed / own coverage above this brings the previous

    def __post_init__(self) -> None:
        if not 1 <= self.max_sentences <= 3:
            raise ValueError("max_sentences must be between 1 and 3")
        undated = (self.refuse_below, self.refuse_below_long)
        dated = (self.refuse_below_dated, self.refuse_below_long_dated)
        if not all(0 <= t <= 1 for t in (*undated, *dated)):
            raise ValueError("refusal thresholds must be in [0, 1]")
        doubts = (self.doubt_below, self.doubt_below_long)
        doubts += (self.doubt_below_dated, self.doubt_below_long_dated)
        if any(d > t for d, t in zip(doubts, (*undated, *dated))):
            raise ValueError("a doubt threshold above its refusal threshold")
        if self.embed_at_most < 1:
            raise ValueError("embed_at_most must be at least 1")
        if not 0 < self.runner_up <= 1:
            raise ValueError("runner_up must be in (0, 1]")

    def threshold(self, query: Query, long: bool = False) -> float:
        """The refusal threshold for ``query`` (dated or not) over short passages or
        ``long`` articles."""
        if query.as_of is None:
            return self.refuse_below_long if long else self.refuse_below
        return self.refuse_below_long_dated if long else self.refuse_below_dated

    def doubt_threshold(self, query: Query, long: bool = False) -> float:
        """The threshold below which ``query``'s sources are doubted (dated or not), short
        passages or ``long`` articles."""
        if query.as_of is None:
            return self.doubt_below_long if long else self.doubt_below
        return self.doubt_below_long_dated if long else self.doubt_below_dated


def is_long(rows: SentenceRows) -> bool:
    """The candidates come from long articles, not short passages (``LONG_PASSAGES``)."""
    return sentences_per_passage(rows) > LONG_PASSAGES


class SentenceVectors:
    """The candidates' MiniLM vectors, each embedded the first time a question needs it
    (the parts of a compound question share them)."""

    def __init__(self, encode: Encode, cands: Sequence[Candidate]) -> None:
        self._encode = encode
        self._texts = [c.sentence.text for c in cands]
        self._done: dict[int, np.ndarray] = {}

    def of(self, wanted: np.ndarray, dimension: int) -> np.ndarray:
        """One row per candidate: its vector where ``wanted`` (a mask), zeros elsewhere."""
        picked = [int(i) for i in np.flatnonzero(wanted)]
        todo = [i for i in picked if i not in self._done]
        if todo:
            self._done.update(zip(todo, self._encode([self._texts[i] for i in todo])))
        out = np.zeros((len(self._texts), dimension))
        for i in picked:
            out[i] = self._done[i]
        return out


@dataclass(frozen=True)
class Judged:
    """One (simple) question's candidates as the selector judged them."""

    asked: Asked
    rows: SentenceRows
    probability: np.ndarray  # P(it is the one holding the answer), 0 where a guard rules it out
    answerable: float  # P(the sentences quoted, the best and its runner-ups, hold the answer)
    unknown: frozenset[str]  # the question's names and figures no article holds


def judge(
    query: Query,
    cands: Sequence[Candidate],
    vectors: SentenceVectors,
    question: np.ndarray,
    idf: Callable[[str], float],
    in_corpus: Callable[[str], bool],
    model: SelectorModel,
    embed_at_most: int,
) -> Judged:
    """Features, the selector's probabilities and the answerability of one question: the
    guards and the shortlist read lexical features (no sentence embedded yet), then the
    shortlisted candidates are embedded and scored; the rest score ``-inf``."""
    asked = Asked.of(query, idf)
    lexical = lexical_features(asked, cands)
    unknown = unknown_stems(asked, in_corpus)
    missing = names_missing(asked, unknown, cands)
    out = ruled_out(asked, lexical, model.guards, missing[0])
    keep = shortlist(model.sentence, lexical.matrix, out, embed_at_most)
    if not keep.any():
        return Judged(asked, lexical, np.zeros(len(cands)), 0.0, unknown)
    rows = with_similarity(lexical, cands, vectors.of(keep, len(question)) @ question)
    scores = np.where(keep, model.sentence.logit(rows.matrix), -np.inf)
    row = answer_features(asked, rows, scores, *missing)
    answerable = float(sigmoid(model.answerable.logit(row))[0])
    return Judged(asked, rows, softmax(scores), answerable, unknown)


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
        vectors = SentenceVectors(self._encode, cands)
        chosen, reason = by_parts(
            query,
            lambda q, n: self._answer_part(q, cands, vectors, n),
            p.max_sentences,
            p.part_sentences,
        )
        if not chosen:
            return Answer.refusal(query.text, reason, **kw)
        return compose(query, chosen, **kw)

    def assess(self, query: Query, chunks: Sequence[Chunk]) -> Assessment:
        """The second opinion a model's answer is verified with (``bot.protocols.Assessor``):
        doubt when even the best sentence is very unlikely to answer (below
        ``SelectorParams.doubt_below``), and the sentence this answerer would quote. A
        compound question is judged as it is answered, part by part: the opinion of its
        likeliest part (doubt only when every part is doubted)."""
        cands = candidates_of(chunks)
        if not cands:
            return Assessment(0.0, "no passage was retrieved")
        vectors = SentenceVectors(self._encode, cands)
        opinions = [self._opinion(q, cands, vectors) for q in part_queries(query)]
        return max(opinions, key=lambda a: (not a.doubt, a.answerable))

    def _opinion(self, query: Query, cands: list[Candidate], vecs: SentenceVectors) -> Assessment:
        judged = self.judge(query, cands, vecs)
        long = is_long(judged.rows)
        p, at = judged.answerable, self.params.doubt_threshold(query, long)
        if p < at or not judged.probability.any():
            return Assessment(p, f"the articles very likely do not answer it (P {p:.3f} < {at})")
        if p < self.params.threshold(query, long):
            return Assessment(p)
        best = cands[int(np.argmax(judged.probability))]
        return Assessment(p, vouched=(best.chunk.file, best.sentence.start))

    def judge(self, query: Query, cands: Sequence[Candidate], vectors: SentenceVectors) -> Judged:
        question = self._encode([query.standalone])[0]
        return judge(
            query,
            cands,
            vectors,
            question,
            self._idf,
            self._in_corpus,
            self.model,
            self.params.embed_at_most,
        )

    def _answer_part(
        self, query: Query, cands: list[Candidate], vectors: SentenceVectors, max_sentences: int
    ) -> tuple[list[Quote], str]:
        """The quotes answering one (simple) question, or none and the reason why."""
        name = unknown_name(query.meaning, self._in_corpus)
        if name:
            return [], f"no article mentions {name!r}"
        judged = self.judge(query, cands, vectors)
        none_fits = not judged.probability.any()
        threshold = self.params.threshold(query, is_long(judged.rows))
        if none_fits or judged.answerable < threshold:
            unknown = unknown_word(query.meaning, judged.unknown)
            if unknown and (judged.asked.yes_no or not none_fits):
                return [], f"no article mentions {unknown!r}"
            if none_fits:
                return [], why_none_fits(judged.asked, judged.rows, self.model.guards)
            return [], f"weak evidence (P {judged.answerable:.2f} < {threshold:.2f})"
        picked = self._select(judged, cands, max_sentences)
        own, borrowed = judged.rows.column("cov_own"), judged.rows.borrowed
        leans = [borrowed[i] > self.params.leans_back_share * own[i] for i in picked]
        return with_context([cands[i] for i in picked], leans, judged.asked.kind), ""

    def _select(self, judged: Judged, cands: list[Candidate], max_sentences: int) -> list[int]:
        """The best candidate, then runners-up at least ``runner_up`` times as likely that
        repeat none of the chosen; for a question asking a figure, each must add a figure
        (that is how conflicting reports come to be shown side by side) — not for others
        whose best sentence merely holds one (dev 2023 slice: 4 more right, none lost)."""
        prob = judged.probability
        order = [int(i) for i in np.argsort(-prob, kind="stable") if prob[i] > 0]
        best = order[0]
        chosen = [best]
        figure = judged.asked.kind in FIGURE_KINDS
        for i in order[1:]:
            if len(chosen) >= max_sentences or prob[i] < self.params.runner_up * prob[best]:
                break
            if any(near_duplicate(cands[i], cands[j], self.params.near_duplicate) for j in chosen):
                continue
            if figure and not adds_figure(cands[i], [cands[j] for j in chosen]):
                continue
            chosen.append(i)
        if figure and len(chosen) < max_sentences:
            chosen.extend(self._conflicting(judged, cands, order, chosen, max_sentences))
        return chosen

    def _conflicting(
        self,
        judged: Judged,
        cands: list[Candidate],
        order: list[int],
        chosen: list[int],
        max_sentences: int,
    ) -> list[int]:
        """Reports from other articles that repeat the best sentence's words with other
        figures (``compose.same_words``): the same quantity reported differently, shown
        however unlikely the model finds them, so a conflict is never silently resolved."""
        best = cands[chosen[0]]
        out: list[int] = []
        for i in order:
            if len(chosen) + len(out) >= max_sentences:
                break
            c = cands[i]
            if i in chosen or c.chunk.file == best.chunk.file:
                continue
            if not same_words(c, best, self.params.near_duplicate):
                continue
            if adds_figure(c, [cands[j] for j in chosen + out]):
                out.append(i)
        return out
