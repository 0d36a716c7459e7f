"""LLM answerer: the model writes the answer from numbered sources; the verifier vets it.

``LLMAnswerer.answer(query, chunks)`` renders the answer prompt (``prompts/answer.j2``)
with the first ``max_sources`` chunks as sources ``[1]..[k]`` (``Settings.llm_sources``:
the offline answerer reads more than a small model's prompt should hold), asks the
model, sanitizes the reply (no links, images, HTML or URLs reach the user) and returns
only what ``bot.answer.verify`` finds supported, with exact-span citations renumbered
``1..n``. ``stream`` checks each sentence as soon as the model has finished it and yields
only verified text (with ``Status`` signs of life between), then the same verified
``Answer``: nothing unverified is ever shown.
``condense`` rewrites a follow-up into a standalone ``Query`` with the condense prompt.

Article text reaches the model as delimited data: a ``<source>`` tag inside an article is
defanged so it cannot close its own block, and the prompt says instructions in sources are
not to be followed. Whatever the model does with them, only verified sentences come out.

It does not retrieve, read files or know where chunks are stored; transport errors surface
as ``LLMError`` from ``bot.answer.llm_client`` (``Bot`` falls back to the extractive answer).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass

from bot.answer.claims import Claim, ClaimReader
from bot.answer.llm_client import LLMClient, LLMConfig
from bot.answer.prompts import Message, render
from bot.answer.query import Query
from bot.answer.sanitize import StreamSanitizer, sanitize
from bot.answer.verify import Check, Verified, Verifier, is_refusal
from bot.config import Settings
from bot.errors import ConfigError, LLMError
from bot.ingest.chunking import Chunk
from bot.protocols import Assessor, Encode
from bot.text.terms import terms
from bot.types import REFUSAL, Answer, Status

MAX_ANSWER_SENTENCES = 4
CONDENSE_MAX_TOKENS = 96
_TAG_RE = re.compile(r"<\s*(/?)\s*(source)", re.I)
_CONDENSE_LEAD_RE = re.compile(
    r"^\s*(?:standalone question|rewritten question|question)\s*:\s*", re.I
)


@dataclass(frozen=True)
class PromptSource:
    """A chunk as the answer prompt shows it: numbered, labelled, defanged."""

    n: int
    file: str
    title: str
    date: str
    text: str


def prompt_sources(chunks: Sequence[Chunk]) -> list[PromptSource]:
    return [
        PromptSource(
            n=i,
            file=_attr(c.file),
            title=_attr(c.title) or "untitled",
            date=_attr(c.date or "") or "unknown",
            text=_defang(c.text),
        )
        for i, c in enumerate(chunks, start=1)
    ]


def _defang(text: str) -> str:
    """Article text that cannot close or open a ``<source>`` block."""
    return _TAG_RE.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", text)


def _attr(value: str) -> str:
    """A one-line value safe inside a double-quoted tag attribute."""
    return " ".join(_defang(value).replace('"', "'").replace(">", "›").split())


class LLMAnswerer:
    """Answers with an OpenAI-compatible model, then verifies every sentence."""

    def __init__(
        self,
        client: LLMClient,
        verifier: Verifier,
        strict: bool = True,
        max_sentences: int = MAX_ANSWER_SENTENCES,
        max_question_chars: int = 2000,
        prompt: str = "answer",
        max_sources: int | None = None,
    ) -> None:
        self.client, self.verifier, self.prompt = client, verifier, prompt
        self.strict, self.max_sentences = strict, max_sentences
        self.max_question_chars = max_question_chars
        self.max_sources = max_sources  # the first this many chunks are its sources (None: all)
        self.name = f"openai:{client.config.model}"

    @classmethod
    def from_settings(
        cls, settings: Settings, encode: Encode, assessor: Assessor | None = None
    ) -> LLMAnswerer:
        """The answerer ``settings`` describe; ``assessor`` gives verification its second
        opinion (``bot.answer.verify``)."""
        if not settings.llm_configured:
            raise ConfigError(
                "the LLM answerer needs OPENAI_API_KEY or OPENAI_BASE_URL (or use --llm extractive)"
            )
        client = LLMClient(
            LLMConfig(
                model=settings.llm_model,
                base_url=settings.openai_base_url,
                api_key=settings.openai_api_key,
                timeout=settings.llm_timeout,
                retries=settings.llm_retries,
            )
        )
        return cls(
            client,
            Verifier(encode, assessor=assessor),
            strict=settings.llm_strict,
            max_question_chars=settings.max_question_chars,
            prompt="answer_quoted" if settings.llm_quotes else "answer",
            max_sources=settings.llm_sources,
        )

    def __repr__(self) -> str:
        return f"LLMAnswerer({self.client!r}, strict={self.strict})"

    # --- answering -------------------------------------------------------------------------

    def messages(self, query: Query, chunks: Sequence[Chunk]) -> list[Message]:
        return render(
            self.prompt,
            question=query.standalone,
            sources=prompt_sources(chunks),
            refusal=REFUSAL,
            max_sentences=self.max_sentences,
        )

    def answer(self, query: Query, chunks: Sequence[Chunk]) -> Answer:
        chunks = chunks[: self.max_sources]
        if not chunks:
            return self._refusal(query, "no passage was retrieved")
        t0 = time.perf_counter()
        reply = self.client.complete(self.messages(query, chunks))
        return self._verified(query, chunks, sanitize(reply), time.perf_counter() - t0)

    def stream(self, query: Query, chunks: Sequence[Chunk]) -> Iterator[Status | str | Answer]:
        """Signs of life (``Status``), each sentence's verified text as soon as it is
        checked, then the verified ``Answer`` — never a word the check has not passed.
        Reading stops early when nothing more can change the answer (it opened with a
        refusal, or is full)."""
        chunks = chunks[: self.max_sources]
        if not chunks:
            yield self._refusal(query, "no passage was retrieved")
            return
        t0 = time.perf_counter()
        asking = Status("asking", self.client.config.model)
        yield asking
        check = self.verifier.check(chunks, query.standalone, self.strict, query.as_of)
        reader, cleaner = ClaimReader(len(chunks)), StreamSanitizer()
        shown = 0
        with closing(self.client.stream(self.messages(query, chunks))) as deltas:
            for delta in deltas:
                for claim in reader.feed(cleaner.feed(delta)):
                    for item in self._check_one(check, claim, False, shown):
                        shown += isinstance(item, str)
                        yield item
                    if not check.done:
                        yield asking
                if check.done:
                    break
        if not check.done:
            reader.feed(cleaner.flush())
            rest = reader.close()
            for k, claim in enumerate(rest):
                for item in self._check_one(check, claim, k == len(rest) - 1, shown):
                    shown += isinstance(item, str)
                    yield item
        yield self._answer_of(query, check.result(), time.perf_counter() - t0)

    @staticmethod
    def _check_one(check: Check, claim: Claim, last: bool, shown: int) -> Iterator[Status | str]:
        if check.done:
            return
        yield Status("checking", str(check.sentences + 1))
        text = check.add(claim, last=last)
        if text:
            yield f" {text}" if shown else text

    def _verified(
        self, query: Query, chunks: Sequence[Chunk], reply: str, llm_seconds: float
    ) -> Answer:
        t0 = time.perf_counter()
        result = self.verifier.verify(
            reply, chunks, strict=self.strict, question=query.standalone, as_of=query.as_of
        )
        answer = self._answer_of(query, result, llm_seconds)
        answer.timings["verify"] = time.perf_counter() - t0
        return answer

    def _answer_of(self, query: Query, result: Verified, llm_seconds: float) -> Answer:
        answer = Answer(
            question=query.text,
            text=result.text,
            refused=result.refused,
            citations=result.citations,
            answerer=self.name,
            standalone_question=query.standalone,
            reason=result.reason,
            verdicts=result.verdicts,
            dropped=result.dropped,
        )
        answer.timings["llm"] = llm_seconds
        return answer

    def _refusal(self, query: Query, reason: str) -> Answer:
        return Answer.refusal(
            query.text, reason, answerer=self.name, standalone_question=query.standalone
        )

    # --- follow-ups ------------------------------------------------------------------------

    def condense(self, question: str, history: Sequence[Mapping[str, str]]) -> Query:
        """The follow-up rewritten to stand alone (``LLMError`` when the rewrite is unusable;
        ``Bot`` then uses the heuristic ``bot.answer.query.condense``)."""
        turns = [
            {"role": m["role"], "content": " ".join(m["content"].split())[:1000]}
            for m in history
            if m["role"] in ("user", "assistant") and m["content"].strip()
        ][-6:]
        if not turns:
            return Query(text=question, standalone=question)
        messages = render("condense", history=turns, question=question)
        reply = self.client.complete(messages, max_tokens=CONDENSE_MAX_TOKENS)
        lines = [ln for ln in sanitize(reply).splitlines() if ln.strip()]
        rewritten = _CONDENSE_LEAD_RE.sub("", lines[0]).strip().strip("\"'“”") if lines else ""
        previous = next((t["content"] for t in reversed(turns) if t["role"] == "user"), "")
        # a usable rewrite is a question about what was asked, not an answer or a refusal
        on_topic = set(terms(rewritten)) & set(terms(f"{question} {previous}"))
        if not on_topic or is_refusal(rewritten) or len(rewritten) > self.max_question_chars:
            raise LLMError("the LLM's rewrite of the follow-up question was unusable")
        return Query(text=question, standalone=rewritten, context=previous)
