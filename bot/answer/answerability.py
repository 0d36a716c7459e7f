"""Answerability features: the one row that says whether the best candidate answers at all.

After the selector has scored one question's candidates (``bot.answer.features`` rows,
``bot.answer.selector`` scores), ``answer_features`` describes the best of them for the
answerability model: how far ahead of the runner-up it is, what it covers, whether it
holds the asked type, the counted noun, the figures, years and names the question hinges
on, and whether its article is from the question's week (when the question's day is
known); ``unknown_stems`` says which of the question's names no article holds, and
``names_missing`` their share and the share no retrieved passage holds. One copy for
training and answering. Plain numbers out: the model and the refusal threshold live
elsewhere (``bot.answer.selector``, ``bot.answer.learned``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bot.answer.amounts import FIGURE_KINDS
from bot.answer.candidates import Candidate
from bot.answer.features import Asked, SentenceRows, passage_stems
from bot.answer.places import NAME_KINDS

#: Columns of the best candidate's sentence row that the answerability model reads too.
BEST_OF = (
    "cov_own",
    "cov_prev",
    "cov_share",
    "rarest",
    "sim",
    "typed",
    "typed_new",
    "salient_own",
    "salient_near",
    "salient_passage",
    "counts_missing",
    "figures_missing",
    "other_year",
    "year_match",
    "dated",
    "same_week",
    "after_as_of",
    "age",
)

ANSWER_FEATURES: tuple[str, ...] = (
    "best_score",  # the best candidate's selector score
    "gap",  # its score minus the runner-up's (scores, not shares: those shrink as the
    # number of candidates grows, and articles give many more than quiz passages)
    "best_share",  # its softmax probability among the candidates
    *(f"best_{name}" for name in BEST_OF),
    "week_share",  # share of the candidates from the question's week (0 when undated)
    "names_unknown",  # share of the question's names and figures in no article at all
    "names_unretrieved",  # … in no retrieved passage
    "asks_number",
    "asks_person",
    "asks_date",
    "asks_name",  # "which company / country…": a proper name
    "yes_no",
)

#: The score gap feature is capped (a lone candidate has no runner-up).
MAX_GAP = 5.0
#: Retrieved passages with more quotable sentences than this on average are read as long
#: articles, fewer as short passages (a refusal threshold each: answerability runs lower
#: on long articles). Structural: RealTime QA's quiz passages give 1.1-2.0 per retrieved
#: chunk, the same passages grouped into weekly articles 3.4-5.0 (train and dev, 5th to
#: 95th percentile); real articles chunk like the latter.
LONG_PASSAGES = 3.0


def softmax(scores: np.ndarray) -> np.ndarray:
    """The selector's scores of one question's candidates as probabilities that sum to 1
    (a score of ``-inf`` gets 0)."""
    e = np.exp(scores - scores.max())
    return e / e.sum()


def answer_features(
    asked: Asked,
    rows: SentenceRows,
    scores: np.ndarray,
    names_unknown: float,
    names_unretrieved: float,
) -> np.ndarray:
    """The row of ``ANSWER_FEATURES`` for the best of the candidates (``scores``: the
    selector's, ``-inf`` for those ruled out; at least one finite)."""
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    second = scores[order[1]] if len(order) > 1 else -np.inf
    kind = asked.kind or ""
    alive = np.isfinite(scores)
    return np.array(
        [
            float(scores[best]),
            float(min(scores[best] - second, MAX_GAP)),
            float(softmax(scores)[best]),
            *(float(rows.column(name)[best]) for name in BEST_OF),
            float(rows.column("same_week")[alive].mean()),
            names_unknown,
            names_unretrieved,
            float(kind in FIGURE_KINDS),
            float(kind == "person"),
            float(kind in ("date", "day", "month", "year")),
            float(kind in NAME_KINDS),
            float(asked.yes_no),
        ]
    )


def sentences_per_passage(rows: SentenceRows) -> float:
    """Candidates per retrieved chunk that holds any (chunks told apart by their rank)."""
    if not len(rows.matrix):
        return 0.0
    return len(rows.matrix) / len(np.unique(rows.column("rank")))


def unknown_stems(asked: Asked, in_corpus: Callable[[str], bool]) -> frozenset[str]:
    """The question's names and figures (salient stems) that no article holds."""
    return frozenset(t for t in asked.salient if not in_corpus(t))


def names_missing(
    asked: Asked, unknown: frozenset[str], cands: Sequence[Candidate]
) -> tuple[float, float]:
    """Shares of the question's names and figures found in no article (``unknown``, from
    ``unknown_stems``) / no retrieved passage."""
    if not asked.salient:
        return 0.0, 0.0
    retrieved: set[str] = set()
    for chunk in {c.chunk.id: c.chunk for c in cands}.values():
        retrieved.update(passage_stems(chunk))
    unretrieved = len(asked.salient - retrieved) / len(asked.salient)
    return len(unknown) / len(asked.salient), unretrieved
