"""Extractive answerer: answer with the retrieved sentences themselves, or refuse.

Every sentence of the retrieved chunks is a candidate, scored by

* coverage — the share of the question's term weight (IDF) the sentence contains, with
  terms borrowed from a follow-up's history counting at a lower weight;
* dense similarity — cosine between the question and the sentence (MiniLM);
* answer type — a "how many" question wants a figure, "when" a date, "who" a name;
* retrieval rank — a small prior for sentences from higher-ranked chunks.

The best one to four sentences that clear the calibrated thresholds become the answer, each
a verbatim quote followed by its ``[n]``; near-duplicates are skipped, and for figure
questions sentences from other files with other figures are preferred (conflicting reports
stay visible). When the evidence is too weak, or a name or figure the question hinges on
appears in no retrieved passage, it refuses. It never sees where chunks are stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer import Answer, Citation
from bot.chunking import Chunk
from bot.corpus import Sentence
from bot.followup import Query
from bot.terms import numbers, terms, tokens

Encode = Callable[[Sequence[str]], np.ndarray]

_NUMBER_Q = re.compile(
    r"\bhow (?:many|much|large|big|long|old|far|high)\b"
    r"|\bwhat (?:number|percentage|share|proportion"
    r"|amount|figure|size|total)\b|\bnumber of\b",
    re.I,
)
_DATE_Q = re.compile(
    r"\bwhen\b|\b(?:what|which) (?:date|day|year|month|time)\b|\bsince when\b", re.I
)
_WHO_Q = re.compile(
    r"^\s*(?:and\s+)?(?:who|whom|whose)\b|\bwhat is the name\b"
    r"|\bwhich (?:official|leader|person)\b",
    re.I,
)
_NUMBER_WORDS = frozenset(
    """
    one two three four five six seven eight nine ten eleven twelve dozen dozens hundred
    hundreds thousand thousands million millions billion billions
    """.split()
)
_MONTHS_RE = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|(?:19|20)\d\d|yesterday|today|last (?:week|month|year|summer|winter|spring|autumn|fall))\b",
    re.I,
)
_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b")
_QUESTION_WORDS = frozenset(
    """
    what who whom whose when where which why how is are was were do does did can could will
    would should has have had
    """.split()
)


@dataclass(frozen=True)
class _Candidate:
    chunk: Chunk
    sentence: Sentence
    rank: int


@dataclass(frozen=True)
class Scored:
    candidate: _Candidate
    score: float
    coverage: float
    similarity: float
    typed: bool


def answer_type(question: str) -> str | None:
    if _NUMBER_Q.search(question):
        return "number"
    if _DATE_Q.search(question):
        return "date"
    if _WHO_Q.search(question):
        return "person"
    return None


def _fits_type(kind: str | None, text: str) -> bool:
    if kind == "number":
        return bool(numbers(text)) or any(t in _NUMBER_WORDS for t in tokens(text))
    if kind == "date":
        return bool(_MONTHS_RE.search(text))
    if kind == "person":
        return bool(_NAME_RE.search(text[1:]))
    return True


def salient_terms(question: str) -> list[str]:
    """Names and figures the question hinges on: capitalised words (not the first) and numbers."""
    words = re.findall(r"\d[\d,.]*\d|\d|[^\W\d_][\w'’-]*", question)
    out = []
    for i, w in enumerate(words):
        if w[0].isdigit() or (i > 0 and w[0].isupper() and w.lower() not in _QUESTION_WORDS):
            out.extend(tokens(w))
    return list(dict.fromkeys(out))


class ExtractiveAnswerer:
    """Quotes the best-supported sentences; refuses below calibrated thresholds."""

    name = "extractive"

    def __init__(
        self,
        encode: Encode,
        idf: Callable[[str], float],
        max_sentences: int = 3,
        min_score: float = 0.42,
        min_coverage: float = 0.3,
        margin: float = 0.12,
    ) -> None:
        if not 1 <= max_sentences <= 4:
            raise ValueError("max_sentences must be between 1 and 4")
        if not (0 <= min_coverage <= 1 and margin >= 0):
            raise ValueError("min_coverage must be in [0, 1] and margin non-negative")
        self._encode, self._idf = encode, idf
        self.max_sentences, self.min_score = max_sentences, min_score
        self.min_coverage, self.margin = min_coverage, margin

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer:
        kw = {"answerer": self.name, "standalone_question": query.standalone}
        candidates = _candidates(chunks)
        if not candidates:
            return Answer.refusal(query.text, "no passage was retrieved", **kw)
        missing = self._missing_salient(query, chunks)
        if missing:
            return Answer.refusal(query.text, f"no retrieved passage mentions {missing!r}", **kw)
        scored = self.score(query, candidates)
        best = scored[0]
        if best.score < self.min_score or best.coverage < self.min_coverage:
            return Answer.refusal(
                query.text,
                f"weak evidence (score {best.score:.2f}, coverage {best.coverage:.2f})",
                **kw,
            )
        chosen = self._select(scored, answer_type(query.text))
        return _compose(query, chosen, **kw)

    # --- scoring ---------------------------------------------------------------------------

    def score(self, query: Query, candidates: list[_Candidate]) -> list[Scored]:
        focus = {t: self._idf(t) for t in set(query.focus_terms)}
        context = {t: 0.4 * self._idf(t) for t in set(query.context_terms)}
        weights = {**context, **focus}
        total = sum(weights.values()) or 1.0
        kind = answer_type(query.text)
        vectors = self._encode([query.standalone] + [c.sentence.text for c in candidates])
        sims = vectors[1:] @ vectors[0]
        out = []
        for cand, sim in zip(candidates, sims):
            present = set(terms(cand.sentence.text))
            coverage = sum(w for t, w in weights.items() if t in present) / total
            typed = _fits_type(kind, cand.sentence.text)
            type_term = 0.0 if kind is None else (0.08 if typed else -0.15)
            score = 0.5 * float(sim) + 0.45 * coverage + type_term + 0.04 / (1 + cand.rank)
            out.append(Scored(cand, score, coverage, float(sim), typed))
        out.sort(key=lambda s: -s.score)
        return out

    def _missing_salient(self, query: Query, chunks: Sequence[Chunk]) -> str | None:
        present = {t for c in chunks for t in tokens(c.search_text)}
        for term in salient_terms(query.text):
            if term not in present:
                return term
        return None

    # --- selection -------------------------------------------------------------------------

    def _select(self, scored: list[Scored], kind: str | None) -> list[Scored]:
        best = scored[0]
        chosen = [best]
        floor = max(self.min_score, best.score - self.margin)
        for s in scored[1:]:
            if len(chosen) >= self.max_sentences or s.score < floor:
                break
            if kind is not None and not s.typed:
                continue
            if any(_near_duplicate(s, c) for c in chosen):
                continue
            if kind == "number" and not _adds_figure(s, chosen):
                continue
            chosen.append(s)
        return chosen


def _candidates(chunks: Sequence[Chunk]) -> list[_Candidate]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for rank, chunk in enumerate(chunks):
        for sentence in chunk.sentences:
            key = (chunk.file, sentence.start, sentence.end)
            if key in seen or len(tokens(sentence.text)) < 3:
                continue
            seen.add(key)
            out.append(_Candidate(chunk, sentence, rank))
    return out


def _near_duplicate(a: Scored, b: Scored) -> bool:
    ta, tb = set(terms(a.candidate.sentence.text)), set(terms(b.candidate.sentence.text))
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= 0.6


def _adds_figure(s: Scored, chosen: list[Scored]) -> bool:
    """A figure sentence earns its place with a figure not already given."""
    figures = numbers(s.candidate.sentence.text)
    given = set().union(*(numbers(c.candidate.sentence.text) for c in chosen))
    return bool(figures - given)


def _compose(query: Query, chosen: list[Scored], **kw: str) -> Answer:
    citations, parts = [], []
    for n, s in enumerate(chosen, start=1):
        chunk, sentence = s.candidate.chunk, s.candidate.sentence
        citations.append(
            Citation(
                n=n,
                file=chunk.file,
                quote=sentence.text,
                start=sentence.start,
                end=sentence.end,
                line=sentence.line,
                title=chunk.title,
                date=chunk.date,
            )
        )
        parts.append(f"{' '.join(sentence.text.split())} [{n}]")
    return Answer(
        question=query.text, text=" ".join(parts), refused=False, citations=citations, **kw
    )
