"""Compound questions from a case file: two answerable cases asked as one question.

"Which film won the most Oscars, and which state was hit by the storm?" is how users ask
two things at once; RealTime QA asks one at a time. This joins pairs of a converted
split's answerable cases (``python -m evals.realtimeqa``) into one ``multi`` case each,
over the same corpus: the first question without its question mark, ", and ", the second
with its first letter lowered. A pair passes when both answers are quoted. Only
one-sentence questions opening with an interrogative are paired (a quiz's statement-then-
question cannot follow ", and"); the pairing is shuffled with a seed. Undated: the two
questions may come from different weeks.

With ``--conversation`` the same pairs are also written as two turns: the second question
asked after the first (``<name>-after.jsonl``) and opened with "And …"
(``<name>-and.jsonl``), each a case of the second question with the first as its
``history``: a new question in a conversation should be answered as if asked alone.

    python -m evals.compound CASES.jsonl [--out DIR] [--seed N] [--conversation]

It reads and writes case files only; it imports nothing from ``bot``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals.cases import write_case_rows

DEFAULT_SEED = 7
_OPENING_RE = re.compile(r"(?:what|which|who|how|when|where)\b", re.IGNORECASE)
_INNER_STOP_RE = re.compile(r"[.!?]\s")


def one_wh_sentence(question: str) -> bool:
    """One sentence opening with an interrogative (a quiz's statement-then-question is not)."""
    q = question.strip()
    return bool(_OPENING_RE.match(q)) and not _INNER_STOP_RE.search(q)


def read_cases(path: Path) -> list[dict[str, Any]]:
    """The case file's rows (``OSError``/``ValueError`` when unreadable)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_forms(
    source: Path,
    out: Path | None,
    make: Callable[[list[dict[str, Any]]], dict[str, list[dict[str, Any]]]],
    lacking: str,
) -> int:
    """The command line's work: read ``source``, write each form ``make`` returns as
    ``<stem>-<form>.jsonl`` in ``out`` (default beside ``source``, so its corpora/ is
    found); the exit status (2, with one line, when unreadable or a form is empty)."""
    try:
        cases = read_cases(source)
    except (OSError, ValueError) as e:
        print(f"error: cannot read {source}: {e}", file=sys.stderr)
        return 2
    written = make(cases)
    if not all(written.values()):
        print(f"error: {source} has {lacking}", file=sys.stderr)
        return 2
    out = out or source.parent
    out.mkdir(parents=True, exist_ok=True)
    for form, rows in written.items():
        path = out / f"{source.stem}-{form}.jsonl"
        write_case_rows(path, rows)
        print(f"{len(rows)} {form} cases from {len(cases)} -> {path}")
    return 0


def lowered(question: str) -> str:
    """``question`` with its first letter lowered, to follow other words."""
    q = question.strip()
    return f"{q[:1].lower()}{q[1:]}"


def joinable(case: dict[str, Any]) -> bool:
    """An answerable case whose question is one sentence opening with an interrogative."""
    q = case["question"].strip()
    return not case.get("must_refuse") and one_wh_sentence(q) and q.endswith("?")


def join(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """One ``multi`` case asking both questions; its facts are both cases' facts."""
    a, b = first["question"].strip(), second["question"].strip()
    return {
        "id": f"{first['id']}+{second['id']}",
        "question": f"{a.rstrip('?')}, and {lowered(b)}",
        "corpus": first["corpus"],
        "kind": "multi",
        "gold_facts": first["gold_facts"] + second["gold_facts"],
        "gold_files": first["gold_files"] + second["gold_files"],
        "gold_evidence": first.get("gold_evidence", []) + second.get("gold_evidence", []),
        "must_refuse": False,
        "notes": f"{first['id']} and {second['id']} asked as one question",
    }


def pairs(cases: Sequence[dict[str, Any]], seed: int = DEFAULT_SEED) -> list[tuple[dict, dict]]:
    """The joinable ``cases`` in pairs (each used once, shuffled with ``seed``)."""
    pool = [c for c in cases if joinable(c) and c["corpus"] == cases[0]["corpus"]]
    random.Random(seed).shuffle(pool)
    return list(zip(pool[0::2], pool[1::2]))


def compound(cases: Sequence[dict[str, Any]], seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """Pairs of the joinable ``cases``, joined."""
    return [join(a, b) for a, b in pairs(cases, seed)]


def asked_after(first: dict[str, Any], second: dict[str, Any], opener: str = "") -> dict:
    """``second`` asked after ``first`` in a conversation (``opener``: "And " or "")."""
    q = second["question"].strip()
    out = {k: v for k, v in second.items() if k != "as_of"}
    return {
        **out,
        "id": f"{second['id']}-after" + ("-and" if opener else ""),
        "question": f"{opener}{lowered(q)}" if opener else q,
        "history": [
            {"role": "user", "content": first["question"]},
            {"role": "assistant", "content": "(the answer to that question)"},
        ],
        "notes": f"{second['id']} asked after {first['id']}",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, help="a case file of one corpus (.jsonl)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="writes DIR/<name>-compound.jsonl (default: beside CASES, so its corpora/ is found)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--conversation", action="store_true", help="also write -after, -and")
    args = parser.parse_args(argv)

    def make(cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        written = {"compound": compound(cases, args.seed)}
        if args.conversation:
            both = pairs(cases, args.seed)
            written["after"] = [asked_after(a, b) for a, b in both]
            written["and"] = [asked_after(a, b, "And ") for a, b in both]
        return written

    return write_forms(args.cases, args.out, make, "fewer than two joinable cases")


if __name__ == "__main__":
    sys.exit(main())
