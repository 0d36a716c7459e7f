"""Facts: what a claim sentence or a passage span hinges on, read from its text.

Its figures and magnitudes (read by ``bot.answer.figures``), ``names`` (capitalised words
the sources never write in lower case), ``quotes``, negation, and ``clauses`` with their
terms (each a ``bot.answer.clauses.Clause``, which knows what it negates). ``ClaimFacts`` and
``SpanFacts`` bundle them so each is computed once per sentence; ``Background`` holds what a
claim may take as given (the question's words; the cited article's title and date). Text
in, facts out: nothing here decides support (see ``bot.answer.evidence``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.answer.clauses import CLAUSE_RE, Clause, all_stems, negated, negates
from bot.answer.figures import figures, magnitudes
from bot.answer.query import split_parts
from bot.text.lexicon import YEAR_RE
from bot.text.terms import STOPWORDS, stem, terms, tokens

#: A question answered yes or no: it opens with an auxiliary ("Are they…", "Did Kim…").
_POLAR_QUESTION_RE = re.compile(
    r"^\W*(?:and\s+|but\s+|so\s+)?(?:is|are|was|were|do|does|did|has|have|had|can|could|will"
    r"|would|should|may|might)\b",
    re.I,
)
#: A sentence that answers yes or no before it says anything else.
POLAR_ANSWER_RE = re.compile(r"^\W*(?:yes|no)\b", re.I)
_QUOTE_RE = re.compile(r"[\"“”]([^\"“”]{3,300})[\"“”]")
_CAP_WORD_RE = re.compile(r"(?<![\w'’&])[A-Z][\w'’&-]*")
_LOWER_WORD_RE = re.compile(r"(?<![\w'’])[a-z][\w'’-]*")
_DIRECTIONS = {
    "north": "north",
    "northern": "north",
    "south": "south",
    "southern": "south",
    "east": "east",
    "eastern": "east",
    "west": "west",
    "western": "west",
}
#: Sentence-initial words that are not names even when capitalised.
_DISCOURSE = frozenset(
    """
    however meanwhile moreover furthermore additionally overall yes instead still thus
    therefore although though while since according in on at as for from by with after
    before during despite the a an this that these those it its they their there he she his
    her we our you your i my so but and or also only both each many most some several other
    another such one two three four five six seven eight nine ten
    """.split()
)
#: Two names are variants (Ukraine ~ Ukrainian) when both have at least this many letters
#: and share a prefix of this many letters and of this share (4/5) of the shorter one.
NAME_PREFIX_MIN = 5
NAME_PREFIX_SHARE = (4, 5)
#: Endings that make a people or an adjective of a place name (Iran-ian, Chin-ese, Israel-i).
DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "i", "ish", "ean")


def lowercase_words(text: str) -> set[str]:
    """Tokens of the words written in lower case in ``text`` ("president", not "Putin")."""
    return set(tokens(" ".join(_LOWER_WORD_RE.findall(text))))


def names(claim: str, lowercase_vocab: set[str]) -> list[str]:
    """Tokens of the claim's names (see the module docstring)."""
    out = []
    for m in _CAP_WORD_RE.finditer(claim):
        for tok in tokens(m.group()):
            if tok in _DIRECTIONS:
                out.append(_DIRECTIONS[tok])
            elif m.start() == 0 and (tok in _DISCOURSE or tok in STOPWORDS):
                continue
            elif tok not in lowercase_vocab and tok not in STOPWORDS:
                out.append(tok)
    return list(dict.fromkeys(out))


def name_in(name: str, vocab: frozenset[str] | set[str]) -> bool:
    """``name`` or a close variant is in ``vocab`` (Korea ~ Korean, Ukraine ~ Ukrainian)."""
    if name in vocab:
        return True
    stemmed = stem(name)
    for tok in vocab:
        if stem(tok) == stemmed or _DIRECTIONS.get(tok) == name:
            return True
        shorter = min(len(name), len(tok))
        if shorter >= NAME_PREFIX_MIN and _common_prefix(name, tok) >= max(
            NAME_PREFIX_MIN, -(-NAME_PREFIX_SHARE[0] * shorter // NAME_PREFIX_SHARE[1])
        ):
            return True
        if _demonym(name, tok) or _demonym(tok, name):
            return True
    return False


def _demonym(place: str, word: str) -> bool:
    """``word`` is ``place`` with a demonym ending (Iran ~ Iranian, China ~ Chinese):
    short names the shared-prefix rule cannot reach."""
    if len(place) < 4 or not word.startswith(place[:-1]):
        return False
    return any(word in (place + end, place[:-1] + end) for end in DEMONYM_ENDINGS)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def quotes(claim: str) -> list[tuple[str, ...]]:
    """Token sequences of the claim's quotations of two words or more."""
    out = []
    for m in _QUOTE_RE.finditer(claim):
        seq = tuple(tokens(m.group(1)))
        if len(seq) >= 2:
            out.append(seq)
    return out


def clauses(text: str) -> tuple[Clause, ...]:
    parts = (c for c in CLAUSE_RE.split(text) if c and c.strip())
    return tuple(
        Clause(frozenset(terms(c)), all_stems(c), negated(c), frozenset(figures(c)), negates(c))
        for c in parts
    )


@dataclass(frozen=True)
class ClaimFacts:
    text: str
    terms: frozenset[str]
    figures: frozenset[str]
    magnitudes: frozenset[str]
    names: tuple[str, ...]
    quotes: tuple[tuple[str, ...], ...]
    negated: bool
    stems: frozenset[str]  # every word, stopwords included (for contrasts)

    @classmethod
    def of(cls, text: str, lowercase_vocab: set[str]) -> ClaimFacts:
        return cls(
            text,
            frozenset(terms(text)),
            frozenset(figures(text)),
            frozenset(magnitudes(text)),
            tuple(names(text, lowercase_vocab)),
            tuple(quotes(text)),
            negated(text),
            all_stems(text),
        )

    @property
    def predicate(self) -> frozenset[str]:
        """Content terms that are not names: what the claim says about them."""
        return self.terms - {stem(n) for n in self.names}


@dataclass(frozen=True)
class SpanFacts:
    vocab: frozenset[str]  # tokens
    terms: frozenset[str]
    figures: frozenset[str]
    sequence: tuple[str, ...]
    clauses: tuple[Clause, ...]
    length: int  # sentences
    names: frozenset[str] = frozenset()  # tokens of its names (as ``names`` finds them)

    @classmethod
    def of(cls, text: str, length: int = 1, lowercase_vocab: set[str] | None = None) -> SpanFacts:
        toks = tuple(tokens(text))
        return cls(
            frozenset(toks),
            frozenset(terms(text)),
            frozenset(figures(text, bare=True)),
            toks,
            clauses(text),
            length,
            frozenset(names(text, lowercase_vocab or set())),
        )

    @classmethod
    def union(cls, parts: list[SpanFacts]) -> SpanFacts:
        if len(parts) == 1:
            return parts[0]
        return cls(
            frozenset().union(*(p.vocab for p in parts)),
            frozenset().union(*(p.terms for p in parts)),
            frozenset().union(*(p.figures for p in parts)),
            tuple(t for p in parts for t in p.sequence),
            tuple(c for p in parts for c in p.clauses),
            sum(p.length for p in parts),
            frozenset().union(*(p.names for p in parts)),
        )


@dataclass(frozen=True)
class Background:
    """What a claim may take as given without its span stating it.

    The question's words and names ("Moscow's ambassador" when the span says "Russia's"):
    the user supplied them, so an answer may repeat them — names only when some retrieved
    source knows them (``known_to``), never its figures: both are what a question built on
    a false premise gets wrong ("…in 2023?"). The cited article's title (its names, words
    and figures) and date (its year only: "on March 3, 2025" from an article dated
    2025-03-04; not its month, which need not be the event's). Context, not content: what
    a sentence adds must still be in the span (``bot.answer.evidence``)."""

    vocab: frozenset[str] = frozenset()  # tokens: names are looked up here
    terms: frozenset[str] = frozenset()
    figures: frozenset[str] = frozenset()
    predicate: frozenset[str] = frozenset()  # a question's terms written in lower case
    polar: bool = False  # a yes/no question ("Are they still…?")
    asks: frozenset[str] = frozenset()  # all a question's terms, known to a source or not
    #: a compound question's parts' terms ("How many X…, and how many Y…?"): a sentence
    #: answering one part bears on the question as much as that part is stated
    parts: tuple[frozenset[str], ...] = ()

    @classmethod
    def of_question(cls, question: str) -> Background:
        lower = " ".join(_LOWER_WORD_RE.findall(question))
        asks = frozenset(terms(question))
        parts = split_parts(question)
        return cls(
            frozenset(tokens(question)),
            asks,
            predicate=frozenset(terms(lower)),
            polar=bool(_POLAR_QUESTION_RE.match(question)),
            asks=asks,
            parts=tuple(frozenset(terms(p)) for p in parts) if len(parts) > 1 else (),
        )

    def share_stated(self, stated: Callable[[str], bool]) -> float:
        """The share of the question's terms (``asks``) that ``stated`` holds true for, or
        of one part's, the larger (1.0 for a question without terms)."""
        shares = [sum(map(stated, ts)) / len(ts) for ts in (self.asks, *self.parts) if ts]
        return max(shares, default=1.0)

    @classmethod
    def of_article(cls, title: str, date: str | None) -> Background:
        year = date[:4] if date and YEAR_RE.match(date) else ""
        text = f"{title} {year}"
        return cls(
            frozenset(tokens(text)), frozenset(terms(text)), frozenset(figures(text, bare=True))
        )

    def known_to(self, vocab: set[str] | frozenset[str]) -> Background:
        """This question context less the names no source knows: "What does Garry
        Kasparov say…?" may not lend "Kasparov" to a claim when no retrieved passage
        names him (a premise the sources cannot back)."""
        names = {t for t in self.vocab if t not in STOPWORDS and not t[0].isdigit()}
        unknown = {t for t in names if t not in vocab and not name_in(t, vocab)}
        return replace(
            self, vocab=self.vocab - unknown, terms=self.terms - {stem(t) for t in unknown}
        )

    def __or__(self, other: Background) -> Background:
        return Background(
            self.vocab | other.vocab,
            self.terms | other.terms,
            self.figures | other.figures,
            self.predicate | other.predicate,
            self.polar or other.polar,
            self.asks | other.asks,
            self.parts + other.parts,
        )
