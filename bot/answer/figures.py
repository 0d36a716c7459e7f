"""Figures: the numbers a claim or a passage states, read as written.

``figures`` normalises digits and number words (``11,000`` = ``11000``, ``three`` = ``3``,
``twenty-five`` = ``25``), keeps a figure with the word hyphenated to it or the unit of time
after it ("three-month", "eight months": ``3-month``, ``8-month``) and, for a passage, also
the value a scale suffix gives it ("£1m": ``1000000``); ``magnitudes`` are the "thousands"
and "millions" a text uses, as words or suffixes; ``figure_backed`` says whether a
passage's figures hold a claim's. Number words and units come from ``bot.text.lexicon``.
Text in, figures out: what must match is decided in ``bot.answer.evidence``.
"""

from __future__ import annotations

import re

from bot.text.lexicon import MAGNITUDES, NUMBER_WORDS, TIME_UNITS, alternation
from bot.text.terms import normalize_number, stem, tokens

#: Scale suffixes written onto a figure ("£1m", "$2.5bn", "10k"): its value, and the
#: magnitude word it stands for.
_SCALED_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(k|m|mn|bn|b)\b", re.I)
_SCALES = {
    "k": (10**3, "thousands"),
    "m": (10**6, "millions"),
    "mn": (10**6, "millions"),
    "bn": (10**9, "billions"),
    "b": (10**9, "billions"),
}
#: A figure, with the word hyphenated to it ("three-month") or the unit of time after it
#: ("eight months": the same eight months as "eight-month").
_FIGURE_RE = re.compile(
    r"(?:(?P<digits>\d+(?:[.,]\d+)*)|(?<![\w-])(?P<word>[A-Za-z]+))"
    rf"(?:-(?P<unit>[A-Za-z]+)|\s+(?P<spaced>{alternation(TIME_UNITS)})s?\b)?",
    re.I,
)
#: Number words as figures. "one" is left out: it is mostly a pronoun ("one of the…").
_NUMBER_WORDS = {w: str(n) for w, n in NUMBER_WORDS.items() if w != "one"}
_TENS = frozenset(w for w, n in NUMBER_WORDS.items() if 20 <= n < 100)
MAGNITUDE_STEM = {m: stem(m) for m in MAGNITUDES}


def _num(token: str) -> str:
    """Normalised figure: ``11,000`` -> ``11000``, ``03`` -> ``3``, ``three`` -> ``3``."""
    token = normalize_number(_NUMBER_WORDS.get(token.lower(), token))
    if re.fullmatch(r"\d+", token):
        return token.lstrip("0") or "0"
    return token


def figures(text: str, bare: bool = False) -> set[str]:
    """Numbers in ``text``, digits or number words, normalised. A number joined by a hyphen
    to the word after it is a modifier, kept with that word ("three-month" -> ``3-month``,
    "93-year-old" -> ``93-year``): it says how long or how old, not how many of the next
    noun, so "3 professors" finds no support in "three-month internships". A number before
    a unit of time is kept with it too ("eight months" -> ``8-month``, as "eight-month"),
    and also alone with ``bare`` (for a passage: "8 months" backs a terse "8";
    ``figure_backed`` lets a bare number back a claim's time). "twenty-five" is 25."""
    out = set()
    for m in _FIGURE_RE.finditer(text):
        word = m.group("digits") or m.group("word")
        if m.group("word") and word.lower() not in _NUMBER_WORDS:
            continue
        figure, unit = _num(word), (m.group("unit") or "").lower()
        if unit in NUMBER_WORDS and word.lower() in _TENS and 0 < NUMBER_WORDS[unit] < 10:
            out.add(str(NUMBER_WORDS[word.lower()] + NUMBER_WORDS[unit]))  # "twenty-five"
            continue
        if m.group("spaced"):
            out.add(f"{figure}-{m.group('spaced').lower()}")
            if bare:
                out.add(figure)
            continue
        out.add(f"{figure}-{unit}" if unit and unit not in NUMBER_WORDS else figure)
    if bare:  # a passage's "£1m" also holds the million a claim's "£1 million" needs
        for m in _SCALED_RE.finditer(text):
            value = float(m.group(1)) * _SCALES[m.group(2).lower()][0]
            out.add(str(round(value)))
    return out


def figure_backed(figure: str, held: frozenset[str] | set[str]) -> bool:
    """A claim's ``figure`` is among the figures a passage ``held``: itself, or for a time
    ("100 years old": ``100-year``) also the bare number ("Carter turned 100")."""
    if figure in held:
        return True
    number, _, unit = figure.partition("-")
    return unit in TIME_UNITS and number in held


def magnitudes(text: str) -> set[str]:
    """``hundreds``, ``thousands``… used in ``text`` (as words, not figures), or written
    onto a figure ("£1m": ``millions``)."""
    stems = {stem(t) for t in tokens(text)}
    scaled = {_SCALES[m.group(2).lower()][1] for m in _SCALED_RE.finditer(text)}
    return {m for m, s in MAGNITUDE_STEM.items() if s in stems} | scaled


def figure_of(token: str) -> str:
    """The figure a token (from ``tokens``) stands for, or "" ("nine" -> ``9``)."""
    if token[0].isdigit() or token in _NUMBER_WORDS:
        return _num(token)
    return ""
