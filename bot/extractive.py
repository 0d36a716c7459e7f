"""Extractive answerer: answer with the retrieved sentences themselves, or refuse.

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
reports stay visible. A sentence that leans on the one before it ("…for this purpose")
brings it along, and one followed by "These include…" keeps its continuation.
When the evidence is too weak, or a name or figure the question hinges on appears in no
article at all, it refuses. It never sees where chunks are stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer import Answer
from bot.chunking import Chunk
from bot.corpus import Sentence
from bot.followup import Query
from bot.terms import numbers, stem, terms, tokens

Encode = Callable[[Sequence[str]], np.ndarray]
MAX_QUOTES = 4

#: The interrogative phrase that opens a question ("In which city…", "And how many…").
_WH_RE = re.compile(
    r"^\W*(?:(?:and|but|so|then|also)\s+)?(?:(?:in|on|at|for|by|from|to|of|since|until)\s+)?"
    r"(?P<wh>how (?:many|much|large|big|long|old|far|high|often)|when|who|whom|whose|where|why"
    r"|(?:what|which)(?: (?:is|was|are|were) the)?(?: exact| approximate)? (?P<noun>[a-z]+)"
    r"|what|which|how)\b",
    re.I,
)
_NUMBER_NOUNS = frozenset(
    "number percentage share proportion amount figure size total count toll".split()
)
_DATE_NOUNS = {"date": "day", "day": "day", "year": "year", "month": "month", "time": "any"}
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
#: A date to the day: "9 February", "Jan. 8", "2025-01-09", "on Monday".
_DAY_RE = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}|\b\d{{4}}-\d\d-\d\d\b"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today)\b",
    re.I,
)
#: Numbers that are part of a date or an identifier: they do not answer "how many".
_DATE_NUMBER_RE = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}|\b(?:19|20)\d\d\b"
    r"|\b(?:resolution|article|section|chapter|no\.|flight|route|model|version|line)\s+\d+",
    re.I,
)
_DURATION_RE = re.compile(
    r"\b(?:decades?|years?|months?|weeks?|days?|hours?|since|until|for (?:a|an) \w+)\b", re.I
)
_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
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
    """What the question's opening asks for: ``number``; ``date`` (or ``day``, ``year``,
    ``month`` when it says which); ``person``; or None. Only the leading interrogative
    counts: "…when North Korea stepped up its support" inside a question does not."""
    m = _WH_RE.match(question)
    if not m:
        return None
    wh, noun = m.group("wh").lower(), (m.group("noun") or "").lower()
    if wh == "how long":
        return "duration"
    if wh.startswith("how ") and wh != "how often":
        return "number"
    if wh == "when":
        return "date"
    if wh in ("who", "whom", "whose") or noun == "name":
        return "person"
    if noun in _NUMBER_NOUNS:
        return "number"
    if noun in _DATE_NOUNS:
        return "date" if _DATE_NOUNS[noun] == "any" else _DATE_NOUNS[noun]
    return None


def fits_type(kind: str | None, text: str) -> bool:
    if kind == "duration":
        return fits_type("number", text) or bool(_DURATION_RE.search(text))
    if kind == "number":
        rest = _DATE_NUMBER_RE.sub(" ", text)
        words = re.findall(r"[A-Za-z]+(?!-)", rest)
        return bool(numbers(rest)) or any(w.lower() in _NUMBER_WORDS for w in words)
    if kind == "date":
        return bool(_DATE_WORDS_RE.search(text))
    if kind == "day":
        return bool(_DAY_RE.search(text))
    if kind == "year":
        return bool(re.search(r"\b(?:19|20)\d\d\b|\blast year\b", text, re.I))
    if kind == "month":
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


_HOW_MANY_RE = re.compile(r"\bhow many\s+((?:[^\W\d_][\w'’-]*\s+){0,4})", re.I)
_AUX = frozenset(
    """
    are is was were have has had did do does will would could can should may might been be
    went came got took made said
    """.split()
)


def counted_noun(question: str) -> list[str]:
    """What "how many …" counts: "How many tanks did…" -> ["tanks"] (empty if unsaid)."""
    m = _HOW_MANY_RE.search(question)
    if not m:
        return []
    words = []
    for w in m.group(1).split():
        if w.lower() in _AUX:
            break
        words.append(w)
    return tokens(words[-1]) if words else []


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
    leans_back: bool  # much of its coverage comes from the sentence before it
    matched: dict[str, float]  # question term -> how directly it is matched (1, 0.5, 0.25)


def _is_question(text: str) -> bool:
    """A sentence that asks (a headline like "Why would X…?") answers nothing."""
    return text.rstrip("\"'”’)").endswith("?")


def candidates_of(chunks: Sequence[Chunk]) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, chunk in enumerate(chunks):
        for i, sentence in enumerate(chunk.sentences):
            cand = Candidate(chunk, i, rank)
            if cand.key in seen or len(tokens(sentence.text)) < 3 or _is_question(sentence.text):
                continue
            seen.add(cand.key)
            out.append(cand)
    return out


_RELATIVE_YEAR_RE = re.compile(r"\b(last|this|next) year\b", re.I)


def years_of(cand: Candidate) -> set[str]:
    """The years a sentence is about: those it names ("in 2019", "last year" counted from
    its article's date), else its article's year ("won on Sunday" in a 2018 report)."""
    named = set(_YEAR_RE.findall(cand.sentence.text))
    dated = cand.chunk.date[:4] if cand.chunk.date and _YEAR_RE.match(cand.chunk.date) else None
    if dated:
        step = {"last": -1, "this": 0, "next": 1}
        named |= {
            str(int(dated) + step[w.lower()]) for w in _RELATIVE_YEAR_RE.findall(cand.sentence.text)
        }
    return named or ({dated} if dated else set())


# --- the answerer --------------------------------------------------------------------------


class ExtractiveAnswerer:
    """Quotes the best-supported sentences; refuses below calibrated thresholds."""

    name = "extractive"

    def __init__(
        self,
        encode: Encode,
        idf: Callable[[str], float],
        in_corpus: Callable[[str], bool] | None = None,
        max_sentences: int = 3,
        min_score: float = 0.42,
        min_coverage: float = 0.2,
        margin: float = 0.12,
        min_gain: float = 0.2,
        w_sim: float = 0.5,
        w_cov: float = 0.55,
    ) -> None:
        if not 1 <= max_sentences <= MAX_QUOTES:
            raise ValueError(f"max_sentences must be between 1 and {MAX_QUOTES}")
        if not (0 <= min_coverage <= 1 and margin >= 0 and 0 <= min_gain <= 1):
            raise ValueError("min_coverage and min_gain must be in [0, 1], margin non-negative")
        self._encode, self._idf = encode, idf
        self._in_corpus = in_corpus or (lambda term: True)
        self.max_sentences, self.min_score = max_sentences, min_score
        self.min_coverage, self.margin, self.min_gain = min_coverage, margin, min_gain
        self.w_sim, self.w_cov = w_sim, w_cov

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer:
        kw = {"answerer": self.name, "standalone_question": query.standalone}
        cands = candidates_of(chunks)
        if not cands:
            return Answer.refusal(query.text, "no passage was retrieved", **kw)
        asked_about = [*salient_terms(query.text), *counted_noun(query.text)]
        unknown = next((t for t in asked_about if not self._in_corpus(stem(t))), None)
        if unknown:
            return Answer.refusal(query.text, f"no article mentions {unknown!r}", **kw)
        parts = query.parts
        vectors = self._encode([c.sentence.text for c in cands])  # once, for every part
        if len(parts) == 1:
            chosen, reason = self._answer_part(query, cands, vectors, self.max_sentences)
        else:  # a compound question: each part is answered on its own, then merged
            chosen, reasons = [], []
            for part in parts:
                sub = Query(
                    text=part, standalone=f"{part} ({query.standalone})", context=query.context
                )
                got, why = self._answer_part(sub, cands, vectors, 2)
                chosen.extend(
                    s for s in got if s.candidate.key not in {c.candidate.key for c in chosen}
                )
                reasons.append(why)
            reason = "; ".join(r for r in reasons if r)
        if not chosen:
            return Answer.refusal(query.text, reason, **kw)
        return _compose(query, _with_context(chosen, answer_type(query.text)), **kw)

    def _answer_part(
        self, query: Query, cands: list[Candidate], vectors: np.ndarray, max_sentences: int
    ) -> tuple[list[Scored], str]:
        """The sentences answering one (simple) question, or none and the reason why."""
        kind = answer_type(query.text)
        scored = [s for s in self.score(query, cands, vectors) if s.eligible]
        if not scored:
            return [], f"no retrieved sentence gives a {kind or 'match'}"
        best = scored[0]
        if best.score < self.min_score or best.coverage < self.min_coverage:
            return [], f"weak evidence (score {best.score:.2f}, coverage {best.coverage:.2f})"
        return self._select(query, scored, kind, max_sentences), ""

    def _weights(self, query: Query) -> dict[str, float]:
        focus = {t: self._idf(t) for t in set(query.focus_terms)}
        return {**{t: 0.4 * self._idf(t) for t in set(query.context_terms)}, **focus}

    def score(
        self, query: Query, cands: list[Candidate], vectors: np.ndarray | None = None
    ) -> list[Scored]:
        """Every candidate scored, best first (see the module docstring)."""
        weights = self._weights(query)
        total = sum(weights.values()) or 1.0
        kind = answer_type(query.text)
        salient = salient_terms(query.text)
        figures = [t for t in salient if t[0].isdigit()]
        asked_years = {f for f in figures if _YEAR_RE.fullmatch(f)}
        counted = {stem(t) for t in counted_noun(query.text)}
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
                t: 1.0 if t in own_terms else 0.5 if t in prev_terms else 0.25
                for t in weights
                if t in own_terms or t in prev_terms or t in chunk_terms
            }
            coverage = sum(weights[t] * m for t, m in matched.items()) / total
            own = sum(weights[t] for t, m in matched.items() if m == 1.0)
            borrowed = sum(weights[t] * 0.5 for t, m in matched.items() if m == 0.5)
            typed = fits_type(kind, cand.sentence.text)
            passage = set(tokens(cand.chunk.search_text))
            # "Who won in 2019?": a sentence about another year is the wrong report
            about = years_of(cand)
            other_year = bool(asked_years and about and not about & asked_years)
            score = (
                self.w_sim * float(sim)
                + self.w_cov * coverage
                - 0.1 * other_year
                + 0.04 / (1 + cand.rank)
                + (0.08 if kind else 0.0)
            )
            # A typed question needs an answer of that type; a figure or year asked about
            # must be in the passage (one of them, for a comparison); a sentence must share
            # a content word with the question beyond its names, unless it paraphrases it.
            on_topic = not core or bool(core & (own_terms | prev_terms)) or sim >= 0.65
            figures_ok = not figures or any(f in passage for f in figures)
            # "How many tanks…" is answered by a sentence that counts tanks (or says so
            # in other words: a close paraphrase)
            counts_it = not counted or bool(counted & (own_terms | prev_terms)) or sim >= 0.7
            eligible = typed and on_topic and figures_ok and counts_it and not other_year
            leans_back = prev is not None and borrowed > 0.5 * own
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
        is a figure, a sentence from another file giving another figure gets 2.5x the margin:
        conflicting reports are shown side by side, not silently resolved), or when it
        covers at least ``min_gain`` of the question's term weight that the chosen
        sentences leave uncovered (the second half of a two-part question).
        """
        weights = self._weights(query)
        total = sum(weights.values()) or 1.0
        best = scored[0]
        chosen = [best]
        covered = dict(best.matched)
        figure_answer = kind == "number" or fits_type("number", best.candidate.sentence.text)
        for s in scored[1:]:
            if len(chosen) >= max_sentences:
                break
            if s.score < self.min_score or any(_near_duplicate(s, c) for c in chosen):
                continue
            files = {c.candidate.chunk.file for c in chosen}
            other_report = figure_answer and s.candidate.chunk.file not in files
            margin = self.margin * (2.5 if other_report else 1.0)
            close = s.score >= best.score - margin and s.coverage >= self.min_coverage
            if close and figure_answer and not _adds_figure(s, chosen):
                close = False
            gain = (
                sum(
                    w * max(0.0, s.matched.get(t, 0.0) - covered.get(t, 0.0))
                    for t, w in weights.items()
                )
                / total
            )
            if close or (gain >= self.min_gain and s.matched and s.similarity >= 0.45):
                chosen.append(s)
                for t, m in s.matched.items():
                    covered[t] = max(covered.get(t, 0.0), m)
        return chosen


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
    citations = [cand.chunk.cite(cand.sentence, n) for n, cand in enumerate(quotes, start=1)]
    text = " ".join(f"{' '.join(c.quote.split())} [{c.n}]" for c in citations)
    return Answer(question=query.text, text=text, refused=False, citations=citations, **kw)
