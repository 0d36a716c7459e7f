"""Question analysis: what a question asks for, and what it hinges on.

``answer_type`` reads the leading interrogative ("how many" -> ``number``, "when" ->
``date``, "who" -> ``person``…); ``fits_type`` says whether a sentence holds an answer of
that type; ``salient_terms`` are the names and figures a question hinges on;
``counted_noun`` is what a "how many" question counts; ``is_yes_no`` tells a question
answered yes or no. Dates and number words come from
``bot.text.lexicon``. Text in, facts out: nothing here scores or selects sentences.
"""

from __future__ import annotations

import re

from bot.text.lexicon import (
    MONTH_PREFIX,
    QUANTITY_WORDS,
    RELATIVE_DAYS,
    TIME_UNITS,
    UNAMBIGUOUS_MONTH,
    WEEKDAYS,
    YEAR,
    alternation,
)
from bot.text.terms import numbers, tokens

#: The interrogative phrase that opens a question ("In which city…", "And how many…").
_WH_RE = re.compile(
    r"^\W*(?:(?:and|but|so|then|also)\s+)?(?:(?:in|on|at|for|by|from|to|of|since|until)\s+)?"
    r"(?P<wh>how (?:many|much|large|big|long|old|far|high|often)|when|who|whom|whose|where|why"
    r"|(?:what|which)(?: (?:is|was|are|were) the)?(?: exact| approximate)? (?P<noun>[a-z]+)"
    r"|what|which|how)\b",
    re.I,
)
_NUMBER_NOUNS = frozenset(
    "number percentage share proportion amount figure size total count toll".split()
)
_DATE_NOUNS = {"date": "day", "day": "day", "year": "year", "month": "month", "time": "any"}
_DAY_NAME = alternation([*WEEKDAYS, *RELATIVE_DAYS])
_DATE_WORDS_RE = re.compile(
    rf"\b{UNAMBIGUOUS_MONTH}\b|\bmay\s+\d|\d\s+may\b|\b{_DAY_NAME}\b|\b{YEAR}\b"
    r"|\blast (?:week|month|year|summer|winter|spring|autumn|fall)\b",
    re.I,
)
#: A date to the day: "9 February", "Jan. 8", "2025-01-09", "on Monday".
_DAY_RE = re.compile(
    rf"\b{MONTH_PREFIX}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTH_PREFIX}|\b\d{{4}}-\d\d-\d\d\b"
    rf"|\b{_DAY_NAME}\b",
    re.I,
)
_YEAR_OR_LAST_YEAR_RE = re.compile(rf"\b{YEAR}\b|\blast year\b", re.I)
#: Numbers that are part of a date or an identifier: they do not answer "how many".
_DATE_NUMBER_RE = re.compile(
    rf"\b{MONTH_PREFIX}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTH_PREFIX}|\b{YEAR}\b"
    r"|\b(?:resolution|article|section|chapter|no\.|flight|route|model|version|line)\s+\d+",
    re.I,
)
_DURATION_RE = re.compile(
    rf"\b(?:{alternation(TIME_UNITS)}s?|since|until|for (?:a|an) \w+)\b", re.I
)
_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b")
_QUESTION_WORDS = frozenset(
    """
    what who whom whose when where which why how is are was were do does did can could will
    would should has have had
    """.split()
)


def answer_type(question: str) -> str | None:
    """What the question's opening asks for: ``number``; ``duration``; ``date`` (or ``day``,
    ``year``, ``month`` when it says which); ``person``; or None. Only the leading
    interrogative counts: "…when North Korea stepped up its support" inside does not."""
    m = _WH_RE.match(question)
    if not m:
        return None
    wh, noun = m.group("wh").lower(), (m.group("noun") or "").lower()
    if wh == "how long":
        return "duration"
    if wh.startswith("how ") and wh != "how often":
        return "number"
    if wh == "when":
        return "date"
    if wh in ("who", "whom", "whose") or noun == "name":
        return "person"
    if noun in _NUMBER_NOUNS:
        return "number"
    if noun in _DATE_NOUNS:
        return "date" if _DATE_NOUNS[noun] == "any" else _DATE_NOUNS[noun]
    return None


def fits_type(kind: str | None, text: str) -> bool:
    """``text`` holds an answer of type ``kind`` (any text fits ``None``)."""
    if kind == "duration":
        return fits_type("number", text) or bool(_DURATION_RE.search(text))
    if kind == "number":
        rest = _DATE_NUMBER_RE.sub(" ", text)
        words = re.findall(r"[A-Za-z]+(?!-)", rest)
        return bool(numbers(rest)) or any(w.lower() in QUANTITY_WORDS for w in words)
    if kind in ("date", "month"):
        return bool(_DATE_WORDS_RE.search(text))
    if kind == "day":
        return bool(_DAY_RE.search(text))
    if kind == "year":
        return bool(_YEAR_OR_LAST_YEAR_RE.search(text))
    if kind == "person":
        return bool(_NAME_RE.search(text[1:]))
    return True


_YES_NO_RE = re.compile(
    r"^\W*(?:(?:and|but|so)\s+)?(?:is|are|was|were|do|does|did|has|have|had|can|could|will"
    r"|would|should)\b(?!.*\bor\b)",
    re.I,
)


_ITS_WEEK_RE = re.compile(
    r"\b(?:this|this past|the past) week(?:end)?\b|\btoday\b|\byesterday\b|\btonight\b", re.I
)


def asks_about_its_week(question: str) -> bool:
    """The question names its own week or day ("…this week?", "…yesterday?"): only a report
    from that week answers it (which week is the caller's ``as_of``)."""
    return bool(_ITS_WEEK_RE.search(question))


def is_yes_no(question: str) -> bool:
    """A question answered yes or no ("Did North Korea accept money…?"), not a choice
    between named options ("Did it go up or down…?")."""
    return bool(_YES_NO_RE.match(question))


def salient_words(question: str) -> list[str]:
    """Names and figures the question hinges on, as the question spells them: capitalised
    words (not the first) and numbers."""
    words = re.findall(r"\d[\d,.]*\d|\d|[^\W\d_][\w'’.-]*", question)
    return [
        w
        for i, w in enumerate(words)
        if w[0].isdigit() or (i > 0 and w[0].isupper() and w.lower() not in _QUESTION_WORDS)
    ]


def salient_terms(question: str) -> list[str]:
    """``salient_words`` as terms (lowercased, numbers normalised), each once."""
    return list(dict.fromkeys(t for w in salient_words(question) for t in tokens(w)))


_HOW_MANY_RE = re.compile(r"\bhow many\s+((?:[^\W\d_][\w'’-]*\s+){0,4})", re.I)
_AUX = frozenset(
    """
    are is was were have has had did do does will would could can should may might been be
    went came got took made said
    """.split()
)


def counted_noun(question: str) -> list[str]:
    """What "how many …" counts: "How many tanks did…" -> ["tanks"] (empty if unsaid)."""
    m = _HOW_MANY_RE.search(question)
    if not m:
        return []
    words = []
    for w in m.group(1).split():
        if w.lower() in _AUX:
            break
        words.append(w)
    return tokens(words[-1]) if words else []
