"""Follow-ups: turn a question plus chat history into a standalone ``Query``.

"And how many were wounded?" after "How many North Korean soldiers were killed?" carries no
subject of its own. ``condense`` detects such follow-ups (a leading "what about", a
pronoun or "that …" pointing back, a leading "and" in a few words, or almost no content
words and no name) and borrows the previous user question as context:
its terms join the retrieval query and count, at a lower weight, when answers are scored.
A follow-up asking about "the year after that" (or before) of a previous question naming
one year is read as asking about that year ("…in 2022?"), and the borrowed context moves
to it too. A question wrapped in a greeting, a request or a mention of the sources ("Hi,
can you tell me which…", "Do you know who…, according to the articles?") is read as the
plain question inside it (``plain_question``; the user's words stay the ``Query``'s
text); a new question opening with "And", "But", "So" or "Also" is read without it.
Other stand-alone questions pass through untouched. ``split_parts``
splits a compound question ("How did X…, and what did Y…?") so each part can be
retrieved for. An LLM-based rewrite
(the condense prompt) can replace ``condense`` on the LLM path; this one needs no model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.answer.question import salient_terms
from bot.errors import InputError
from bot.text.discourse import asks_back
from bot.text.lexicon import CONJUNCTIONS, WH_WORDS, YEAR, YEAR_RE
from bot.text.terms import terms

#: Openers that point back whatever follows: "What about…", "How about…", "Why is that?"
_BACK_OPENER_RE = re.compile(
    r"^\s*(?:(?:and|but)\s+)?(?:what about|how about|what else|why is that|why not)\b",
    re.IGNORECASE,
)
#: Openers that continue the conversation: a follow-up when what follows is short.
_OPENER_RE = re.compile(rf"^\s*(?:{'|'.join(CONJUNCTIONS)})\b", re.IGNORECASE)
_CONTINUES_RE = re.compile(rf"^\s*(?:{'|'.join(CONJUNCTIONS)}|why)\b", re.IGNORECASE)
#: … which takes at least this many content terms ("And which country reopened to tourists
#: after three years of restrictions?" is a question of its own; "And in 2023?" is not).
OWN_SUBJECT_TERMS = 4
_ROLES = ("user", "assistant", "system")
_FRAMING = frozenset(
    terms("compare comparison contrast describe explain list mention change differ difference")
)


@dataclass(frozen=True)
class Query:
    """A question ready for retrieval and answering."""

    text: str  # what the user asked
    standalone: str  # what retrieval searches for
    context: str = ""  # the earlier question borrowed for a follow-up, if any
    as_of: date | None = None  # the day it is asked about ("this week"), when the caller knows
    resolved: str = ""  # ``text`` as read: unwrapped from a request ("Can you tell me who…"),
    # a relative year made absolute ("…in 2022?"); "" when it reads as asked

    @property
    def meaning(self) -> str:
        """What is asked, as answerers read it: ``resolved`` when there is one, else ``text``."""
        return self.resolved or self.text

    @property
    def parts(self) -> list[str]:
        """The sub-questions of a compound question ("How did X…, and what did Y…?")."""
        return split_parts(self.meaning)

    @property
    def focus_terms(self) -> list[str]:
        """The question's terms, less the words that frame it ("compare", "describe"):
        articles state facts; they rarely say "compare"."""
        return [t for t in terms(self.meaning) if t not in _FRAMING]

    @property
    def context_terms(self) -> list[str]:
        focus = set(self.focus_terms)
        return [t for t in terms(self.context) if t not in focus]


#: The interrogatives a question opens with.
_WH = rf"(?:{'|'.join(WH_WORDS)})"
_PART_SPLIT_RE = re.compile(
    rf"\?\s+(?=\S)|[,;]\s+and\s+(?=(?:{_WH}|did|does|do|is|are|was|were|has|have)\b)",
    re.IGNORECASE,
)


#: "2018 and 2022", "between 2018 and 2024", "2019, 2021 or 2023", "from 2018 to 2024"
_YEAR_LIST_RE = re.compile(
    rf"\b(?:between\s+)?{YEAR}(?:\s*(?:,\s*(?:and\s+|or\s+)?|and|or|to|vs\.?|versus)\s*{YEAR})+\b",
    re.IGNORECASE,
)


def split_parts(question: str) -> list[str]:
    """Split a compound question into its parts; a simple question is one part.

    A question comparing years ("the 2018 and 2022 prize funds", "between 2018 and 2024")
    becomes one part per year: each year's figure comes from that year's report.
    """
    parts = [p.strip(" ,;") for p in _PART_SPLIT_RE.split(question)]
    kept = [p for p in parts if len(terms(p)) >= 2]
    if len(kept) > 1:
        return kept
    return _per_year(question)


def _per_year(question: str) -> list[str]:
    m = _YEAR_LIST_RE.search(question)
    years = list(dict.fromkeys(re.findall(YEAR, m.group(0)))) if m else []
    if m is None or len(years) < 2:
        return [question]
    lead = "in " if m.group(0).lower().startswith("between") else ""
    return [f"{question[: m.start()]}{lead}{y}{question[m.end() :]}" for y in years]


def validate_question(question: object, limit: int) -> str:
    """The question cleaned of control characters, or an ``InputError`` saying why not."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    # control, format (zero-width) and unassigned characters become spaces
    text = " ".join(
        "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in question).split()
    )
    if not text:
        raise InputError("the question is empty")
    if len(text) > limit:
        raise InputError(f"the question is {len(text):,} characters long; the limit is {limit:,}")
    return text


def validate_as_of(as_of: object) -> date | None:
    """``as_of`` as a ``datetime.date`` (a ``datetime`` gives its day), or an ``InputError``.
    None stays None: the bot never assumes "today" (an archive read later would look stale)."""
    if as_of is None:
        return None
    if isinstance(as_of, datetime):
        return as_of.date()
    if not isinstance(as_of, date):
        raise InputError("as_of must be a datetime.date (the day the question is asked)")
    return as_of


def validate_history(history: object) -> list[dict[str, str]]:
    """``history`` as a list of ``{"role", "content"}`` dicts, or an ``InputError``."""
    if history is None:
        return []
    if not isinstance(history, Sequence) or isinstance(history, (str, bytes)):
        raise InputError("history must be a list of {'role': ..., 'content': ...} messages")
    out = []
    for i, msg in enumerate(history):
        if not isinstance(msg, Mapping) or msg.get("role") not in _ROLES:
            raise InputError(f"history[{i}] must be a dict with role 'user' or 'assistant'")
        content = msg.get("content")
        if not isinstance(content, str):
            raise InputError(f"history[{i}]['content'] must be a string")
        out.append({"role": str(msg["role"]), "content": content})
    return out


def is_followup(question: str) -> bool:
    """It leans on the conversation: it opens pointing back ("What about…"), points back
    ("What did he say…?", "that meeting", ``discourse.asks_back``), is too short to stand
    alone ("Who won?"; "What is the capital of France?" names what it is about), or
    continues ("And…", "But…") in a few words. "Which country announced
    it would reopen this week?" is a new question: its "it" and "this week" point nowhere
    back (read as follow-ups, a conversation's new questions borrowed the last one's words:
    RealTime QA dev questions asked after another, right 0.76 against 0.84 alone)."""
    named = bool(salient_terms(question))
    n_terms = len(terms(question))
    return bool(
        _BACK_OPENER_RE.match(question)
        or asks_back(question)
        or (n_terms <= 2 and not named)
        or (_CONTINUES_RE.match(question) and n_terms < OWN_SUBJECT_TERMS)
    )


#: "the year after (that)", "the following year", "a year later" (+1); "the year before",
#: "the previous year", "a year earlier" (-1). Bare "next/last year" are left alone: they
#: may count from today.
_YEAR_AFTER_RE = re.compile(
    r"\b(?:in\s+)?(?:the\s+year\s+after(?:\s+(?:that|it))?|the\s+following\s+year"
    r"|(?:a|one)\s+year\s+later)\b",
    re.IGNORECASE,
)
_YEAR_BEFORE_RE = re.compile(
    r"\b(?:in\s+)?(?:the\s+year\s+before(?:\s+(?:that|it))?|the\s+(?:previous|prior)\s+year"
    r"|(?:a|one)\s+year\s+(?:earlier|before))\b",
    re.IGNORECASE,
)


def _shift_year(question: str, previous: str) -> tuple[str, str] | None:
    """``question`` and ``previous`` moved to the year ``question`` asks about relative to
    the one year ``previous`` names ("And who won the year after that?" after "…in
    2021?" → "And who won in 2022?", "…in 2022?"), or None."""
    years = set(YEAR_RE.findall(previous))
    if len(years) != 1:
        return None
    year = int(next(iter(years)))
    for pattern, step in ((_YEAR_AFTER_RE, 1), (_YEAR_BEFORE_RE, -1)):
        if pattern.search(question):
            to = str(year + step)
            return pattern.sub(f"in {to}", question, count=1), previous.replace(str(year), to)
    return None


#: A greeting or preamble before the question: "Hi, …", "Hello there! …", "Quick
#: question: …".
_PREAMBLE_RE = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening))(?:\s+there)?\s*[,!.:;-]*\s+)?"
    r"(?:(?:(?:a|one|quick|a\s+quick)\s+)?question\s*[:,;-]\s*)?",
    re.IGNORECASE,
)
#: A request wrapped around a question: "Can you tell me who…", "Do you know which…",
#: "I'd like to know how…", "Tell me what…". The question is what follows.
_REQUEST_RE = re.compile(
    r"^(?:please\s*,?\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|show)\s+me"
    r"|do\s+you\s+(?:happen\s+to\s+)?know|does\s+anyone\s+know|(?:please\s+)?tell\s+me"
    r"|i(?:'d|’d|\s+would)\s+like\s+to\s+know|i\s+(?:want|need)\s+to\s+know"
    r"|i(?:'m|’m|\s+am)\s+wondering|i\s+wonder(?:ed)?|any\s+idea)"
    rf"\s*,?\s+(?={_WH}\b)",
    re.IGNORECASE,
)
#: Where the answer should come from, said in the question: "According to the articles,
#: …", "…, based on these sources?", "…in the articles?" (the bot only ever reads them).
_SOURCES = (
    r"(?:the|these|those|your|my)\s+(?:news\s+)?"
    r"(?:articles?|sources|documents|files|texts|coverage)"
)
_SOURCE_LEAD_RE = re.compile(rf"^(?:according\s+to|based\s+on|from|in)\s+{_SOURCES}\s*,\s*", re.I)
_SOURCE_TAIL_RE = re.compile(
    rf",?\s+(?:according\s+to|based\s+on|from|in)\s+{_SOURCES}\s*(?=[?.!]*\s*$)", re.I
)


_WH_OPENING_RE = re.compile(rf"{_WH}\b", re.I)


def plain_question(question: str) -> str:
    """The question inside a greeting, a request or a mention of the sources ("Hi! Can
    you tell me which firm won the contract, according to the articles?" → "Which firm
    won the contract?"), a wh-question ending in "?"; any other question unchanged. A
    request read as written is a yes/no question ("Do you know…?") or none ("Tell
    me…"); each of these cost RealTime QA dev questions up to a third of their right
    answers (README, Evaluating)."""
    text = _PREAMBLE_RE.sub("", question, count=1)
    text = _SOURCE_TAIL_RE.sub("", _SOURCE_LEAD_RE.sub("", text, count=1), count=1)
    m = _REQUEST_RE.match(text)
    if m:
        text = f"{text[m.end() :].rstrip(' .!?')}?"
    elif _WH_OPENING_RE.match(text) and not text.rstrip().endswith("?"):
        text = f"{text.rstrip(' .!')}?"  # "who won the race" is asked as "…?"
    if text == question or not text.strip(" ?.!"):
        return question
    return f"{text[:1].upper()}{text[1:]}"


def _without_opener(question: str) -> str:
    """A question standing on its own without the "And"/"But"/"So"/"Also" a chat turn
    opens with: the conjunction joins nothing and moves the question's embedding."""
    m = _OPENER_RE.match(question)
    if not m:
        return question
    rest = question[m.end() :].lstrip(" ,")
    return f"{rest[:1].upper()}{rest[1:]}" if len(terms(rest)) >= 2 else question


def condense(question: str, history: Sequence[Mapping[str, str]] | None = None) -> Query:
    """The standalone form of ``question`` given the earlier turns (read as the plain
    question, ``plain_question``)."""
    previous = next(
        (
            m["content"].strip()
            for m in reversed(history or [])
            if m["role"] == "user" and m["content"].strip()
        ),
        "",
    )
    asked = plain_question(question)
    if not previous or not is_followup(asked):
        asked = _without_opener(asked)
        return Query(question, asked, resolved=asked if asked != question else "")
    as_read = asked if asked != question else ""
    shifted = _shift_year(asked, previous)
    if shifted:
        resolved, previous = shifted
        return Query(question, f"{resolved} (context: {previous})", previous, resolved=resolved)
    return Query(question, f"{asked} (context: {previous})", previous, resolved=as_read)
