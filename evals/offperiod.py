"""Off-period questions: RealTime QA questions of one split asked of another split's corpus.

A user's archive covers some weeks and outlets, and users ask about news it never held.
``evals.realtimeqa``'s unanswerable cases keep the question's own weeks around it (its
evidence alone is removed); these ask a question of a corpus written in other years, so
its story, and often its names, are not there at all, while look-alike stories are
("Which NHL team won the Stanley Cup this week?" of a year whose reports name other cups).

Reads ``questions.jsonl`` and a corpus folder written by ``evals.realtimeqa`` (any
split), and writes ``cases/offperiod-<split>.jsonl`` beside that corpus's ``corpora/``
folder: the first ``--n`` questions of ``--split`` in a seeded shuffle whose answer is at
least ``MIN_ANSWER_CHARS`` long and occurs nowhere in the corpus (any occurrence, in any
form the judge's ``normalise`` gives, disqualifies), as ``unanswerable`` cases without a
day (``as_of``): the corpus is from other years, so a day would give the answer away.
Statements printed by the quiz become questions as in ``evals.realtimeqa``.

It does not prove that no paraphrase of the answer is left (a question asked again a year
later, "Who won the Masters?", may be answered right by another year's report; that counts
against the bot here). Imports nothing from ``bot``.

    python -m evals.offperiod --data ../shared/datasets/realtimeqa --split test \\
        --corpus evals/out/rtqa-dev/corpora/rtqa-dev --n 200
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from evals.cases import write_case_rows
from evals.quiz import as_question
from evals.rtqa_data import (
    DEFAULT_SEED,
    MIN_ANSWER_CHARS,
    SPLITS,
    Question,
    clean_answer,
    read_questions,
    source_note,
    split_of,
)
from evals.text import normalise


def cases(
    questions: Iterable[Question], split: str, corpus: dict[str, str], name: str, n: int, seed: int
) -> list[dict[str, Any]]:
    """Up to ``n`` unanswerable cases: questions of ``split`` (seeded shuffle) whose answer
    occurs in no file of ``corpus`` (file name -> text), asked of the corpus ``name``."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; one of {', '.join(SPLITS)}")
    text = normalise("\n".join(corpus.values()))
    qs = sorted((q for q in questions if split_of(q.date) == split), key=lambda q: q.key)
    random.Random(f"offperiod:{split}:{seed}").shuffle(qs)
    out: list[dict[str, Any]] = []
    for q in qs:
        answer = normalise(clean_answer(q.answer))
        if len(answer) < MIN_ANSWER_CHARS or answer in text:
            continue
        asked = as_question(q.question)
        notes = source_note(q, asked)
        notes += f"; asked of {name}, where the answer {clean_answer(q.answer)!r} is in no file"
        out.append(
            {
                "id": f"offperiod-{q.id}",
                "question": asked,
                "corpus": name,
                "kind": "unanswerable",
                "gold_facts": [],
                "gold_files": [],
                "gold_evidence": [],
                "must_refuse": True,
                "notes": notes,
            }
        )
        if len(out) == n:
            break
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.offperiod", description=__doc__)
    parser.add_argument(
        "--data", type=Path, required=True, help="questions.jsonl, or the folder holding it"
    )
    parser.add_argument("--split", choices=sorted(SPLITS), required=True, help="of the questions")
    parser.add_argument(
        "--corpus", type=Path, required=True, help="a corpus folder evals.realtimeqa wrote"
    )
    parser.add_argument("--n", type=int, default=200, help="cases (default 200)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be >= 0")
    files = sorted(args.corpus.glob("*.txt")) if args.corpus.is_dir() else []
    if not files:
        parser.error(f"{args.corpus} holds no .txt files")
    questions = read_questions(parser, args.data)
    corpus = {p.name: p.read_text(encoding="utf-8") for p in files}
    rows = cases(questions, args.split, corpus, args.corpus.name, args.n, args.seed)
    path = args.corpus.parent.parent / "cases" / f"offperiod-{args.split}.jsonl"
    write_case_rows(path, rows)
    print(f"{path}: {len(rows)} {args.split} questions asked of {args.corpus.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
