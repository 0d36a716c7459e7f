"""Quotes: find the words a model quoted for a sentence in the source it cites.

The quote-grounded prompt (``prompts/answer_quoted.j2``) asks the model to copy, after each
sentence, the words of its source that say it. ``locate(quote, chunk)`` finds them among
the chunk's sentences: exactly first, then with case, whitespace, quote marks, dashes and
a leading or trailing ellipsis ignored; it returns the first and last sentence the quote
overlaps. Finding a quote proves nothing by itself: ``bot.answer.support`` still checks
the sentence's facts against the sentences found. Text in, indices out.
"""

from __future__ import annotations

import re
import unicodedata

from bot.ingest.chunking import Chunk

#: Quotes shorter than this many words are too common to place a sentence by.
MIN_QUOTE_WORDS = 2
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-"})
_EDGE_RE = re.compile(r'^[\s"\'.…]+|[\s"\'.…]+$')


def fold(text: str) -> str:
    """``text`` compared loosely: NFKC, straight quotes and dashes, lower case, one space."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_FOLD).lower().split())


def locate(quote: str, chunk: Chunk) -> tuple[int, int] | None:
    """``(first, last)``: the chunk's sentences the quote overlaps, or None when absent."""
    if len(quote.split()) < MIN_QUOTE_WORDS:
        return None
    for norm in (lambda t: t, fold):
        texts = [norm(s.text) for s in chunk.sentences]
        needle = _EDGE_RE.sub("", fold(quote)) if norm is fold else quote
        joined = " ".join(texts)
        at = joined.find(needle) if needle else -1
        if at < 0:
            continue
        starts, pos = [], 0
        for t in texts:
            starts.append(pos)
            pos += len(t) + 1
        first = max(k for k, s in enumerate(starts) if s <= at)
        last = max(k for k, s in enumerate(starts) if s < at + len(needle))
        return first, last
    return None
