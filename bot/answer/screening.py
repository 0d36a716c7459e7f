"""Screening: what drops a reply's sentence whatever its sources say.

``precheck`` drops what is no claim at all: a refusal, a question, an instruction a source
gave its reader passed on, a sentence with nothing to check or cut off, one that only
restates the question or repeats an earlier one. ``out_of_place`` drops a claim that cannot
stand where the model put it: the answer's first sentence must hold what the question asks
for (a figure for "how many", a name for "who": "The range of the missile is
intermediate-range" answers no "What is the range…?"), and a sentence leaning on the one
before ("This brings the total to 11,000", "These include…") has nothing to lean on when
that one was dropped, and a sentence giving a verb of the question another name than the
question gives it answers another question (``other_object``). Text in, a reason out (""
to go on): support is ``bot.answer.support``'s business.

Checked on RealTime QA (every split: 2,300 questions whose evidence holds the gold
answer), each evidence sentence holding the answer read as a model's sentence: none
answers another question; 11 (1.1% of the 1,246 typed questions) hold no answer of the
kind asked (a year written as "the Year of the Tiger", "by 2100" for "when…").
"""

from __future__ import annotations

import re

from bot.answer.amounts import FIGURE_KINDS
from bot.answer.asked_type import answer_type
from bot.answer.claims import FILLER, Claim, is_refusal, relays_instruction
from bot.answer.facts import name_in
from bot.answer.figures import figures
from bot.answer.places import NAME_KINDS
from bot.answer.question import fits_type, proper_names
from bot.text.discourse import points_back
from bot.text.terms import STOPWORDS, stem, terms, tokens

#: How ``out_of_place`` reasons begin: a sentence dropped for where it stands, not for
#: what its sources say (a support tally leaves it out).
MISPLACED = ("leans on the sentence before it", "holds no answer", "answers another question")
#: What the first sentence lacks, per asked kind (``bot.answer.asked_type.answer_type``).
_LACKS = {
    **{kind: "a figure" for kind in FIGURE_KINDS},
    "date": "a time",
    "day": "a day",
    "month": "a month",
    "year": "a year",
    "person": "a name",
    **{kind: "a name" for kind in NAME_KINDS},
}


def precheck(claim: Claim, seen: list[set[str]], asked: set[str], last: bool) -> str:
    """Why a sentence is dropped before any evidence is looked at ("" to go on)."""
    if is_refusal(claim.text):
        return "reads as a refusal"
    if claim.text.rstrip("\"'”’)").endswith("?"):
        return "a question, not a claim"
    if relays_instruction(claim.text):
        return "passes on an instruction in a source, not a fact"
    content = set(terms(claim.text))
    if content <= FILLER:
        return "no checkable content"  # "Yes.", "The answer is: 13"
    if last and not claim.complete and not claim.cited:
        return "unfinished sentence"
    if asked and content - FILLER <= asked and not figures(claim.text):
        return "only restates the question"
    for earlier in seen:
        if content and len(content & earlier) / len(content | earlier) >= 0.8:
            return "repeats an earlier sentence"
    return ""


def out_of_place(claim: Claim, question: str, answered: bool, after_drop: bool) -> str:
    """Why a claim cannot stand where it is in the answer ("" if it can): before anything
    is ``answered`` it must hold an answer of the kind the question asks for
    (``answer_type``; a person or a name: any name); ``after_drop`` (the sentence before
    it was dropped) it may not
    point back to it (``bot.text.discourse.points_back``: a pronoun the ``question`` uses
    is the question's own)."""
    if after_drop and points_back(claim.text, question):
        return f"{MISPLACED[0]}, which was dropped"
    if other := other_object(claim.text, question):
        return f"{MISPLACED[2]}: it {other}"
    kind = None if answered else answer_type(question)
    if kind is None:
        return ""
    fits = (
        proper_names(claim.text) if kind in ("person", *NAME_KINDS) else fits_type(kind, claim.text)
    )
    return "" if fits else f"{MISPLACED[1]}: the question asks for {_LACKS.get(kind, kind)}"


#: Words skipped between a verb and the name it takes ("won *the* Eastbrook Rapid").
_ARTICLES = frozenset({"the", "a", "an"})
#: Words a name must have on both sides: one word is too often an acronym ("US", "FTC") or
#: a paraphrase ("the Games" for "the Tokyo Olympics"). Set on RealTime QA train (2020-22):
#: with one-word names allowed, 6 of 1,124 evidence sentences holding the gold answer read
#: as answering another question, all wrongly; with two, none.
_RUN = 2
_WORD_RE = re.compile(r"[\w'’.-]+")


def other_object(claim: str, question: str) -> str:
    """The name the claim gives a verb of the question where the question gives it another
    ("Marta Oyelaran won the Northfield Chess Open" answering "Who won the Eastbrook
    Rapid?"): the claim answers another question ("" when it does not). Only a name of
    ``_RUN`` words or more right after the word (articles aside) counts, on both sides,
    and only when the claim never names the question's: "Biden met Macron in Paris"
    answers "Who did Biden meet in Paris?"."""
    asked, said = _words(question), _words(claim)
    said_tokens = {t for w, _ in said for t in tokens(w)}
    for k, (word, capital) in enumerate(asked):
        if capital or word in STOPWORDS:
            continue
        theirs = _name_after(asked, k)
        if len(theirs) < _RUN or any(name_in(t, said_tokens) for t in theirs):
            continue
        for m, (other, cap) in enumerate(said):
            if not cap and stem(other) == stem(word):
                mine = _name_after(said, m)
                if len(mine) >= _RUN and not any(name_in(t, set(theirs)) for t in mine):
                    return f"says {' '.join(mine)} where the question asks of {' '.join(theirs)}"
    return ""


def _words(text: str) -> list[tuple[str, bool]]:
    """The words of ``text``, lower-cased, each with whether it was capitalised (not as a
    sentence's first word)."""
    found = _WORD_RE.findall(text)
    return [(w.lower(), k > 0 and w[:1].isupper()) for k, w in enumerate(found)]


def _name_after(words: list[tuple[str, bool]], k: int) -> list[str]:
    """The run of capitalised words right after word ``k`` (articles skipped)."""
    k += 1
    while k < len(words) and words[k][0] in _ARTICLES:
        k += 1
    run = []
    while k < len(words) and words[k][1]:
        run.append(words[k][0])
        k += 1
    return run
