"""Citation markers: ``[n]`` in answer text, written and read in one place.

The bot writes markers as ``[1]``, ``[2][3]``: ``MARKER_RE`` reads them back (the page
turns them into buttons; ``Answer.keep_citations`` renumbers them). Models write them
more loosely — ``[1, 2]``, ``[1-3]``, ``[Source 1]`` — and ``model_markers`` reads those.
Text in, numbers out: nothing here knows what a citation points at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

#: A marker as the bot writes it.
MARKER_RE = re.compile(r"\[(\d{1,3})\]")
#: A stretch of answer text and the markers that close it: "Sentence one. [1][2]"
CITED_SENTENCE_RE = re.compile(r"(?P<sentence>.+?)(?P<markers>(?:\s*\[\d{1,3}\])+)", re.S)
#: A marker as a model may write it: "[1]", "[1, 2]", "[1-3]", "[Source 1]", "[ref #2]".
MODEL_MARKER_RE = re.compile(
    r"\[\s*(?:sources?|src|ref)?\s*#?\s*"
    r"(\d{1,3}(?:\s*(?:,|;|and|&|-|–)\s*(?:sources?\s*)?\d{1,3})*)\s*\]",
    re.I,
)
#: Markers right after a sentence's full stop: they belong to that sentence.
TRAILING_MARKERS_RE = re.compile(r"([.!?…]+[\"'”’)]*)((?:[ \t]*\[[^\]\n]{1,30}\])+)")
_RANGE_MAX = 10  # "[1-3]" is a range; "[1-30]" is not read as thirty sources


def format_markers(numbers: Iterable[int]) -> str:
    """``[1][2]`` for ``(1, 2)``."""
    return "".join(f"[{n}]" for n in numbers)


def markers_in(text: str) -> list[int]:
    """The numbers of the bot-written markers in ``text``, in order (repeats kept)."""
    return [int(n) for n in MARKER_RE.findall(text)]


def model_markers(text: str) -> Iterator[int]:
    """The source numbers of every marker a model wrote in ``text``, in order."""
    for m in MODEL_MARKER_RE.finditer(text):
        yield from _numbers(m.group(1))


def strip_model_markers(text: str) -> str:
    """``text`` with the markers a model wrote replaced by spaces."""
    return MODEL_MARKER_RE.sub(" ", text)


def _numbers(body: str) -> list[int]:
    """ "1, 2" -> [1, 2]; "1-3" -> [1, 2, 3]; "Source 1 and Source 4" -> [1, 4]."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|and|&)\s*", body):
        nums = [int(x) for x in re.findall(r"\d+", part)]
        if len(nums) == 2 and re.search(r"[-–]", part) and 0 < nums[1] - nums[0] < _RANGE_MAX:
            out.extend(range(nums[0], nums[1] + 1))
        else:
            out.extend(nums)
    return out
