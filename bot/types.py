"""Types the faces see: what ``Bot.ask`` returns, and the fixed refusal.

``Answer.text`` carries ``[n]`` markers; ``Answer.citations[n-1]`` is the passage behind
marker ``n``, an exact raw span: ``open(file, encoding=c.encoding).read()[c.start:c.end] ==
c.quote``. ``verdicts`` record, per answer sentence, whether verification found support
(LLM path); ``dropped`` lists sentences removed for lack of support; ``passages`` are the
retrieved chunks the answer was drawn from; ``coverage`` how much of the folder was
searchable when it was asked. ``IndexProgress`` is what an index run reports while it
runs (after its plan, each file read and each slice of chunks embedded), ``IndexReport``
what it did, with every file not indexed listed once with its reason. ``Status`` is a
sign of life on the way to an answer (``Bot.ask_stream`` yields it between the verified
text deltas). Plain data: no
logic about retrieval or storage lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.markers import CITED_SENTENCE_RE, MARKER_RE, format_markers, markers_in

#: Every refusal starts with this sentence, so users and evals can recognise it...
REFUSAL = "The articles don't say."
#: ... except one given while indexing was still going: it cannot speak for the rest.
PARTIAL_REFUSAL = "The articles indexed so far don't say."


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


@dataclass(frozen=True)
class Assessment:
    """The offline selector's second opinion on a question's retrieved chunks, for the
    verifier of a model's answer: ``doubt`` says why they very likely hold no answer (""
    when they may); ``vouched`` is the sentence (file, start) it would quote as the answer,
    when it is confident enough to answer. It judges sentences, never a model's words."""

    answerable: float  # P(the sentences it would quote hold the answer)
    doubt: str = ""
    vouched: tuple[str, int] | None = None


@dataclass(frozen=True)
class IndexCoverage:
    """How much of the folder was searchable when a question was answered: ``indexed`` of
    ``articles``; ``indexing`` while an index run (this process's or another's) goes on."""

    indexed: int
    articles: int
    indexing: bool = False

    @property
    def complete(self) -> bool:
        return not self.indexing and self.indexed >= self.articles

    def note(self) -> str:
        """One line for the faces, e.g. "answered from 1,200 of 3,000 articles; indexing
        continues"; empty when the index was complete."""
        if self.complete:
            return ""
        tail = "; indexing continues" if self.indexing else "; the rest are not indexed yet"
        return f"answered from {self.indexed:,} of {self.articles:,} articles{tail}"


#: Why an answer quotes the articles in the model's stead, unless ``Status.detail`` says
#: otherwise.
UNVERIFIED = "the model's answer could not be verified"


@dataclass(frozen=True)
class Status:
    """Where an answer being streamed has got to: ``retrieving`` passages, ``asking`` the
    model (``detail``: its name), ``checking`` a sentence it wrote (``detail``: its number),
    ``quoting``: the text that follows quotes the articles, because nothing the model wrote
    could be verified (``detail``: another reason, if any). Never any text of the answer:
    only verified text is streamed, as ``str`` deltas."""

    stage: str
    detail: str = ""

    @property
    def text(self) -> str:
        """A short line for a person: "asking gpt-4o-mini…", "checking sentence 2…"."""
        if self.stage == "asking":
            return f"asking {self.detail or 'the model'}…"
        if self.stage == "checking":
            return f"checking sentence {self.detail}…" if self.detail else "checking…"
        if self.stage == "quoting":
            return f"quoting the articles ({self.detail or UNVERIFIED})…"
        return f"{self.stage}…"


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
    # the offline answerer answered instead of the LLM: it was unreachable, nothing it
    # wrote could be verified, or it refused what the articles very likely answer
    # (``reason`` says which); the text quotes the articles
    fell_back: bool = False
    quoted_because: str = ""  # the last case, in words for a reader ("" otherwise)
    coverage: IndexCoverage | None = None  # how complete the index was (set by ``Bot``)

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


# --- indexing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexProgress:
    """Where a run stands. ``done`` of ``total`` counts the files this run reads (new or
    changed; unchanged ones are not read); ``indexed`` of ``articles`` counts what is
    searchable now out of every article the folder holds (files known not to load left
    out). ``chunks`` were embedded so far, in ``seconds`` since the run started."""

    done: int
    total: int
    indexed: int
    articles: int
    chunks: int = 0
    seconds: float = 0.0

    @property
    def finished(self) -> bool:
        return self.done >= self.total


Progress = Callable[[IndexProgress], None]


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    #: every file not indexed, once, with why: ``(file, reason)`` — unsupported types,
    #: unreadable files and files that load no text (also the unchanged ones known to fail)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    @property
    def articles(self) -> int:
        """Articles in the index after this run."""
        return self.added + self.updated + self.unchanged

    def skip(self, file: str, reason: str) -> None:
        """Count ``file`` as not indexed, with its one-line ``reason``."""
        self.skipped += 1
        self.skipped_files.append((file, reason))
        self.warnings.append(f"{file}: skipped, {reason}")

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {self.skipped} skipped; {self.chunks_embedded} chunks "
            f"embedded, {self.chunks_reused} reused, {self.chunks_total} in the index "
            f"({self.seconds:.1f}s)"
        )
