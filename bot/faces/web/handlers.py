"""The page's event handlers: what each click or key press on the chat page produces.

``PageHandlers`` turns a question into transcript updates (streaming ``bot.ask_stream``:
its status line and verified sentences as they pass, then the final ``Answer``), a
``[n]`` click into the cited article with its span highlighted, an example click into the
question box, and "New chat" into an empty page; ``watch_index`` streams the first
indexing's progress. It calls only the public ``Bot``
API and draws only through ``bot.faces.web.html``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from bot.errors import BotError
from bot.faces.web.html import (
    Turn,
    render_article,
    render_article_placeholder,
    render_examples,
    render_sources,
    render_transcript,
)
from bot.faces.web.index_job import IndexJob, status
from bot.types import Status

if TYPE_CHECKING:
    from bot.api import Bot

log = logging.getLogger(__name__)

#: Earlier exchanges sent with a follow-up question.
HISTORY_TURNS = 4
#: Exchanges a page keeps (older ones scroll away; "New chat" starts over).
MAX_TURNS = 50


class PageHandlers:
    """One page's event handlers over one ``Bot`` (see the module docstring)."""

    def __init__(self, bot: Bot, job: IndexJob) -> None:
        self.bot, self.job = bot, job
        self.max_chars = bot.settings.max_question_chars

    def watch_index(self) -> Iterator[tuple[str, str]]:
        """Status line and example questions, each time the indexing progresses."""
        self.job.start()
        seen = -1
        while True:
            state = self.job.wait(seen)
            if state.version != seen:
                seen = state.version
                examples = render_examples(self.job.examples) if state.finished else ""
                yield status(state), examples
            if state.finished:
                return

    def respond(self, question: str, turns: list[Turn]) -> Iterator[tuple[Any, ...]]:
        """The transcript as the answer streams in, then with the final answer."""
        max_chars = self.max_chars
        text = question if isinstance(question, str) else ""
        turns = list(turns or [])[-(MAX_TURNS - 1) :]
        turn = Turn(question=text if len(text) <= max_chars else text[:max_chars] + "…")
        turns.append(turn)
        try:
            self.bot.validate_question(question)  # cheap: bad input never reaches the queue
        except BotError as exc:
            turn.error = str(exc)
            yield _chat_out(turns, text)  # keep the text so it can be fixed
            return
        turn.note = self._indexing_note()
        # the pending bubble, before any (re)indexing or retrieval; the last answer's
        # highlighted article goes, it belongs to another question
        yield (*_chat_out(turns, "")[:2], render_article_placeholder(), "", turns)
        try:
            for item in self.bot.ask_stream(question, _history(turns[:-1])):
                if isinstance(item, Status):
                    turn.status = item.text
                elif isinstance(item, str):
                    turn.streamed += item
                else:
                    turn.answer = item
                yield _chat_out(turns, "")
        except BotError as exc:
            turn.error = str(exc)
        except Exception as exc:
            log.exception("answering %r failed", text[:200])
            turn.error = (
                f"Something went wrong while answering ({type(exc).__name__}); "
                "the details are in the server log."
            )
        if turn.answer is None and not turn.error:
            turn.error = "The answer stopped before it was complete; please ask again."
        yield _chat_out(turns, "")

    def _indexing_note(self) -> str:
        """What a question asked before the first indexing ends should expect."""
        state = self.job.state
        p = state.progress
        if state.finished or p is None or not p.total:
            return ""
        return (
            f"Indexing is still running ({p.indexed:,} of {p.articles:,} articles searchable): "
            "the answer uses what is indexed and says so, or waits for the rest."
        )

    def show_citation(
        self, turns: list[Turn], nonce: int, evt: gr.EventData
    ) -> tuple[str, str, int]:
        """The sources panel with ``[n]`` active and the article at the quoted span."""
        data = getattr(evt, "_data", None) or {}
        turn_i, n = _int(data.get("turn")), _int(data.get("n"))
        answer = turns[turn_i].answer if turns and 0 <= turn_i < len(turns) else None
        cite = next((c for c in answer.citations if c.n == n), None) if answer else None
        if answer is None or cite is None:
            return gr.skip(), gr.skip(), nonce
        got = self.bot.source_text(cite.file)
        nonce += 1
        return (
            render_sources(answer, turn_i, active=n),
            render_article(cite, got[0] if got else None, nonce, turn_i),
            nonce,
        )

    def pick_example(self, evt: gr.EventData) -> str:
        data = getattr(evt, "_data", None) or {}
        question = data.get("question")
        return question[: self.max_chars] if isinstance(question, str) else ""

    @staticmethod
    def new_chat() -> tuple[list[Turn], str, str, str, str]:
        return [], render_transcript([]), render_sources(None, 0), render_article_placeholder(), ""


def _chat_out(turns: list[Turn], question: str) -> tuple[Any, ...]:
    last = len(turns) - 1
    answer = turns[last].answer if turns else None
    sources = render_sources(answer, last) if answer is not None else gr.skip()
    return render_transcript(turns), sources, gr.skip(), question, turns


def _history(turns: list[Turn]) -> list[dict[str, str]]:
    """Earlier answered exchanges as chat messages (errors and unfinished turns left out)."""
    messages: list[dict[str, str]] = []
    for turn in [t for t in turns if t.answer is not None][-HISTORY_TURNS:]:
        messages.append({"role": "user", "content": turn.question})
        messages.append({"role": "assistant", "content": turn.answer.text})  # type: ignore[union-attr]
    return messages


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1
