"""Fallback: answer with the LLM; when it cannot give a verified answer, quote the articles.

``FallbackAnswerer`` wraps a primary answerer (the LLM) and the extractive one. Two cases
hand the question to the extractive answerer, whose answer quotes the articles verbatim:

* the primary raises ``LLMError`` (unreachable, timed out, broke off mid-stream): the
  extractive answer is returned with ``fell_back=True`` and the cause in ``reason`` — or,
  with fallback disabled, the error propagates. Text already streamed stays streamed.
* the model gave no verified answer — verification kept none of what it wrote, or it said
  itself that the articles don't say (a small model often refuses questions its sources
  answer): when the offline answerer (its ``Assessor``) is very sure the articles answer,
  P at least ``OVERRULE_ABOVE``, its answer is returned instead of the refusal,
  ``fell_back=True``, the model's dropped sentences still in ``dropped``. Without an
  assessor, only a dropped answer is replaced, by any answer the extractive one gives.

It neither retrieves nor verifies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from bot.answer.query import Query
from bot.errors import LLMError
from bot.ingest.chunking import Chunk
from bot.protocols import Answerer, Assessor, Condenser, StreamingAnswerer
from bot.types import Answer, Status

#: The articles are quoted in the model's stead (it refused, or verification kept nothing it
#: wrote) only when the offline answerer's P(the sentences it would quote hold the answer)
#: is at least this.
#: Chosen on the RealTime QA dev 2023 replies of Qwen2.5-Coder-1.5B (four slices,
#: ``scripts/overrule.py``): the lowest value giving a quoted answer to at most 5% of the
#: unanswerable questions the model gave no verified answer to — 0.8 answers 4 of 98 (3 it
#: refused, 1 whose invention was dropped; 0.75: 6), and answers right 20 of the 28
#: answerable questions it refused (3 wrongly) and 5 of the 14 whose answer was dropped
#: (quoting whenever the offline answerer answered at all gave 6 right, 3 wrong, and 5
#: unanswerable questions answered). Re-run with the verifier that drops reports written
#: after the question's day (``bot.answer.timeline``): still 0.8 (4 of 99; 20/28, 6/16).
#: Kept when the answerability model learned "the quoted sentences hold the answer" in
#: place of "the best one does" (2026-12-03): on the one dev slice still recorded (40
#: questions; the four-slice choice could not be re-run) both give the same counts at every
#: value from 0.5 to 0.85: 7 of 10 refused answerable questions quoted right, 1 wrong, 1 of
#: 3 refused unanswerable ones answered, 3 right of the answers verification dropped (6
#: now, 7 before: verification keeps one more).
OVERRULE_ABOVE = 0.8

#: Why the articles are quoted when the model refused (``Answer.quoted_because``).
OVERRULED = "the model said the articles don't say, but they very likely do"

#: How a fallback answer names its answerer (the page and the CLI show it).
FALLBACK_NAME = "extractive (LLM unreachable)"
UNVERIFIED_NAME = "extractive (LLM answer unverified)"
OVERRULED_NAME = "extractive (LLM refusal overruled)"


class FallbackAnswerer:
    """``primary``, else ``fallback`` (see the module docstring)."""

    def __init__(
        self,
        primary: Answerer,
        fallback: Answerer,
        enabled: bool = True,
        assessor: Assessor | None = None,
        overrule_above: float = OVERRULE_ABOVE,
    ) -> None:
        if not 0 < overrule_above <= 1:
            raise ValueError("overrule_above must be in (0, 1]")
        self.primary, self.fallback, self.enabled = primary, fallback, enabled
        self.assessor, self.overrule_above = assessor, overrule_above
        self.name = primary.name

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer:
        *_, final = self.stream(query, chunks, deltas=False)
        assert isinstance(final, Answer)
        return final

    def stream(
        self, query: Query, chunks: Sequence[Chunk], deltas: bool = True
    ) -> Iterator[Status | str | Answer]:
        """Statuses and verified text (when the primary streams and ``deltas``), then the
        ``Answer``."""
        try:
            if deltas and isinstance(self.primary, StreamingAnswerer):
                for item in self.primary.stream(query, chunks):
                    if isinstance(item, Answer):
                        yield from self._unless_unverified(item, query, chunks)
                    else:
                        yield item
            else:
                yield from self._unless_unverified(
                    self.primary.answer(query, chunks), query, chunks
                )
        except LLMError as exc:
            if not self.enabled:
                raise
            answer = self.fallback.answer(query, chunks)
            answer.answerer = FALLBACK_NAME
            answer.fell_back = True
            answer.reason = f"{exc}; {answer.reason}".rstrip("; ")
            yield answer

    def _unless_unverified(
        self, answer: Answer, query: Query, chunks: Sequence[Chunk]
    ) -> Iterator[Status | Answer]:
        """``answer``, or the extractive one in its stead (see the module docstring)."""
        if not (answer.refused and self.enabled and self._sure(query, chunks, answer)):
            yield answer
            return
        quoted = self.fallback.answer(query, chunks)
        if quoted.refused:
            yield answer
            return
        why = "" if answer.dropped else OVERRULED
        yield Status("quoting", why)  # what follows quotes the articles, not the model
        quoted.answerer = UNVERIFIED_NAME if answer.dropped else OVERRULED_NAME
        quoted.quoted_because = why
        quoted.fell_back = True
        quoted.dropped = answer.dropped
        quoted.reason = f"{answer.reason or 'the model refused'}; the articles quoted instead"
        quoted.timings.update(answer.timings)
        yield quoted

    def _sure(self, query: Query, chunks: Sequence[Chunk], answer: Answer) -> bool:
        """The offline answerer is sure enough of the articles to answer in the model's
        stead (without an assessor: only in place of a dropped answer)."""
        if self.assessor is None or not chunks:
            return bool(answer.dropped)
        return self.assessor.assess(query, chunks).answerable >= self.overrule_above

    def condense(self, question: str, history: Sequence[Mapping[str, str]]) -> Query:
        """The primary's rewrite of a follow-up (``BotError`` when it has none or fails)."""
        if not isinstance(self.primary, Condenser):
            raise LLMError("no model to rewrite the follow-up")
        return self.primary.condense(question, history)
