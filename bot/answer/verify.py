"""Verification: keep only the model's sentences that the cited passages support.

``Verifier.verify(reply, chunks, question=…)`` takes the model's (sanitized) reply and the
retrieved chunks it was shown as sources ``[1]..[k]`` and returns a ``Verified``: the
answer rebuilt from the supported sentences, citations renumbered ``1..n`` in order of
appearance, one ``Citation`` per supporting sentence of a chunk (an exact raw span, so
``file_text[start:end] == quote``), and a ``SentenceVerdict`` per sentence.
``Verifier.check(chunks, question)`` does the same a sentence at a time (``Check.add``),
each decided for good as it arrives, so a stream can show a sentence once it has passed.

The reply is sanitized first (``bot.answer.sanitize``: no links, images, HTML or URLs), whoever
called. For each sentence of the reply:

1. ``[n]`` markers are parsed (``[1]``, ``[1, 2]``, ``[1][2]``, ``[1-3]``, ``[Source 1]``,
   before or after the full stop); markers outside ``1..k`` are dropped.
2. Every sentence of each cited chunk, and every pair whose second sentence refers back
   to the first ("he said", "This brings…"), is judged by ``bot.answer.evidence`` as the
   claim the sentence makes in answer to the question (figures, names, quotes, negation,
   contrasts, what a terse answer is said of, then coverage and MiniLM similarity against
   calibrated thresholds), and the span (with its article's title) must state a share of
   the question's terms (``Thresholds.min_asked``): a sentence copied from a source that
   does not bear on the question answers nothing. The best passing span wins, a sentence
   that stands alone before a pair. A sentence citing several sources may be supported by
   the union of one span from each. A sentence followed by a quote of its source (``> …``)
   is first checked against the sentences quoted (``bot.answer.quotes``).
3. A sentence its citations do not support, or that cites nothing, is re-cited to the best
   passing span of any retrieved chunk; a compound sentence ("X was $9,000, while Y was
   $16,000") may be backed clause by clause, each clause by a span of its own; failing
   that it is dropped (``strict``) or kept
   without citation and marked unsupported (``strict=False``: a page can strike it
   through).
4. Sentences that read like a refusal, ask a question, pass on a source's instruction to
   its reader ("The article instructs you to …"), only restate the question, repeat
   an earlier one, carry no checkable content, or were cut off are dropped; so are
   sentences that cannot stand where they are (``bot.answer.screening``): a first answer
   without what the question asks for (no figure for "What is the range…?"), one pointing
   back to a dropped sentence ("This brings the total…"), one giving the question's verb
   another name ("…won the Northfield Chess Open" for "Who won the Eastbrook Rapid?"). A
   reply that opens with a refusal is a refusal; so is one with nothing supported left.
5. With an ``Assessor`` (the offline selector, ``LearnedAnswerer.assess``) as a second
   opinion: when it finds the chunks very unlikely to answer the question at all, no
   sentence is kept, however well its source backs it (a model inventing an answer
   quotes an on-topic sentence); when it is confident of the sentence it would quote,
   a sentence citing it that adds nothing the sentence lacks — or, when that sentence
   leans back, nothing the two lack (hard checks passed) — is kept even if the wording
   is far from it ("Louisiana is in a legal battle over …").
6. A question asked about a known day (``as_of``) is not answered from articles written
   more than a week after it (they report what happened since), and one that names its
   own week ("…this week?") only from articles of that week (``bot.answer.timeline``;
   undated ones always may): a look-alike story from another time supports nothing,
   cited or not.

It never calls the model and never reads files: the chunks carry the raw spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from bot.answer.claims import Claim, is_refusal, split_claims
from bot.answer.evidence import Thresholds
from bot.answer.query import Query
from bot.answer.sanitize import sanitize
from bot.answer.screening import out_of_place, precheck
from bot.answer.support import Evidence, Span, SupportFinder
from bot.answer.timeline import out_of_time
from bot.ingest.chunking import Chunk
from bot.markers import format_markers
from bot.protocols import Assessor, Encode
from bot.text.discourse import leans_back
from bot.text.terms import terms
from bot.types import REFUSAL, Assessment, Citation, SentenceVerdict

MAX_SENTENCES = 8  # kept sentences; a model looping past this is cut
MAX_RUN = 3  # consecutive sentences one supporting span may join
VOUCHED = "{marks} holds the sentence the offline answerer quotes, and all the sentence adds"
VOUCHED_RECITED = "re-cited to the sentence the offline answerer quotes, which holds all it adds"


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
        assessor: Assessor | None = None,
    ) -> None:
        if max_run < 1:
            raise ValueError("max_run must be at least 1")
        self._encode = encode
        self.thresholds = thresholds or Thresholds()
        self.strict, self.max_run = strict, max_run
        self.assessor = assessor

    def verify(
        self,
        reply: str,
        chunks: Sequence[Chunk],
        strict: bool | None = None,
        question: str = "",
        as_of: date | None = None,
    ) -> Verified:
        """The verified answer to ``question`` (asked about ``as_of``, when known) from
        ``reply`` (see the module docstring)."""
        check = self.check(chunks, question, strict, as_of)
        claims = split_claims(sanitize(reply), len(chunks))
        for i, claim in enumerate(claims):
            check.add(claim, last=i == len(claims) - 1)
        return check.result()

    def check(
        self,
        chunks: Sequence[Chunk],
        question: str = "",
        strict: bool | None = None,
        as_of: date | None = None,
    ) -> Check:
        """A check of one reply whose sentences arrive one at a time (``Check.add``)."""
        return Check(self, chunks, question, self.strict if strict is None else strict, as_of)


class Check:
    """One reply's verification, a sentence at a time, in order: each ``add`` decides its
    sentence for good (kept with its citations numbered in order of appearance, or
    dropped), so what a stream shows sentence by sentence is the final answer's text."""

    def __init__(
        self,
        verifier: Verifier,
        chunks: Sequence[Chunk],
        question: str,
        strict: bool,
        as_of: date | None = None,
    ) -> None:
        self.verifier, self.chunks, self.strict = verifier, list(chunks), strict
        self.question, self.as_of = question, as_of
        self._assessment: Assessment | None = None
        # chunks that may not support a sentence, and why: another week than the one the
        # question names, or written well after the day it is asked about
        whys = (out_of_time(question, as_of, c.date) for c in self.chunks)
        self.out_of_time = {j: why for j, why in enumerate(whys) if why}
        self.asked = set(terms(question))
        self._after_drop = False  # the last sentence screened for placement was dropped
        self._finder: SupportFinder | None = None
        self._seen: list[set[str]] = []
        self.numbers: dict[tuple[str, int, int], int] = {}
        self.citations: list[Citation] = []
        self.parts: list[str] = []
        self.verdicts: list[SentenceVerdict] = []
        self.dropped: list[SentenceVerdict] = []
        self.refusal = "" if self.chunks else "no passage was retrieved"
        self.sentences = 0

    @property
    def done(self) -> bool:
        """Nothing more the model writes can change the answer (a refusal, or full)."""
        return bool(self.refusal) or len(self.verdicts) >= MAX_SENTENCES

    def add(self, claim: Claim, last: bool = False) -> str:
        """Judge the next sentence; returns it with its markers when it is supported ("" if
        not: dropped, or kept unsupported when not ``strict``)."""
        self.sentences += 1
        if self.sentences == 1 and is_refusal(claim.text) and not self.refusal:
            self.refusal = "the model said the sources do not answer"
        if self.refusal:
            return ""
        why_not = precheck(claim, self._seen, self.asked, last)
        if why_not:
            self.dropped.append(SentenceVerdict(claim.text, (), False, 0.0, why_not))
            return ""
        self._seen.append(set(terms(claim.text)))
        if len(self.verdicts) >= MAX_SENTENCES:
            self.dropped.append(SentenceVerdict(claim.text, (), False, 0.0, "answer too long"))
            return ""
        answered = any(v.supported for v in self.verdicts)
        misplaced = out_of_place(claim, self.question, answered, self._after_drop)
        self._after_drop = True  # until it is kept
        if misplaced:
            self.dropped.append(SentenceVerdict(claim.text, (), False, 0.0, misplaced))
            return ""
        finder = self._finder or self._start()
        i = finder.add(claim.text)
        evidence, reason = self._support(finder, i, claim)
        if evidence is None and not claim.quote:  # a compound sentence, clause by clause
            ids = [j for j in range(len(self.chunks)) if j not in self.out_of_time]
            if (found := finder.by_clauses(claim.text, ids, self.verifier.max_run)) is not None:
                evidence, reason = found, f"{reason}; each of its clauses is supported"
        if evidence is not None and self.assessment.doubt:
            evidence, reason = None, f"{reason}, but {self.assessment.doubt}"
        score = evidence.score if evidence else finder.best_score[i]
        if evidence is None:
            if self.strict:
                self.dropped.append(SentenceVerdict(claim.text, (), False, score, reason))
                return ""
            self.parts.append(claim.text)  # kept, marked unsupported: never streamed
            self.verdicts.append(SentenceVerdict(claim.text, (), False, score, reason))
            return ""
        self._after_drop = False
        ns = self._cite(evidence)
        self.parts.append(f"{claim.text} {format_markers(ns)}")
        self.verdicts.append(SentenceVerdict(claim.text, tuple(ns), True, score, reason))
        return self.parts[-1]

    def result(self) -> Verified:
        """The verified answer from the sentences added so far."""
        if self.refusal:
            return Verified(REFUSAL, True, reason=self.refusal)
        if not self.sentences:
            return Verified(REFUSAL, True, reason="the model's reply was empty")
        if not any(v.supported for v in self.verdicts):
            unsupported = [replace(v, citations=()) for v in self.verdicts]
            return Verified(
                REFUSAL,
                True,
                dropped=self.dropped + unsupported,
                reason="no sentence of the model's reply is supported by the sources",
            )
        supported = sum(v.supported for v in self.verdicts)
        reason = f"{supported} of {len(self.verdicts) + len(self.dropped)} sentences verified"
        if self.dropped:
            reason += f", {len(self.dropped)} dropped"
        return Verified(
            " ".join(self.parts), False, self.citations, self.verdicts, self.dropped, reason
        )

    @property
    def assessment(self) -> Assessment:
        """The assessor's opinion of the chunks, asked once (no assessor or no question: no
        doubt, no vouching)."""
        if self._assessment is None:
            assessor = self.verifier.assessor
            query = Query(self.question, self.question, as_of=self.as_of)
            self._assessment = (
                assessor.assess(query, self.chunks)
                if assessor and self.chunks and self.question.strip()
                else Assessment(1.0)
            )
        return self._assessment

    def _vouched(self, ctx: SupportFinder, i: int, chunk_ids: Sequence[int]) -> Evidence | None:
        """Claim ``i`` backed by the sentence the assessor would quote, when it is in one of
        ``chunk_ids`` and, alone or with the sentence before it leans on ("Bed Bath &
        Beyond warned…" before "…, the home goods chain said"), holds all the claim adds
        (its hard checks passed)."""
        vouched = self.assessment.vouched
        for j in chunk_ids if vouched else ():
            chunk = self.chunks[j]
            if chunk.file != vouched[0]:
                continue
            for k, sentence in enumerate(chunk.sentences):
                if sentence.start != vouched[1]:
                    continue
                spans = [Span(j, k, k)]
                if k and leans_back(sentence.text):
                    spans.append(Span(j, k - 1, k))
                for span in spans:
                    ev = ctx.evaluate(i, (span,))
                    if not ev.judgement.missing:
                        return ev
                return None
        return None

    def _start(self) -> SupportFinder:
        v = self.verifier
        self._finder = SupportFinder(self.chunks, v._encode, v.thresholds, self.question)
        return self._finder

    def _support(self, ctx: SupportFinder, i: int, claim: Claim) -> tuple[Evidence | None, str]:
        """The evidence for claim ``i``: its citations first, then any retrieved chunk."""
        max_run = self.verifier.max_run
        notes = []
        if claim.invalid:
            notes.append(f"dropped out-of-range marker {format_markers(claim.invalid)}")
        stale = [n for n in claim.cited if n - 1 in self.out_of_time]
        for n in stale:
            notes.append(f"{format_markers([n])} {self.out_of_time[n - 1]}")
        cited = [n - 1 for n in claim.cited if n not in stale]
        # the chunks it did not cite that may support it (none out of the question's time)
        others = [j for j in range(len(ctx.chunks)) if j not in cited and j not in self.out_of_time]
        if claim.quote:
            ev = ctx.quoted(i, claim.quote, cited + others, max_run)
            if ev is not None and ev.passed:
                return ev, "; ".join([*notes, "supported by the words it quotes"])
            notes.append("its quote " + ("does not support it" if ev else "is not in the sources"))
        if cited:
            ev = ctx.best(i, cited, max_run, combine=True)
            if ev.passed:
                return ev, "; ".join([*notes, "supported by its citation"])
            marks = format_markers([j + 1 for j in cited])
            vouched = self._vouched(ctx, i, cited)
            if vouched is not None:
                return vouched, "; ".join([*notes, VOUCHED.format(marks=marks)])
            notes.append(f"{marks} does not support it ({ev.judgement.why})")
        if others:
            # never two files for a sentence that did not cite both: a union of spans
            # from anywhere would back almost any mix of facts
            ev = ctx.best(i, others, max_run, combine=False)
            if ev.passed:
                return ev, "; ".join([*notes, "re-cited to a source that supports it"])
            vouched = self._vouched(ctx, i, others)
            if vouched is not None:
                return vouched, "; ".join([*notes, VOUCHED_RECITED])
            if not cited and not stale:
                notes.append(f"uncited, and no source supports it ({ev.judgement.why})")
        if cited or stale:
            notes.append("no other source supports it")
        return None, "; ".join(notes)

    def _cite(self, evidence: Evidence) -> list[int]:
        """Citation numbers for the evidence's sentences, new ones numbered in order."""
        ns: list[int] = []
        for span in evidence.spans:
            chunk = self.chunks[span.chunk]
            for sentence in chunk.sentences[span.first : span.last + 1]:
                key = (chunk.file, sentence.start, sentence.end)
                if key not in self.numbers:
                    self.numbers[key] = len(self.numbers) + 1
                    self.citations.append(chunk.cite(sentence, self.numbers[key]))
                if self.numbers[key] not in ns:
                    ns.append(self.numbers[key])
        return ns
