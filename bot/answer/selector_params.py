"""What the learned answerer does with the selector's probabilities: its refusal and doubt
thresholds (chosen on RealTime QA dev with the model, recorded in ``selector.json``'s meta),
how many candidates it embeds and quotes. Values and where they came from; it computes
nothing but which threshold applies to a question.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer.query import Query


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
