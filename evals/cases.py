"""Eval cases: load the hand-written JSONL files, validate them, locate their gold spans.

A case file holds one JSON object per line (format: ``evals/cases/README.md``). ``load_cases``
checks every field and raises ``CaseError`` with a one-line ``path:line: message`` for the
first problem it finds, so a typo in a label never turns into a silent wrong score.
``gold_spans`` finds each gold evidence quote in its file (``text.find(quote)`` on the file
read with ``open(path, encoding="utf-8")``) and ``label_warnings`` lists softer problems
(a quote that occurs twice, a fact group that appears in no quote).

Nothing here imports the bot: cases are data about files, not about answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from evals.text import normalise  # the judge's matching, so label checks agree with it

KINDS = (
    "single",
    "multi",
    "number",
    "followup",
    "unanswerable",
    "near_miss",
    "conflict",
    "boilerplate",
    "injection",
)
_REQUIRED = ("id", "kind", "question", "gold_facts", "gold_files", "gold_evidence", "must_refuse")
_OPTIONAL = ("history", "notes", "corpus", "forbidden", "as_of")
_ROLES = ("user", "assistant")
_ISO_DATE_RE = re.compile(r"\d{4}-\d\d-\d\d")


class CaseError(ValueError):
    """A case file is unusable; the message is one line naming the file and line."""


@dataclass(frozen=True)
class Evidence:
    file: str
    quote: str


@dataclass(frozen=True)
class Span:
    """A gold evidence quote located in its file: ``text[start:end] == quote``."""

    file: str
    start: int
    end: int


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    question: str
    gold_facts: tuple[tuple[str, ...], ...]
    gold_files: tuple[str, ...]
    gold_evidence: tuple[Evidence, ...]
    must_refuse: bool
    history: tuple[Mapping[str, str], ...] = ()
    notes: str = ""
    corpus: str | None = None
    forbidden: tuple[str, ...] = ()
    as_of: date | None = None  # the day the question is asked (answers may depend on it)
    source: str = ""  # "path:line", for messages
    case_file: Path | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "question": self.question,
            "history": [dict(m) for m in self.history],
            "gold_facts": [list(g) for g in self.gold_facts],
            "gold_files": list(self.gold_files),
            "gold_evidence": [{"file": e.file, "quote": e.quote} for e in self.gold_evidence],
            "must_refuse": self.must_refuse,
            "notes": self.notes,
            "corpus": self.corpus,
            "forbidden": list(self.forbidden),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "source": self.source,
        }


def default_case_files() -> list[Path]:
    """The case files shipped with the package (``evals/cases/*.jsonl``)."""
    return sorted((Path(__file__).parent / "cases").glob("*.jsonl"))


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a directory stands for the ``*.jsonl`` files directly inside it."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob("*.jsonl"))
            if not found:
                raise CaseError(f"{path}: no *.jsonl case files in this folder")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise CaseError(f"{path}: case file not found")
    return out


def load_cases(paths: Iterable[str | Path]) -> list[Case]:
    """Every case of every file, validated; ids must be unique across files."""
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in expand_paths(paths):
        for case in _load_file(path):
            if case.id in seen:
                raise CaseError(
                    f"{case.source}: duplicate id {case.id!r} (first at {seen[case.id]})"
                )
            seen[case.id] = case.source
            cases.append(case)
    if not cases:
        raise CaseError("no cases to run")
    return cases


def write_case_rows(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """Write ``rows`` as a case file: one JSON object a line, UTF-8 unescaped."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text("".join(lines), encoding="utf-8")


def _load_file(path: Path) -> list[Case]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise CaseError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise CaseError(f"{path}: cannot read ({exc.strerror or exc})") from None
    cases = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CaseError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        cases.append(parse_case(row, where, path))
    return cases


def parse_case(row: object, where: str = "<case>", case_file: Path | None = None) -> Case:
    """One case from its JSON object, or ``CaseError`` saying what is wrong with it."""
    source = where

    def fail(message: str) -> CaseError:
        return CaseError(f"{where}: {message}")

    if not isinstance(row, dict):
        raise fail("each line must be a JSON object")
    if isinstance(row.get("id"), str) and row["id"].strip():
        where = f"{where} ({row['id']})"
    missing = [k for k in _REQUIRED if k not in row]
    if missing:
        raise fail(f"missing field(s): {', '.join(missing)}")
    unknown = sorted(set(row) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise fail(f"unknown field(s): {', '.join(unknown)}")

    cid = row["id"]
    if not isinstance(cid, str) or not cid.strip():
        raise fail("id must be a non-empty string")
    kind = row["kind"]
    if kind not in KINDS:
        raise fail(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    question = row["question"]
    if not isinstance(question, str) or not question.strip():
        raise fail("question must be a non-empty string")
    must_refuse = row["must_refuse"]
    if not isinstance(must_refuse, bool):
        raise fail("must_refuse must be true or false")

    facts = row["gold_facts"]
    if not _is_list(facts) or not all(_is_str_list(g, nonempty=True) for g in facts):
        raise fail("gold_facts must be a list of non-empty lists of strings")
    if any(not alt.strip() for g in facts for alt in g):
        raise fail("gold_facts holds an empty alternative (it would match any answer)")
    files = row["gold_files"]
    if not _is_str_list(files):
        raise fail("gold_files must be a list of file names")
    evidence = row["gold_evidence"]
    if not _is_list(evidence) or not all(
        isinstance(e, dict)
        and set(e) == {"file", "quote"}
        and isinstance(e["file"], str)
        and isinstance(e["quote"], str)
        and e["quote"].strip()
        for e in evidence
    ):
        raise fail('gold_evidence must be a list of {"file": name, "quote": non-empty text}')
    if must_refuse and (facts or files or evidence):
        raise fail("a must_refuse case must have empty gold_facts, gold_files and gold_evidence")
    if not must_refuse and not facts:
        raise fail("an answerable case needs at least one gold_facts group")
    if not must_refuse and not evidence:
        raise fail("an answerable case needs gold_evidence")
    stray = sorted({e["file"] for e in evidence} - set(files))
    if stray:
        raise fail(f"gold_evidence file(s) not listed in gold_files: {', '.join(stray)}")

    history = row.get("history", [])
    if not _is_list(history) or not all(
        isinstance(m, dict)
        and set(m) == {"role", "content"}
        and m["role"] in _ROLES
        and isinstance(m["content"], str)
        for m in history
    ):
        raise fail('history must be a list of {"role": "user"|"assistant", "content": text}')
    notes = row.get("notes", "")
    if not isinstance(notes, str):
        raise fail("notes must be a string")
    corpus = row.get("corpus")
    if corpus is not None and (
        not isinstance(corpus, str) or not corpus.strip() or "/" in corpus or "\\" in corpus
    ):
        raise fail("corpus must be the name of a folder under evals/corpora/")
    forbidden = row.get("forbidden", [])
    if not _is_str_list(forbidden) or any(not f.strip() for f in forbidden):
        raise fail("forbidden must be a list of non-empty strings")
    as_of = row.get("as_of")
    if as_of is not None:
        if not isinstance(as_of, str) or not _ISO_DATE_RE.fullmatch(as_of):
            raise fail("as_of must be a date written YYYY-MM-DD")
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise fail(f"as_of {as_of!r} is not a calendar date") from None

    return Case(
        id=cid,
        kind=kind,
        question=question,
        gold_facts=tuple(tuple(g) for g in facts),
        gold_files=tuple(files),
        gold_evidence=tuple(Evidence(e["file"], e["quote"]) for e in evidence),
        must_refuse=must_refuse,
        history=tuple({"role": m["role"], "content": m["content"]} for m in history),
        notes=notes,
        corpus=corpus,
        forbidden=tuple(forbidden),
        as_of=as_of,
        source=source,
        case_file=case_file,
    )


def _is_list(value: object) -> bool:
    return isinstance(value, list)


def _is_str_list(value: object, nonempty: bool = False) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, str) for v in value)
        and (bool(value) or not nonempty)
    )


# --- gold spans ---------------------------------------------------------------------------


def read_utf8(path: Path) -> str:
    """A corpus file as the labels were written against it (universal newlines)."""
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def gold_spans(case: Case, corpus_dir: Path) -> list[Span]:
    """Each evidence quote's ``[start, end)`` in its file; ``CaseError`` when one is not found."""
    spans = []
    for ev in case.gold_evidence:
        path = corpus_dir / ev.file
        try:
            text = read_utf8(path)
        except FileNotFoundError:
            raise CaseError(f"{case.source} ({case.id}): evidence file {path} not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CaseError(f"{case.source} ({case.id}): cannot read {path}: {exc}") from None
        start = text.find(ev.quote)
        if start < 0:
            raise CaseError(
                f"{case.source} ({case.id}): evidence quote not found in {ev.file}: "
                f"{_short(ev.quote)!r}"
            )
        spans.append(Span(ev.file, start, start + len(ev.quote)))
    return spans


def label_warnings(case: Case, corpus_dir: Path) -> list[str]:
    """Soft labelling problems: a quote occurring more than once, a missing gold file, a
    fact group none of whose alternatives appears in the evidence quotes."""

    out = []
    for ev in case.gold_evidence:
        path = corpus_dir / ev.file
        count = read_utf8(path).count(ev.quote) if path.is_file() else 0
        if count > 1:
            out.append(f"{case.id}: quote occurs {count} times in {ev.file}: {_short(ev.quote)!r}")
    for name in case.gold_files:
        if not (corpus_dir / name).is_file():
            out.append(f"{case.id}: gold file {name} is not in {corpus_dir}")
    quotes = normalise(" ".join(e.quote for e in case.gold_evidence))
    for group in case.gold_facts:
        if not any(normalise(alt) in quotes for alt in group):
            out.append(f"{case.id}: no alternative of fact group {list(group)} is in the quotes")
    return out


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def corpus_dir_for(case: Case, seeds_dir: Path, corpora_dir: Path | None = None) -> Path:
    """Where a case's files live: the seeds dir, or ``<corpora>/<corpus>/``.

    Without an explicit ``corpora_dir`` the ``corpora`` folder next to the case file's
    folder is used (``evals/cases/x.jsonl`` -> ``evals/corpora/``).
    """
    if case.corpus is None:
        return seeds_dir
    if corpora_dir is None:
        base = case.case_file.parent if case.case_file else Path(__file__).parent / "cases"
        corpora_dir = base.parent / "corpora"
    return corpora_dir / case.corpus


def group_by_corpus(cases: Sequence[Case]) -> dict[str | None, list[Case]]:
    """Cases per corpus name (``None`` = the seeds dir), in first-seen order."""
    groups: dict[str | None, list[Case]] = {}
    for case in cases:
        groups.setdefault(case.corpus, []).append(case)
    return groups
