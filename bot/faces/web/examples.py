"""Example questions for the chat page, derived from article titles by plain text rules.

A title that is already a question is used as it is; any other title is cut to its main
clause (a trailing "…", a ", officials say" attribution and a "X reports that" lead-in are
removed) and asked about: ``What do the articles say about “…”?``. Newer articles come
first. Nothing here reads files, knows the corpus, or checks that an answer exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MAX_WORDS = 14
_ATTRIBUTION = re.compile(
    r",\s+[^,]{1,40}\s(?:says?|said|warns?|warned|reports?|reported|claims?|claimed)$", re.I
)
_LEAD_IN = re.compile(
    r"^[^,]{3,60}?\s(?:reports|reported|says|said|warns|warned|claims|claimed)\sthat\s", re.I
)


def example_questions(articles: Iterable[Mapping[str, str]], limit: int = 4) -> list[str]:
    """Up to ``limit`` distinct questions, newest article first; titles that give none skip."""
    ordered = sorted(articles, key=lambda a: (a.get("date") or "", a.get("file", "")))
    out: list[str] = []
    for article in reversed(ordered):
        question = question_from_title(article.get("title") or "")
        if question and question.lower() not in {q.lower() for q in out}:
            out.append(question)
        if len(out) == limit:
            break
    return out


def question_from_title(title: str) -> str | None:
    """A question about the topic of ``title``, or None when too little is left of it."""
    text = " ".join(title.split()).strip()
    if text.endswith("?") and 3 <= len(text.split()) <= MAX_WORDS + 6:
        return text
    text = text.rstrip("….").strip()
    text = _ATTRIBUTION.sub("", text)
    text = _LEAD_IN.sub("", text)
    text = re.split(r"[:;]\s|\s[–—-]\s", text, maxsplit=1)[0]
    words = text.split()
    if len(words) > MAX_WORDS:
        clause = text.split(", ")[0].split()
        words = clause if 3 <= len(clause) <= MAX_WORDS else words[:MAX_WORDS]
    words = _trim_dangling(words)
    if len(words) < 3:
        return None
    topic = " ".join(words).strip(" ,")
    if topic[:1].isupper() and topic[1:2].islower() and topic.split()[0] in _LOWERABLE:
        topic = topic[0].lower() + topic[1:]
    return f"What do the articles say about “{topic}”?"


_LOWERABLE = {"The", "A", "An"}
_DANGLING = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "from",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "its",
    "their",
    "his",
    "her",
}


def _trim_dangling(words: list[str]) -> list[str]:
    """Drop trailing words that leave a clause hanging ("… support for Moscow’s")."""
    while words and (words[-1].lower() in _DANGLING or words[-1].endswith(("’s", "'s"))):
        words = words[:-1]
    return words
