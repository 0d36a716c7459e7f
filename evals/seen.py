"""The answer as the judge sees it: ``Seen`` (the public parts of an ``Answer``, or of its
``to_dict()``), its statements (``statements``: one claim each, with the citation numbers it
carries), and the corpus files read as citations index them (``SourceReader``,
``citation_problem``). Its own splitter and file reading: nothing here imports the bot.
It grades nothing (``evals.judge``) and decides no support (``evals.support``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.cases import Span
from evals.text import MARKER_RE

#: The bot's fixed refusal sentence (its public contract, restated, not imported).
REFUSAL_TEXT = "The articles don't say."


@dataclass(frozen=True)
class Cite:
    """A citation's public fields, restated here on purpose: the judge imports no ``bot``."""

    n: int
    file: str
    quote: str
    start: int
    end: int
    line: int
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Retrieved:
    """Where a retrieved passage stands in its file (the judge's own copy, as ``Cite``)."""

    file: str
    start: int
    end: int


@dataclass(frozen=True)
class Seen:
    """The public parts of an ``Answer`` the judge uses."""

    text: str
    refused: bool
    citations: tuple[Cite, ...]
    passages: tuple[Retrieved, ...]

    @classmethod
    def of(cls, answer: Any) -> Seen:
        """From an ``Answer`` or its ``to_dict()``."""
        get = answer.get if isinstance(answer, Mapping) else lambda k, d=None: getattr(answer, k, d)
        cites = []
        for c in get("citations", None) or []:
            cg = c.get if isinstance(c, Mapping) else lambda k, d=None, c=c: getattr(c, k, d)
            cites.append(
                Cite(
                    int(cg("n")),
                    str(cg("file")),
                    str(cg("quote")),
                    int(cg("start")),
                    int(cg("end")),
                    int(cg("line", 0) or 0),
                    str(cg("encoding", "utf-8") or "utf-8"),
                )
            )
        passages = []
        for p in get("passages", None) or []:
            pg = p.get if isinstance(p, Mapping) else lambda k, d=None, p=p: getattr(p, k, d)
            passages.append(Retrieved(str(pg("file")), int(pg("start")), int(pg("end"))))
        return cls(
            str(get("text", "") or ""), bool(get("refused", False)), tuple(cites), tuple(passages)
        )

    @property
    def is_refusal(self) -> bool:
        return self.refused or self.text.strip().startswith(REFUSAL_TEXT)


@dataclass(frozen=True)
class Statement:
    """One claim of an answer and the citation numbers attached to it."""

    text: str  # without markers
    refs: tuple[int, ...]


_SENT_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"“‘(]?[A-Z])")
_ABBREV_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Rep|Sen|Gov|St|Jr|Sr|No|vs|etc|Inc|Ltd|Co"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])\.$"
)
_GROUP_RE = re.compile(r"(?:\s*\[\d+\])+[.,;:!?\"'”’)]*")


def statements(text: str, citations: Sequence[Cite] = ()) -> list[Statement]:
    """Split an answer into statements, each with the ``[n]`` markers that close it.

    Text is cut after every run of markers. A piece that is a verbatim part of the
    passages it cites (an extractive quote) stays whole; any other piece is split into
    sentences and only its last sentence carries the markers, so an uncited sentence in
    front of a cited one counts as uncited, as in ALCE.
    """
    if text.strip().startswith(REFUSAL_TEXT):
        return []
    by_n = {c.n: c for c in citations}
    out: list[Statement] = []
    pos = 0
    for m in _GROUP_RE.finditer(text):
        refs = tuple(dict.fromkeys(int(n) for n in MARKER_RE.findall(m.group())))
        out.extend(_pieces(text[pos : m.start()], refs, by_n))
        pos = m.end()
    out.extend(_pieces(text[pos:], (), by_n))
    return out


def _pieces(chunk: str, refs: tuple[int, ...], by_n: Mapping[int, Cite]) -> list[Statement]:
    clean = " ".join(MARKER_RE.sub(" ", chunk).split())
    if not any(ch.isalnum() for ch in clean):
        return []
    quoted = " ".join(" ".join(by_n[n].quote.split()) for n in refs if n in by_n)
    if refs and clean in quoted:
        return [Statement(clean, refs)]
    sentences = _sentences(clean)
    return [Statement(s, refs if i == len(sentences) - 1 else ()) for i, s in enumerate(sentences)]


def _sentences(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        head = text[start : m.start()].rstrip()
        if _ABBREV_RE.search(head.rstrip("\"'”’)]")):
            continue
        parts.append(text[start : m.start()].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if any(ch.isalnum() for ch in p)]


class SourceReader:
    """Corpus files as citations index them: ``open(path, encoding=enc).read()``, cached."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._cache: dict[tuple[str, str], str | None] = {}

    def text(self, file: str, encoding: str = "utf-8") -> str | None:
        key = (file, encoding)
        if key not in self._cache:
            root = self.root.resolve()
            path = (root / file).resolve()
            try:
                if not path.is_relative_to(root) or not path.is_file():
                    raise OSError
                with open(path, encoding=encoding) as fh:
                    self._cache[key] = fh.read()
            except (OSError, LookupError, UnicodeDecodeError):
                self._cache[key] = None
        return self._cache[key]


def citation_problem(c: Cite, source: SourceReader) -> str:
    """Why a citation is not an exact span of its file, or "" when it is."""
    text = source.text(c.file, c.encoding)
    if text is None:
        return f"{c.file} is not a readable file of the corpus"
    if not (0 <= c.start < c.end <= len(text)):
        return f"offsets [{c.start}, {c.end}) are outside {c.file} ({len(text)} characters)"
    if text[c.start : c.end] != c.quote:
        return f"quote differs from {c.file}[{c.start}:{c.end}]"
    line = text.count("\n", 0, c.start) + 1
    if c.line != line:
        return f"line {c.line}, but offset {c.start} is on line {line}"
    return ""


def overlaps(file: str, start: int, end: int, spans: Sequence[Span]) -> bool:
    """``file[start:end]`` overlaps one of the gold ``spans``."""
    return any(s.file == file and start < s.end and s.start < end for s in spans)


def short(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters (for reasons in reports)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
