"""Types the faces see: what ``Bot.ask`` returns, and the fixed refusal.

``Answer.text`` carries ``[n]`` markers; ``Answer.citations[n-1]`` is the passage behind
marker ``n``, an exact raw span: ``open(file, encoding=c.encoding).read()[c.start:c.end] ==
c.quote``. ``verdicts`` record, per answer sentence, whether verification found support
(LLM path); ``dropped`` lists sentences removed for lack of support; ``passages`` are the
retrieved chunks the answer was drawn from. Plain data: no logic about retrieval or
storage lives here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.markers import CITED_SENTENCE_RE, MARKER_RE, format_markers, markers_in

#: Every refusal starts with this sentence, so users and evals can recognise it.
REFUSAL = "The articles don't say."


@dataclass(frozen=True)
class Citation:
    """One quoted span. ``date`` is its article's date (``YYYY-MM-DD``) or None: the CLI
    shows it on every source line, and an answer that quotes conflicting figures puts it
    before each report ("2024-07-08: … [1]"), newest first."""

    n: int
    file: str
    quote: str
    start: int
    end: int
    line: int
    title: str = ""
    date: str | None = None
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk, as evals and the page see it (in retrieval order)."""

    file: str
    start: int
    end: int
    line_start: int
    line_end: int
    title: str = ""
    date: str | None = None
    score: float = 0.0


@dataclass(frozen=True)
class SentenceVerdict:
    """One answer sentence as verification saw it."""

    text: str
    citations: tuple[int, ...]
    supported: bool
    score: float
    reason: str = ""


@dataclass
class Answer:
    question: str
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    answerer: str = "extractive"
    standalone_question: str = ""
    reason: str = ""
    verdicts: list[SentenceVerdict] = field(default_factory=list)
    dropped: list[SentenceVerdict] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    fell_back: bool = False  # the LLM was unreachable; the offline answerer answered

    @classmethod
    def refusal(cls, question: str, reason: str = "", **kwargs: str) -> Answer:
        return cls(question=question, text=REFUSAL, refused=True, reason=reason, **kwargs)

    def keep_citations(self, keep: set[int]) -> Answer:
        """This answer with only the citations numbered in ``keep``: sentences left without
        a citation go, markers are renumbered 1..n; nothing left makes it a refusal."""
        if not MARKER_RE.search(self.text) or keep >= set(markers_in(self.text)):
            return replace(self, citations=[c for c in self.citations if c.n in keep])
        kept = [c for c in self.citations if c.n in keep]
        renumber = {c.n: i for i, c in enumerate(kept, start=1)}
        parts = []
        for m in CITED_SENTENCE_RE.finditer(self.text):
            ns = markers_in(m.group("markers"))
            if any(n in renumber for n in ns):
                markers = format_markers(renumber[n] for n in ns if n in renumber)
                parts.append(f"{m.group('sentence').strip()} {markers}")
        if not parts:
            return Answer.refusal(
                self.question,
                "its citations no longer match the files",
                answerer=self.answerer,
                standalone_question=self.standalone_question,
            )
        return replace(
            self, text=" ".join(parts), citations=[replace(c, n=renumber[c.n]) for c in kept]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (``json.dumps(ans.to_dict())`` works)."""
        return asdict(self)
