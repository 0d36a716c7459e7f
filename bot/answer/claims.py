"""Claims: the model's reply read as sentences, each with the sources it cites.

``split_claims(reply, k)`` drops list bullets and "Answer:" leads, moves markers written
after a full stop onto the sentence before it, splits sentences (``bot.text.sentences``)
and parses each one's markers (``bot.markers``): those in ``1..k`` are its citations, the
rest are recorded as invalid. ``is_refusal`` recognises "The articles don't say…" and its
kin. Text in, claims out: nothing here judges support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
#: Stemmed words that say nothing checkable ("Yes.", "Here is the answer:").
FILLER = frozenset(
    stem(w)
    for w in """
    yes no ok okay sure here answer answers question questions source sources article
    articles text information following based summary context note given provided
    """.split()
)
_TERMINAL_RE = re.compile(r"(?:[.!?…][\"'”’)\]]*|\])\s*$")


@dataclass(frozen=True)
class Claim:
    """One sentence of the model's reply, markers parsed out."""

    text: str
    cited: tuple[int, ...]  # source numbers (1-based) in range, in order of appearance
    invalid: tuple[int, ...] = ()  # markers outside the source list
    complete: bool = True  # ends with a terminal mark or a marker (was not cut off)


def is_refusal(text: str) -> bool:
    """True when ``text`` opens like a refusal ("The articles don't say…")."""
    return bool(_REFUSAL_RE.match(_LEAD_RE.sub("", text.replace("’", "'"))))


def split_claims(reply: str, n_sources: int) -> list[Claim]:
    """The reply's sentences with their markers (see the module docstring)."""
    text = _LEAD_RE.sub("", _LIST_PREFIX_RE.sub("", reply))
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
