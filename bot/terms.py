"""Terms: the one tokenizer shared by BM25, the extractive answerer and the verifier.

``tokens`` lowercases and splits text into words and numbers (``11,000`` -> ``11000``,
``U.N.`` -> ``un``);
``terms`` also drops stopwords and applies the Snowball English stemmer, so "wounded",
"wounds" and "wound" meet. ``numbers`` extracts normalised figures. Nothing here knows
about chunks or indexes.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t d ll m re ve also according said says say many much did tell
    told
    """.split()
)

_stemmer = Stemmer.Stemmer("english")


def normalize_number(token: str) -> str:
    """``11,000`` -> ``11000``; ``3.5`` stays; ``1,5`` (decimal comma) stays."""
    return token.replace(",", "") if _THOUSANDS_RE.match(token) else token


def tokens(text: str) -> list[str]:
    """Lowercased words and normalised numbers, in order; single letters dropped."""
    out = []
    for tok in _TOKEN_RE.findall(text):
        if tok[0].isdigit():
            out.append(normalize_number(tok))
        elif tok.endswith("."):  # a dotted acronym: U.N. -> un
            out.append(tok.replace(".", "").lower())
        elif len(tok) > 1:
            out.append(tok.lower())
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return word if word[0].isdigit() else _stemmer.stemWord(word)


def terms(text: str) -> list[str]:
    """Stemmed content terms (stopwords removed), in order, with repeats."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS]


def numbers(text: str) -> set[str]:
    """The figures in ``text``, normalised (``11,000`` and ``11000`` are the same)."""
    return {normalize_number(t) for t in _TOKEN_RE.findall(text) if t[0].isdigit()}
