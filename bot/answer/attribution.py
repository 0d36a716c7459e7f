"""Attribution: whether a sentence's people are only the sources of what it reports.

"According to Dorothy Shea, 12,000 soldiers are in Russia" names Shea as the source, not
as anyone the report is about, so it does not answer "Who commands the troops?" — only
"Who said…?". ``sources_only`` reads the positions news writes sources in ("according
to NAME", "NAME[, the mayor,] said", "said director NAME."); ``asks_for_a_source`` tells
a question about who said something. Text in, facts out: nothing here scores sentences.
"""

from __future__ import annotations

import re

from bot.answer.question import person_name_spans
from bot.text.lexicon import REPORTING_VERBS, SPEECH_VERBS
from bot.text.terms import tokens

_SAYS = "|".join(sorted(REPORTING_VERBS))
_ACCORDING_RE = re.compile(r"\baccording to(?:\s+[\w.’'-]+){0,8}\s+$", re.IGNORECASE)
_SAID_BEFORE_RE = re.compile(rf"\b(?:{_SAYS})(?:\s+[\w.’'-]+){{0,3}}\s+$", re.IGNORECASE)
_CLAUSE_END_RE = re.compile(r"\s*(?:[,.;:!?\"”’)]|$)")
_SOURCE_AFTER_RE = re.compile(rf"^(?:,[^,]{{1,80}},)?\s+(?:{_SAYS})\b", re.IGNORECASE)


def asks_for_a_source(question: str) -> bool:
    """The question asks who said, warned, announced… something ("Who has warned that…?")."""
    return any(w in SPEECH_VERBS for w in tokens(question))


def sources_only(text: str) -> bool:
    """Every person's name in ``text`` stands as the source of what it reports ("According
    to Dorothy Shea, 12,000 soldiers…", "…, Paulina Greaves said"): it names no one the
    report is about. False when it names no person."""
    spans = person_name_spans(text)
    return bool(spans) and all(_is_source(text, a, b) for a, b in spans)


def _is_source(text: str, start: int, end: int) -> bool:
    before, after = text[:start], text[end:]
    if _ACCORDING_RE.search(before) or _SOURCE_AFTER_RE.match(after):
        return True
    # "said Paulina Greaves." names the speaker; "said John Smith was arrested" its subject
    return bool(_SAID_BEFORE_RE.search(before) and _CLAUSE_END_RE.match(after))
