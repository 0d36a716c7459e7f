"""What a question asks for: ``answer_type`` reads the interrogative ("how many" ->
``number``, "when" -> ``date``, "who" or "which singer" -> ``person``, "which company" ->
``name``, "which country" -> ``country``…) wherever the question puts it. It reads
questions only: whether a sentence holds an answer of that type is
``bot.answer.question.fits_type``.
"""

from __future__ import annotations

import re

from bot.answer.amounts import MONEY_NOUNS, figure_kind
from bot.answer.places import PLACE_NOUNS
from bot.text.lexicon import MAGNITUDE_WORDS, NAME_NOUNS, PERSON_NOUNS

#: The interrogative phrase that opens a question ("In which city…", "And how many…").
_WH_RE = re.compile(
    r"^\W*(?:(?:and|but|so|then|also)\s+)?(?:(?:in|on|at|for|by|from|to|of|since|until)\s+)?"
    r"(?P<wh>how (?:many|much|large|big|long|old|far|high|often)|when|who|whom|whose|where|why"
    r"|(?:what|which)(?: (?:is|was|are|were) the)?(?: exact| approximate)? (?P<noun>[a-z]+)"
    r"|what|which|how)\b",
    re.I,
)
#: Nouns asking for a figure ("What is the range of the missile?", "…the population of…").
_NUMBER_NOUNS = frozenset(
    """
    number percentage share proportion amount figure size total count toll range distance
    height length depth width weight speed altitude temperature population capacity
    """.split()
)
_DATE_NOUNS = {"date": "day", "day": "day", "year": "year", "month": "month", "time": "any"}
#: Words that end the noun phrase after "which"/"what" ("which team *did*…").
_PHRASE_ENDS = frozenset(
    """
    is are was were do does did has have had will would could can should may might of in on
    at for to by from with that who whose whom and or the a an its their his her this these
    """.split()
)
#: "which"/"what" inside a question ("…in which African nation?"), not after a comma
#: (", which also lends them…" opens a relative clause).
_INNER_WH_RE = re.compile(r"(?<![,;])\s(?:which|what)\s+((?:[\w'’-]+\s*){1,4})", re.I)
_NAME_OF_RE = re.compile(r"\bname of\s+(?:(?:the|a|an)\s+)?", re.I)
_INNER_HOW_RE = re.compile(r"\bhow (?:many|much)\b", re.I)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def answer_type(question: str) -> str | None:
    """What the question asks for: ``number`` (narrowed to ``money``, ``age`` or ``share``
    when its words say so: ``bot.answer.amounts``); ``duration``; ``date`` (or ``day``, ``year``,
    ``month`` when it says which); ``person``; ``name`` (a proper name: "which company"),
    narrowed to ``country`` or ``state`` (``bot.answer.places``); or None (see
    ``_asked_type``)."""
    kind = _asked_type(question)
    return (figure_kind(question) or kind) if kind == "number" else kind


def _asked_type(question: str) -> str | None:
    """The kind ``answer_type`` narrows. The interrogative that opens the question, or its
    last sentence, decides ("…began this week. How many candles…?"); else a "how many" or
    "which <noun>" inside it ("…saved approximately how many lives?", "…in which African
    nation?"). A "when" inside ("…when North Korea stepped up its support") does not
    count."""
    sentences = _SENTENCE_END_RE.split(question.strip())
    for text in dict.fromkeys((question, sentences[-1])):
        m = _WH_RE.match(text)
        if m:
            noun = text[m.start("noun") :] if m.group("noun") else ""
            kind = _opening_type(m.group("wh").lower(), noun)
            if kind or not _INNER_HOW_RE.search(text):
                return kind
    if _INNER_HOW_RE.search(question):
        return "number"
    for m in _INNER_WH_RE.finditer(question):
        kind = _noun_type(m.group(1))
        if kind:
            return kind
    return None


def _opening_type(wh: str, noun_phrase: str) -> str | None:
    if wh == "how long":
        return "duration"
    if wh.startswith("how ") and wh != "how often":
        return "number"
    if wh == "when":
        return "date"
    if wh in ("who", "whom", "whose"):
        return "person"
    if not noun_phrase:
        return None
    return _noun_type(noun_phrase, after_the=bool(re.search(r"\bthe \S+$", wh)))


def _noun_type(phrase: str, after_the: bool = False) -> str | None:
    """The type the noun phrase after "which"/"what" asks for ("major American city" ->
    ``name``, as is "new corporate name"; "exact day" -> ``day``), read up to the word that
    ends the phrase. After "the", a person's title before another word describes it ("What
    is the official dish…?", "…the host city…"), so that word decides."""
    words = re.findall(r"[\w'’-]+", phrase.lower())[:4]
    if after_the:
        words = [w for w, nxt in zip(words, [*words[1:], "?"]) if not _describes(w, nxt)]
    if _person_figure(words):
        return "person"
    for i, word in enumerate(words):
        if word in _PHRASE_ENDS:
            break
        word = re.sub(r"['’]s$", "", word)  # "which country's leaders" asks for a country
        for form in dict.fromkeys((word, _singular(word))):
            if form == "name":  # "the name of the general" names a person
                rest = _NAME_OF_RE.split(phrase, 1)
                return (_noun_type(rest[1]) if len(rest) > 1 else None) or "name"
            if form in MONEY_NOUNS:
                return "money"
            if form in _NUMBER_NOUNS:
                return "number"
            if form in _DATE_NOUNS:
                return "date" if _DATE_NOUNS[form] == "any" else _DATE_NOUNS[form]
            if form in PERSON_NOUNS:
                return "person"
            if form in PLACE_NOUNS:  # a "member state" is a country
                return "country" if i and words[i - 1] == "member" else PLACE_NOUNS[form]
            if form in NAME_NOUNS:
                return "name"
    return None


def _describes(word: str, following: str) -> bool:
    """A person's title standing before another word of the phrase: "official dish"."""
    return word in PERSON_NOUNS and following != "?" and following not in _PHRASE_ENDS


def _person_figure(words: list[str]) -> bool:
    """ "which political / famous / Labour Party figure…" asks for a person; "which
    figure…" and "which stunning figure…" for a number (``MAGNITUDE_WORDS``)."""
    for i, word in enumerate(words):
        if word in _PHRASE_ENDS:
            return False
        if word in ("figure", "figures"):
            return i > 0 and words[i - 1] not in MAGNITUDE_WORDS
    return False


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
