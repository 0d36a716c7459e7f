"""Text the faces show around an answer: a quote in quote marks, a refusal's reason in plain
words.

``quoted`` puts a citation's quote between “ ” unless it already opens with a quote mark
(then the article's own marks are shown, not doubled). ``plain_reason`` turns the reason an
answerer or verification recorded for a refusal ("no retrieved sentence gives a person")
into a sentence for people ("None of the indexed articles names who that is."); a reason
it does not know is shown as it is. Formatting only: nothing here answers or cites.
"""

from __future__ import annotations

import re

_OPENING_QUOTES = "“\"‘'«„‚"

#: What a question asks for (the answerer's ``answer_type``), as the thing none gives.
_KINDS = {
    "person": "names who that is",
    "number": "gives that figure",
    "date": "says when that was",
    "day": "gives that day",
    "year": "gives that year",
    "month": "gives that month",
    "duration": "says how long that was",
    "money": "gives that sum",
    "age": "gives that age",
    "share": "gives that share",
    "place": "says where that was",
    "name": "names it",
    "match": "answers that",
}
_PLAIN = tuple(
    (re.compile(pattern), template)
    for pattern, template in [
        (r"no passage was retrieved", "None of the indexed articles is about this."),
        (r"no article mentions '(?P<x>[^']+)'", "None of the indexed articles mentions “{x}”."),
        (r"no retrieved sentence (?:about (?P<about>[^;]+?) )?gives an? (?P<kind>\w+)", "{kind}"),
        (
            r"no retrieved passage is about (?P<x>[^;]+)",
            "None of the indexed articles is about {x}.",
        ),
        (r"weak evidence", "The closest passages found do not clearly answer this."),
        (r"the model said the sources do not answer", "The passages found do not answer this."),
        (r"the model's reply was empty", "The model gave no answer."),
        (
            r"no sentence of the model's reply is supported",
            "The model's answer could not be checked against the articles, so it is not shown.",
        ),
        (r"its citations no longer match", "The cited articles changed; ask again."),
    ]
)


def quoted(text: str, limit: int | None = None) -> str:
    """``text`` on one line, cut to ``limit`` characters, between “ ” unless it opens with
    a quote mark of its own."""
    one_line = " ".join(text.split())
    if limit is not None and len(one_line) > limit:
        one_line = one_line[:limit].rstrip() + "…"
    return one_line if one_line[:1] in _OPENING_QUOTES else f"“{one_line}”"


def plain_reason(reason: str) -> str:
    """A refusal's recorded ``reason`` in plain words; several (";"-joined) become one."""
    out: list[str] = []
    for part in (p.strip() for p in reason.split(";")):
        sentence = _one(part) if part else ""
        if sentence and sentence not in out:
            out.append(sentence)
    return " ".join(out)


def _one(reason: str) -> str:
    for pattern, template in _PLAIN:
        m = pattern.search(reason)
        if m is None:
            continue
        groups = m.groupdict()
        if "kind" in groups:
            does = _KINDS.get(groups["kind"], f"gives that {groups['kind']}")
            about = f" about {groups['about']}" if groups.get("about") else ""
            return f"None of the indexed articles{about} {does}."
        return template.format(**groups)
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith(".") else ".")
