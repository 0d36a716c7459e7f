"""Support: find the span of the retrieved chunks that best backs one claim.

A ``Span`` is a run of consecutive sentences of one chunk: a single sentence, or one whose
later sentences lean on it (``bot.text.discourse.leans_back``: "…,” he said", "This
brings…"). ``SupportFinder`` holds one reply's claims (added one at a time), their vectors (alone
and after the question), every span's facts and each chunk's article context (each
computed once) and ranks spans per claim with ``bot.answer.evidence.judge``: a passing
sentence that stands alone first, then a passing run, then the union of two files' spans;
``quoted`` judges the sentences a model quoted; ``by_clauses`` backs a compound sentence
clause by clause.
It decides nothing about which sentences an answer keeps (``bot.answer.verify`` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.answer.claims import split_clauses
from bot.answer.evidence import Judgement, Thresholds, judge
from bot.answer.facts import Background, ClaimFacts, SpanFacts, lowercase_words
from bot.answer.quotes import locate
from bot.ingest.chunking import Chunk
from bot.protocols import Encode
from bot.text.discourse import leans_back
from bot.text.terms import tokens

#: Best spans per chunk tried in unions of two files' spans.
UNION_CANDIDATES = 3
#: Score cost per sentence of a span: of two spans that pass, the shorter wins a tie.
LENGTH_COST = 0.01


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


class SupportFinder:
    """Per-reply state: claim facts, sentence vectors, span facts; each computed once.

    Claims arrive one at a time (``add``), as a streamed reply completes them. Each is
    embedded twice: alone, and after the question ("Who is Moscow's ambassador…? Alexander
    Matsegora"), so a terse answer is compared as the claim it makes."""

    def __init__(
        self, chunks: Sequence[Chunk], encode: Encode, th: Thresholds, question: str = ""
    ) -> None:
        self.chunks = list(chunks)
        self.th, self.question = th, question.strip()
        self._encode = encode
        self.articles = [Background.of_article(c.title, c.date) for c in self.chunks]
        sentences = sorted({s.text for c in chunks for s in c.sentences})
        known = {t for text in sentences for t in tokens(text)}
        known = known.union(*(a.vocab for a in self.articles))
        self._lower: set[str] = set()
        for text in sentences:
            self._lower |= lowercase_words(text)
        self.asked = Background.of_question(self.question).known_to(known)
        vectors = np.asarray(encode(sentences), dtype=np.float32) if sentences else None
        self._sent_vec = dict(zip(sentences, vectors)) if vectors is not None else {}
        self.claims: list[ClaimFacts] = []
        self.claim_vecs: list[np.ndarray] = []  # per claim: (alone, after the question)
        self.best_score: list[float] = []
        self._facts: dict[Span, tuple[SpanFacts, list[np.ndarray]]] = {}

    def add(self, claim: str) -> int:
        """Register one more claim; returns its index."""
        texts = [claim, f"{self.question} {claim}"] if self.question else [claim]
        self.claim_vecs.append(np.asarray(self._encode(texts), dtype=np.float32))
        self.claims.append(ClaimFacts.of(claim, self._lower))
        self.best_score.append(0.0)
        return len(self.claims) - 1

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
            while b < min(a + max_run, len(sents)) and leans_back(sents[b].text):
                out.append(Span(j, a, b))
                b += 1
        return out

    def facts(self, span: Span) -> tuple[SpanFacts, list[np.ndarray]]:
        got = self._facts.get(span)
        if got is None:
            sents = self.chunks[span.chunk].sentences[span.first : span.last + 1]
            facts = SpanFacts.of(" ".join(s.text for s in sents), len(sents), self._lower)
            got = (facts, [self._sent_vec[s.text] for s in sents])
            self._facts[span] = got
        return got

    def evaluate(self, i: int, spans: tuple[Span, ...]) -> Evidence:
        parts = [self.facts(s) for s in spans]
        facts = SpanFacts.union([p[0] for p in parts])
        similarity = self._similarity(i, [v for p in parts for v in p[1]])
        article = self.articles[spans[0].chunk]
        for s in spans[1:]:
            article = article | self.articles[s.chunk]
        j = judge(self.claims[i], similarity, facts, self.th, article, self.asked)
        self.best_score[i] = max(self.best_score[i], j.score)
        return Evidence(spans, j)

    def _reliance(self, e: Evidence) -> int:
        """0: single sentences that stand alone; 1: a run; 2: a sentence leaning back."""
        if any(s.first != s.last for s in e.spans):
            return 1
        sents = [self.chunks[s.chunk].sentences[s.first] for s in e.spans]
        return 2 if any(s.text and leans_back(s.text) for s in sents) else 0

    def _similarity(self, i: int, vectors: list[np.ndarray]) -> float:
        """Cosine between claim ``i`` (alone or after the question, the better) and the
        span: the best of its sentences alone or together (a short claim drawn from one
        sentence of a pair is not diluted)."""
        claim = self.claim_vecs[i]  # rows: the claim alone, after the question
        if len(vectors) > 1:
            total = np.sum(vectors, axis=0)
            vectors = [*vectors, total / (float(np.linalg.norm(total)) or 1.0)]
        return float(np.max(claim @ np.asarray(vectors).T))

    def quoted(self, i: int, quote: str, chunk_ids: Sequence[int], max_run: int) -> Evidence | None:
        """The evidence at the first place among ``chunk_ids`` where claim ``i``'s quote is
        found, judged by the quote bars (``Thresholds.quote_*``): hard checks, coverage
        and similarity against the sentences quoted. None when the quote is nowhere."""
        for j in chunk_ids:
            found = locate(quote, self.chunks[j])
            if found is None or found[1] - found[0] >= max_run:
                continue
            ev = self.evaluate(i, (Span(j, *found),))
            jd = ev.judgement
            ok = (
                not jd.missing
                and jd.coverage >= self.th.quote_coverage
                and jd.similarity >= self.th.quote_similarity
            )
            return Evidence(ev.spans, replace(jd, passed=ok))
        return None

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
            # a sentence that stands alone first; then a run; a sentence that leans on the
            # one before ("…for this purpose") only when its run does not pass, so the
            # citation shows what "this" is even when the question supplied it
            return min(passing, key=lambda e: (self._reliance(e), passing.index(e)))
        files = {j: self.chunks[j].file for j in per_chunk}
        if combine and len(set(files.values())) > 1:
            keys = sorted(per_chunk)
            unions = [
                ev
                for x, a in enumerate(keys)
                for b in keys[x + 1 :]
                if files[a] != files[b]
                for ea in per_chunk[a][:UNION_CANDIDATES]
                for eb in per_chunk[b][:UNION_CANDIDATES]
                if (ev := self.evaluate(i, ea.spans + eb.spans)).passed
            ]
            if unions:
                return sorted(unions, key=_rank)[0]
        if ranked:
            return ranked[0]
        return Evidence((), Judgement(0.0, 0.0, 0.0, ("no passage",), False))

    def by_clauses(self, claim: str, chunk_ids: Sequence[int], max_run: int) -> Evidence | None:
        """A compound sentence no one span supports, backed clause by clause ("X was
        $9,000, while Y was $16,000"): every clause by a span of one of ``chunk_ids``, all
        their spans together; None when it is not compound or a clause fails."""
        parts = split_clauses(claim)
        if len(parts) < 2:
            return None
        found = []
        for part in parts:
            ev = self.best(self.add(part), chunk_ids, max_run, combine=False)
            if not ev.passed:
                return None
            found.append(ev)
        spans = tuple(dict.fromkeys(s for ev in found for s in ev.spans))
        return Evidence(spans, min(found, key=lambda e: e.score).judgement)


def _rank(e: Evidence) -> tuple[int, int, float]:
    """Passing first, then fewer missing facts, then higher score (longer spans pay a bit)."""
    length = sum(s.last - s.first + 1 for s in e.spans)
    return (0 if e.passed else 1, len(e.judgement.missing), -e.score + LENGTH_COST * length)
