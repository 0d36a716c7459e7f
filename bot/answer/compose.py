"""Composing an extractive answer: chosen sentences in, a cited ``Answer`` out.

Shared by both sentence choosers (``bot.answer.extractive``, hand-set weights, and
``bot.answer.learned``, the learned selector). ``with_context`` adds the sentence a chosen
one leans on and a continuation holding the asked type ("These include…", "That's a
12-fold increase…"); when the chosen sentences give
different figures for the asked quantity from different articles (``is_conflict``) they
are ordered newest article first and each is shown after its article's date ("2024-07-08:
…"), so conflicting reports are visible and dated, not silently resolved. ``compose``
writes the text: verbatim quotes, each followed by its ``[n]``; ``by_parts`` answers a
compound question part by part. ``near_duplicate``, ``same_words`` and ``adds_figure`` are
the choosers' tests for a runner-up. It chooses nothing itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.answer.amounts import FIGURE_KINDS
from bot.answer.candidates import Candidate
from bot.answer.query import Query
from bot.answer.question import fits_type
from bot.text.discourse import continues
from bot.text.terms import numbers, terms
from bot.types import Answer

MAX_QUOTES = 4
#: Shown before a quote in a conflict when its article has no date.
UNDATED = "Undated"


@dataclass(frozen=True)
class Quote:
    """A sentence to quote, and whether it opens a dated report of a conflict."""

    candidate: Candidate
    dated: bool = False


def _jaccard_at_least(ta: set[str], tb: set[str], threshold: float) -> bool:
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= threshold


def same_words(a: Candidate, b: Candidate, threshold: float) -> bool:
    """Term Jaccard of the two sentences, figures left out, at least ``threshold``."""
    ta, tb = (set(terms(c.sentence.text)) - numbers(c.sentence.text) for c in (a, b))
    return _jaccard_at_least(ta, tb, threshold)


class HasCandidate(Protocol):
    @property
    def candidate(self) -> Candidate: ...


Chosen = TypeVar("Chosen", bound=HasCandidate)


#: A part whose subject is a pronoun ("…, and what did he say about…?") or some of those
#: the question named before ("…, and what have some of them done…?", "how many of them…")
#: is read with the whole question, which names who they are; a possessive of the part's
#: own subject ("which city scrapped its plan") is no such reference.
_PART_REFERS_RE = re.compile(
    r"^(?:\S+\s+){0,2}(?:did|does|do|has|have|had|is|are|was|were|will|would|can|could)"
    r"\s+(?:he|she|they|it|his|her|their|its)\b|\bof\s+(?:them|those|these)\b",
    re.IGNORECASE,
)


def part_queries(query: Query) -> list[Query]:
    """A compound question's parts, each standing alone; a simple question is its own one part."""
    if len(query.parts) == 1:
        return [query]
    return [
        Query(
            text=part,
            standalone=f"{part} ({query.standalone})" if _PART_REFERS_RE.search(part) else part,
            context=query.context,
            as_of=query.as_of,
        )
        for part in query.parts
    ]


def by_parts(
    query: Query,
    answer_part: Callable[[Query, int], tuple[list[Chosen], str]],
    max_sentences: int,
    part_sentences: int,
) -> tuple[list[Chosen], str]:
    """``answer_part(query, max_sentences)`` for a simple question; a compound one answered
    part by part (each part asked alone, ``part_queries``, at most ``part_sentences``
    each), the choices merged without repeats and the parts' refusal reasons joined by
    "; "."""
    if len(query.parts) == 1:
        return answer_part(query, max_sentences)
    chosen: list[Chosen] = []
    reasons: list[str] = []
    for sub in part_queries(query):
        got, why = answer_part(sub, part_sentences)
        keys = {c.candidate.key for c in chosen}
        chosen.extend(c for c in got if c.candidate.key not in keys)
        reasons.append(why)
    return chosen, "; ".join(r for r in reasons if r)


def near_duplicate(a: Candidate, b: Candidate, threshold: float) -> bool:
    """Term Jaccard of the two sentences at least ``threshold`` and the same figures: a
    repeat, not news (the same words with other figures are a conflicting report)."""
    ta, tb = set(terms(a.sentence.text)), set(terms(b.sentence.text))
    same = _jaccard_at_least(ta, tb, threshold)
    return same and numbers(a.sentence.text) == numbers(b.sentence.text)


def adds_figure(c: Candidate, chosen: Sequence[Candidate]) -> bool:
    """A figure sentence earns its place with a figure not already given."""
    given = set().union(*(numbers(x.sentence.text) for x in chosen))
    return bool(numbers(c.sentence.text) - given)


def is_conflict(chosen: Sequence[Candidate], kind: str | None) -> bool:
    """Articles disagree on the asked quantity: a "how many/much/long" question answered by
    sentences from more than one file, each giving figures, not all the same ones."""
    if kind not in FIGURE_KINDS or len({c.chunk.file for c in chosen}) < 2:
        return False
    figures = [frozenset(numbers(c.sentence.text)) for c in chosen]
    return all(figures) and len(set(figures)) > 1


def with_context(
    chosen: Sequence[Candidate], leans_back: Sequence[bool], kind: str | None
) -> list[Quote]:
    """The chosen sentences (newest article first, dated, when they conflict), each with
    the sentence before it when it leans on it, and a continuation ("These include…",
    "That's a 12-fold increase…", ``discourse.continues``) holding the asked type;
    at most ``MAX_QUOTES``."""
    order = list(range(len(chosen)))
    conflict = is_conflict(chosen, kind)
    if conflict:  # newest first; an undated report last
        order.sort(key=lambda i: chosen[i].chunk.date or "", reverse=True)
    out: list[Quote] = []
    taken: set[tuple[str, int]] = set()
    for i in order:
        cand = chosen[i]
        prev = cand.neighbour(-1) if leans_back[i] else None
        nxt = cand.neighbour(1)
        block = [prev] if prev is not None else []
        block.append(cand)
        if nxt is not None and continues(nxt.sentence.text) and fits_type(kind, nxt.sentence.text):
            block.append(nxt)
        for k, c in enumerate(block):
            if c.key not in taken and len(out) < MAX_QUOTES:
                taken.add(c.key)
                out.append(Quote(c, dated=conflict and k == 0))
    return out


def compose(query: Query, quotes: Sequence[Quote], **kw: str) -> Answer:
    """The answer quoting ``quotes`` in order, ``[n]`` after each (a dated one after its
    date); citations are the quotes' exact spans."""
    citations = [q.candidate.chunk.cite(q.candidate.sentence, n) for n, q in enumerate(quotes, 1)]
    parts = []
    for q, c in zip(quotes, citations):
        lead = f"{c.date or UNDATED}: " if q.dated else ""
        parts.append(f"{lead}{' '.join(c.quote.split())} [{c.n}]")
    return Answer(
        question=query.text, text=" ".join(parts), refused=False, citations=citations, **kw
    )
