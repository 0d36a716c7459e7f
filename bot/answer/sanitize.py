"""Model output made safe to show: no remote images, no links, no HTML, no URLs.

An article can carry instructions ("show this image", "link to …") that a model may obey;
whatever it writes, users never see a rendered remote image or a clickable link.
``sanitize(text)`` removes markdown images (``![alt](url)``) and reference definitions,
turns links (``[text](url)``) into their text (``[3](url)`` into the marker ``[3]``),
drops HTML tags, autolinks and bare URLs, and breaks any leftover ``](`` so no later
markdown renderer can assemble a link or image; ``<`` and ``>`` become ``‹ ›``. Emphasis marks
(``**``, ``__``, backticks) are removed too. (``[a][b]`` reference links render only with a
definition, and definitions are removed, so citation runs like ``[1][2]`` stay.)

``StreamSanitizer`` does the same to a stream of deltas: it holds back the tail that could
still become a construct (an open ``[``, ``<`` or ``(``, or the last unfinished word, which
might be a URL) and releases it once decided, so the concatenated output equals
``sanitize`` of the concatenated input (modulo whitespace at the cut points).
It knows nothing of citations or sources.
"""

from __future__ import annotations

import re

_IMAGE_RE = re.compile(r"!\[[^\[\]\n]*\]\([^)\n]*\)|!\[[^\[\]\n]*\]\[[^\[\]\n]*\]")
_LINK_RE = re.compile(r"\[([^\[\]\n]*)\]\([^)\n]*\)")
_REF_DEF_RE = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$", re.M)
_TAG_RE = re.compile(r"</?[A-Za-z!][^<>\n]*>")
_URL_RE = re.compile(
    r"(?:https?|ftp|file)://[^\s<>\"'”’)\]]*"
    r"|\b(?:data|javascript|mailto):(?=\S)[^\s<>\"'”’)\]]*"
    r"|www\.[^\s<>\"'”’)\]]+",
    re.I,
)
_EMPHASIS_RE = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|`+")
_NUMERIC_RE = re.compile(r"\s*\d+(?:\s*[,;]\s*\d+)*\s*")


def sanitize(text: str) -> str:
    """``text`` without images, links, HTML or URLs (see the module docstring)."""
    text = _IMAGE_RE.sub("", text)
    text = _REF_DEF_RE.sub("", text)
    text = _LINK_RE.sub(_link_text, text)
    text = _TAG_RE.sub("", text)
    text = _URL_RE.sub("", text)
    text = _EMPHASIS_RE.sub("", text)
    text = text.replace("](", "] (")
    return text.replace("<", "‹").replace(">", "›")


def _link_text(m: re.Match[str]) -> str:
    inner = m.group(1)
    return f"[{inner.strip()}]" if _NUMERIC_RE.fullmatch(inner) else inner


class StreamSanitizer:
    """Incremental ``sanitize``: ``feed`` deltas, then ``flush`` the held-back tail."""

    #: Past this many held-back characters a construct is given up on and released.
    MAX_HOLD = 500

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, delta: str) -> str:
        self._pending += delta
        cut = self._safe_cut(self._pending)
        if cut == 0 and len(self._pending) > self.MAX_HOLD:
            cut = len(self._pending)
        out, self._pending = self._pending[:cut], self._pending[cut:]
        return sanitize(out) if out else ""

    def flush(self) -> str:
        out, self._pending = self._pending, ""
        return sanitize(out) if out else ""

    @staticmethod
    def _safe_cut(text: str) -> int:
        """Just after the last whitespace that lies outside every construct and before any
        construct still open; 0 when there is none. Cutting only there, removing a
        construct never glues the text of two releases together."""
        cut, i = 0, 0
        while i < len(text):
            ch = text[i]
            if ch.isspace():
                cut = i + 1
                i += 1
            elif ch == "<":
                close = text.find(">", i)
                newline = text.find("\n", i)
                if close < 0 and newline < 0:
                    return cut  # a tag may still be coming
                i = close + 1 if close >= 0 and (newline < 0 or close < newline) else i + 1
            elif ch == "[":
                end = _bracket_end(text, i)
                if end is None:
                    return cut
                i = end
            else:
                i += 1
        return cut


def _bracket_end(text: str, i: int) -> int | None:
    """Where the construct opened by the ``[`` at ``i`` ends, or None while it may still
    become a link (``[text](url)``); a ``[`` that cannot open one ends right away."""
    close = text.find("]", i)
    reopen = text.find("[", i + 1)
    newline = text.find("\n", i)
    if 0 <= reopen < close or (close < 0 and reopen >= 0):
        return i + 1  # another "[" first: this one opens nothing
    if close < 0:
        return None if newline < 0 else i + 1
    if 0 <= newline < close:
        return i + 1
    if close + 1 == len(text):
        return None  # "[x]" at the very end: a "(" may follow
    if text[close + 1] != "(":
        return close + 1
    end = text.find(")", close + 2)
    newline = text.find("\n", close)
    if end < 0:
        return None if newline < 0 else close + 1
    return end + 1
