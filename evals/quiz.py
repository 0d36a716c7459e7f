"""Quiz wording: a RealTime QA item as a user would ask it.

Quiz items are often statements ("This artist is the first to…", "Qasem Soleimani was an
Iranian ____."); ``as_question`` turns them into questions by general rules (no item is
named). Text in, text out: it reads no files and imports nothing from ``bot``.
"""

from __future__ import annotations

import re

_TIME_WORDS = set(
    "week weekend year month morning afternoon evening night summer spring fall autumn "
    "winter season time past century decade term session".split()
)
_NOT_NOUNS = set(
    "is was are were has have had will would could can may might means one that".split()
)
_THIS_RE = re.compile(r"\b(this|these)\s+([\w’'-]+)", re.IGNORECASE)
_BLANK_RE = re.compile(r"_{2,}")
_SENTENCE_END_RE = re.compile(r"(?:\.\.\.|[.!…:])(?=[\"”’)]*(?:\s+[\"“‘(]?[A-Z]|\s*$))")
# a wh-word asking (not ", which …" opening a relative clause), or a true-or-false item
_WH_RE = re.compile(
    r"(?<!, )\b(?:who|whom|whose|what|which|when|where|why|how)\b|^true or false\b", re.I
)


def as_question(text: str) -> str:
    """A quiz item as a user would ask it (HTML tags stripped). The first rule that applies:

    1. it already holds a "?": unchanged;
    2. blanks (``____``) become "what", and it ends with "?";
    3. it trails off ("…", "...", ":"): " what?" is appended ("?" after a wh-word);
    4. the first "this/these NOUN" (not "this week", "this is") with no wh-word before it
       becomes "which NOUN", and that sentence ends with "?";
    5. it holds a wh-word (which, who, how, …) or starts "True or false": it ends with "?";
    6. no end punctuation ("…a new trial citing"): " what?" is appended; else unchanged.
    """
    text = " ".join(re.sub(r"<[^>]+>", "", text).split())
    if "?" in text:
        return text
    if _BLANK_RE.search(text):
        return _end_with_question_mark(_BLANK_RE.sub("what", text))
    stripped = re.sub(r"\s*(?:…|\.\.\.|:)[.…]*$", "", text)
    if stripped != text:
        last = stripped.split()[-1] if stripped else ""
        return stripped + ("?" if _WH_RE.fullmatch(last) else " what?")
    for m in _THIS_RE.finditer(text):
        noun = re.sub(r"[’']s$", "", m.group(2)).lower()
        if noun in _TIME_WORDS or noun in _NOT_NOUNS:
            continue
        if _WH_RE.search(text[: m.start()]):
            break  # "in which country … ‘this man…’": already a question
        which = "Which" if m.group(1)[0].isupper() else "which"
        text = text[: m.start(1)] + which + text[m.end(1) :]
        end = _SENTENCE_END_RE.search(text, m.end())
        if end is None:
            return _end_with_question_mark(text)
        return text[: end.start()] + "?" + text[end.end() :]
    if _WH_RE.search(text):
        return _end_with_question_mark(text)
    return f"{text} what?" if text and text[-1].isalnum() else text


def _end_with_question_mark(text: str) -> str:
    return re.sub(r"[.!…:]*$", "", text.rstrip()) + "?"
