"""Support: find the span of the retrieved chunks that best backs one claim.

A ``Span`` is a run of consecutive sentences of one chunk: a single sentence, or one whose
later sentences lean on it (``bot.text.discourse.leans_back``: "…,” he said", "This
brings…"). ``SupportFinder`` holds one reply's claims, their vectors and every span's facts
(each computed once) and ranks spans per claim with ``bot.answer.evidence.judge``: a
passing single sentence first, then a passing run, then the union of two files' spans.
It decides nothing about which sentences an answer keeps (``bot.answer.verify`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer.evidence import Judgement, Thresholds, judge
from bot.answer.facts import ClaimFacts, SpanFacts, lowercase_words
from bot.ingest.chunking import Chunk
from bot.text.discourse import leans_back

Encode = Callable[[Sequence[str]], np.ndarray]
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
            while b < min(a + max_run, len(sents)) and leans_back(sents[b].text):
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
                for ea in per_chunk[a][:UNION_CANDIDATES]
                for eb in per_chunk[b][:UNION_CANDIDATES]
                if (ev := self.evaluate(i, ea.spans + eb.spans)).passed
            ]
            if unions:
                return sorted(unions, key=_rank)[0]
        if ranked:
            return ranked[0]
        return Evidence((), Judgement(0.0, 0.0, 0.0, ("no passage",), False))


def _rank(e: Evidence) -> tuple[int, int, float]:
    """Passing first, then fewer missing facts, then higher score (longer spans pay a bit)."""
    length = sum(s.last - s.first + 1 for s in e.spans)
    return (0 if e.passed else 1, len(e.judgement.missing), -e.score + LENGTH_COST * length)
