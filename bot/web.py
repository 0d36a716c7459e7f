"""The chat page: ``create_app(bot)`` builds a ``gr.Blocks``; ``launch`` serves it safely.

The page streams ``bot.ask_stream`` into a transcript, then replaces the stream with the
final verified ``Answer``; follow-ups send the earlier exchanges as history. ``[n]`` markers
and the sources panel are buttons: clicking one shows the cited article (``bot.source_text``)
with the exact quoted span highlighted and scrolled into view. On first load the page shows
indexing progress (one background ``bot.index`` per app) and then example questions built
from the article titles (``bot.articles``). Errors the bot raises on purpose (``BotError``)
appear as one readable chat message; anything else is logged and shown as a short notice.

It uses only the public ``Bot`` API: no retrieval, answering or citation logic lives here,
and it renders only through ``bot.web_html`` (which escapes everything). ``launch`` binds
127.0.0.1 by default, takes optional login, serves no extra paths (the seeds and data dirs
are explicitly blocked), caps uploads (the page has none), turns gradio analytics and run
history off and limits the queue's concurrency. The public endpoint is ``/chat`` (question ->
transcript, sources, article, textbox); the rest are private to the page.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home, before import

import gradio as gr

from bot.errors import BotError, ConfigError
from bot.web_examples import example_questions
from bot.web_html import (
    SIDE_CSS,
    STATUS_CSS,
    TRANSCRIPT_CSS,
    Turn,
    render_article,
    render_article_placeholder,
    render_examples,
    render_sources,
    render_status,
    render_transcript,
)

log = logging.getLogger(__name__)

#: Answers computed at once (two cores: more only queues inside the CPU).
CONCURRENCY = 2
#: Requests allowed to wait in the queue before new ones are turned away.
QUEUE_SIZE = 32
#: Earlier exchanges sent with a follow-up question.
HISTORY_TURNS = 4
#: Exchanges a page keeps (older ones scroll away; "New chat" starts over).
MAX_TURNS = 50

_CITE_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.cite');
  if (!button || !element.contains(button)) return;
  trigger('click', {turn: Number(button.dataset.turn), n: Number(button.dataset.n)});
});
"""
_ARTICLE_JS = """
watch('value', () => {
  const mark = element.querySelector('mark.quote');
  if (mark) mark.scrollIntoView({block: 'center', inline: 'nearest'});
});
"""
_EXAMPLE_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.example');
  if (button && element.contains(button)) trigger('click', {question: button.dataset.q});
});
"""


@dataclass(frozen=True)
class _Progress:
    version: int
    stage: str
    done: int
    total: int
    finished: bool
    error: str
    summary: str


class IndexJob:
    """Indexes once, in a background thread, and lets any number of pages watch progress."""

    def __init__(self, bot: Any) -> None:
        self._bot = bot
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._state = _Progress(0, "waiting", 0, 0, False, "", "")
        self.examples: list[str] = []

    def start(self) -> None:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="bot-index", daemon=True)
                self._thread.start()

    def wait(self, seen: int, timeout: float = 1.0) -> _Progress:
        """The current progress, once it is newer than version ``seen`` (or after ``timeout``)."""
        with self._cond:
            self._cond.wait_for(lambda: self._state.version != seen, timeout=timeout)
            return self._state

    def _update(self, **changes: Any) -> None:
        with self._cond:
            fields = {**self._state.__dict__, **changes, "version": self._state.version + 1}
            self._state = _Progress(**fields)
            self._cond.notify_all()

    def _run(self) -> None:
        error = summary = ""
        try:
            report = self._bot.index(
                progress=lambda stage, done, total: self._update(
                    stage=stage, done=done, total=total
                )
            )
            for warning in report.warnings:
                log.warning("%s", warning)
            articles = self._bot.articles()
            skipped = f", {report.skipped} skipped (see the server log)" if report.skipped else ""
            summary = f"{len(articles)} article{'s' * (len(articles) != 1)} indexed{skipped}"
            self.examples = example_questions(articles)
        except BotError as exc:
            error = str(exc)
        except Exception as exc:  # a bug: keep the page up, log the traceback
            log.exception("indexing failed")
            error = f"indexing failed ({type(exc).__name__}); the details are in the server log"
        self._update(finished=True, error=error, summary=summary)


def create_app(bot: Any) -> gr.Blocks:
    """The chat page over ``bot`` (not launched; see ``launch``)."""
    job = IndexJob(bot)
    max_chars = int(getattr(bot.settings, "max_question_chars", 2000))

    def watch_index() -> Iterator[tuple[str, str]]:
        job.start()
        seen = -1
        while True:
            state = job.wait(seen)
            if state.version != seen:
                seen = state.version
                yield _status(state), render_examples(job.examples) if state.finished else ""
            if state.finished:
                return

    def respond(question: str, turns: list[Turn]) -> Iterator[tuple[Any, ...]]:
        text = question if isinstance(question, str) else ""
        turns = list(turns or [])[-(MAX_TURNS - 1) :]
        turn = Turn(question=text if len(text) <= max_chars else text[:max_chars] + "…")
        turns.append(turn)
        try:
            bot.validate_question(question)  # cheap: bad input never reaches the queue's work
        except BotError as exc:
            turn.error = str(exc)
            yield _chat_out(turns, text)  # keep the text so it can be fixed
            return
        yield _chat_out(turns, "")  # the pending bubble, before any (re)indexing or retrieval
        try:
            for item in bot.ask_stream(question, _history(turns[:-1])):
                if isinstance(item, str):
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

    def show_citation(turns: list[Turn], nonce: int, evt: gr.EventData) -> tuple[str, str, int]:
        data = getattr(evt, "_data", None) or {}
        turn_i, n = _int(data.get("turn")), _int(data.get("n"))
        answer = turns[turn_i].answer if turns and 0 <= turn_i < len(turns) else None
        cite = next((c for c in answer.citations if c.n == n), None) if answer else None
        if answer is None or cite is None:
            return gr.skip(), gr.skip(), nonce
        got = bot.source_text(cite.file)
        nonce += 1
        return (
            render_sources(answer, turn_i, active=n),
            render_article(cite, got[0] if got else None, nonce),
            nonce,
        )

    def pick_example(evt: gr.EventData) -> str:
        data = getattr(evt, "_data", None) or {}
        question = data.get("question")
        return question[:max_chars] if isinstance(question, str) else ""

    def new_chat() -> tuple[list[Turn], str, str, str, str]:
        return [], render_transcript([]), render_sources(None, 0), render_article_placeholder(), ""

    with gr.Blocks(title="News Q&A", analytics_enabled=False, fill_width=True) as demo:
        turns = gr.State([])
        nonce = gr.State(0)
        gr.Markdown("## News Q&A — answers cited to the exact passage")
        status = gr.HTML(
            render_status("Loading…", "info"),
            css_template=STATUS_CSS,
            js_on_load=None,
            elem_id="status",
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                transcript = gr.HTML(
                    render_transcript([]),
                    css_template=TRANSCRIPT_CSS,
                    js_on_load=_CITE_JS,
                    elem_id="transcript",
                    min_height=320,
                    max_height=640,
                    autoscroll=True,
                    padding=True,
                    container=True,
                )
                question = gr.Textbox(
                    placeholder="Ask about the articles… (Enter to send)",
                    show_label=False,
                    lines=1,
                    max_lines=4,
                    max_length=max_chars,
                    elem_id="question",
                    autofocus=True,
                )
                with gr.Row():
                    send = gr.Button("Send", variant="primary", elem_id="send", scale=3)
                    clear = gr.Button("New chat", elem_id="new-chat", scale=1)
                examples = gr.HTML(
                    "", css_template=STATUS_CSS, js_on_load=_EXAMPLE_JS, elem_id="examples"
                )
            with gr.Column(scale=2, min_width=300):
                sources = gr.HTML(
                    render_sources(None, 0),
                    css_template=SIDE_CSS,
                    js_on_load=_CITE_JS,
                    elem_id="sources",
                    padding=True,
                    container=True,
                )
                article = gr.HTML(
                    render_article_placeholder(),
                    css_template=SIDE_CSS,
                    js_on_load=_ARTICLE_JS,
                    elem_id="article",
                    padding=True,
                    container=True,
                )

        chat_outputs = [transcript, sources, article, question, turns]
        demo.load(
            watch_index,
            outputs=[status, examples],
            show_progress="hidden",
            concurrency_limit=None,
            api_visibility="private",
        )
        # every way of asking runs the same handler in the one "answer" queue; only the
        # Enter key's event is the public /chat endpoint
        answering: dict[str, Any] = {
            "inputs": [question, turns],
            "outputs": chat_outputs,
            "show_progress": "hidden",
            "concurrency_id": "answer",
        }
        question.submit(respond, api_name="chat", **answering)
        send.click(respond, api_visibility="private", **answering)
        examples.click(pick_example, outputs=question, api_visibility="private", queue=False).then(
            respond, api_visibility="private", **answering
        )
        for panel in (transcript, sources):
            panel.click(
                show_citation,
                inputs=[turns, nonce],
                outputs=[sources, article, nonce],
                show_progress="hidden",
                api_visibility="private",
                queue=False,
            )
        clear.click(
            new_chat,
            outputs=[turns, transcript, sources, article, question],
            api_visibility="private",
            queue=False,
        )
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    demo.bot_index_job = job  # type: ignore[attr-defined]  # launch() starts it early
    return demo


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


def _status(state: _Progress) -> str:
    if state.error:
        return render_status(f"Indexing failed: {state.error}", "error")
    if state.finished:
        return render_status(f"Ready — {state.summary}", "ready")
    if state.total:
        return render_status(f"Indexing articles ({state.stage})…", "busy", state.done, state.total)
    return render_status("Checking the articles…", "busy")


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"user:password"`` (as in ``BOT_AUTH``) -> ``(user, password)``; None when unset."""
    if value is None or not value.strip():
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ConfigError("BOT_AUTH must look like user:password (both non-empty)")
    return user.strip(), password


def launch(
    bot: Any,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    *,
    block: bool = True,
    quiet: bool = False,
) -> tuple[gr.Blocks, str]:
    """Serve the page on ``host:port``; returns ``(app, url)`` (after the server stops when
    ``block``). Indexing starts at once; the page shows its progress."""
    app = create_app(bot)
    app.bot_index_job.start()  # type: ignore[attr-defined]
    settings = getattr(bot, "settings", None)
    dirs = (getattr(settings, "seeds_dir", None), getattr(settings, "data_dir", None))
    blocked = [str(Path(d).resolve()) for d in dirs if d]
    try:
        _, url, _ = app.launch(
            server_name=host,
            server_port=port,
            auth=auth,
            auth_message="News Q&A: please log in." if auth else None,
            prevent_thread_lock=True,
            quiet=True,
            share=False,
            ssr_mode=False,
            mcp_server=False,
            allowed_paths=[],
            blocked_paths=blocked,
            max_file_size="1mb",
            show_error=False,
            footer_links=["api"],
            run_history=False,  # nothing recorded in browsers, no offer to sync elsewhere
        )
    except OSError as exc:
        raise ConfigError(f"cannot serve on {host}:{port}: {exc}") from None
    if not quiet:
        print(f"News Q&A is running at {url} (Ctrl+C stops it)", file=sys.stderr)
    if block:
        try:
            app.block_thread()
        finally:
            app.close()
    return app, url
