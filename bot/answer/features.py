"""Features: what the learned selector sees of a question and each candidate sentence.

One copy for training (``scripts/train_selector.py``) and answering
(``bot.answer.learned``). ``Asked.of`` reads a question once (its answer type, term
weights, names and figures, what it counts, whether it is a yes/no question, the day it
is asked about); ``sentence_features`` turns every candidate into a row of
``SENTENCE_FEATURES``. Features meant to carry from three-sentence quiz passages to long
articles compare a sentence with its own passage (its share of the passage's coverage,
its place in its chunk, the article's lead) rather than count absolute lengths. Date
features are neutral (0) when the question's day or the article's date is unknown.
Plain numbers out: no weights, thresholds or choices live here (``bot.answer.selector``
holds the fitted model, ``bot.answer.answerability`` the question-level row,
``bot.answer.learned`` the choices).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import pairwise

import numpy as np

from bot.answer.amounts import FIGURE_KINDS
from bot.answer.asked_type import answer_type
from bot.answer.attribution import asks_for_a_source, sources_only
from bot.answer.candidates import Candidate, years_of
from bot.answer.places import NAME_KINDS
from bot.answer.query import Query
from bot.answer.question import (
    CAPITALISED_RE,
    asks_about_its_week,
    counted_noun,
    fits_type,
    is_yes_no,
    proper_names,
    salient_terms,
)
from bot.answer.timeline import in_its_week, parse_day
from bot.answer.years import asked_years, closes_on_its_year
from bot.ingest.chunking import Chunk
from bot.text.discourse import opens_with_reference
from bot.text.opposites import counts_the_opposite, settling
from bot.text.terms import STOPWORDS, numbers, stem, terms, tokens

#: Term credit by where a question term is found: the sentence itself, the sentence before
#: it (which an answer quotes along when the sentence leans on it), elsewhere in its passage
#: (title and date included). Set by hand before the selector was learned; the selector
#: weighs the three shares separately as well, so these only shape the summary feature
#: ``cov``.
PREVIOUS_CREDIT = 0.5
PASSAGE_CREDIT = 0.25
#: IDF share of a term borrowed from a follow-up's history, as the hand-set answerer
#: weighed it (RealTime QA has no follow-ups to fit it on; set by hand on the seed cases'
#: follow-ups, the one weight here not fitted on RealTime QA).
CONTEXT_WEIGHT = 0.4

SENTENCE_FEATURES: tuple[str, ...] = (
    "sim",  # MiniLM cosine of question and sentence
    "sim_gap",  # sim minus the best sim among this question's candidates
    "sim_prev",  # cosine of question and the sentence before (0 when none)
    "sim_order",  # 1 / (1 + its place when the candidates are sorted by sim)
    "cov",  # share of the question's IDF weight matched (credits above)
    "cov_gap",  # cov minus the best cov among the candidates
    "cov_order",  # 1 / (1 + its place when the candidates are sorted by cov)
    "cov_own",  # share matched in the sentence itself
    "cov_prev",  # share matched only in the sentence before
    "cov_passage",  # share matched only elsewhere in the passage
    "passage_cov",  # share matched anywhere in the passage
    "chunk_sim",  # the best sim among the sentences of its chunk
    "bigrams",  # share of the question's adjacent term pairs adjacent in the sentence
    "rarest",  # the question's rarest term is in the sentence or the one before
    "typed",  # the asked type (number, date, person…) is in it (a count: not of the opposite)
    "typed_new",  # … one the question does not already contain
    "untyped",  # the question asks for no particular type
    "new_names",  # log(1 + capitalised words the question does not contain)
    "new_numbers",  # log(1 + figures the question does not contain)
    "salient_own",  # share of the question's names and figures in the sentence
    "salient_near",  # … in it or the sentence before (which it may lean on)
    "salient_passage",  # … in its passage
    "figures_missing",  # a figure the question names is not in the passage
    "counts_missing",  # "how many X": X is in neither this nor the previous sentence
    "other_year",  # the question names a year; the sentence is about another one
    "year_match",  # … and the sentence is about that year
    "rank",  # 1 / (1 + retrieval rank of the chunk)
    "length",  # log(number of words)
    "predicate",  # yes/no: share of its non-name terms settled in sentence or previous
    "opens_reference",  # the sentence opens by pointing back ("These include…")
    "cov_share",  # cov_own / passage_cov: how much of what its passage matches it holds
    "lead",  # the first sentence of its article (the headline's lead)
    "position",  # its place in its chunk, 0 (first) to 1 (last)
    "dated",  # the question's day and the article's date are both known
    "same_week",  # … the article is from the 7 days up to the question's day
    "after_as_of",  # … the article is dated after the question's day
    "age",  # … log(1 + days from the article's date to the question's day), 0 if after
)

#: The features read from MiniLM vectors; the rest are lexical, cheap to compute for every
#: candidate before any sentence is embedded (``bot.answer.selector.shortlist``).
SIMILARITY_FEATURES: tuple[str, ...] = ("sim", "sim_gap", "sim_prev", "sim_order", "chunk_sim")


@dataclass(frozen=True)
class Asked:
    """What a question asks for, read once (see the module docstring)."""

    kind: str | None
    weights: dict[str, float]  # stemmed term -> IDF weight (history terms weigh less)
    salient: frozenset[str]  # stems of its names and figures
    figures: frozenset[str]
    years: frozenset[str]  # the years it asks about (not those it names as background)
    counted: frozenset[str]
    core: frozenset[str]  # its content terms beyond names and figures (the predicate)
    words: frozenset[str]  # its lowercased tokens, to tell new information from old
    yes_no: bool
    bigrams: frozenset[tuple[str, str]]  # adjacent pairs of its terms ("book deal")
    rarest: str | None  # its term of highest IDF
    as_of: date | None = None  # the day it is asked about, when known
    its_week: bool = False  # it names its own week or day ("…this week?")
    year_closing: bool = False  # it ends on the year it asks about ("…in 2023?")
    of_source: bool = False  # it asks who said, warned… something

    @classmethod
    def of(cls, query: Query, idf: Callable[[str], float]) -> Asked:
        text = query.meaning
        focus = set(query.focus_terms)
        weights = {t: CONTEXT_WEIGHT * idf(t) for t in set(query.context_terms)}
        weights.update({t: idf(t) for t in focus})
        names = salient_terms(text)
        figures = frozenset(t for t in names if t[0].isdigit())
        salient = frozenset(stem(t) for t in names)
        return cls(
            kind=answer_type(text),
            weights=weights,
            salient=salient,
            figures=figures,
            years=asked_years(text, figures),
            counted=frozenset(stem(t) for t in counted_noun(text)),
            core=frozenset(focus - salient),
            words=frozenset(tokens(text)),
            yes_no=is_yes_no(text),
            bigrams=frozenset(_bigrams(terms(text))),
            rarest=max(focus, key=lambda t: (weights[t], t)) if focus else None,
            as_of=query.as_of,
            its_week=asks_about_its_week(text),
            of_source=asks_for_a_source(text),
            year_closing=closes_on_its_year(text),
        )


@dataclass(frozen=True)
class SentenceRows:
    """Candidates as the selector sees them, one row each, plus what composing needs."""

    matrix: np.ndarray  # len(candidates) x len(SENTENCE_FEATURES)
    matched: list[dict[str, float]]  # question term -> credit, per candidate
    borrowed: list[float]  # share of coverage that came from the sentence before

    def column(self, name: str) -> np.ndarray:
        return self.matrix[:, SENTENCE_FEATURES.index(name)]


# Sums of term weights use ``math.fsum``: exact whatever the order, and the order of a set
# of words changes with Python's hash seed, so plain ``sum`` gave features differing in the
# last bit from one process to the next (and a refit selector with different trees).
def _share(weights: dict[str, float], keys: set[str] | frozenset[str]) -> float:
    total = math.fsum(weights.values())
    return math.fsum(weights.get(k, 0.0) for k in keys) / total if total else 0.0


def sentence_features(
    asked: Asked, cands: Sequence[Candidate], vectors: np.ndarray, question: np.ndarray
) -> SentenceRows:
    """One row of ``SENTENCE_FEATURES`` per candidate (``vectors``: theirs, unit length;
    ``question``: the question's unit vector)."""
    sims = vectors @ question if len(cands) else np.zeros(0)
    return with_similarity(lexical_features(asked, cands), cands, sims)


def lexical_features(asked: Asked, cands: Sequence[Candidate]) -> SentenceRows:
    """The rows before any sentence is embedded: ``SIMILARITY_FEATURES`` are 0."""
    rows, matched, borrowed = [], [], []
    for cand in cands:
        row, credit = _row(asked, cand, cand.neighbour(-1))
        rows.append([row.get(name, 0.0) for name in SENTENCE_FEATURES])
        matched.append(credit)
        borrowed.append(row["cov_prev"] * PREVIOUS_CREDIT)
    matrix = np.asarray(rows, dtype=np.float64).reshape(len(cands), len(SENTENCE_FEATURES))
    if len(cands):
        _relative(matrix, "cov")
    return SentenceRows(matrix, matched, borrowed)


def with_similarity(
    rows: SentenceRows, cands: Sequence[Candidate], sims: np.ndarray
) -> SentenceRows:
    """``rows`` (from ``lexical_features``) with ``SIMILARITY_FEATURES`` filled in from each
    candidate's cosine with the question (``sims``); a new ``SentenceRows``."""
    matrix = rows.matrix.copy()
    if len(cands):
        index = {c.key: i for i, c in enumerate(cands)}
        col = {name: i for i, name in enumerate(SENTENCE_FEATURES)}
        matrix[:, col["sim"]] = sims
        for i, cand in enumerate(cands):
            prev = cand.neighbour(-1)
            matrix[i, col["sim_prev"]] = sims[index[prev.key]] if prev and prev.key in index else 0
        _relative(matrix, "sim")
        best: dict[str, float] = {}
        for c, sim in zip(cands, sims):
            best[c.chunk.id] = max(best.get(c.chunk.id, -1.0), float(sim))
        matrix[:, col["chunk_sim"]] = [best[c.chunk.id] for c in cands]
    return SentenceRows(matrix, rows.matched, rows.borrowed)


def _row(
    asked: Asked, cand: Candidate, prev: Candidate | None
) -> tuple[dict[str, float], dict[str, float]]:
    """A candidate's own features (those relative to the other candidates come later)."""
    text, w = cand.sentence.text, asked.weights
    total = math.fsum(w.values()) or 1.0
    own = set(terms(text))
    prev_terms = set(terms(prev.sentence.text)) if prev else set()
    prev_stems = {stem(t) for t in tokens(prev.sentence.text)} if prev else set()
    passage, passage_tokens, passage_stems = _passage(cand.chunk)
    credit = {
        t: 1.0 if t in own else PREVIOUS_CREDIT if t in prev_terms else PASSAGE_CREDIT
        for t in w
        if t in own or t in prev_terms or t in passage
    }
    words = tokens(text)
    new_names = {
        m.lower()
        for m in CAPITALISED_RE.findall(text)
        if m.lower() not in asked.words and m.lower() not in STOPWORDS
    }
    new_figures = numbers(text) - asked.figures
    typed = asked.kind is not None and fits_type(asked.kind, text)
    if typed and asked.kind == "number" and counts_the_opposite(asked.core, own):
        typed = False  # "nine people were injured" is no count of who died
    if typed and asked.kind == "person" and not asked.of_source and sources_only(text):
        typed = False  # "according to Shea, 12,000 soldiers…" names no general
    about = years_of(cand)
    near = own | prev_terms
    row = {
        "cov": math.fsum(w[t] * c for t, c in credit.items()) / total,
        "cov_own": _share(w, {t for t, c in credit.items() if c == 1.0}),
        "cov_prev": _share(w, {t for t, c in credit.items() if c == PREVIOUS_CREDIT}),
        "cov_passage": _share(w, {t for t, c in credit.items() if c == PASSAGE_CREDIT}),
        "passage_cov": _share(w, set(credit)),
        "bigrams": _fraction(asked.bigrams, _bigrams(terms(text))),
        "rarest": float(asked.rarest in near) if asked.rarest else 1.0,
        "typed": float(typed),
        "typed_new": float(typed and _new_of_type(asked.kind, new_names, new_figures, text)),
        "untyped": float(asked.kind is None),
        "new_names": math.log1p(len(new_names)),
        "new_numbers": math.log1p(len(new_figures)),
        "salient_own": _fraction(asked.salient, {stem(t) for t in words}),
        "salient_near": _fraction(asked.salient, {stem(t) for t in words} | prev_stems),
        "salient_passage": _fraction(asked.salient, passage_stems),
        "figures_missing": float(bool(asked.figures - passage_tokens)),
        "counts_missing": float(bool(asked.counted) and not asked.counted & near),
        "other_year": float(bool(asked.years and about and not about & asked.years)),
        "year_match": float(bool(asked.years & about)),
        "rank": 1.0 / (1 + cand.rank),
        "length": math.log1p(len(words)),
        "opens_reference": float(opens_with_reference(text)),
        "lead": float(cand.chunk.position == 0 and cand.index == 0),
        "position": cand.index / max(1, len(cand.chunk.sentences) - 1),
        **date_features(asked.as_of, cand.chunk.date),
    }
    row["cov_share"] = row["cov_own"] / row["passage_cov"] if row["passage_cov"] else 0.0
    if asked.yes_no:
        settled = {t for t in asked.core if t in w and settling(t) & near}
        row["predicate"] = _share({t: w[t] for t in asked.core if t in w}, settled)
    return row, credit


def date_features(as_of: date | None, article_date: str | None) -> dict[str, float]:
    """``dated``, ``same_week``, ``after_as_of`` and ``age`` of an article for a question
    asked about ``as_of`` (all 0 when either date is unknown)."""
    day = parse_day(article_date) if as_of is not None else None
    if as_of is None or day is None:
        return {"dated": 0.0, "same_week": 0.0, "after_as_of": 0.0, "age": 0.0}
    days = (as_of - day).days
    return {
        "dated": 1.0,
        "same_week": float(in_its_week(as_of, article_date) is True),
        "after_as_of": float(days < 0),
        "age": math.log1p(days) if days >= 0 else 0.0,
    }


@lru_cache(maxsize=4096)
def _passage(chunk: Chunk) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """A chunk's terms, tokens and stemmed tokens (title and date included), once per chunk:
    every sentence of a retrieved chunk asks for them."""
    toks = tokens(chunk.search_text)
    return frozenset(terms(chunk.search_text)), frozenset(toks), frozenset(stem(t) for t in toks)


def passage_stems(chunk: Chunk) -> frozenset[str]:
    """The stemmed tokens of a chunk's search text (title and date included)."""
    return _passage(chunk)[2]


def _relative(matrix: np.ndarray, of: str) -> None:
    """Fill in ``{of}_gap`` and ``{of}_order``: how a candidate's ``of`` compares with the
    other candidates of its question."""
    col = {name: i for i, name in enumerate(SENTENCE_FEATURES)}
    values = matrix[:, col[of]]
    matrix[:, col[f"{of}_gap"]] = values - values.max()
    place = np.empty(len(values))
    place[np.argsort(-values, kind="stable")] = np.arange(len(values))
    matrix[:, col[f"{of}_order"]] = 1.0 / (1.0 + place)


def _bigrams(seq: Sequence[str]) -> set[tuple[str, str]]:
    return set(pairwise(seq))


def _fraction(wanted: frozenset[str], found: set[str]) -> float:
    return len(wanted & found) / len(wanted) if wanted else 1.0


def _new_of_type(kind: str | None, names: set[str], figures: set[str], text: str) -> bool:
    """The sentence holds an answer of the asked type that the question does not."""
    if kind in FIGURE_KINDS:
        return bool(figures) or not numbers(text)  # a new figure, or a number word
    if kind == "person":
        return bool(names)
    if kind in NAME_KINDS:
        return any(w.lower() in names for w in proper_names(text))
    return True
