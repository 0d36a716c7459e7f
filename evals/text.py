"""Text normalisation for the evals: how a gold fact is matched against an answer.

``normalise`` is the one definition the judge grades with and the case loader checks labels
with: NFKC, case-folded, straight quotes and hyphens, single spaces, citation markers gone,
thousands separators removed. It belongs to the evals, not the bot: nothing here imports
``bot``, so the judge stays independent of what it grades.
"""

from __future__ import annotations

import re
import unicodedata

MARKER_RE = re.compile(r"\[(\d+)\]")
_THOUSANDS_RE = re.compile(r"(?<=\d)[,\u00a0\u202f\u2009'](?=\d{3}(?!\d))")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


def normalise(text: str) -> str:
    """Text for fact matching: NFKC, case-folded, straight quotes and hyphens, single spaces,
    citation markers gone, thousands separators removed (``11,000`` -> ``11000``)."""
    text = _THOUSANDS_RE.sub("", text)  # before NFKC turns narrow spaces into plain ones
    text = unicodedata.normalize("NFKC", text)
    text = MARKER_RE.sub(" ", text).translate(_QUOTES).casefold()
    return " ".join(text.split())
