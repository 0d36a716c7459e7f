"""Fallback: answer with the LLM; if it is unreachable, answer offline and say so.

``FallbackAnswerer`` wraps a primary answerer (the LLM) and the extractive one. When the
primary raises ``LLMError`` (unreachable, timed out, broke off mid-stream) the extractive
answer is returned instead with ``fell_back=True`` and the cause in ``reason`` — or, with
fallback disabled, the error propagates. Text already streamed before a break stays
streamed; the final ``Answer`` follows. It neither retrieves nor verifies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from bot.answer.query import Query
from bot.errors import LLMError
from bot.ingest.chunking import Chunk
from bot.protocols import Answerer, Condenser, StreamingAnswerer
from bot.types import Answer

#: How a fallback answer names its answerer (the page and the CLI show it).
FALLBACK_NAME = "extractive (LLM unreachable)"


class FallbackAnswerer:
    """``primary``, else ``fallback`` on ``LLMError`` (see the module docstring)."""

    def __init__(self, primary: Answerer, fallback: Answerer, enabled: bool = True) -> None:
        self.primary, self.fallback, self.enabled = primary, fallback, enabled
        self.name = primary.name

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer:
        *_, final = self.stream(query, chunks, deltas=False)
        assert isinstance(final, Answer)
        return final

    def stream(
        self, query: Query, chunks: Sequence[Chunk], deltas: bool = True
    ) -> Iterator[str | Answer]:
        """Text deltas (when the primary streams and ``deltas``), then the ``Answer``."""
        try:
            if deltas and isinstance(self.primary, StreamingAnswerer):
                yield from self.primary.stream(query, chunks)
            else:
                yield self.primary.answer(query, chunks)
        except LLMError as exc:
            if not self.enabled:
                raise
            answer = self.fallback.answer(query, chunks)
            answer.answerer = FALLBACK_NAME
            answer.fell_back = True
            answer.reason = f"{exc}; {answer.reason}".rstrip("; ")
            yield answer

    def condense(self, question: str, history: Sequence[Mapping[str, str]]) -> Query:
        """The primary's rewrite of a follow-up (``BotError`` when it has none or fails)."""
        if not isinstance(self.primary, Condenser):
            raise LLMError("no model to rewrite the follow-up")
        return self.primary.condense(question, history)
