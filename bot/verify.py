"""Verification: keep only the model's sentences that the cited passages support.

``Verifier.verify(reply, chunks)`` takes the model's (sanitized) reply and the retrieved
chunks it was shown as sources ``[1]..[k]`` and returns a ``Verified``: the answer rebuilt
from the supported sentences, citations renumbered ``1..n`` in order of appearance, one
``Citation`` per supporting sentence of a chunk (an exact raw span, so
``file_text[start:end] == quote``), and a ``SentenceVerdict`` per sentence.

The reply is sanitized first (``bot.sanitize``: no links, images, HTML or URLs), whoever
called. For each sentence of the reply:

1. ``[n]`` markers are parsed (``[1]``, ``[1, 2]``, ``[1][2]``, ``[1-3]``, ``[Source 1]``,
   before or after the full stop); markers outside ``1..k`` are dropped.
2. Every sentence of each cited chunk, and every pair whose second sentence refers back
   to the first ("he said", "This brings…"), is judged by
   ``bot.evidence`` (figures, names, quotes, negation, contrasts, then term coverage and
   MiniLM similarity against calibrated thresholds). The best passing span wins, a single
   sentence before a pair. A sentence citing several sources may be supported by the union
   of one span from each.
3. A sentence its citations do not support, or that cites nothing, is re-cited to the best
   passing span of any retrieved chunk; failing that it is dropped (``strict``) or kept
   without citation and marked unsupported (``strict=False``: a page can strike it
   through).
4. Sentences that read like a refusal, ask a question, only restate the question, repeat
   an earlier one, carry no checkable content, or were cut off are dropped. A reply that
   opens with a refusal is a refusal; so is one with nothing supported left.

It never calls the model and never reads files: the chunks carry the raw spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.answer import REFUSAL, Citation, SentenceVerdict
from bot.chunking import Chunk
from bot.evidence import (
    ClaimFacts,
    Judgement,
    SpanFacts,
    Thresholds,
    figures,
    judge,
    lowercase_words,
)
from bot.sanitize import sanitize
from bot.sentences import split_sentences
from bot.terms import stem, terms

Encode = Callable[[Sequence[str]], np.ndarray]

MAX_SENTENCES = 8  # kept sentences; a model looping past this is cut
MAX_RUN = 3  # consecutive sentences one supporting span may join
VECTOR_CACHE = 20_000  # sentence vectors kept between replies

_MARKER_RE = re.compile(
    r"\[\s*(?:sources?|src|ref)?\s*#?\s*"
    r"(\d{1,3}(?:\s*(?:,|;|and|&|-|–)\s*(?:sources?\s*)?\d{1,3})*)\s*\]",
    re.I,
)
_MARKER_MOVE_RE = re.compile(r"([.!?…]+[\"'”’)]*)((?:[ \t]*\[[^\]\n]{1,30}\])+)")
_LIST_PREFIX_RE = re.compile(r"^[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+", re.M)
_LEAD_RE = re.compile(
    r"^\s*(?:the\s+)?(?:final\s+|short\s+)?(?:answer|response)(?:\s+is)?\s*:\s*", re.I
)
_REFUSAL_RE = re.compile(
    r"^\W*(?:the\s+|these\s+|this\s+)?(?:articles?|sources?|context|texts?|passages?|documents?)"
    r"\s+(?:do|does|did)\s*(?:n't|not)\s+(?:say|mention|state|specify|provide|contain|give|"
    r"include|answer|tell|indicate|discuss|address)"
    r"|^\W*i\s+(?:don't|do not|cannot|can't)\s+(?:know|find|answer|tell)"
    r"|^\W*(?:there is no|no)\s+(?:information|mention)\b",
    re.I,
)
#: Stemmed words that say nothing checkable ("Yes.", "Here is the answer:").
_FILLER = frozenset(
    stem(w)
    for w in """
    yes no ok okay sure here answer answers question questions source sources article
    articles text information following based summary context note given provided
    """.split()
)
_TERMINAL_RE = re.compile(r"(?:[.!?…][\"'”’)\]]*|\])\s*$")


@dataclass(frozen=True)
class Claim:
    """One sentence of the model's reply, markers parsed out."""

    text: str
    cited: tuple[int, ...]  # source numbers (1-based) in range, in order of appearance
    invalid: tuple[int, ...] = ()  # markers outside the source list
    complete: bool = True  # ends with a terminal mark or a marker (was not cut off)


@dataclass(frozen=True)
class Span:
    """Consecutive sentences ``first..last`` (indices) of chunk number ``chunk``."""

    chunk: int
    first: int
    last: int


@dataclass(frozen=True)
class Evidence:
    spans: tuple[Span, ...]
    judgement: Judgement

    @property
    def passed(self) -> bool:
        return self.judgement.passed

    @property
    def score(self) -> float:
        return self.judgement.score


@dataclass
class Verified:
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    verdicts: list[SentenceVerdict] = field(default_factory=list)
    dropped: list[SentenceVerdict] = field(default_factory=list)
    reason: str = ""


# --- parsing the reply ---------------------------------------------------------------------


def is_refusal(text: str) -> bool:
    """True when ``text`` opens like a refusal ("The articles don't say…")."""
    return bool(_REFUSAL_RE.match(_LEAD_RE.sub("", text.replace("’", "'"))))


def split_claims(reply: str, n_sources: int) -> list[Claim]:
    """The reply's sentences with their markers (see the module docstring)."""
    text = _LEAD_RE.sub("", _LIST_PREFIX_RE.sub("", reply))
    # "Sentence. [1] Next" -> "Sentence [1]. Next": a marker belongs to the sentence before it
    text = _MARKER_MOVE_RE.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    claims = []
    for a, b in split_sentences(text):
        raw = text[a:b]
        cited: list[int] = []
        invalid: list[int] = []
        for m in _MARKER_RE.finditer(raw):
            for n in _marker_numbers(m.group(1)):
                target = cited if 1 <= n <= n_sources else invalid
                if n not in target:
                    target.append(n)
        clean = " ".join(_MARKER_RE.sub(" ", raw).split())
        clean = _LEAD_RE.sub("", re.sub(r"\s+([.,;:!?…])", r"\1", clean)).strip()
        if not re.search(r"\w", clean):
            continue  # a stray marker or punctuation
        claims.append(Claim(clean, tuple(cited), tuple(invalid), bool(_TERMINAL_RE.search(raw))))
    return claims


def _marker_numbers(body: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|and|&)\s*", body):
        nums = [int(x) for x in re.findall(r"\d+", part)]
        if len(nums) == 2 and re.search(r"[-–]", part) and 0 < nums[1] - nums[0] < 10:
            out.extend(range(nums[0], nums[1] + 1))
        else:
            out.extend(nums)
    return out


# --- the verifier --------------------------------------------------------------------------


class Verifier:
    """Checks a reply sentence by sentence against the chunks (see the module docstring)."""

    def __init__(
        self,
        encode: Encode,
        thresholds: Thresholds | None = None,
        strict: bool = True,
        max_run: int = MAX_RUN,
    ) -> None:
        if max_run < 1:
            raise ValueError("max_run must be at least 1")
        self._encode = encode
        self.thresholds = thresholds or Thresholds()
        self.strict, self.max_run = strict, max_run
        self._vectors: dict[str, np.ndarray] = {}  # passage sentences recur across questions

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts``; passage sentences are cached (bounded)."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if todo:
            if len(self._vectors) + len(todo) > VECTOR_CACHE:
                self._vectors.clear()
            fresh = np.asarray(self._encode(todo), dtype=np.float32)
            self._vectors.update(zip(todo, fresh))
        return np.stack([self._vectors[t] for t in texts])

    def verify(
        self,
        reply: str,
        chunks: Sequence[Chunk],
        strict: bool | None = None,
        question: str = "",
    ) -> Verified:
        """The verified answer to ``question`` from ``reply`` (see the module docstring)."""
        strict = self.strict if strict is None else strict
        asked = set(terms(question))
        if not chunks:
            return Verified(REFUSAL, True, reason="no passage was retrieved")
        claims = split_claims(sanitize(reply), len(chunks))
        if not claims:
            return Verified(REFUSAL, True, reason="the model's reply was empty")
        if is_refusal(claims[0].text):
            return Verified(REFUSAL, True, reason="the model said the sources do not answer")
        ctx = Context(chunks, self.encode, [c.text for c in claims], self.thresholds)
        kept: list[_Kept] = []
        dropped: list[SentenceVerdict] = []
        seen: list[set[str]] = []
        for i, claim in enumerate(claims):
            why_not = _precheck(claim, seen, asked, last=i == len(claims) - 1)
            if why_not:
                dropped.append(SentenceVerdict(claim.text, (), False, 0.0, why_not))
                continue
            seen.append(set(terms(claim.text)))
            evidence, reason = self._support(ctx, i, claim)
            score = evidence.score if evidence else ctx.best_score[i]
            if evidence is None and strict:
                dropped.append(SentenceVerdict(claim.text, (), False, score, reason))
            elif len(kept) >= MAX_SENTENCES:
                dropped.append(SentenceVerdict(claim.text, (), False, score, "answer too long"))
            else:
                kept.append(_Kept(claim, evidence, reason, score))
        if not any(k.evidence is not None for k in kept):
            unsupported = [
                SentenceVerdict(k.claim.text, (), False, k.score, k.reason) for k in kept
            ]
            return Verified(
                REFUSAL,
                True,
                dropped=dropped + unsupported,
                reason="no sentence of the model's reply is supported by the sources",
            )
        return _compose(kept, dropped, chunks)

    def _support(self, ctx: Context, i: int, claim: Claim) -> tuple[Evidence | None, str]:
        notes = []
        if claim.invalid:
            notes.append(f"dropped out-of-range marker {_markers(claim.invalid)}")
        cited = [n - 1 for n in claim.cited]
        if cited:
            ev = ctx.best(i, cited, self.max_run, combine=True)
            if ev.passed:
                return ev, "; ".join([*notes, "supported by its citation"])
            notes.append(f"{_markers(claim.cited)} does not support it ({ev.judgement.why})")
        others = [j for j in range(len(ctx.chunks)) if j not in cited]
        if others:
            ev = ctx.best(i, others, self.max_run, combine=False)
            if ev.passed:
                return ev, "; ".join([*notes, "re-cited to a source that supports it"])
            if not cited:
                notes.append(f"uncited, and no source supports it ({ev.judgement.why})")
        if cited:
            notes.append("no other source supports it")
        return None, "; ".join(notes)


@dataclass(frozen=True)
class _Kept:
    claim: Claim
    evidence: Evidence | None
    reason: str
    score: float


def _precheck(claim: Claim, seen: list[set[str]], asked: set[str], last: bool) -> str:
    """Why a sentence is dropped before any evidence is looked at ("" to go on)."""
    if is_refusal(claim.text):
        return "reads as a refusal"
    if claim.text.rstrip("\"'”’)").endswith("?"):
        return "a question, not a claim"
    content = set(terms(claim.text))
    if content <= _FILLER:
        return "no checkable content"  # "Yes.", "The answer is: 13"
    if last and not claim.complete and not claim.cited:
        return "unfinished sentence"
    if asked and content - _FILLER <= asked and not figures(claim.text):
        return "only restates the question"
    for earlier in seen:
        if content and len(content & earlier) / len(content | earlier) >= 0.8:
            return "repeats an earlier sentence"
    return ""


def _markers(ns: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in ns)


class Context:
    """Per-reply state: claim facts, sentence vectors, span facts; each computed once."""

    def __init__(
        self, chunks: Sequence[Chunk], encode: Encode, claims: list[str], th: Thresholds
    ) -> None:
        self.chunks = list(chunks)
        self.th = th
        sentences = sorted({s.text for c in chunks for s in c.sentences})
        vectors = np.asarray(encode(list(claims) + sentences), dtype=np.float32)
        self.claim_vecs = vectors[: len(claims)]
        self._sent_vec = dict(zip(sentences, vectors[len(claims) :]))
        lower: set[str] = set()
        for text in sentences:
            lower |= lowercase_words(text)
        self.claims = [ClaimFacts.of(c, lower) for c in claims]
        self.best_score = [0.0] * len(claims)
        self._facts: dict[Span, tuple[SpanFacts, list[np.ndarray]]] = {}

    def spans(self, j: int, max_run: int) -> list[Span]:
        """Single sentences, and runs whose later sentences continue the one before ("he
        said", "This brings…"): two self-standing sentences are never joined, which would
        let a claim take its source from one ("ISW analysts wrote") and its fact from the
        next ("the FSB reported 13,000")."""
        sents = self.chunks[j].sentences
        out = []
        for a in range(len(sents)):
            out.append(Span(j, a, a))
            b = a + 1
            while b < min(a + max_run, len(sents)) and _leans_back(sents[b].text):
                out.append(Span(j, a, b))
                b += 1
        return out

    def facts(self, span: Span) -> tuple[SpanFacts, list[np.ndarray]]:
        got = self._facts.get(span)
        if got is None:
            sents = self.chunks[span.chunk].sentences[span.first : span.last + 1]
            facts = SpanFacts.of(" ".join(s.text for s in sents), len(sents))
            got = (facts, [self._sent_vec[s.text] for s in sents])
            self._facts[span] = got
        return got

    def evaluate(self, i: int, spans: tuple[Span, ...]) -> Evidence:
        parts = [self.facts(s) for s in spans]
        facts = SpanFacts.union([p[0] for p in parts])
        similarity = self._similarity(i, [v for p in parts for v in p[1]])
        j = judge(self.claims[i], similarity, facts, self.th)
        self.best_score[i] = max(self.best_score[i], j.score)
        return Evidence(spans, j)

    def _similarity(self, i: int, vectors: list[np.ndarray]) -> float:
        """Cosine between claim ``i`` and the span: the best of its sentences alone or
        together (a short claim drawn from one sentence of a pair is not diluted)."""
        claim = self.claim_vecs[i]
        sims = [float(claim @ v) for v in vectors]
        if len(vectors) > 1:
            total = np.sum(vectors, axis=0)
            sims.append(float(claim @ total) / (float(np.linalg.norm(total)) or 1.0))
        return max(sims)

    def best(self, i: int, chunk_ids: Sequence[int], max_run: int, combine: bool) -> Evidence:
        """The best evidence for claim ``i`` among ``chunk_ids``: a passing single sentence
        first, then a passing pair, then (``combine``) a union of two chunks' spans."""
        per_chunk = {
            j: sorted((self.evaluate(i, (sp,)) for sp in self.spans(j, max_run)), key=_rank)
            for j in chunk_ids
        }
        ranked = sorted((e for evs in per_chunk.values() for e in evs), key=_rank)
        passing = [e for e in ranked if e.passed]
        if passing:
            singles = [e for e in passing if all(s.first == s.last for s in e.spans)]
            return (singles or passing)[0]
        files = {j: self.chunks[j].file for j in per_chunk}
        if combine and len(set(files.values())) > 1:
            keys = sorted(per_chunk)
            unions = [
                ev
                for x, a in enumerate(keys)
                for b in keys[x + 1 :]
                if files[a] != files[b]
                for ea in per_chunk[a][:3]
                for eb in per_chunk[b][:3]
                if (ev := self.evaluate(i, ea.spans + eb.spans)).passed
            ]
            if unions:
                return sorted(unions, key=_rank)[0]
        if ranked:
            return ranked[0]
        return Evidence((), Judgement(0.0, 0.0, 0.0, ("no passage",), False))


_PRONOUN_RE = re.compile(r"\b(?:he|she|they|it|his|her|their|its|him|them)\b", re.I)
_DEMONSTRATIVE_RE = re.compile(r"\b(?:this|these|those|such)\b", re.I)
_SAID_RE = re.compile(
    r"\b(?:he|she|they|it)\s+(?:said|says|wrote|added|noted|told|stated|explained|warned)\b"
    r"|[”\"],?\s+(?:the\s+)?(?:[A-Z][\w.-]*\s+){1,3}(?:said|says|wrote|added|noted|told)\b",
    re.I,
)
_NAME_WORD_RE = re.compile(r"(?<=\s)[A-Z][a-z]")


def _leans_back(sentence: str) -> bool:
    """The sentence continues the one before it: a personal pronoun among its first words,
    a demonstrative ("for this purpose"), an attribution closing a quote ("…,” he said;
    "…,” ISW noted"), a quote that only closes here, or no name of its own ("At least nine
    people were injured")."""
    head = " ".join(sentence.split()[:12])
    return bool(
        _PRONOUN_RE.search(head)
        or _DEMONSTRATIVE_RE.search(sentence)
        or _SAID_RE.search(sentence)
        or (sentence.count("”") > sentence.count("“"))
        or not _NAME_WORD_RE.search(sentence)
    )


def _rank(e: Evidence) -> tuple[int, int, float]:
    """Passing first, then fewer missing facts, then higher score (longer spans pay a bit)."""
    length = sum(s.last - s.first + 1 for s in e.spans)
    return (0 if e.passed else 1, len(e.judgement.missing), -e.score + 0.01 * length)


def _compose(
    kept: list[_Kept], dropped: list[SentenceVerdict], chunks: Sequence[Chunk]
) -> Verified:
    """The verified answer: sentences with renumbered markers, and their citations."""
    numbers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    verdicts: list[SentenceVerdict] = []
    for k in kept:
        if k.evidence is None:
            parts.append(k.claim.text)
            verdicts.append(SentenceVerdict(k.claim.text, (), False, k.score, k.reason))
            continue
        ns: list[int] = []
        for span in k.evidence.spans:
            chunk = chunks[span.chunk]
            for sentence in chunk.sentences[span.first : span.last + 1]:
                key = (chunk.file, sentence.start, sentence.end)
                if key not in numbers:
                    numbers[key] = len(numbers) + 1
                    citations.append(chunk.cite(sentence, numbers[key]))
                if numbers[key] not in ns:
                    ns.append(numbers[key])
        parts.append(f"{k.claim.text} {_markers(ns)}")
        verdicts.append(SentenceVerdict(k.claim.text, tuple(ns), True, k.score, k.reason))
    supported = sum(v.supported for v in verdicts)
    reason = f"{supported} of {len(verdicts) + len(dropped)} sentences verified"
    if dropped:
        reason += f", {len(dropped)} dropped"
    return Verified(" ".join(parts), False, citations, verdicts, dropped, reason)
