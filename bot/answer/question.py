"""Question analysis: what a question asks for, and what it hinges on.

What a question asks for is ``bot.answer.asked_type.answer_type``; ``fits_type`` says
whether a sentence holds an answer of that type
(``proper_names``: the capitalised words that may be names); ``salient_terms`` are the
names and figures a question hinges on;
``counted_noun`` is what a "how many" question counts; ``is_yes_no`` tells a question
answered yes or no. Dates and number words come from
``bot.text.lexicon``. Text in, facts out: nothing here scores or selects sentences.
"""

from __future__ import annotations

import re

from bot.answer.amounts import fits_age, fits_duration, fits_money, fits_share
from bot.answer.places import PLACE_KINDS, holds_place
from bot.text.lexicon import (
    DECADE,
    MAY_AS_MONTH,
    MONTH_PREFIX,
    QUANTITY_WORDS,
    RELATIVE_DAYS,
    SEASONS,
    TIME_UNITS,
    UNAMBIGUOUS_MONTH,
    WEEKDAYS,
    YEAR,
    alternation,
)
from bot.text.terms import STOPWORDS, numbers, tokens

#: A day by its name, a weekday also in the plural ("13% higher on Mondays").
_DAY_NAME = rf"(?:{alternation(WEEKDAYS)}s?|{alternation(RELATIVE_DAYS)})"
#: A time named relative to the article's date or to another event, as news writes it:
#: "last week", "earlier this month", "next year", "this morning", "two weeks ago", "in
#: the spring", "in recent days", "two hours after", "shortly before", "overnight", a
#: clock time ("at 8 p.m.", "at 14:30"), and a time within a match, a race or a period
#: ("in the 89th minute", "in the second half", "in the final round", "in stoppage time").
_RELATIVE_TIME = (
    r"\b(?:last|next|this|past|earlier this|later this)\s+"
    rf"(?:{alternation([*TIME_UNITS, *SEASONS, 'weekend', 'season', 'century'])}"
    r"|morning|afternoon|evening)\b"
    rf"|\b{alternation([*TIME_UNITS, 'minute'])}s?\s+(?:ago|after|before|later|earlier)\b"
    rf"|\bin (?:recent|the coming|the next|the past) {alternation(TIME_UNITS)}s\b"
    r"|\bshortly (?:after|before)\b|\b(?:tonight|overnight|midnight|noon)\b"
    r"|\b\d{1,2}(?::\d\d)?\s?[ap]\.?m\b\.?|\b\d{1,2}:\d\d\b"
    rf"|\b(?:in|during|by|until|since|over) the {alternation(SEASONS)}\b"
    r"|\bin the (?:\d{1,3}(?:st|nd|rd|th)|first|second|third|fourth|fifth|final|last|opening"
    r"|closing) (?:minute|half|quarter|period|round|inning|innings|lap|set|stage)\b"
    r"|\bin (?:stoppage|injury|extra|added) time\b|\b(?:at|before|after) half-?time\b"
)
_DATE_WORDS_RE = re.compile(
    rf"\b{UNAMBIGUOUS_MONTH}\b|\bmay\s+\d|\d\s+may\b|{MAY_AS_MONTH}|\b{_DAY_NAME}\b|\b{YEAR}\b"
    rf"|{_RELATIVE_TIME}|{DECADE}",
    re.I,
)
#: A date to the day: "9 February", "Jan. 8", "2025-01-09", "on Monday".
_DAY_RE = re.compile(
    rf"\b{MONTH_PREFIX}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTH_PREFIX}|\b\d{{4}}-\d\d-\d\d\b"
    rf"|\b{_DAY_NAME}\b",
    re.I,
)
#: A year, or one told from the article's date ("next year", "a year ago"), or a decade.
_YEAR_WORDS_RE = re.compile(
    rf"\b{YEAR}\b|\b(?:last|next|this|past) year\b|\ba year ago\b|{DECADE}", re.I
)
#: Numbers that are part of a date or an identifier: they do not answer "how many".
_DATE_NUMBER_RE = re.compile(
    rf"\b{MONTH_PREFIX}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTH_PREFIX}|\b{YEAR}\b"
    r"|\b(?:resolution|article|section|chapter|no\.|flight|route|model|version|line)\s+\d+",
    re.I,
)
#: A name's first word that makes it a place or a people ("North Korean", "South Africa"),
#: not a person.
_COMPASS = frozenset(
    "North South East West Northern Southern Eastern Western Central Middle".split()
)
#: A name's word: "Kevin", "McCarthy", "DeSantis", "O'Brien", "José"; a middle initial
#: may stand between two ("John F. Kennedy").
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ](?:['’][A-Z])?[a-zß-öø-ÿ]+(?:[A-Z][a-zß-öø-ÿ]+)?"
_NAME_RE = re.compile(rf"\b{_NAME_WORD}(?:[ -](?:[A-Z]\. )?{_NAME_WORD})+\b")
_QUESTION_WORDS = frozenset(
    """
    what who whom whose when where which why how is are was were do does did can could will
    would should has have had
    """.split()
)


def fits_type(kind: str | None, text: str) -> bool:
    """``text`` holds an answer of type ``kind`` (any text fits ``None``)."""
    if kind == "money":
        return fits_money(text)
    if kind == "age":
        return fits_age(text)
    if kind == "share":
        return fits_share(text)
    if kind == "duration":
        return fits_duration(text)
    if kind == "number":
        rest = _DATE_NUMBER_RE.sub(" ", text)
        words = re.findall(r"[A-Za-z]+(?!-)", rest)
        return bool(numbers(rest)) or any(w.lower() in QUANTITY_WORDS for w in words)
    if kind in ("date", "month"):
        return bool(_DATE_WORDS_RE.search(text))
    if kind == "day":
        return bool(_DAY_RE.search(text))
    if kind == "year":
        return bool(_YEAR_WORDS_RE.search(text))
    if kind == "person":
        return bool(person_names(text))
    if kind == "name":
        return bool(proper_names(text))
    if kind in PLACE_KINDS:
        return holds_place(kind, text)
    return True


def person_names(text: str) -> list[str]:
    """Runs of two or more capitalised words that may name a person ("Priya Nandakumar";
    not "North Korean"); without a dictionary a firm reads the same ("Northgate Energy")."""
    return [text[a:b] for a, b in person_name_spans(text)]


def person_name_spans(text: str) -> list[tuple[int, int]]:
    """Where ``person_names`` stand in ``text``: (start, end) offsets."""
    found = _NAME_RE.finditer(text, len(text) - len(_past_opening_stopword(text)))
    return [m.span() for m in found if m.group(0).split()[0].split("-")[0] not in _COMPASS]


#: A capitalised word (a name's word, or a sentence's first).
CAPITALISED_RE = re.compile(r"\b[A-Z][\w'’-]*")


def proper_names(text: str) -> list[str]:
    """Capitalised words that may be names: all but an opening stopword, which any sentence
    capitalises ("Crocs is delivering…" counts "Crocs", "The company…" not "The"; an
    opening "Scientists" counts too: without a dictionary it reads like a name)."""
    return CAPITALISED_RE.findall(_past_opening_stopword(text))


_OPENING_WORD_RE = re.compile(r"^[\s\"'“‘(\[]*([A-Z][\w'’-]*)")


def _past_opening_stopword(text: str) -> str:
    m = _OPENING_WORD_RE.match(text)
    return text[m.end() :] if m and m.group(1).lower() in STOPWORDS else text


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


_HOW_MANY_RE = re.compile(r"\bhow many\s+((?:[^\W\d_][\w'’-]*[\s,]*){0,8})", re.I)
_AUX = frozenset(
    """
    are is was were have has had did do does will would could can should may might been be
    went came got took made said
    """.split()
)
#: Plurals without an -s, as "how many" counts them.
_PLURALS = frozenset("people children men women police staff personnel cattle".split())
#: Singular endings in -s ("bus", "virus", "analysis", "class").
_SINGULAR_S = ("ss", "us", "is")


def _plural(word: str) -> bool:
    """``word`` reads as a plural noun ("tanks", "people", "MPs"; not "bus", not "US")."""
    low = word.lower()
    if low.endswith(("'s", "’s")):  # a possessive: "Johnson's MPs"
        return False
    if low in _PLURALS or (len(word) > 2 and word[-1] == "s" and word[:-1].isupper()):
        return True
    return (
        len(low) > 3 and low.endswith("s") and not low.endswith(_SINGULAR_S) and not word.isupper()
    )


def counted_noun(question: str) -> list[str]:
    """What "how many …" counts: the first plural among the words before its verb ("How
    many fans watched…" -> ["fans"], "how many hours a year…" -> ["hours"], "how many US
    states…" -> ["states"]), else the last word before an auxiliary ("How many staff
    did…"); empty if unsaid."""
    m = _HOW_MANY_RE.search(question)
    if not m:
        return []
    words = []
    for w in re.findall(r"[^\W\d_][\w'’-]*", m.group(1)):
        low = w.lower()
        if low in _AUX:
            break
        if low in STOPWORDS:
            if words:
                break
            continue
        if _plural(w):
            return tokens(w)
        words.append(w)
    return tokens(words[-1]) if words else []
