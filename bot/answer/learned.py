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
from bot.answer.candidates import Candidate, candidates_of, leans_on_other_year
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
from bot.answer.selector_params import SelectorParams
from bot.ingest.chunking import Chunk
from bot.protocols import Encode
from bot.types import Answer, Assessment


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
        name = unknown_name(query.meaning, self._in_corpus, [c.sentence.text for c in cands])
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
        leans = [self._leans_back(judged.rows, i) for i in picked]
        return with_context([cands[i] for i in picked], leans, judged.asked.kind), ""

    def _leans_back(self, rows: SentenceRows, i: int) -> bool:
        """Candidate ``i`` covers the question through the sentence before it more than by
        itself, so it is quoted with that sentence (``compose.with_context``)."""
        return bool(rows.borrowed[i] > self.params.leans_back_share * rows.column("cov_own")[i])

    def _select(self, judged: Judged, cands: list[Candidate], max_sentences: int) -> list[int]:
        """The best candidate, then runners-up at least ``runner_up`` times as likely that
        repeat none of the chosen; for a question asking a figure, each must add a figure
        (that is how conflicting reports come to be shown side by side) — not for others
        whose best sentence merely holds one (dev 2023 slice: 4 more right, none lost); for
        a question closing on its year, none leaning on a sentence about another year."""
        prob = judged.probability
        order = [int(i) for i in np.argsort(-prob, kind="stable") if prob[i] > 0]
        best = order[0]
        chosen = [best]
        figure = judged.asked.kind in FIGURE_KINDS
        years = judged.asked.years if judged.asked.year_closing else frozenset()
        for i in order[1:]:
            if len(chosen) >= max_sentences or prob[i] < self.params.runner_up * prob[best]:
                break
            if years and self._leans_back(judged.rows, i) and leans_on_other_year(cands[i], years):
                continue  # quoted with the sentence it leans on, it is about that one's year
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
