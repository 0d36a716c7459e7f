"""Sentence splitting with exact offsets.

``split_sentences(text, start, end)`` returns ``(start, end)`` offsets into ``text`` of the
sentences inside ``text[start:end]``: stripped of surrounding whitespace and list bullets,
each holding at least one letter or digit. Abbreviations (``Jan.``, ``Dr.``), initials and
dotted acronyms (``U.S.``) do not end a sentence; a line break does, unless the next line
continues in lower case (hard-wrapped text). Over-long runs without punctuation are cut at a
space so no "sentence" is a whole page.

It knows nothing of articles or chunks; it never rewrites text.
"""

from __future__ import annotations

import itertools
import re

Span = tuple[int, int]

MAX_SENTENCE_CHARS = 600

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen col lt sgt capt cpl maj adm gov sen rep rev st jr sr hon pres inc
    ltd co corp llc plc dept univ assn bros est vs etc approx al fig no nos vol pp jan feb
    mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun e.g
    i.e a.m p.m u.s u.k u.n u.s.a e.u
    """.split()
)

_BOUNDARY_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)|\n")
_BULLET_RE = re.compile(r"[-–—•*·▪►]\s+")
_SPACE_RE = re.compile(r"\s+")
_ACRONYM_RE = re.compile(r"(?:[A-Za-z]\.){2,}")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Offsets of the sentences of ``text[start:end]`` (see the module docstring)."""
    end = len(text) if end is None else end
    cuts = [start]
    for m in _BOUNDARY_RE.finditer(text, start, end):
        if _is_boundary(text, m, end):
            cuts.append(m.end())
    cuts.append(end)
    spans: list[Span] = []
    for a, b in itertools.pairwise(cuts):
        spans.extend(_split_long(text, *_trim(text, a, b)))
    return [(a, b) for a, b in spans if b > a and _has_alnum(text, a, b)]


def _is_boundary(text: str, m: re.Match[str], end: int) -> bool:
    gap = _SPACE_RE.match(text, m.start(), end)
    if gap and gap.group().count("\n") >= 2:
        return True  # a blank line ends a paragraph whatever follows
    nxt = _next_char(text, m.end(), end)
    if m.group() == "\n":
        return not (nxt and nxt.islower())
    if nxt and nxt.islower():
        return False  # "etc. and", "“Why?” he asked"
    if nxt is None:
        return True
    if not m.group().startswith("."):
        return True
    word = _word_before(text, m.start())
    bare = word.rstrip(".").lower()
    if bare in ABBREVIATIONS or (len(bare) == 1 and bare.isalpha()):
        return False
    if _ACRONYM_RE.fullmatch(word + "."):  # U.S. / U.N. mid-sentence; a line break still ends it
        return "\n" in text[m.end() : m.end() + 2]
    return True


def _next_char(text: str, pos: int, end: int) -> str | None:
    while pos < end and text[pos].isspace():
        pos += 1
    while pos < end and text[pos] in "\"'“‘([":
        pos += 1
    return text[pos] if pos < end else None


def _word_before(text: str, pos: int) -> str:
    i = pos
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return text[i:pos].lstrip("\"'“‘([")


def _trim(text: str, a: int, b: int) -> Span:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    m = _BULLET_RE.match(text, a, b)
    if m:
        a = m.end()
    return a, b


def _split_long(text: str, a: int, b: int) -> list[Span]:
    out: list[Span] = []
    while b - a > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", a + MAX_SENTENCE_CHARS // 2, a + MAX_SENTENCE_CHARS)
        if cut <= a:
            cut = a + MAX_SENTENCE_CHARS
        out.append(_trim(text, a, cut))
        a = _trim(text, cut, b)[0]
    out.append((a, b))
    return out


def _has_alnum(text: str, a: int, b: int) -> bool:
    return any(ch.isalnum() for ch in text[a:b])
