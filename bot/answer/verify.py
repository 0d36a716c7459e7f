"""Verification: keep only the model's sentences that the cited passages support.

``Verifier.verify(reply, chunks)`` takes the model's (sanitized) reply and the retrieved
chunks it was shown as sources ``[1]..[k]`` and returns a ``Verified``: the answer rebuilt
from the supported sentences, citations renumbered ``1..n`` in order of appearance, one
``Citation`` per supporting sentence of a chunk (an exact raw span, so
``file_text[start:end] == quote``), and a ``SentenceVerdict`` per sentence.

The reply is sanitized first (``bot.answer.sanitize``: no links, images, HTML or URLs), whoever
called. For each sentence of the reply:

1. ``[n]`` markers are parsed (``[1]``, ``[1, 2]``, ``[1][2]``, ``[1-3]``, ``[Source 1]``,
   before or after the full stop); markers outside ``1..k`` are dropped.
2. Every sentence of each cited chunk, and every pair whose second sentence refers back
   to the first ("he said", "This brings…"), is judged by
   ``bot.answer.evidence`` (figures, names, quotes, negation, contrasts, then term coverage and
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

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.answer.claims import FILLER, Claim, is_refusal, split_claims
from bot.answer.evidence import Thresholds
from bot.answer.facts import figures
from bot.answer.sanitize import sanitize
from bot.answer.support import Encode, Evidence, SupportFinder
from bot.ingest.chunking import Chunk
from bot.markers import format_markers
from bot.text.terms import terms
from bot.types import REFUSAL, Citation, SentenceVerdict

MAX_SENTENCES = 8  # kept sentences; a model looping past this is cut
MAX_RUN = 3  # consecutive sentences one supporting span may join


@dataclass
class Verified:
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    verdicts: list[SentenceVerdict] = field(default_factory=list)
    dropped: list[SentenceVerdict] = field(default_factory=list)
    reason: str = ""


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
        ctx = SupportFinder(chunks, self._encode, [c.text for c in claims], self.thresholds)
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

    def _support(self, ctx: SupportFinder, i: int, claim: Claim) -> tuple[Evidence | None, str]:
        notes = []
        if claim.invalid:
            notes.append(f"dropped out-of-range marker {format_markers(claim.invalid)}")
        cited = [n - 1 for n in claim.cited]
        if cited:
            ev = ctx.best(i, cited, self.max_run, combine=True)
            if ev.passed:
                return ev, "; ".join([*notes, "supported by its citation"])
            notes.append(f"{format_markers(claim.cited)} does not support it ({ev.judgement.why})")
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
    if content <= FILLER:
        return "no checkable content"  # "Yes.", "The answer is: 13"
    if last and not claim.complete and not claim.cited:
        return "unfinished sentence"
    if asked and content - FILLER <= asked and not figures(claim.text):
        return "only restates the question"
    for earlier in seen:
        if content and len(content & earlier) / len(content | earlier) >= 0.8:
            return "repeats an earlier sentence"
    return ""


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
        parts.append(f"{k.claim.text} {format_markers(ns)}")
        verdicts.append(SentenceVerdict(k.claim.text, tuple(ns), True, k.score, k.reason))
    supported = sum(v.supported for v in verdicts)
    reason = f"{supported} of {len(verdicts) + len(dropped)} sentences verified"
    if dropped:
        reason += f", {len(dropped)} dropped"
    return Verified(" ".join(parts), False, citations, verdicts, dropped, reason)
