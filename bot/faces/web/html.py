"""HTML for the chat page: the transcript, the sources panel, the article viewer, the status.

Pure functions from ``Answer`` data to HTML strings. Every piece of text that comes from a
question, an article or a model is escaped with ``html.escape`` before it is placed, and no
link, image or markup from a source is ever rendered: the only elements are the ones
written here. ``[n]`` markers that match a citation become ``<button class="cite">``
elements carrying ``data-turn`` and ``data-n``; the page's JavaScript turns a click on one
into an event. These strings are the ``value`` of ``gr.HTML`` components whose template is
just ``${value}``: data is never interpolated into a gradio template (template text is
evaluated as a JavaScript template literal, a value is not).

Nothing here retrieves, verifies or decides what is cited: it only draws an ``Answer``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bot.faces.text import plain_reason, quoted
from bot.types import Answer, Citation

#: The article viewer shows this many characters either side of the quote, not whole files.
ARTICLE_WINDOW = 12_000
_MARKER = re.compile(r"\[(\d{1,3})\]")


@dataclass
class Turn:
    """One exchange on the page: a question and its answer, its verified text so far and
    what is happening now (``status``), or an error."""

    question: str
    answer: Answer | None = None
    streamed: str = ""
    error: str = ""
    note: str = ""  # shown while pending (e.g. indexing still runs)
    status: str = ""  # what is being done meanwhile ("asking the model…")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


# --- transcript --------------------------------------------------------------------------


def render_transcript(turns: Sequence[Turn]) -> str:
    if not turns:
        return (
            '<div class="transcript empty"><p class="hint">Ask a question about the articles. '
            "Every sentence of an answer cites its passage; click a <b>[n]</b> marker to read "
            "it in its article.</p></div>"
        )
    return f'<div class="transcript">{"".join(_turn(i, t) for i, t in enumerate(turns))}</div>'


def _turn(i: int, turn: Turn) -> str:
    asked = _e(turn.question) if turn.question.strip() else '<span class="hint">(empty)</span>'
    user = f'<div class="msg user"><div class="bubble">{asked}</div></div>'
    return f'<div class="turn" data-turn="{i}">{user}{_bot_message(i, turn)}</div>'


def _bot_message(i: int, turn: Turn) -> str:
    if turn.error:
        return (
            '<div class="msg bot error" role="alert"><div class="bubble">'
            '<span class="icon" aria-hidden="true">⚠</span> '
            f"{_e(turn.error[:1].upper() + turn.error[1:])}</div></div>"
        )
    answer = turn.answer
    if answer is None:
        # only verified text is ever streamed; the status says what is being done meanwhile
        status = turn.status or "Searching the articles…"
        status = status[:1].upper() + status[1:]
        body = _e(turn.streamed)
        note = f'<span class="note">{_e(turn.note)}</span>' if turn.note else ""
        return (
            f'<div class="msg bot pending" aria-busy="true"><div class="bubble">{body}'
            '<span class="cursor" aria-hidden="true">▍</span>'
            f'<div class="thinking" role="status">{_e(status)}</div>{note}</div></div>'
        )
    who = _e(answer.answerer)
    meta = _meta(answer)
    if answer.refused:
        why = plain_reason(answer.reason) if answer.reason else ""
        why_html = f'<div class="why">{_e(why)}</div>' if why else ""
        return (
            f'<div class="msg bot refusal" data-refused="true" data-answerer="{who}">'
            f'<div class="bubble"><span class="icon" aria-hidden="true">∅</span> '
            f"{render_answer_text(answer, i)}{why_html}</div>{meta}</div>"
        )
    quoted = ""
    if answer.fell_back:  # the offline answerer quoted the articles in the model's stead
        why = answer.quoted_because or (
            "its answer could not be verified" if answer.dropped else "it was unreachable"
        )
        quoted = f'<div class="why">Quoted from the articles instead of the model: {why}.</div>'

    return (
        f'<div class="msg bot answer" data-refused="false" data-answerer="{who}">'
        f'<div class="bubble">{render_answer_text(answer, i)}{quoted}{_dropped(answer)}</div>'
        f"{meta}</div>"
    )


def _meta(answer: Answer) -> str:
    """Who answered, how long it took, and how much of the folder was indexed."""
    seconds = answer.timings.get("total")
    took = f"<span>{seconds:.1f} s</span>" if isinstance(seconds, (int, float)) else ""
    cov = answer.coverage
    partial = f'<span class="partial">{_e(cov.note())}</span>' if cov and cov.note() else ""
    return (
        f'<div class="meta"><span>answered by <span class="answerer">{_e(answer.answerer)}'
        f"</span></span>{took}{partial}</div>"
    )


def render_answer_text(answer: Answer, turn: int) -> str:
    """The answer text, escaped; cited ``[n]`` become buttons, unsupported sentences ``<del>``."""
    text = answer.text
    spans = _unsupported_spans(answer)
    out, pos = [], 0
    for start, end in spans:
        out.append(_inline(text[pos:start], answer, turn))
        out.append(
            '<del class="unsupported" title="Verification found no support for this sentence">'
            f"{_inline(text[start:end], answer, turn)}</del>"
        )
        pos = end
    out.append(_inline(text[pos:], answer, turn))
    return "".join(out)


def _unsupported_spans(answer: Answer) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for verdict in answer.verdicts:
        if verdict.supported or not verdict.text.strip():
            continue
        start = answer.text.find(verdict.text.strip())
        if start < 0:
            continue
        end = start + len(verdict.text.strip())
        if all(end <= s or start >= e for s, e in spans):
            spans.append((start, end))
    return sorted(spans)


def _inline(text: str, answer: Answer, turn: int) -> str:
    """Escaped text; each cited ``[n]`` a button followed by its article's date."""
    dates = {c.n: c.date for c in answer.citations}
    cited = set(dates)
    out, pos = [], 0
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if n not in cited:
            continue
        out.append(_e(text[pos : m.start()]))
        out.append(
            f'<button type="button" class="cite" data-turn="{turn}" data-n="{n}" '
            f'title="Show source {n} in its article">[{n}]</button>'
        )
        if dates[n]:
            date = _e(dates[n])  # drawn by CSS from the attribute: the text stays the answer's
            out.append(f'<span class="cdate" data-date="{date}" title="cited article: {date}">')
            out.append("</span>")
        pos = m.end()
    out.append(_e(text[pos:]))
    return "".join(out)


def _dropped(answer: Answer) -> str:
    if not answer.dropped:
        return ""
    items = "".join(f'<li><del class="unsupported">{_e(v.text)}</del></li>' for v in answer.dropped)
    n = len(answer.dropped)
    return (
        f'<details class="dropped"><summary>{n} sentence{"s" if n > 1 else ""} removed: '
        f"not supported by the articles</summary><ul>{items}</ul></details>"
    )


# --- sources panel -----------------------------------------------------------------------


def render_sources(answer: Answer | None, turn: int, active: int | None = None) -> str:
    """The cited files of one answer: ``[n]``, file, line, title, date and the quote."""
    if answer is None or not answer.citations:
        note = "This answer cites nothing." if answer is not None else "No answer yet."
        return f'<div class="sources empty"><h3>Sources</h3><p class="hint">{note}</p></div>'
    rows = "".join(_source_row(c, turn, c.n == active) for c in answer.citations)
    return f'<div class="sources" data-turn="{turn}"><h3>Sources</h3><ol>{rows}</ol></div>'


def _source_row(c: Citation, turn: int, active: bool) -> str:
    date = f' · <span class="date">{_e(c.date)}</span>' if c.date else ""
    title = f'<div class="title">{_e(c.title)}</div>' if c.title else ""
    cls = "source active" if active else "source"
    return (
        f'<li class="{cls}" data-n="{c.n}">'
        f'<button type="button" class="cite" data-turn="{turn}" data-n="{c.n}" '
        f'title="Show source {c.n} in its article">[{c.n}]</button> '
        f'<span class="file">{_e(c.file)}</span>, line {c.line}{date}{title}'
        f'<blockquote class="quote">{_e(quoted(c.quote, 400))}</blockquote></li>'
    )


# --- article viewer ----------------------------------------------------------------------


def render_article(c: Citation, text: str | None, nonce: int = 0, turn: int = -1) -> str:
    """The article around citation ``c`` with its exact span ``text[c.start:c.end]`` marked.

    Shows ``ARTICLE_WINDOW`` characters either side of the span (long files are not sent
    whole). ``nonce`` makes a repeated click a new value, so the page scrolls again. A
    "back to the answer" button (for narrow screens, where the article sits far below)
    returns to marker ``[n]`` of ``turn``.
    """
    back = (
        f'<button type="button" class="back narrow-only" data-turn="{turn}" data-n="{c.n}">'
        "↩ Back to the answer</button>"
        if turn >= 0
        else ""
    )
    head = (
        f'{back}<div class="article-head"><span class="file">{_e(c.file)}</span> · line {c.line}'
        + (f" · {_e(c.date)}" if c.date else "")
        + (f'<div class="title">{_e(c.title)}</div>' if c.title else "")
        + "</div>"
    )
    if text is None or text[c.start : c.end] != c.quote:
        return (
            f'<div class="article" data-nonce="{nonce}">{head}<p class="error" role="alert">'
            "This file changed or can no longer be read since the answer was given; "
            "ask again to cite its current text.</p></div>"
        )
    lo, hi = max(0, c.start - ARTICLE_WINDOW), min(len(text), c.end + ARTICLE_WINDOW)
    rest = len(text) - hi
    before = f'<span class="elided">[… {lo:,} characters before …]</span>\n' if lo else ""
    after = f'\n<span class="elided">[… {rest:,} characters after …]</span>' if rest else ""
    body = (
        f"{before}{_e(text[lo : c.start])}"
        f'<mark class="quote" data-n="{c.n}">{_e(text[c.start : c.end])}</mark>'
        f"{_e(text[c.end : hi])}{after}"
    )
    return (
        f'<div class="article" data-nonce="{nonce}">{head}'
        f'<div class="article-body">{body}</div></div>'
    )


def render_article_placeholder() -> str:
    return (
        '<div class="article empty"><p class="hint">Click a <b>[n]</b> marker to see the '
        "passage highlighted in its article.</p></div>"
    )


# --- status and examples -----------------------------------------------------------------


def render_status(
    message: str,
    kind: str = "info",
    done: int = 0,
    total: int = 0,
    skipped: Sequence[tuple[str, str]] = (),
) -> str:
    """One status line; ``kind`` is ``info``, ``busy``, ``ready`` or ``error``; files that
    were not indexed are listed under it, each with its reason."""
    bar = ""
    if kind == "busy" and total:
        bar = f' <progress max="{total}" value="{done}">{done}/{total}</progress>'
    role = ' role="alert"' if kind == "error" else ' role="status"'
    listed = ""
    if skipped:
        n = len(skipped)
        rows = "".join(f"<li>{_e(f)}: {_e(r)}</li>" for f, r in skipped)
        listed = (
            f'<details class="skipped"><summary>{n} file{"s" * (n != 1)} not indexed</summary>'
            f"<ul>{rows}</ul></details>"
        )
    return f'<div class="status {_e(kind)}"{role}>{_e(message)}{bar}{listed}</div>'


def render_examples(questions: Sequence[str]) -> str:
    if not questions:
        return ""
    buttons = "".join(
        f'<button type="button" class="example" data-q="{_e(q)}">{_e(q)}</button>'
        for q in questions
    )
    return f'<div class="examples"><span class="label">Try:</span>{buttons}</div>'
