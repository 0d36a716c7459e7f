"""Amounts: figure questions that want a sum of money, an age, a share or a span of time,
and text that gives one.

"How much did Pettigrew spend on the racehorse?" is not answered by "Pettigrew, 54, was
convicted", though that sentence holds a figure; "How old is Okafor?" is not answered by
"Okafor scored twice", nor "How long…?" by "hundreds of troops". ``figure_kind`` narrows a
figure question to ``money`` or ``age`` from its words; ``fits_money``, ``fits_age`` and
``fits_duration`` say whether a text holds one. General English, not fitted: the word
lists are what money and age questions say. Questions whose figure could be money or not
("How much did the Fed raise rates?", "…has the price of pasta risen by how much?": 90%,
"How much of the cost did they pay?": two-thirds) stay plain figure questions. Text in,
answers out.
"""

from __future__ import annotations

import re

from bot.text.lexicon import NUMBER_WORDS, TIME_UNITS, alternation

#: Every kind of answer that is a figure (``bot.answer.asked_type.answer_type``).
FIGURE_KINDS = ("number", "duration", "money", "age", "share")

#: Words that make "how much …" a question about money ("How much did X pay…?"); the nouns
#: also ask for a sum after "what"/"which" ("What fee…?", "…for what price?").
_MONEY_VERBS = frozenset(
    """
    money cost costs costing pay pays paid paying spend spends spent spending worth earn
    earns earned earning donate donated donating invest invested investing charge charged
    fined sell sold selling award awarded
    """.split()
)
MONEY_NOUNS = frozenset(
    """
    fee price salary wage fine budget income revenue profit bail ransom bonus compensation
    damages funding donation settlement payout loan debt
    """.split()
)
_HOW_MUCH_RE = re.compile(r"\bhow much\b", re.I)
#: "…has risen by how much?" asks for a change, often a percentage, whatever it is of ("How
#: much of the cost did they pay?" asks for a share: ``_SHARE_ASKED_RE``, read first).
_NOT_A_SUM_RE = re.compile(r"\bby how much\b", re.I)
_HOW_OLD_RE = re.compile(r"^\W*how old\b", re.I)
_NUMBER_WORD = rf"(?:\d[\d,.]*|{alternation(list(NUMBER_WORDS))})"
_NUMBER = rf"(?:{_NUMBER_WORD}|a|an)"
#: A question asking a share: "What percentage of…", "…what proportion…", "How much of
#: Twitter's staff…?" (66 RealTime QA train/dev questions: every answer a percentage or a
#: fraction).
_SHARE_ASKED_RE = re.compile(
    r"\b(?:what|which)\s+(?:\w+\s+)?(?:percentage|percent|per cent|share|proportion|fraction)"
    r"\b(?!\s+(?:price|prices)\b)|\bhow much of\b",
    re.I,
)
#: A share as text gives it: "80%", "35 per cent", "half", "two-thirds", "one in five".
_SHARE_RE = re.compile(
    r"\d\s?%|\bper ?cent\b|\bpercentage points?\b"
    r"|\b(?:half|halves|thirds?|quarters?|fifths?|tenths?)\b"
    rf"|\b{_NUMBER_WORD}\s+(?:in|out of)\s+(?:every\s+)?{_NUMBER_WORD}\b",
    re.I,
)
_MONEY_RE = re.compile(
    r"[$£€¥₹]\s?\d|\b(?:US|A|C|NZ|HK)\$|\b(?:USD|GBP|EUR)\s?\d"
    rf"|\b{_NUMBER}(?:[\s-]+(?:thousand|million|billion|trillion|bn|m))?\s+"
    r"(?:dollars?|pounds?|euros?|yen|yuan|rupees?|pesos?|francs?|roubles?|rubles?|cents?"
    r"|pence)\b",
    re.I,
)
_AGE_RE = re.compile(
    r"\b[\w-]+-year-old\b|\b(?:aged?|at the age of)\s+\d{1,3}\b|\b\d{1,3} years old\b"
    r"|\b[A-Z][\w'’-]+,\s+\d{1,3},",
)


def figure_kind(question: str) -> str | None:
    """``money``, ``age`` or ``share`` when a figure question asks for one ("how old…",
    "how much … pay/spend/cost…", "what percentage…", "how much of…"), else None. (A
    money noun after "what"/"which", "What fee…?", is read by ``bot.answer.asked_type``
    with the other nouns.)"""
    if _HOW_OLD_RE.match(question):
        return "age"
    if _SHARE_ASKED_RE.search(question):
        return "share"
    if _HOW_MUCH_RE.search(question) and not _NOT_A_SUM_RE.search(question):
        words = set(re.findall(r"[a-z]+", question.lower()))
        if words & (_MONEY_VERBS | MONEY_NOUNS):
            return "money"
    return None


_DURATION_RE = re.compile(
    rf"\b(?:{alternation([*TIME_UNITS, 'minute'])}s?|since|until|for (?:a|an) \w+)\b", re.I
)
#: Units a length is measured in ("How long is the bridge?": "the 450-metre bridge").
_LENGTH_RE = re.compile(
    r"\d[\d,.]*[- ]?(?:km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|feet|foot|ft|yards?"
    r"|inch(?:es)?|cm|centimet(?:re|er)s?)\b",
    re.I,
)


def fits_duration(text: str) -> bool:
    """``text`` gives a span of time or a length ("for over a decade", "since 2006", "17
    minutes", "the 450-metre bridge"), not just any figure ("hundreds of troops")."""
    return bool(_DURATION_RE.search(text) or _LENGTH_RE.search(text))


def fits_money(text: str) -> bool:
    """``text`` gives a sum of money ("$84.6 million", "£2.3m", "500 euros")."""
    return bool(_MONEY_RE.search(text))


def fits_share(text: str) -> bool:
    """``text`` gives a share ("80%", "35 per cent", "two-thirds", "one in five")."""
    return bool(_SHARE_RE.search(text))


def fits_age(text: str) -> bool:
    """``text`` gives someone's age ("a 24-year-old", "aged 71", "Reinholt, 71,")."""
    return bool(_AGE_RE.search(text))
