"""Fallback: answer with the LLM; when it cannot give a verified answer, quote the articles.

``FallbackAnswerer`` wraps a primary answerer (the LLM) and the extractive one. Two cases
hand the question to the extractive answerer, whose answer quotes the articles verbatim:

* the primary raises ``LLMError`` (unreachable, timed out, broke off mid-stream): the
  extractive answer is returned with ``fell_back=True`` and the cause in ``reason`` — or,
  with fallback disabled, the error propagates. Text already streamed stays streamed.
* the model wrote an answer but verification kept none of it: when the extractive answer
  is confident (not a refusal) it is returned instead of the refusal, ``fell_back=True``,
  the model's dropped sentences still in ``dropped``. A model that itself said the
  articles don't say is taken at its word.

It neither retrieves nor verifies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from bot.answer.query import Query
from bot.errors import LLMError
from bot.ingest.chunking import Chunk
from bot.protocols import Answerer, Condenser, StreamingAnswerer
from bot.types import Answer, Status

#: How a fallback answer names its answerer (the page and the CLI show it).
FALLBACK_NAME = "extractive (LLM unreachable)"
UNVERIFIED_NAME = "extractive (LLM answer unverified)"


class FallbackAnswerer:
    """``primary``, else ``fallback`` (see the module docstring)."""

    def __init__(self, primary: Answerer, fallback: Answerer, enabled: bool = True) -> None:
        self.primary, self.fallback, self.enabled = primary, fallback, enabled
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
        """``answer``, or the extractive one when verification dropped all the model wrote."""
        if not (answer.refused and answer.dropped and self.enabled):
            yield answer
            return
        quoted = self.fallback.answer(query, chunks)
        if quoted.refused:
            yield answer
            return
        yield Status("quoting")  # what follows quotes the articles, not the model
        quoted.answerer = UNVERIFIED_NAME
        quoted.fell_back = True
        quoted.dropped = answer.dropped
        quoted.reason = f"{answer.reason}; the articles quoted instead"
        quoted.timings.update(answer.timings)
        yield quoted

    def condense(self, question: str, history: Sequence[Mapping[str, str]]) -> Query:
        """The primary's rewrite of a follow-up (``BotError`` when it has none or fails)."""
        if not isinstance(self.primary, Condenser):
            raise LLMError("no model to rewrite the follow-up")
        return self.primary.condense(question, history)
