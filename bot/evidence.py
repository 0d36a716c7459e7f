"""Evidence: does one passage span support one claim sentence? Facts first, then overlap.

``ClaimFacts`` holds what a claim hinges on; ``SpanFacts`` the same for a passage span;
``judge`` compares them and returns ``Evidence`` (scores, the facts the span lacks, and
whether it passes the ``Thresholds``). The checks, in order:

* figures — every number in the claim, in digits or words (``11,000`` = ``11000``,
  ``three`` = ``3``), must be in the span; ``hundreds``/``thousands``/``millions`` need
  the same word or a figure of that size (``11,000 ≠ 12,000``, ``thousands ≠ hundreds``);
* names — capitalised words the sources never write in lower case ("Putin", not
  "President"), and north/south/east/west, must be in the span, allowing endings
  (``Korean`` ~ ``Korea``, ``Ukrainian`` ~ ``Ukraine``);
* quotations in the claim must appear verbatim (case and punctuation aside);
* negation — a negated claim needs a negated clause in the span, and a negated span clause
  that speaks of the claim's subject ("a full ceasefire remains out of reach") refuses a
  positive claim ("they agreed to a full ceasefire");
* contrasts — a claim word whose opposite the span uses instead ("accepted" vs
  "declined", "killed" vs "injured", "charged" vs "free", "rose" vs "fell"; "voted for"
  vs "voted against" within a clause about the claim's subject) is refused;
* overlap — term coverage (share of the claim's stemmed content words in the span) and
  MiniLM cosine similarity must clear the calibrated thresholds.

Pure functions over text and vectors: no model calls, no files, no chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.terms import STOPWORDS, normalize_number, stem, terms, tokens


@dataclass(frozen=True)
class Thresholds:
    """Support thresholds, chosen by ``scripts/calibrate_verifier.py`` on 109 hand-labelled
    claims about the seeds (61 supported): the grid point minimising 2 x false accepts +
    false rejects. With them the verifier accepts 56/61 supported and 4/48 unsupported
    claims there; the hard checks alone reject 36/48 unsupported and no supported one.
    Two-fold (fit on one half, test on the other): 46/61 and 6/48."""

    min_coverage: float = 0.45
    min_score: float = 0.68
    w_cov: float = 0.3  # weight of coverage in the score; similarity gets the rest
    run_penalty: float = 0.0  # extra bar for spans of several sentences (0: none needed)


_NEGATION_RE = re.compile(
    r"\b(?:not|no|never|none|neither|nor|nobody|nothing|without|cannot|unable|unlikely|"
    r"denied|denies|deny|refused|refuses|declined|declines|failed|fails|rejected)\b"
    r"|n[’']t\b|\bout of reach\b|\bno longer\b",
    re.I,
)
_CLAUSE_RE = re.compile(r"[.!?,;:—–()“”\"]|\b(?:but|while|whereas|although|though|however)\b", re.I)
_QUOTE_RE = re.compile(r"[\"“”]([^\"“”]{3,300})[\"“”]")
_CAP_WORD_RE = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*")
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
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
    if w != "_"
} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "dozen": "12",
}
#: "hundreds" wants the word or a figure in [low, high).
_MAGNITUDES = {
    "dozens": (13, 100),
    "hundreds": (100, 1000),
    "thousands": (1000, 1_000_000),
    "millions": (1_000_000, 1_000_000_000),
    "billions": (1_000_000_000, 10**15),
}
_MAGNITUDE_STEM = {m: stem(m) for m in _MAGNITUDES}
#: Pairs of opposite word families (stemmed at import). A claim using one side where the
#: span uses only the other is refused. The last flag marks families of function words
#: ("for"/"against"), too common to judge over a whole span: they are compared clause by
#: clause, in clauses about the claim's subject.
_CONTRASTS_WORDS = (
    (
        "accept accepted agree agreed approve approved allow allowed welcome welcomed confirm "
        "confirmed admit admitted grant granted",
        "decline declined refuse refused reject rejected veto vetoed deny denied ban banned "
        "prohibit prohibited dismiss dismissed oppose opposed block blocked",
        False,
    ),
    (
        "increase increased rise rose risen surge surged grow grew grown jump jumped climb "
        "climbed soar soared higher",
        "decrease decreased fall fell fallen drop dropped shrink shrank plunge plunged fewer lower",
        False,
    ),
    ("kill killed die died dead death deaths fatal", "injure injured wound wounded hurt", False),
    (
        "condemn condemned criticise criticised criticize criticized denounce denounced",
        "defend defended praise praised",
        False,
    ),
    ("win won victory", "lose lost defeat defeated", False),
    ("free", "charge charged fee fees paid", False),
    ("all entire entirely every fully completely", "some part partly partially several", False),
    ("for", "against", True),
)
_CONTRASTS = tuple(
    (frozenset(stem(w) for w in a.split()), frozenset(stem(w) for w in b.split()), clausal)
    for a, b, clausal in _CONTRASTS_WORDS
)


# --- facts ---------------------------------------------------------------------------------


def _num(token: str) -> str:
    """Normalised figure: ``11,000`` -> ``11000``, ``03`` -> ``3``, ``three`` -> ``3``."""
    token = normalize_number(_NUMBER_WORDS.get(token.lower(), token))
    if re.fullmatch(r"\d+", token):
        return token.lstrip("0") or "0"
    return token


def figures(text: str) -> set[str]:
    """Numbers in ``text``, digits or number words, normalised."""
    found = {_num(t) for t in re.findall(r"\d+(?:[.,]\d+)*", text)}
    words = re.findall(r"[a-z]+", text.lower())
    return found | {_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS}


def magnitudes(text: str) -> set[str]:
    """``hundreds``, ``thousands``… used in ``text`` (as words, not figures)."""
    stems = {stem(t) for t in tokens(text)}
    return {m for m, s in _MAGNITUDE_STEM.items() if s in stems}


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
        if shorter >= 5 and _common_prefix(name, tok) >= max(5, -(-4 * shorter // 5)):
            return True
    return False


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


def negated(text: str) -> bool:
    return bool(_NEGATION_RE.search(text))


def _all_stems(text: str) -> frozenset[str]:
    return frozenset(stem(t) for t in tokens(text))


@dataclass(frozen=True)
class Clause:
    """A clause of a span: its content terms, all its word stems, and whether it negates."""

    terms: frozenset[str]
    stems: frozenset[str]
    negated: bool

    def about(self, claim: ClaimFacts) -> bool:
        """The clause speaks of what the claim says: it shares two of the claim's terms,
        one of them not a name ("refused compensation" is not about "the stay was free"
        just because both name Matsegora), or all of its own terms are the claim's."""
        shared = self.terms & claim.terms
        if shared and self.terms <= claim.terms:
            return True
        return len(shared) >= 2 and bool(shared & claim.predicate)


def clauses(text: str) -> tuple[Clause, ...]:
    parts = (c for c in _CLAUSE_RE.split(text) if c and c.strip())
    return tuple(Clause(frozenset(terms(c)), _all_stems(c), negated(c)) for c in parts)


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
            _all_stems(text),
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

    @classmethod
    def of(cls, text: str, length: int = 1) -> SpanFacts:
        toks = tuple(tokens(text))
        return cls(
            frozenset(toks),
            frozenset(terms(text)),
            frozenset(figures(text)),
            toks,
            clauses(text),
            length,
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
        )


# --- judging -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    coverage: float
    similarity: float
    score: float
    missing: tuple[str, ...]  # facts of the claim the span lacks or contradicts
    passed: bool

    @property
    def why(self) -> str:
        if self.missing:
            return "not in the passage: " + ", ".join(self.missing[:3])
        return f"weak support (coverage {self.coverage:.2f}, similarity {self.similarity:.2f})"


def missing_facts(claim: ClaimFacts, span: SpanFacts) -> list[str]:
    """The claim's figures, names, quotes, negation or contrasts the span does not back."""
    missing = sorted(claim.figures - span.figures)
    for m in sorted(claim.magnitudes):
        low, high = _MAGNITUDES[m]
        if not any(_MAGNITUDE_STEM[m] in c.stems for c in span.clauses) and not any(
            _in_range(f, low, high) for f in span.figures
        ):
            missing.append(m)
    missing += [n for n in claim.names if not name_in(n, span.vocab)]
    for q in claim.quotes:
        if not _contains(span.sequence, q):
            missing.append("“" + " ".join(q) + "”")
    about = [c for c in span.clauses if c.about(claim)]
    if claim.negated and not any(c.negated for c in span.clauses):
        missing.append("a negation")
    elif not claim.negated and any(c.negated for c in about):
        missing.append("the passage's negation")
    span_stems = frozenset().union(*(c.stems for c in span.clauses))
    for a, b, clausal in _CONTRASTS:
        for mine, other in ((a, b), (b, a)):
            said = claim.stems & mine
            if not said or claim.stems & other:
                continue
            scopes = [c.stems for c in about] if clausal else [span_stems]
            for scope in scopes:
                if scope & other and not scope & mine:
                    missing.append(f"{min(said)} (the passage says {min(scope & other)})")
                    break
    return missing


def judge(claim: ClaimFacts, similarity: float, span: SpanFacts, th: Thresholds) -> Judgement:
    """How well ``span`` supports ``claim``, given their embedding cosine ``similarity``."""
    missing = missing_facts(claim, span)
    if claim.terms:
        found = [t for t in claim.terms if t in span.terms or name_in(t, span.terms)]
        coverage = len(found) / len(claim.terms)
    else:
        coverage = 1.0
    score = th.w_cov * coverage + (1 - th.w_cov) * similarity
    extra = th.run_penalty if span.length > 1 else 0.0
    passed = not missing and coverage >= th.min_coverage + extra and score >= th.min_score + extra
    return Judgement(coverage, similarity, score, tuple(missing), passed)


def _in_range(figure: str, low: int, high: int) -> bool:
    try:
        return low <= float(figure) < high
    except ValueError:
        return False


def _contains(seq: tuple[str, ...], sub: tuple[str, ...]) -> bool:
    n = len(sub)
    return any(seq[i : i + n] == sub for i in range(len(seq) - n + 1))
