"""The LLM client: chat completions from any OpenAI-compatible endpoint, via ``openai``.

``LLMClient.complete(messages)`` returns the reply text; ``LLMClient.stream(messages)``
yields it as text deltas. Both use the ``openai`` package directly (one path; no
llama-index LLM wrapper). Transient failures are retried by the openai client itself,
which (checked in openai 2.54's ``_base_client``) retries connection errors, timeouts,
408, 409, 429 and every 5xx, ``max_retries`` times, with exponential backoff (0.5 s
doubling, capped at 8 s, with jitter; ``Retry-After`` honoured). Once retries are used
up, or on any other API error, it raises ``bot.errors.LLMError`` with one line that names
the endpoint and the cause and never contains the API key. A stream that breaks after it
started is not retried (the text already shown cannot be unsaid): that, and a stream that
ends without a ``finish_reason``, is an ``LLMError`` too.

It knows nothing of articles, prompts or citations.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai

from bot.answer.prompts import Message
from bot.errors import LLMError

#: Replies longer than this many tokens are cut off (answers are a few sentences).
MAX_TOKENS = 256
#: Placeholder key for servers that need none (llama.cpp, vLLM, Ollama, LM Studio).
NO_KEY = "not-needed"


@dataclass(frozen=True)
class LLMConfig:
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    retries: int = 2
    max_tokens: int = MAX_TOKENS
    temperature: float = 0.0


class LLMClient:
    """Chat completions with timeouts, retries and one-line errors (see the module doc)."""

    def __init__(self, config: LLMConfig) -> None:
        if config.timeout <= 0 or config.retries < 0:
            raise ValueError("timeout must be positive and retries non-negative")
        self.config = config
        self._client = openai.OpenAI(
            api_key=config.api_key or NO_KEY,
            base_url=config.base_url,
            timeout=httpx.Timeout(config.timeout, connect=min(config.timeout, 10.0)),
            max_retries=config.retries,
        )

    def __repr__(self) -> str:
        return f"LLMClient(model={self.config.model!r}, endpoint={self.endpoint!r})"

    @property
    def endpoint(self) -> str:
        return str(self._client.base_url).rstrip("/")

    def complete(self, messages: Sequence[Message], max_tokens: int | None = None) -> str:
        """The whole reply text (``LLMError`` after retries)."""
        try:
            response = self._client.chat.completions.create(
                **self._request(messages, max_tokens), stream=False
            )
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        if not response.choices:
            raise LLMError(f"the LLM at {self.endpoint} returned no choices")
        return response.choices[0].message.content or ""

    def stream(self, messages: Sequence[Message], max_tokens: int | None = None) -> Iterator[str]:
        """The reply as text deltas, in order (``LLMError`` after retries or mid-stream)."""
        try:
            chunks = self._client.chat.completions.create(
                **self._request(messages, max_tokens), stream=True
            )
            finished = False
            with chunks:
                for chunk in chunks:
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content
                    finished = finished or choice.finish_reason is not None
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        except httpx.HTTPError as exc:  # a stream cut off mid-way surfaces from httpx
            raise self._error(exc) from None
        if not finished:
            raise LLMError(f"the LLM at {self.endpoint} broke off its reply mid-stream")

    def _request(self, messages: Sequence[Message], max_tokens: int | None) -> dict[str, Any]:
        return {
            "model": self.config.model,
            "messages": [m.as_dict() for m in messages],
            "max_tokens": max_tokens or self.config.max_tokens,
            "temperature": self.config.temperature,
        }

    def _error(self, exc: BaseException) -> LLMError:
        attempts = self.config.retries + 1
        where = f"the LLM at {self.endpoint} (model {self.config.model})"
        if isinstance(exc, openai.APITimeoutError):
            msg = f"{where} did not answer within {self.config.timeout:g} s ({attempts} attempts)"
        elif isinstance(exc, openai.APIConnectionError):
            msg = f"{where} is unreachable ({attempts} attempts): {_cause(exc)}"
        elif isinstance(exc, openai.APIStatusError):
            retried = exc.status_code in (408, 409, 429) or exc.status_code >= 500
            tries = f" ({attempts} attempts)" if retried else ""
            msg = f"{where} failed with HTTP {exc.status_code}{tries}: {_detail(exc)}"
        elif isinstance(exc, httpx.HTTPError):
            msg = f"{where} broke off its reply: {type(exc).__name__}: {exc}"
        else:
            msg = f"{where} failed: {type(exc).__name__}: {exc}"
        return LLMError(self._redact(msg))

    def _redact(self, text: str) -> str:
        line = " ".join(text.split())
        key = self.config.api_key
        if key and len(key) >= 4:
            line = line.replace(key, "***")
        return line[:400]


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    return f"{type(cause).__name__}: {cause}" if cause else str(exc)


def _detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return exc.message or "no detail"
