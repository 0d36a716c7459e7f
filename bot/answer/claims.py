"""Claims: the model's reply read as sentences, each with the sources it cites.

``split_claims(reply, k)`` drops list bullets and "Answer:" leads, moves markers written
after a full stop onto the sentence before it, splits sentences (``bot.text.sentences``)
and parses each one's markers (``bot.markers``): those in ``1..k`` are its citations, the
rest are recorded as invalid. ``ClaimReader`` does the same to a reply arriving in deltas,
handing each sentence over once the next one has begun (a marker after its full stop is
still its own). ``is_refusal`` recognises "The articles don't say…" and its kin. Text in,
claims out: nothing here judges support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.markers import TRAILING_MARKERS_RE, model_markers, strip_model_markers
from bot.text.sentences import split_sentences
from bot.text.terms import stem

_LIST_PREFIX_RE = re.compile(r"^[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+", re.M)
_LEAD_RE = re.compile(
    r"^\s*(?:the\s+)?(?:final\s+|short\s+)?(?:answer|response)(?:\s+is)?\s*:\s*", re.I
)
_REFUSAL_RE = re.compile(
    r"^\W*(?:the\s+|these\s+|this\s+)?(?:articles?|sources?|context|texts?|passages?|documents?)"
    r"\s+(?:do|does|did)\s*(?:n't|not)\s+(?:say|mention|state|specify|provide|contain|give|"
    r"include|answer|tell|indicate|discuss|address)"
    r"|^\W*i\s+(?:don't|do not|cannot|can't)\s+(?:know|find|answer|tell)"
    r"|^\W*(?:there is no|no)\s+(?:information|mention)\b",
    re.I,
)
#: A sentence passing on what a source tells its reader to do ("The article instructs you
#: to read …"): an instruction in an article is text to report on, never one to relay,
#: and it states no fact of the news.
_RELAYED_RE = re.compile(
    r"\b(?:articles?|sources?|texts?|passages?|documents?|pages?|stor(?:y|ies)|authors?)\b"
    r"[^.;:]{0,40}?\b(?:instruct|tell|ask|direct|urge|want|order|request|invite)(?:s|ed|ing)?\s+"
    r"(?:you|the\s+readers?|readers|users?|the\s+users?|the\s+assistant)\b",
    re.I,
)
#: Stemmed words that say nothing checkable ("Yes.", "Here is the answer:").
FILLER = frozenset(
    stem(w)
    for w in """
    yes no ok okay sure here answer answers question questions source sources article
    articles text information following based summary context note given provided
    """.split()
)
#: A line quoting the source of the sentence before it: "> the words of the source"
#: ("›" once ``bot.answer.sanitize`` has defanged the ">").
_QUOTE_LINE_RE = re.compile(r"^[ \t]*[>›][ \t]?(.*)$")
_LETTER_RE = re.compile(r"[^\W\d_]")
_TERMINAL_RE = re.compile(r"(?:[.!?…][\"'”’)\]]*|\])\s*$")


@dataclass(frozen=True)
class Claim:
    """One sentence of the model's reply, markers parsed out."""

    text: str
    cited: tuple[int, ...]  # source numbers (1-based) in range, in order of appearance
    invalid: tuple[int, ...] = ()  # markers outside the source list
    complete: bool = True  # ends with a terminal mark or a marker (was not cut off)
    quote: str = ""  # the words of its source the model quoted for it, if it did


def is_refusal(text: str) -> bool:
    """True when ``text`` opens like a refusal ("The articles don't say…")."""
    return bool(_REFUSAL_RE.match(_LEAD_RE.sub("", text.replace("’", "'"))))


def relays_instruction(text: str) -> bool:
    """True when ``text`` passes on a source's instruction to its reader."""
    return bool(_RELAYED_RE.search(text))


#: Where a sentence joins two claims that each stand alone ("X was $9,000, while Y was
#: $16,000"; "…; …"): a contrast or a semicolon before a new clause.
_CLAUSE_JOIN_RE = re.compile(r",\s+(?:while|whereas)\s+|;\s+")


def split_clauses(sentence: str) -> list[str]:
    """The claims a compound sentence joins ("The 2018 prize fund was $9,000, while the
    2022 fund was $16,000" -> two), each ending as a sentence; one sentence is itself."""
    body = sentence.strip().rstrip(".")
    parts = [p.strip() for p in _CLAUSE_JOIN_RE.split(body) if p.strip()]
    if len(parts) < 2:
        return [sentence]
    return [p[0].upper() + p[1:] + "." for p in parts]


def split_claims(reply: str, n_sources: int) -> list[Claim]:
    """The reply's sentences with their markers (see the module docstring). A line opening
    with ``>`` quotes the source of the sentence before it (the quote-grounded prompt,
    ``prompts/answer_quoted.j2``): it becomes that claim's ``quote``, not a claim."""
    claims: list[Claim] = []
    block: list[str] = []
    for line in reply.splitlines(keepends=True):
        m = _QUOTE_LINE_RE.match(line)
        if not m:
            block.append(line)
            continue
        claims += _sentences("".join(block), n_sources)
        block = []
        quote = " ".join(m.group(1).split()).strip('"“”')
        if claims and quote and not claims[-1].quote:
            claims[-1] = replace(claims[-1], quote=quote)
    return claims + _sentences("".join(block), n_sources)


def _sentences(text: str, n_sources: int) -> list[Claim]:
    text = _LEAD_RE.sub("", _LIST_PREFIX_RE.sub("", text))
    # "Sentence. [1] Next" -> "Sentence [1]. Next": a marker belongs to the sentence before it
    text = TRAILING_MARKERS_RE.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    claims = []
    for a, b in split_sentences(text):
        raw = text[a:b]
        cited: list[int] = []
        invalid: list[int] = []
        for n in model_markers(raw):
            target = cited if 1 <= n <= n_sources else invalid
            if n not in target:
                target.append(n)
        clean = " ".join(strip_model_markers(raw).split())
        clean = _LEAD_RE.sub("", re.sub(r"\s+([.,;:!?…])", r"\1", clean)).strip()
        if not re.search(r"\w", clean):
            continue  # a stray marker or punctuation
        claims.append(Claim(clean, tuple(cited), tuple(invalid), bool(_TERMINAL_RE.search(raw))))
    return claims


class ClaimReader:
    """The claims of a streamed reply, each handed over once: ``feed`` returns those the
    text so far has completed (a sentence is complete when the next one has begun, so a
    trailing ``[n]`` is never cut from it), ``close`` the rest."""

    def __init__(self, n_sources: int) -> None:
        self.n_sources = n_sources
        self.text = ""
        self.given = 0

    def feed(self, delta: str) -> list[Claim]:
        self.text += delta
        claims = split_claims(self.text, self.n_sources)
        if claims and not _LETTER_RE.search(claims[-1].text):
            claims.pop()  # "[2" or "150": a marker or a figure may still belong before it
        ready = claims[self.given : max(self.given, len(claims) - 1)]
        self.given += len(ready)
        return ready

    def close(self) -> list[Claim]:
        rest = split_claims(self.text, self.n_sources)[self.given :]
        self.given += len(rest)
        return rest
