"""The hand-set extractive answerer (``BOT_SELECTOR=hand``; the default is the learned
selector, ``bot.answer.learned``): answer with the retrieved sentences themselves, or refuse.

Every sentence of the retrieved chunks is a candidate, scored by

* coverage — the share of the question's term weight (IDF) the sentence contains (terms
  found only in the sentence before it count half, only elsewhere in its passage — title
  and date included — a quarter; terms borrowed from a follow-up's history weigh less);
* dense similarity — cosine between the question and the sentence (MiniLM);
* answer type — a "how many" question wants a figure, "when" a date, "who" a name;
* salience — names and figures in the question should appear in the passage; a year or
  number asked about must;
* retrieval rank — a small prior for sentences from higher-ranked chunks.

The best one to three sentences that clear the calibrated thresholds become the answer,
each a verbatim quote followed by its ``[n]``: runners-up close to the best, or covering a
part of the question the others leave open. Near-duplicates are skipped; for figure
questions, sentences from other files with other figures get a wider margin so conflicting
reports stay visible (newest article first, each with its date: ``bot.answer.compose``).
A sentence that leans on the one before it ("…for this purpose") brings it along, and
one followed by "These include…" keeps its continuation.
When the evidence is too weak, or a name or figure the question hinges on appears in no
article at all, it refuses. It never sees where chunks are stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer.amounts import FIGURE_KINDS
from bot.answer.asked_type import answer_type
from bot.answer.candidates import Candidate, Scored, candidates_of, years_of
from bot.answer.compose import (
    MAX_QUOTES,
    adds_figure,
    by_parts,
    compose,
    near_duplicate,
    with_context,
)
from bot.answer.names import is_date, place_known
from bot.answer.places import PLACE_KINDS
from bot.answer.query import Query
from bot.answer.question import counted_noun, fits_type, salient_terms
from bot.answer.years import asked_years
from bot.ingest.chunking import Chunk
from bot.protocols import Encode
from bot.text.terms import stem, terms, tokens
from bot.types import Answer


@dataclass(frozen=True)
class ExtractiveParams:
    """The extractive answerer's weights and thresholds.

    Where the values come from: set by hand, stop by stop, on the five seed articles and
    the cases of ``evals/cases`` (see the git history of ``bot/extractive.py``); they have
    not been fitted on held-out data. ``bot.answer.learned``, fitted on RealTime QA, replaced
    them as the default; these stay available as ``BOT_SELECTOR=hand`` (README, "The learned
    selector").
    """

    max_sentences: int = 3  # best sentences quoted at most (each may bring a neighbour)
    part_sentences: int = 2  # sentences per part of a compound question
    min_score: float = 0.42  # the best sentence's score below this: refuse
    min_coverage: float = 0.2  # ... or its share of the question's term weight below this
    margin: float = 0.12  # a runner-up within this of the best score is quoted too
    other_report_margin: float = 2.5  # x margin for a figure from another file (conflicts)
    min_gain: float = 0.2  # a runner-up covering this much new term weight is quoted too
    gain_similarity: float = 0.45  # ... if at least this similar to the question
    w_sim: float = 0.5  # weight of MiniLM question-sentence cosine in the score
    w_cov: float = 0.55  # weight of term coverage in the score
    context_weight: float = 0.4  # IDF share of terms borrowed from a follow-up's history
    previous_match: float = 0.5  # credit for a term found only in the sentence before
    passage_match: float = 0.25  # credit for a term found only elsewhere in the passage
    other_year_penalty: float = 0.1  # a sentence about another year than the one asked
    rank_prior: float = 0.04  # / (1 + chunk rank): a small prior for better-ranked chunks
    typed_bonus: float = 0.08  # added when the question asks for a type (it was checked)
    on_topic_similarity: float = 0.65  # cosine that counts as on topic without a shared term
    counts_similarity: float = 0.7  # cosine that counts as counting the asked noun
    leans_back_share: float = 0.5  # borrowed / own coverage above this brings the previous
    near_duplicate: float = 0.6  # term Jaccard above which a runner-up is a repeat

    def __post_init__(self) -> None:
        if not 1 <= self.max_sentences <= MAX_QUOTES:
            raise ValueError(f"max_sentences must be between 1 and {MAX_QUOTES}")
        if not (0 <= self.min_coverage <= 1 and self.margin >= 0 and 0 <= self.min_gain <= 1):
            raise ValueError("min_coverage and min_gain must be in [0, 1], margin non-negative")


class ExtractiveAnswerer:
    """Quotes the best-supported sentences; refuses below calibrated thresholds."""

    name = "extractive"

    def __init__(
        self,
        encode: Encode,
        idf: Callable[[str], float],
        in_corpus: Callable[[str], bool] | None = None,
        params: ExtractiveParams | None = None,
    ) -> None:
        self._encode, self._idf = encode, idf
        self._in_corpus = in_corpus or (lambda term: True)
        self.params = params or ExtractiveParams()

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer:
        p = self.params
        kw = {"answerer": self.name, "standalone_question": query.standalone}
        cands = candidates_of(chunks)
        if not cands:
            return Answer.refusal(query.text, "no passage was retrieved", **kw)
        names = [t for t in salient_terms(query.meaning) if not is_date(t)]
        asked_about = [*names, *counted_noun(query.meaning)]
        unknown = next((t for t in asked_about if not self._knows(t)), None)
        if unknown:
            return Answer.refusal(query.text, f"no article mentions {unknown!r}", **kw)
        vectors = self._encode([c.sentence.text for c in cands])  # once, for every part
        chosen, reason = by_parts(
            query,
            lambda q, n: self._answer_part(q, cands, vectors, n),
            p.max_sentences,
            p.part_sentences,
        )
        if not chosen:
            return Answer.refusal(query.text, reason, **kw)
        picked = [s.candidate for s in chosen]
        quotes = with_context(picked, [s.leans_back for s in chosen], _hand_kind(query.meaning))
        return compose(query, quotes, **kw)

    def _knows(self, word: str) -> bool:
        """Some article holds ``word`` (a term of the question), or its place's other form."""
        return self._in_corpus(stem(word)) or place_known(word, self._in_corpus)

    def _answer_part(
        self, query: Query, cands: list[Candidate], vectors: np.ndarray, max_sentences: int
    ) -> tuple[list[Scored], str]:
        """The sentences answering one (simple) question, or none and the reason why."""
        kind = _hand_kind(query.meaning)
        scored = [s for s in self.score(query, cands, vectors) if s.eligible]
        if not scored:
            return [], f"no retrieved sentence gives a {kind or 'match'}"
        best = scored[0]
        if best.score < self.params.min_score or best.coverage < self.params.min_coverage:
            return [], f"weak evidence (score {best.score:.2f}, coverage {best.coverage:.2f})"
        return self._select(query, scored, kind, max_sentences), ""

    def _weights(self, query: Query) -> dict[str, float]:
        focus = {t: self._idf(t) for t in set(query.focus_terms)}
        return {
            **{t: self.params.context_weight * self._idf(t) for t in set(query.context_terms)},
            **focus,
        }

    def score(
        self, query: Query, cands: list[Candidate], vectors: np.ndarray | None = None
    ) -> list[Scored]:
        """Every candidate scored, best first (see the module docstring)."""
        p = self.params
        weights = self._weights(query)
        total = sum(weights.values()) or 1.0
        kind = _hand_kind(query.meaning)
        salient = salient_terms(query.meaning)
        figures = [t for t in salient if t[0].isdigit()]
        asked = asked_years(query.meaning, figures)
        counted = {stem(t) for t in counted_noun(query.meaning)}
        core = {t for t in set(query.focus_terms) if t not in {stem(s) for s in salient}}
        if vectors is None:
            vectors = self._encode([c.sentence.text for c in cands])
        sims = vectors @ self._encode([query.standalone])[0]
        out = []
        for cand, sim in zip(cands, sims):
            own_terms = set(terms(cand.sentence.text))
            prev = cand.neighbour(-1)
            prev_terms = set(terms(prev.sentence.text)) if prev else set()
            chunk_terms = set(terms(cand.chunk.search_text))
            matched = {
                t: 1.0
                if t in own_terms
                else p.previous_match
                if t in prev_terms
                else p.passage_match
                for t in weights
                if t in own_terms or t in prev_terms or t in chunk_terms
            }
            coverage = sum(weights[t] * m for t, m in matched.items()) / total
            own = sum(weights[t] for t, m in matched.items() if m == 1.0)
            borrowed = sum(weights[t] * m for t, m in matched.items() if m == p.previous_match)
            typed = fits_type(kind, cand.sentence.text)
            passage = set(tokens(cand.chunk.search_text))
            # "Who won in 2019?": a sentence about another year is the wrong report
            about = years_of(cand)
            other_year = bool(asked and about and not about & asked)
            score = (
                p.w_sim * float(sim)
                + p.w_cov * coverage
                - p.other_year_penalty * other_year
                + p.rank_prior / (1 + cand.rank)
                + (p.typed_bonus if kind else 0.0)
            )
            # A typed question needs an answer of that type; a figure or year asked about
            # must be in the passage (one of them, for a comparison); a sentence must share
            # a content word with the question beyond its names, unless it paraphrases it.
            on_topic = (
                not core or bool(core & (own_terms | prev_terms)) or sim >= p.on_topic_similarity
            )
            figures_ok = not figures or any(f in passage for f in figures)
            # "How many tanks…" is answered by a sentence that counts tanks (or says so
            # in other words: a close paraphrase)
            counts_it = (
                not counted
                or bool(counted & (own_terms | prev_terms))
                or sim >= p.counts_similarity
            )
            eligible = typed and on_topic and figures_ok and counts_it and not other_year
            leans_back = prev is not None and borrowed > p.leans_back_share * own
            out.append(
                Scored(cand, score, coverage, float(sim), typed, eligible, leans_back, matched)
            )
        out.sort(key=lambda s: -s.score)
        return out

    def _select(
        self, query: Query, scored: list[Scored], kind: str | None, max_sentences: int
    ) -> list[Scored]:
        """The best sentence, then runners-up that are close to it or answer another part.

        A runner-up is taken when its score is within ``margin`` of the best (when the answer
        is a figure, a sentence from another file giving another figure gets a wider margin:
        conflicting reports are shown side by side, not silently resolved), or when it
        covers at least ``min_gain`` of the question's term weight that the chosen
        sentences leave uncovered (the second half of a two-part question).
        """
        p = self.params
        weights = self._weights(query)
        total = sum(weights.values()) or 1.0
        best = scored[0]
        chosen = [best]
        covered = dict(best.matched)
        figure_answer = kind in FIGURE_KINDS or fits_type("number", best.candidate.sentence.text)
        for s in scored[1:]:
            if len(chosen) >= max_sentences:
                break
            if s.score < p.min_score or any(
                near_duplicate(s.candidate, c.candidate, p.near_duplicate) for c in chosen
            ):
                continue
            files = {c.candidate.chunk.file for c in chosen}
            other_report = figure_answer and s.candidate.chunk.file not in files
            margin = p.margin * (p.other_report_margin if other_report else 1.0)
            close = s.score >= best.score - margin and s.coverage >= p.min_coverage
            if (
                close
                and figure_answer
                and not adds_figure(s.candidate, [c.candidate for c in chosen])
            ):
                close = False
            gain = (
                sum(
                    w * max(0.0, s.matched.get(t, 0.0) - covered.get(t, 0.0))
                    for t, w in weights.items()
                )
                / total
            )
            if close or (gain >= p.min_gain and s.matched and s.similarity >= p.gain_similarity):
                chosen.append(s)
                for t, m in s.matched.items():
                    covered[t] = max(covered.get(t, 0.0), m)
        return chosen


def _hand_kind(question: str) -> str | None:
    """The asked kind as these weights were fitted on: a country or a state is any name."""
    kind = answer_type(question)
    return "name" if kind in PLACE_KINDS else kind
