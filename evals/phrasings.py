"""A case file's questions phrased as users type them, not as a quiz prints them.

Each one-sentence question opening with an interrogative (answerable or not) is written
in one of these forms, one file each (``<name>-<form>.jsonl``):

* ``requests``: wrapped in "Can you tell me…", "Do you know…", "Tell me…" or "I'd like
  to know…" (one per question, chosen with a seed; the last two end with a full stop);
* ``greeting``: after "Hi, quick question: ";
* ``sources``: ending ", according to the articles?";
* ``bare``: without its question mark;
* ``plain``: as printed, to compare with.

Facts, files and refusals stay the case's own. Undated, as users ask.

    python -m evals.phrasings CASES.jsonl [--out DIR] [--seed N]

It reads and writes case files only; it imports nothing from ``bot``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.compound import one_wh_sentence, read_cases

DEFAULT_SEED = 3
REQUESTS = ("Can you tell me ", "Do you know ", "I'd like to know ", "Tell me ")
_STATEMENT = frozenset({"I'd like to know ", "Tell me "})


def wrappable(case: dict[str, Any]) -> bool:
    """One sentence opening with an interrogative."""
    return one_wh_sentence(case["question"])


def plain(case: dict[str, Any]) -> dict[str, Any]:
    """The case undated, as users ask."""
    out = dict(case)
    out.pop("as_of", None)
    return out


def wrapped(case: dict[str, Any], request: str) -> dict[str, Any]:
    """The case asked inside ``request``."""
    q = case["question"].strip()
    q = f"{request}{q[0].lower()}{q[1:]}"
    if request in _STATEMENT:
        q = f"{q.rstrip('?')}."
    return {**plain(case), "question": q}


def as_requests(cases: Sequence[dict[str, Any]], seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [wrapped(c, rng.choice(REQUESTS)) for c in cases if wrappable(c)]


def _rephrased(case: dict[str, Any], question: str) -> dict[str, Any]:
    return {**plain(case), "question": question}


def forms(cases: Sequence[dict[str, Any]], seed: int = DEFAULT_SEED) -> dict[str, list]:
    """Every form of the wrappable ``cases``, by name."""
    kept = [c for c in cases if wrappable(c)]
    q = lambda c: c["question"].strip()  # noqa: E731
    return {
        "requests": as_requests(cases, seed),
        "greeting": [
            _rephrased(c, f"Hi, quick question: {q(c)[0].lower()}{q(c)[1:]}") for c in kept
        ],
        "sources": [_rephrased(c, f"{q(c).rstrip('?')}, according to the articles?") for c in kept],
        "bare": [_rephrased(c, q(c).rstrip("?").rstrip()) for c in kept],
        "plain": [plain(c) for c in kept],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, help="a case file (.jsonl)")
    parser.add_argument("--out", type=Path, default=None, help="default: beside CASES")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    try:
        cases = read_cases(args.cases)
    except (OSError, ValueError) as e:
        print(f"error: cannot read {args.cases}: {e}", file=sys.stderr)
        return 2
    written = forms(cases, args.seed)
    if not written["plain"]:
        print(f"error: {args.cases} has no one-sentence wh-question", file=sys.stderr)
        return 2
    out = args.out or args.cases.parent
    out.mkdir(parents=True, exist_ok=True)
    for form, rows in written.items():
        path = out / f"{args.cases.stem}-{form}.jsonl"
        path.write_text("".join(json.dumps(c) + "\n" for c in rows), encoding="utf-8")
        print(f"{len(rows)} cases -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
