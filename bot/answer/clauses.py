"""Clauses: a passage span's clauses, and what each one negates.

``clauses`` (in ``bot.answer.facts``) cuts a span at clause breaks (``CLAUSE_RE``); each
``Clause`` knows its terms, its word stems, its figures, whether it negates and, for
"not"/"never"-style negations, the word it negates, so a negation denies only that
word ("that number does not include the displaced" does not deny "the number is
approaching 35 million"). Text in, facts out: ``bot.answer.evidence`` decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.text.terms import STOPWORDS, stem, tokens

if TYPE_CHECKING:
    from bot.answer.facts import ClaimFacts

_NEGATION_RE = re.compile(
    r"\b(?:not|no|never|none|neither|nor|nobody|nothing|without|cannot|unable|unlikely|"
    r"denied|denies|deny|refused|refuses|declined|declines|failed|fails|rejected)\b"
    r"|n[’']t\b|\bout of reach\b|\bno longer\b",
    re.I,
)
#: Negators whose negated word is the next content word ("does not include the…"); the
#: others (refused, denied, without, none…) negate in ways a word order does not show.
_ADVERB_NEGATION_RE = re.compile(r"\b(?:not|never|no longer|cannot)\b|n[’']t\b", re.I)
#: Clause breaks: a full stop only where a sentence ends ("U.S. official", "Jan. 8" go on),
#: a comma not inside a figure ("4,000").
CLAUSE_RE = re.compile(
    r"[.!?](?=\s+[A-Z“\"]|\s*$)|[;:—–()“”\"]|(?<!\d),|,(?!\d)"
    r"|\b(?:but|while|whereas|although|though|however)\b",
    re.I,
)


def negated(text: str) -> bool:
    return bool(_NEGATION_RE.search(text))


def all_stems(text: str) -> frozenset[str]:
    return frozenset(stem(t) for t in tokens(text))


@dataclass(frozen=True)
class Clause:
    """A clause of a span: its content terms, all its word stems, whether it negates, and
    its figures."""

    terms: frozenset[str]
    stems: frozenset[str]
    negated: bool
    figures: frozenset[str] = frozenset()
    #: the words its negation applies to (stemmed), None when that cannot be told
    negates: frozenset[str] | None = None

    def contradicts(self, claim: ClaimFacts) -> bool:
        """A negated clause denies what the positive ``claim`` says: the word it negates is
        the claim's ("is not benefiting" against "is benefiting"), not another one ("that
        number does not include the displaced" against "the number is approaching 35
        million"); when the negated word cannot be told, any negation counts."""
        if not self.negated:
            return False
        return self.negates is None or bool(self.negates & claim.stems)

    def about(self, claim: ClaimFacts) -> bool:
        """The clause speaks of what the claim says: it shares two of the claim's terms,
        one of them not a name ("refused compensation" is not about "the stay was free"
        just because both name Matsegora), or all of its own terms are the claim's."""
        shared = self.terms & claim.terms
        if shared and self.terms <= claim.terms:
            return True
        return len(shared) >= 2 and bool(shared & claim.predicate)


def negates(text: str) -> frozenset[str] | None:
    """The stemmed words ``text``'s negations apply to: the first content word after each
    "not", "never", "n't", "no longer", "cannot"; None when it has another negator
    ("refused", "no", "without"…) or one with no content word after it."""
    adverbs = list(_ADVERB_NEGATION_RE.finditer(text))
    if len(adverbs) != len(_NEGATION_RE.findall(text)):
        return None
    out = set()
    for m in adverbs:
        after = [t for t in tokens(text[m.end() :]) if t not in STOPWORDS]
        if not after:
            return None
        out.add(stem(after[0]))
    return frozenset(out)
