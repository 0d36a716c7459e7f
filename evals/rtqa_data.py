"""RealTime QA's data: the question record, reading ``questions.jsonl``, the splits by year
and answer matching, shared by the converters (``evals.realtimeqa``, ``evals.offperiod``)
and the selector's training scripts.

It does not build corpora or cases (the converters do) and imports nothing from ``bot``.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from evals.text import normalise

#: The splits, by the year of the question's date. Tune nothing on ``test``.
SPLITS: dict[str, tuple[int, ...]] = {"train": (2020, 2021, 2022), "dev": (2023,), "test": (2024,)}
#: Answers shorter than this ("24", "US") are skipped: the judge's substring test would pass
#: almost any answer for them ("24" is in "2024").
MIN_ANSWER_CHARS = 3
DEFAULT_SEED = 0

_QUOTE_PAIRS = {"“": "”", '"': '"', "‘": "’", "'": "'"}


@dataclass(frozen=True)
class Question:
    id: str
    date: str
    source: str
    question: str
    answer: str
    evidence: str

    @property
    def key(self) -> tuple[str, int]:
        """Chronological order: ``20200103_10`` after ``20200103_2``."""
        day, _, n = self.id.partition("_")
        return (day, int(n) if n.isdigit() else 0)


def load_questions(path: Path) -> list[Question]:
    """Every question of the JSONL file (one object a line, the dataset's fields)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out.append(
                    Question(
                        id=row["id"],
                        date=row["date"],
                        source=row.get("source", ""),
                        question=" ".join(row["question"].split()),
                        answer=" ".join(row["answer"].split()),
                        evidence=" ".join(row["evidence"].split()),
                    )
                )
    return out


def split_of(date: str) -> str | None:
    """The split holding a ``YYYY-MM-DD`` date, or None outside every split."""
    year = int(date[:4])
    return next((name for name, years in SPLITS.items() if year in years), None)


def clean_answer(answer: str) -> str:
    """The answer without whitespace around it or one pair of quotes enclosing it whole."""
    a = answer.strip()
    if len(a) > 2 and _QUOTE_PAIRS.get(a[0]) == a[-1] and not set(a[1:-1]) & set(_QUOTE_PAIRS):
        a = a[1:-1].strip()
    return a


def occurs(answer: str, text: str) -> bool:
    """Does the answer start at a word boundary in ``text`` (both normalised here)?"""
    return re.search(r"(?<!\w)" + re.escape(normalise(answer)), normalise(text)) is not None


def source_note(q: Question, asked: str) -> str:
    """Where a case comes from: the question's id, date, outlet and, when ``asked`` differs
    from it, the quiz's printed wording."""
    note = f"RealTime QA {q.id}, {q.date}, {q.source}"
    return note if asked == q.question else f"{note}; printed as: {q.question}"


def read_questions(parser: argparse.ArgumentParser, data: Path) -> list[Question]:
    """``load_questions`` of ``data`` (the file, or the folder holding ``questions.jsonl``);
    unusable data ends the program with one line and exit status 2 (``parser.error``)."""
    path = data / "questions.jsonl" if data.is_dir() else data
    try:
        return load_questions(path)
    except OSError as exc:
        parser.error(f"cannot read {path}: {exc.strerror}")
    except KeyError as exc:
        parser.error(f"{path}: a question lacks the field {exc}")
    except (ValueError, TypeError, AttributeError) as exc:
        parser.error(f"{path} is not RealTime QA's JSON lines: {exc}")
