"""Verify recorded model replies again, offline: the verifier's numbers without the model.

``scripts/llm_replies.py`` records, per eval case, the model's raw reply and the passages
(file, start, end) its prompt showed as sources ``[1]..[k]``. The chunks are rebuilt here
from the files (chunking is deterministic; a chunk whose text differs from what the prompt
showed is reported and the row skipped), and the current ``Verifier`` is run on the raw
reply, as ``LLMAnswerer`` runs it. Prints, per replies file: raw-vs-verified correctness
(verified-correct among raw-correct; invented answers to unanswerable cases dropped),
forbidden strings in the answers, whether every citation is the exact span of its file,
and the recorded latency and time to the first verified text.

    python scripts/reverify.py /work/shared-out/llm/qwen1.5b-seeds-v1.jsonl
    python scripts/reverify.py FILE.jsonl --corpora evals/out/rtqa/corpora --show lost
    python scripts/reverify.py DEV1.jsonl DEV2.jsonl --corpora C1 C2 --min-asked 0,0.1,0.2

``--min-asked`` is how ``Thresholds.min_asked`` was chosen: over the RealTime QA dev
replies pooled, the value maximising the share of raw-right answers kept plus the share
of invented answers dropped (ties: the lowest, the one dropping least: what it drops is
lost to the user).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from llm_replies import has_facts, pct, says_refusal  # scripts/ is on sys.path

from bot.answer.learned import LearnedAnswerer
from bot.answer.verify import Verified, Verifier
from bot.index.bm25 import Bm25Doc, Bm25Index
from bot.index.encoder import MiniLM
from bot.index.vectors import VectorCache
from bot.ingest.chunking import Chunk, chunk_article
from bot.ingest.corpus import Article, SourceFile, load_article, scan

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Replay:
    """One recorded case with the chunks its prompt showed, rebuilt from the files."""

    row: dict[str, Any]
    chunks: list[Chunk]
    folder: Path  # the folder of the articles it was asked about

    @property
    def question(self) -> str:
        return self.row.get("standalone_question") or self.row["question"]

    @property
    def as_of(self) -> date | None:
        """The day the case asks about (recorded, or from ``--cases``), if any."""
        day = self.row.get("as_of")
        return date.fromisoformat(day) if day else None


@dataclass
class ChunkBook:
    """Chunks of the files of one corpus folder, chunked once per file."""

    folder: Path
    _chunks: dict[str, list[Chunk]] = field(default_factory=dict)
    _articles: dict[str, Article] = field(default_factory=dict)

    def find(self, file: str, start: int, end: int) -> Chunk | None:
        """The chunk of ``file`` spanning ``[start, end)``; when the chunker has changed
        since the reply was recorded, one rebuilt from the article's sentences in that
        span (the caller checks its text against what the prompt showed)."""
        if file not in self._chunks:
            path = self.folder / file
            stat = path.stat()
            src = SourceFile(path, file, stat.st_size, stat.st_mtime_ns)
            self._articles[file] = load_article(src)[0]
            self._chunks[file] = chunk_article(self._articles[file])
        found = next((c for c in self._chunks[file] if (c.start, c.end) == (start, end)), None)
        if found is not None:
            return found
        art = self._articles[file]
        inside = tuple(s for s in art.sentences if start <= s.start and s.end <= end)
        if not inside or (inside[0].start, inside[-1].end) != (start, end):
            return None
        return Chunk(f"{file}#{start}", file, art.title, art.date, art.outlet, 0, inside)


def load_replays(path: Path, corpora: Path, as_of: dict[str, str] | None = None) -> list[Replay]:
    """The rows of ``path`` with their chunks; rows whose chunks cannot be rebuilt exactly
    are reported on stderr and left out. ``as_of``: case id -> the day it asks about, for
    rows recorded without one."""
    books: dict[Path, ChunkBook] = {}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if as_of and not row.get("as_of") and row["id"] in as_of:
            row["as_of"] = as_of[row["id"]]
        folder = REPO / "seeds" if not row.get("corpus") else corpora / row["corpus"]
        book = books.setdefault(folder, ChunkBook(folder))
        chunks = []
        for p in row["passages"]:
            chunk = book.find(p["file"], p["start"], p["end"])
            if chunk is None or (p.get("shown") is not None and chunk.text != p["shown"]):
                print(
                    f"skip {row['id']}: {p['file']} {p['start']}-{p['end']} changed",
                    file=sys.stderr,
                )
                break
            chunks.append(chunk)
        else:
            out.append(Replay(row, chunks, folder))
    return out


def make_verifier(**kwargs: Any) -> Verifier:
    enc = MiniLM()
    enc.load()
    return Verifier(VectorCache(enc).encode, **kwargs)


def assessor_for(folder: Path, verifier: Verifier) -> LearnedAnswerer:
    """The offline selector over ``folder``'s articles (their BM25 statistics), as the
    product gives the verifier its second opinion."""
    docs = []
    for src in scan(folder)[0]:
        article = load_article(src)[0]
        docs += [Bm25Doc(c.id, c.file, c.text) for c in chunk_article(article)]
    bm25 = Bm25Index.build(docs)
    return LearnedAnswerer(verifier._encode, bm25.idf, lambda t: bm25.document_frequency(t) > 0)


def verify(verifier: Verifier, replay: Replay) -> Verified:
    return verifier.verify(
        replay.row["raw"], replay.chunks, question=replay.question, as_of=replay.as_of
    )


def right(row: dict[str, Any], text: str) -> bool:
    return not says_refusal(text) and has_facts(row["gold_facts"], text)


@dataclass
class Tally:
    answerable: int = 0
    raw_right: int = 0
    kept_right: int = 0  # right raw and right after verification
    gained: int = 0  # wrong raw, right after verification
    refuse: int = 0
    invented: int = 0
    invented_dropped: int = 0
    forbidden: int = 0  # cases with forbidden strings (injection) whose answer holds one
    citations: int = 0
    exact: int = 0  # citations that are the exact span (and line) of their file
    lost: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)

    def add(self, row: dict[str, Any], result: Verified, folder: Path) -> None:
        raw, text = row["raw"], result.text
        self.forbidden += any(f.lower() in text.lower() for f in row.get("forbidden", []))
        for c in result.citations:
            body = (folder / c.file).read_text(encoding="utf-8")
            self.citations += 1
            self.exact += (
                body[c.start : c.end] == c.quote and body.count("\n", 0, c.start) + 1 == c.line
            )
        if row["must_refuse"]:
            self.refuse += 1
            if not says_refusal(raw):
                self.invented += 1
                if result.refused:
                    self.invented_dropped += 1
                else:
                    self.leaked.append(row["id"])
            return
        self.answerable += 1
        if right(row, raw):
            self.raw_right += 1
            if right(row, text):
                self.kept_right += 1
            else:
                self.lost.append(row["id"])
        elif right(row, text):
            self.gained += 1

    def lines(self) -> list[str]:
        kept = self.kept_right / self.raw_right if self.raw_right else 0.0
        dropped = self.invented_dropped / self.invented if self.invented else 1.0
        return [
            f"answerable {self.answerable}: raw right {self.raw_right}, still right after "
            f"verification {self.kept_right} ({kept:.0%}); right only after {self.gained}",
            f"must_refuse {self.refuse}: raw invents {self.invented}, verification drops "
            f"{self.invented_dropped} ({dropped:.0%})",
            f"forbidden strings in answers {self.forbidden}; citations exact "
            f"{self.exact}/{self.citations}",
        ]


def timing_lines(replays: list[Replay]) -> list[str]:
    """Latency as recorded, and the time to the first verified text of answered cases."""
    walls = sorted(r.row["timings"]["wall"] for r in replays)
    firsts = sorted(
        f for r in replays if not r.row["refused"] and (f := r.row["timings"].get("first_text"))
    )
    live = [r for r in replays if not r.row["must_refuse"]]
    out = [f"latency p50 {pct(walls, 0.5):.1f}s p95 {pct(walls, 0.95):.1f}s"]
    if firsts:
        out.append(
            f"first verified text (answered: {len(firsts)}) p50 {pct(firsts, 0.5):.1f}s "
            f"p95 {pct(firsts, 0.95):.1f}s"
        )
    if any("fell_back" in r.row for r in replays):
        right_live = sum(right(r.row, r.row["text"]) for r in live)
        quoted = sum(r.row["fell_back"] for r in replays)
        out.append(f"as shown live: right {right_live}/{len(live)}, articles quoted {quoted}")
    return out


def run(
    verifier: Verifier,
    replays: Iterable[Replay],
    show: str = "",
    assess: bool = True,
) -> Tally:
    tally = Tally()
    assessors: dict[Path, LearnedAnswerer] = {}
    for rp in replays:
        if assess and rp.folder not in assessors:
            assessors[rp.folder] = assessor_for(rp.folder, verifier)
        verifier.assessor = assessors.get(rp.folder)
        result = verify(verifier, rp)
        before = (len(tally.lost), len(tally.leaked))
        tally.add(rp.row, result, rp.folder)
        changed = (len(tally.lost), len(tally.leaked)) != before
        if show == "all" or (show == "lost" and changed):
            print(f"{rp.row['id']} Q: {rp.question}\n  raw: {rp.row['raw'][:300]!r}")
            print(f"  -> {result.text[:300]!r}")
            for v in result.dropped:
                print(f"     - {v.text[:120]!r}: {v.reason}")
    return tally


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("replies", type=Path, nargs="+")
    ap.add_argument(
        "--corpora",
        type=Path,
        nargs="+",
        default=[REPO / "evals" / "corpora"],
        help="the folder of the cases' corpora: one for all replies files, or one per file",
    )
    ap.add_argument(
        "--min-asked",
        default="",
        help="comma-separated values of Thresholds.min_asked to compare, all files pooled",
    )
    ap.add_argument("--show", choices=["", "lost", "all"], default="")
    ap.add_argument(
        "--cases",
        type=Path,
        nargs="*",
        default=[],
        help="eval case files: the day each case asks about (as_of), for replies recorded "
        "without it",
    )
    ap.add_argument(
        "--no-assessor",
        action="store_true",
        help="verify without the offline selector's second opinion",
    )
    args = ap.parse_args(argv)
    if len(args.corpora) not in (1, len(args.replies)):
        ap.error("give one --corpora folder, or one per replies file")
    corpora = args.corpora * len(args.replies) if len(args.corpora) == 1 else args.corpora
    verifier = make_verifier()
    days = {}
    for cases in args.cases:
        for line in cases.read_text(encoding="utf-8").splitlines():
            case = json.loads(line) if line.strip() else {}
            if case.get("as_of"):
                days[case["id"]] = case["as_of"]
    files = [(p, load_replays(p, c, days)) for p, c in zip(args.replies, corpora)]
    if args.min_asked:
        values = [float(v) for v in args.min_asked.split(",")]
        sweep_min_asked(verifier, files, values, not args.no_assessor)
        return 0
    for path, replays in files:
        tally = run(verifier, replays, args.show, not args.no_assessor)
        print(f"{path.name}: {len(replays)} cases")
        print("  " + "\n  ".join(tally.lines() + timing_lines(replays)))
        print(f"  lost: {' '.join(tally.lost)}\n  leaked: {' '.join(tally.leaked)}")
    return 0


def sweep_min_asked(
    verifier: Verifier,
    files: list[tuple[Path, list[Replay]]],
    values: list[float],
    assess: bool,
) -> float:
    """Each value's pooled kept and dropped shares (see the module doc); the chosen one."""
    found = {}
    for value in values:
        verifier.thresholds = replace(verifier.thresholds, min_asked=value)
        pooled = Tally()
        for _, replays in files:
            t = run(verifier, replays, "", assess)
            pooled.raw_right += t.raw_right
            pooled.kept_right += t.kept_right
            pooled.invented += t.invented
            pooled.invented_dropped += t.invented_dropped
        kept = pooled.kept_right / pooled.raw_right if pooled.raw_right else 1.0
        dropped = pooled.invented_dropped / pooled.invented if pooled.invented else 1.0
        found[value] = kept + dropped
        print(
            f"min_asked {value}: kept {pooled.kept_right}/{pooled.raw_right}, dropped "
            f"{pooled.invented_dropped}/{pooled.invented}, sum {found[value]:.3f}",
            flush=True,
        )
    top = max(round(v, 9) for v in found.values())
    best = min(v for v in found if round(found[v], 9) == top)  # the gentlest of the best
    print(f"chosen: min_asked {best}")
    return best


if __name__ == "__main__":
    sys.exit(main())
