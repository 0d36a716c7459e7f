"""The chat page: ``create_app(bot)`` builds a ``gr.Blocks``; ``launch`` serves it safely.

The page streams ``bot.ask_stream`` into a transcript, then replaces the stream with the
final verified ``Answer``; follow-ups send the earlier exchanges as history. ``[n]`` markers
and the sources panel are buttons: clicking one shows the cited article (``bot.source_text``)
with the exact quoted span highlighted and scrolled into view. On first load the page shows
indexing progress (one background ``bot.index`` per app) and then example questions built
from the article titles (``bot.articles``). Errors the bot raises on purpose (``BotError``)
appear as one readable chat message; anything else is logged and shown as a short notice.

It uses only the public ``Bot`` API: no retrieval, answering or citation logic lives here,
and it renders only through ``bot.faces.web.html`` (which escapes everything). ``launch`` binds
127.0.0.1 by default, takes optional login, serves no extra paths (the seeds and data dirs
are explicitly blocked), caps uploads (the page has none), turns gradio analytics and run
history off and limits the queue's concurrency. The public endpoint is ``/chat`` (question ->
transcript, sources, article, textbox); the rest are private to the page.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home, before import

import gradio as gr

from bot.errors import ConfigError
from bot.faces.web.handlers import PageHandlers
from bot.faces.web.html import (
    render_article_placeholder,
    render_sources,
    render_status,
    render_transcript,
)
from bot.faces.web.index_job import IndexJob
from bot.faces.web.styles import SIDE_CSS, STATUS_CSS, TRANSCRIPT_CSS

if TYPE_CHECKING:
    from bot.api import Bot

log = logging.getLogger(__name__)

#: Answers computed at once (two cores: more only queues inside the CPU).
CONCURRENCY = 2
#: Requests allowed to wait in the queue before new ones are turned away.
QUEUE_SIZE = 32

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
element.addEventListener('click', (event) => {
  const back = event.target.closest('button.back');
  if (!back || !element.contains(back)) return;
  const turn = document.querySelector(
    '#transcript .turn[data-turn="' + Number(back.dataset.turn) + '"]');
  if (!turn) return;
  const marker = turn.querySelector('button.cite[data-n="' + Number(back.dataset.n) + '"]');
  (marker || turn).scrollIntoView({block: 'center'});
  if (marker) marker.focus({preventScroll: true});
});
"""
_EXAMPLE_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.example');
  if (button && element.contains(button)) trigger('click', {question: button.dataset.q});
});
"""


@dataclass(frozen=True)
class _Page:
    """The page's components (created inside the ``gr.Blocks`` context)."""

    turns: gr.State
    nonce: gr.State
    status: gr.HTML
    transcript: gr.HTML
    question: gr.Textbox
    send: gr.Button
    clear: gr.Button
    examples: gr.HTML
    sources: gr.HTML
    article: gr.HTML


def create_app(bot: Bot) -> gr.Blocks:
    """The chat page over ``bot`` (not launched; see ``launch``)."""
    job = IndexJob(bot)
    with gr.Blocks(title="News Q&A", analytics_enabled=False, fill_width=True) as demo:
        page = _layout()
        _wire(demo, page, PageHandlers(bot, job))
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    demo.bot_index_job = job  # type: ignore[attr-defined]  # launch() starts it early
    return demo


def _layout() -> _Page:
    """Status line; transcript, question box and examples; sources and article panels."""
    turns, nonce = gr.State([]), gr.State(0)
    gr.Markdown("## News Q&A — answers cited to the exact passage")
    status = gr.HTML(
        render_status("Loading…", "info"),
        css_template=STATUS_CSS,
        js_on_load=None,  # not clickable (gradio's default script sends clicks)
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
                elem_id="question",  # no max_length: a long question gets an error, not a cut
                autofocus=True,
            )
            with gr.Row():
                send = gr.Button("Send", variant="primary", elem_id="send", scale=3)
                clear = gr.Button("New chat", elem_id="new-chat", scale=1)
            examples = gr.HTML(
                "", css_template=STATUS_CSS, js_on_load=_EXAMPLE_JS, elem_id="examples"
            )
        with gr.Column(scale=2, min_width=300):
            side = {"css_template": SIDE_CSS, "padding": True, "container": True}
            sources = gr.HTML(
                render_sources(None, 0), js_on_load=_CITE_JS, elem_id="sources", **side
            )
            article = gr.HTML(
                render_article_placeholder(), js_on_load=_ARTICLE_JS, elem_id="article", **side
            )
    return _Page(
        turns, nonce, status, transcript, question, send, clear, examples, sources, article
    )


def _wire(demo: gr.Blocks, page: _Page, h: PageHandlers) -> None:
    """Events: every way of asking runs the same handler in the one "answer" queue; only
    the Enter key's event is the public ``/chat`` endpoint."""
    p = page
    demo.load(
        h.watch_index,
        outputs=[p.status, p.examples],
        show_progress="hidden",
        concurrency_limit=None,
        api_visibility="private",
    )
    answering: dict[str, Any] = {
        "inputs": [p.question, p.turns],
        "outputs": [p.transcript, p.sources, p.article, p.question, p.turns],
        "show_progress": "hidden",
        "concurrency_id": "answer",
    }
    p.question.submit(h.respond, api_name="chat", **answering)
    p.send.click(h.respond, api_visibility="private", **answering)
    picked = p.examples.click(
        h.pick_example, outputs=p.question, api_visibility="private", queue=False
    )
    picked.then(h.respond, api_visibility="private", **answering)
    for panel in (p.transcript, p.sources):
        panel.click(
            h.show_citation,
            inputs=[p.turns, p.nonce],
            outputs=[p.sources, p.article, p.nonce],
            show_progress="hidden",
            api_visibility="private",
            queue=False,
        )
    p.clear.click(
        h.new_chat,
        outputs=[p.turns, p.transcript, p.sources, p.article, p.question],
        api_visibility="private",
        queue=False,
    )


def _check_port(host: str, port: int) -> None:
    """A ``ConfigError`` naming ``--port`` when ``host:port`` cannot be listened on."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConfigError(f"cannot serve on {host}: {exc.strerror or exc}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind(address)
        except OSError as exc:
            why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc})"
            raise ConfigError(f"port {port} on {host} {why}; pick another with --port") from None


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"user:password"`` (as in ``BOT_AUTH``) -> ``(user, password)``; None when unset."""
    if value is None or not value.strip():
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ConfigError("BOT_AUTH must look like user:password (both non-empty)")
    return user.strip(), password


def launch(
    bot: Bot,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    *,
    block: bool = True,
    quiet: bool = False,
) -> tuple[gr.Blocks, str]:
    """Serve the page on ``host:port``; returns ``(app, url)`` (after the server stops when
    ``block``). Indexing starts at once; the page shows its progress."""
    _check_port(host, port)
    app = create_app(bot)
    app.bot_index_job.start()  # type: ignore[attr-defined]
    dirs = (bot.settings.seeds_dir, bot.settings.data_dir)
    blocked = [str(Path(d).resolve()) for d in dirs]
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
    except OSError as exc:  # gradio's message gives advice for its own settings, not ours
        raise ConfigError(f"cannot serve on {host}:{port}; pick another with --port") from exc
    if not quiet:
        print(f"News Q&A is running at {url} (Ctrl+C stops it)", file=sys.stderr)
    if block:
        try:
            app.block_thread()
        finally:
            app.close()
    return app, url
