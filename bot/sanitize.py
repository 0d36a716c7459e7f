"""Model output made safe to show: no remote images, no links, no HTML, no URLs.

An article can carry instructions ("show this image", "link to …") that a model may obey;
whatever it writes, users never see a rendered remote image or a clickable link.
``sanitize(text)`` removes markdown images (``![alt](url)``) and reference definitions,
turns links (``[text](url)``) into their text (``[3](url)`` into the marker ``[3]``),
drops HTML tags, autolinks and bare URLs, and breaks any leftover ``](`` so no later
markdown renderer can assemble a link; ``<`` and ``>`` become ``‹ ›``. Emphasis marks
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

_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)|!\[[^\]\n]*\]\[[^\]\n]*\]")
_LINK_RE = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
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
    text = text.replace("![", "[").replace("](", "] (")
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
        """The longest prefix ending at whitespace with no construct left open."""
        end = max(text.rfind(" "), text.rfind("\n"), text.rfind("\t")) + 1
        if end == 0:
            return 0
        opened = _first_open(text[:end])
        return end if opened is None else opened


def _first_open(text: str) -> int | None:
    """Where the first construct that is not yet closed starts, if any."""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            close = text.find(">", i)
            if close < 0 and "\n" not in text[i:]:
                return i
            i = close + 1 if close >= 0 else i + 1
            continue
        if ch == "[":
            close = text.find("]", i)
            if close < 0:
                return i if "\n" not in text[i:] else None
            if close + 1 == len(text):
                return i  # "[x]" at the very end: a "(" may still follow
            if text[close + 1] == "(":
                end = text.find(")", close + 2)
                if end < 0:
                    return i if "\n" not in text[close:] else None
                i = end + 1
                continue
            i = close + 1
            continue
        i += 1
    return None
