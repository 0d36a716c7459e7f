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
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.compound import lowered, one_wh_sentence, write_forms

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
    q = f"{request}{lowered(case['question'])}"
    return _rephrased(case, f"{q.rstrip('?')}." if request in _STATEMENT else q)


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
        "greeting": [_rephrased(c, f"Hi, quick question: {lowered(q(c))}") for c in kept],
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
    make = lambda cases: forms(cases, args.seed)  # noqa: E731
    return write_forms(args.cases, args.out, make, "no one-sentence wh-question")


if __name__ == "__main__":
    sys.exit(main())
