"""Candidates: the sentences of retrieved chunks an extractive answer may quote.

A ``Candidate`` is one sentence of one retrieved chunk (with the chunk's retrieval rank);
``candidates_of`` lists them once each, leaving out questions (a headline like "Why would
X…?" answers nothing), calls to the reader ("For more news, sign up to our newsletter.",
"See the full list here.") and fragments of under three words. ``years_of`` says which years a
sentence is about. ``Scored`` is a candidate with the scores the answerer gave it. Plain
data over chunks: no scoring policy lives here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.ingest.chunking import Chunk
from bot.ingest.corpus import Sentence
from bot.text.lexicon import YEAR_RE
from bot.text.terms import tokens


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


def is_question(text: str) -> bool:
    """A sentence that asks (a headline like "Why would X…?") answers nothing."""
    return text.rstrip("\"'”’)").endswith("?")


#: A sentence telling the reader to go elsewhere, by its opening verb: "Sign up…", "Find
#: out more…", "Click…" always; "See / Watch / Read / Listen / Follow / Check out / Visit…"
#: when it points at something to open ("…here.", "…the full list", "…the video"). A
#: "For more <topic>," lead-in may come first. Promos inside a paragraph, which the ingest
#: rules (whole lines) leave in: they name a podcast or newsletter, which reads like a name
#: to a "who" or "which" question. General English, not fitted.
_TO_READER_RE = re.compile(
    r"""^[\s"'“‘(\[]*(?:for more\b[^,.]{0,80},\s*)?(?:please\s+)?"""
    r"(?:(?:sign up|subscribe|find out more|learn more|read more|click|tap|download"
    r"|don['’]t miss)\b"
    r"|(?:see|watch|read|listen|follow|check out|visit)\b.*?\b(?:here|below|above|online"
    r"|full (?:list|story|statement|report|video)|video|podcast|newsletter|app|website"
    r"|latest|live)\b)",
    re.IGNORECASE,
)


def addresses_reader(text: str) -> bool:
    """A call to the reader ("Sign up for our newsletter.", "Watch the moment here."),
    not a statement of news: it answers nothing."""
    return bool(_TO_READER_RE.match(text))


def candidates_of(chunks: Sequence[Chunk]) -> list[Candidate]:
    """Every quotable sentence of ``chunks`` once, in retrieval order."""
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, chunk in enumerate(chunks):
        for i, sentence in enumerate(chunk.sentences):
            cand = Candidate(chunk, i, rank)
            text = sentence.text
            if cand.key in seen or len(tokens(text)) < 3:
                continue
            if is_question(text) or addresses_reader(text):  # answers nothing
                continue
            seen.add(cand.key)
            out.append(cand)
    return out


_RELATIVE_YEAR_RE = re.compile(r"\b(last|this|next) year\b", re.I)


def years_of(cand: Candidate) -> set[str]:
    """The years a sentence is about: those it names ("in 2019", "last year" counted from
    its article's date), else its article's year ("won on Sunday" in a 2018 report)."""
    named = set(YEAR_RE.findall(cand.sentence.text))
    dated = cand.chunk.date[:4] if cand.chunk.date and YEAR_RE.match(cand.chunk.date) else None
    if dated:
        step = {"last": -1, "this": 0, "next": 1}
        named |= {
            str(int(dated) + step[w.lower()]) for w in _RELATIVE_YEAR_RE.findall(cand.sentence.text)
        }
    return named or ({dated} if dated else set())


def leans_on_other_year(cand: Candidate, asked: frozenset[str]) -> bool:
    """The sentence before ``cand`` names years, none of them ``asked``: quoted with it
    ("Russia vetoed in March 2024… This announcement follows…"), ``cand`` is about that
    other year's news, whatever its own words and date say."""
    prev = cand.neighbour(-1)
    named = frozenset(YEAR_RE.findall(prev.sentence.text)) if prev else frozenset()
    return bool(named) and not named & asked
