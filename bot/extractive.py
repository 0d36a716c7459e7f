"""Extractive answerer: answer with the retrieved sentences themselves, or refuse.

Every sentence of the retrieved chunks is a candidate, scored by

* coverage — the share of the question's term weight (IDF) the sentence contains (terms
  found only in the sentence before it count half; terms borrowed from a follow-up's
  history count at a lower weight);
* dense similarity — cosine between the question and the sentence (MiniLM);
* answer type — a "how many" question wants a figure, "when" a date, "who" a name;
* salience — names and figures in the question should appear in the passage; a year or
  number asked about must;
* retrieval rank — a small prior for sentences from higher-ranked chunks.

The best one to three sentences that clear the calibrated thresholds become the answer,
each a verbatim quote followed by its ``[n]``. Near-duplicates are skipped; for figure
questions, sentences from other files with other figures get a wider margin so conflicting
reports stay visible. A sentence that leans on the one before it ("…for this purpose")
brings it along, and one followed by "These include…" keeps its continuation.
When the evidence is too weak, or a name or figure the question hinges on appears in no
retrieved passage, it refuses. It never sees where chunks are stored.
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
from bot.terms import numbers, stem, terms, tokens

Encode = Callable[[Sequence[str]], np.ndarray]
MAX_QUOTES = 4

_NUMBER_Q = re.compile(
    r"\bhow (?:many|much|large|big|long|old|far|high)\b"
    r"|\bwhat (?:number|percentage|share|proportion|amount|figure|size|total)\b|\bnumber of\b",
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
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATE_WORDS_RE = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\bmay\s+\d|\d\s+may\b"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)\b"
    r"|\b(?:19|20)\d\d\b|\blast (?:week|month|year|summer|winter|spring|autumn|fall)\b",
    re.I,
)
#: Numbers that are part of a date: they do not answer "how many".
_DATE_NUMBER_RE = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}|\b(?:19|20)\d\d\b", re.I
)
_ANAPHOR_START_RE = re.compile(r"^[\"“‘']?(?:these|those|they|such)\b", re.I)
_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b")
_QUESTION_WORDS = frozenset(
    """
    what who whom whose when where which why how is are was were do does did can could will
    would should has have had
    """.split()
)


# --- question analysis ---------------------------------------------------------------------


def answer_type(question: str) -> str | None:
    """``number``, ``date`` or ``person`` when the question asks for one, else None."""
    if _NUMBER_Q.search(question):
        return "number"
    if _DATE_Q.search(question):
        return "date"
    if _WHO_Q.search(question):
        return "person"
    return None


def fits_type(kind: str | None, text: str) -> bool:
    if kind == "number":
        rest = _DATE_NUMBER_RE.sub(" ", text)
        return bool(numbers(rest)) or any(t in _NUMBER_WORDS for t in tokens(rest))
    if kind == "date":
        return bool(_DATE_WORDS_RE.search(text))
    if kind == "person":
        return bool(_NAME_RE.search(text[1:]))
    return True


def salient_terms(question: str) -> list[str]:
    """Names and figures the question hinges on: capitalised words (not the first) and numbers."""
    words = re.findall(r"\d[\d,.]*\d|\d|[^\W\d_][\w'’.-]*", question)
    out = []
    for i, w in enumerate(words):
        if w[0].isdigit() or (i > 0 and w[0].isupper() and w.lower() not in _QUESTION_WORDS):
            out.extend(tokens(w))
    return list(dict.fromkeys(out))


# --- candidates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    chunk: Chunk
    index: int  # position of the sentence in its chunk
    rank: int  # rank of the chunk in retrieval

    @property
    def sentence(self) -> Sentence:
        return self.chunk.sentences[self.index]

    @property
    def key(self) -> tuple[str, int]:
        return (self.chunk.file, self.sentence.start)

    def neighbour(self, step: int) -> Candidate | None:
        """The adjacent sentence of the same paragraph, if the chunk holds it."""
        j = self.index + step
        if not 0 <= j < len(self.chunk.sentences):
            return None
        first, second = sorted((self.sentence, self.chunk.sentences[j]), key=lambda s: s.start)
        if second.line - (first.line + first.text.count("\n")) > 1:
            return None  # a blank line between: another paragraph
        return Candidate(self.chunk, j, self.rank)


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float
    coverage: float
    similarity: float
    typed: bool
    eligible: bool
    leans_back: bool  # half its coverage comes from the sentence before it


def candidates_of(chunks: Sequence[Chunk]) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, chunk in enumerate(chunks):
        for i, sentence in enumerate(chunk.sentences):
            cand = Candidate(chunk, i, rank)
            if cand.key in seen or len(tokens(sentence.text)) < 3:
                continue
            seen.add(cand.key)
            out.append(cand)
    return out


# --- the answerer --------------------------------------------------------------------------


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
        if not 1 <= max_sentences <= MAX_QUOTES:
            raise ValueError(f"max_sentences must be between 1 and {MAX_QUOTES}")
        if not (0 <= min_coverage <= 1 and margin >= 0):
            raise ValueError("min_coverage must be in [0, 1] and margin non-negative")
        self._encode, self._idf = encode, idf
        self.max_sentences, self.min_score = max_sentences, min_score
        self.min_coverage, self.margin = min_coverage, margin

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer:
        kw = {"answerer": self.name, "standalone_question": query.standalone}
        cands = candidates_of(chunks)
        if not cands:
            return Answer.refusal(query.text, "no passage was retrieved", **kw)
        missing = _missing_everywhere(query, chunks)
        if missing:
            return Answer.refusal(query.text, f"no retrieved passage mentions {missing!r}", **kw)
        scored = [s for s in self.score(query, cands) if s.eligible]
        kind = answer_type(query.text)
        if not scored:
            return Answer.refusal(query.text, f"no retrieved sentence gives a {kind}", **kw)
        best = scored[0]
        if best.score < self.min_score or best.coverage < self.min_coverage:
            reason = f"weak evidence (score {best.score:.2f}, coverage {best.coverage:.2f})"
            return Answer.refusal(query.text, reason, **kw)
        quotes = _with_context(self._select(scored, kind), kind)
        return _compose(query, quotes, **kw)

    def score(self, query: Query, cands: list[Candidate]) -> list[Scored]:
        """Every candidate scored, best first (see the module docstring)."""
        focus = {t: self._idf(t) for t in set(query.focus_terms)}
        weights = {**{t: 0.4 * self._idf(t) for t in set(query.context_terms)}, **focus}
        total = sum(weights.values()) or 1.0
        kind = answer_type(query.text)
        salient = salient_terms(query.text)
        figures = [t for t in salient if t[0].isdigit()]
        core = {t for t in focus if t not in {stem(s) for s in salient}}
        vectors = self._encode([query.standalone] + [c.sentence.text for c in cands])
        sims = vectors[1:] @ vectors[0]
        out = []
        for cand, sim in zip(cands, sims):
            own_terms = set(terms(cand.sentence.text))
            prev = cand.neighbour(-1)
            prev_terms = set(terms(prev.sentence.text)) if prev else set()
            own = sum(w for t, w in weights.items() if t in own_terms)
            borrowed = 0.5 * sum(w for t, w in weights.items() if t in prev_terms - own_terms)
            coverage = (own + borrowed) / total
            typed = fits_type(kind, cand.sentence.text)
            passage = set(tokens(cand.chunk.search_text))
            missing = [t for t in salient if t not in passage]
            score = (
                0.5 * float(sim)
                + 0.45 * coverage
                - 0.12 * len(missing)
                + 0.04 / (1 + cand.rank)
                + (0.08 if kind else 0.0)
            )
            # A figure question needs a figure; a year or number asked about must be in the
            # passage; and a sentence must share a content word with the question beyond its
            # names, unless it is a close paraphrase.
            on_topic = not core or bool(core & (own_terms | prev_terms)) or sim >= 0.65
            eligible = typed and on_topic and not any(f in missing for f in figures)
            leans_back = prev is not None and borrowed > 0.5 * own
            out.append(Scored(cand, score, coverage, float(sim), typed, eligible, leans_back))
        out.sort(key=lambda s: -s.score)
        return out

    def _select(self, scored: list[Scored], kind: str | None) -> list[Scored]:
        """The best sentence, then close runners-up that add something new.

        For figure questions a runner-up from another file giving another figure gets a
        wider margin: conflicting reports are shown side by side, not silently resolved.
        """
        best = scored[0]
        chosen = [best]
        for s in scored[1:]:
            if len(chosen) >= self.max_sentences:
                break
            files = {c.candidate.chunk.file for c in chosen}
            other_report = kind == "number" and s.candidate.chunk.file not in files
            margin = self.margin * (2.5 if other_report else 1.0)
            if s.score < max(self.min_score, best.score - margin) or s.coverage < self.min_coverage:
                continue
            if any(_near_duplicate(s, c) for c in chosen):
                continue
            if kind == "number" and not _adds_figure(s, chosen):
                continue
            chosen.append(s)
        return chosen


def _missing_everywhere(query: Query, chunks: Sequence[Chunk]) -> str | None:
    """A name or figure of the question that no retrieved passage contains."""
    present = {t for c in chunks for t in tokens(c.search_text)}
    return next((t for t in salient_terms(query.text) if t not in present), None)


def _near_duplicate(a: Scored, b: Scored) -> bool:
    ta, tb = set(terms(a.candidate.sentence.text)), set(terms(b.candidate.sentence.text))
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= 0.6


def _adds_figure(s: Scored, chosen: list[Scored]) -> bool:
    """A figure sentence earns its place with a figure not already given."""
    given = set().union(*(numbers(c.candidate.sentence.text) for c in chosen))
    return bool(numbers(s.candidate.sentence.text) - given)


def _with_context(chosen: list[Scored], kind: str | None) -> list[Candidate]:
    """Chosen sentences in rank order, each with the sentence it leans on and a
    "These include…" continuation, in document order; at most ``MAX_QUOTES``."""
    out: list[Candidate] = []
    taken: set[tuple[str, int]] = set()
    for s in chosen:
        block = []
        prev = s.candidate.neighbour(-1) if s.leans_back else None
        nxt = s.candidate.neighbour(1)
        if prev is not None:
            block.append(prev)
        block.append(s.candidate)
        if (
            nxt is not None
            and _ANAPHOR_START_RE.match(nxt.sentence.text)
            and fits_type(kind, nxt.sentence.text)
        ):
            block.append(nxt)
        for cand in block:
            if cand.key not in taken and len(out) < MAX_QUOTES:
                taken.add(cand.key)
                out.append(cand)
    return out


def _compose(query: Query, quotes: list[Candidate], **kw: str) -> Answer:
    citations, parts = [], []
    for n, cand in enumerate(quotes, start=1):
        sentence = cand.sentence
        citations.append(
            Citation(
                n=n,
                file=cand.chunk.file,
                quote=sentence.text,
                start=sentence.start,
                end=sentence.end,
                line=sentence.line,
                title=cand.chunk.title,
                date=cand.chunk.date,
            )
        )
        parts.append(f"{' '.join(sentence.text.split())} [{n}]")
    return Answer(
        question=query.text, text=" ".join(parts), refused=False, citations=citations, **kw
    )
