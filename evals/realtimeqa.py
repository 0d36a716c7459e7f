"""RealTime QA -> dated article corpora and ``bot eval`` cases, split by the question's year.

Reads ``questions.jsonl`` (``../shared/datasets/realtimeqa``; never copied into the repo) and,
for one split (train = 2020-2022, dev = 2023, test = 2024), writes under ``--out``:

* ``corpora/rtqa-<split>/<id>.txt``: one file per distinct evidence passage of the split
  (identical passages deduplicated, named after the first question using them), holding
  ``date YYYY-MM-DD`` (the question's week, read by the bot's cleaner as the article's
  date), a blank line and the passage. Minus the passages removed for unanswerable cases.
* ``cases/rtqa-<split>.jsonl``: ``single`` cases for questions whose answer occurs in their
  evidence, and two kinds the corpus cannot answer, used only when the answer then occurs
  in no file: ``unanswerable`` (the question's evidence passage was removed: the corpus
  holds only look-alike stories from other weeks) and ``near_miss`` (``--near-miss``: the
  sentences holding the answer, or a distinctive word of it, were cut from the passage
  and the rest kept, an on-topic passage without the asked fact). Each case carries the
  question's date as ``as_of`` (it is part of the dataset, not a label; ``--no-as-of``
  leaves it out).

Answer matching uses the judge's ``normalise`` (NFKC, case-folded, straight quotes and
dashes, single spaces, no thousands separators). An answer "occurs in its evidence" when it
starts at a word boundary there ("Russia" counts in "Russian", "US" does not count in
"bus"); for the unanswerable checks any occurrence at all disqualifies. Answers under
``MIN_ANSWER_CHARS`` characters ("24", "US", "X") are skipped: the judge's substring test
would pass almost any answer for them ("24" is in "2024").

Statements printed by the quiz are turned into questions by ``evals.quiz.as_question``
(general rules only; the original goes into ``notes``). Samples (``--answerable``,
``--unanswerable``, ``--near-miss``) are a seeded shuffle of the eligible questions, so the
same arguments give the same cases.

It does not: invent titles or article text, judge paraphrased answers (a question whose
answer is only paraphrased in its evidence is skipped), or prove that an unanswerable
question has no paraphrased answer left in the corpus. Imports nothing from ``bot``."""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
    occurs,
    read_questions,
    source_note,
    split_of,
)
from evals.text import normalise

DEFAULT_UNANSWERABLE = 100
_ABBREVIATIONS = set("Mr Mrs Ms Dr St Jr Sr No Gov Sen Rep Gen Lt Col Capt Mt Prof Rev vs".split())
_SPLIT_RE = re.compile(r"[.!?…]+[\"”’)\]]*\s+(?=[\"“‘(]?[A-Z])")


@dataclass
class Build:
    """One split's corpus (file name -> content), its cases and why questions were left out."""

    split: str
    files: dict[str, str]
    cases: list[dict[str, Any]]
    skipped: Counter[str] = field(default_factory=Counter)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kinds = Counter(c["kind"] for c in self.cases)
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items())) or "none"
        return (
            f"rtqa-{self.split}: {len(self.files)} files ({len(self.removed)} removed), "
            f"{kinds['single']} answerable, {kinds['unanswerable']} unanswerable, "
            f"{kinds['near_miss']} near-miss; "
            f"skipped: {why}"
        )


def sentences(text: str) -> list[str]:
    """Verbatim sentence slices of ``text``: a split after ``.!?…`` and before a capital,
    except after an initial ("U.S.", "J.") or a title ("Dr.", "St."). Rough, but a quote
    only needs to be a verbatim substring."""
    out, start = [], 0
    for m in _SPLIT_RE.finditer(text):
        word = text[max(start, m.start() - 12) : m.start() + 1].split()[-1]
        if word.endswith(".") and (word[:-1] in _ABBREVIATIONS or re.fullmatch(r"(\w\.)+", word)):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def passages(questions: Sequence[Question]) -> tuple[dict[str, str], dict[str, str]]:
    """Distinct evidence texts -> (file name -> content, question id -> file name).

    In chronological order, so a shared passage is named and dated after its first question.
    """
    by_text: dict[str, str] = {}
    files: dict[str, str] = {}
    file_of: dict[str, str] = {}
    for q in sorted(questions, key=lambda q: q.key):
        name = by_text.get(q.evidence)
        if name is None:
            name = by_text[q.evidence] = f"{q.id}.txt"
            files[name] = f"date {q.date}\n\n{q.evidence}\n"
        file_of[q.id] = name
    return files, file_of


def evidence_quote(content: str, answer: str, evidence: str) -> str:
    """The first sentence holding the answer if it occurs once in the file, else the passage."""
    for s in sentences(evidence):
        if occurs(answer, s) and content.count(s) == 1:
            return s
    return evidence


def build(
    questions: Iterable[Question],
    split: str,
    answerable: int | None = None,
    unanswerable: int = DEFAULT_UNANSWERABLE,
    seed: int = DEFAULT_SEED,
    near_miss: int = 0,
    as_of: bool = True,
) -> Build:
    """One split's corpus and cases (no I/O). See the module docstring for the rules.

    Walk the eligible questions in a seeded shuffle. Unanswerable: the first
    ``unanswerable`` whose passage no other question uses and whose answer occurs
    (anywhere, in any form) in no other file; their passages are removed. Near misses: of
    the rest, the first ``near_miss`` (same conditions) whose passage keeps at least one
    sentence once every sentence holding the answer is cut (``trimmed``); the passage is
    replaced by what is left. Answerable: the first ``answerable`` (all when None) of the
    rest, same order. ``as_of`` writes each question's date into its case.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; one of {', '.join(SPLITS)}")
    qs = sorted((q for q in questions if split_of(q.date) == split), key=lambda q: q.key)
    files, file_of = passages(qs)
    skipped: Counter[str] = Counter()
    order = _eligible(qs, skipped)
    random.Random(f"rtqa:{split}:{seed}").shuffle(order)
    pick = _Picker(files, file_of, skipped)
    chosen = pick.take(order, unanswerable, "unanswerable candidate", lambda q: "")
    rest = [q for q in order if q not in chosen]
    missed = pick.take(rest, near_miss, "near-miss candidate", pick.trimmed)
    rest = [q for q in rest if q not in missed]
    removed = sorted(file_of[q.id] for q in chosen)
    for name in removed:
        del files[name]
    for q in missed:
        files[file_of[q.id]] = f"date {q.date}\n\n{pick.trimmed(q)}\n"
    picked = rest if answerable is None else rest[:answerable]
    if len(picked) < len(rest):
        skipped["answerable not sampled"] += len(rest) - len(picked)

    kind = {q.id: "unanswerable" for q in chosen} | {q.id: "near_miss" for q in missed}
    cases = [
        _case(q, split, file_of[q.id], files.get(file_of[q.id]), kind.get(q.id), as_of)
        for q in sorted([*picked, *chosen, *missed], key=lambda q: q.key)
    ]
    _check(cases, files, {f"rtqa-{q.id}": q for q in [*chosen, *missed]})
    return Build(split, files, cases, skipped, removed)


def _eligible(qs: Sequence[Question], skipped: Counter[str]) -> list[Question]:
    """Questions whose (long enough) answer occurs in their evidence."""
    eligible = []
    for q in qs:
        answer = clean_answer(q.answer)
        if len(normalise(answer)) < MIN_ANSWER_CHARS:
            skipped["short answer"] += 1
        elif not occurs(answer, q.evidence):
            skipped["answer not in evidence"] += 1
        else:
            eligible.append(q)
    return eligible


class _Picker:
    """Which questions can be made unanswerable: their passage is theirs alone and their
    answer occurs in no other file (of the corpus before anything was removed or cut)."""

    def __init__(self, files: dict[str, str], file_of: dict[str, str], skipped: Counter[str]):
        self.file_of, self.skipped = file_of, skipped
        self.uses = Counter(file_of.values())
        self.norm = {name: normalise(text) for name, text in files.items()}
        self.evidence = {name: text.partition("\n\n")[2].strip() for name, text in files.items()}

    def take(self, order: Sequence[Question], n: int, label: str, cut) -> list[Question]:
        """The first ``n`` of ``order`` that qualify; ``cut(q)`` is None when it does not."""
        out: list[Question] = []
        for q in order:
            if len(out) == n:
                break
            own = self.file_of[q.id]
            answer = normalise(clean_answer(q.answer))
            if self.uses[own] > 1:
                self.skipped[f"{label}: passage shared"] += 1
            elif any(answer in t for name, t in self.norm.items() if name != own):
                self.skipped[f"{label}: answer in another file"] += 1
            elif cut(q) is None:
                self.skipped[f"{label}: no sentence left without the answer"] += 1
            else:
                out.append(q)
        return out

    def trimmed(self, q: Question) -> str | None:
        """The passage without the sentences holding the answer (in any form) or any of its
        distinctive words (``answer_words``), or None when nothing would be left or the
        answer would still occur. A sentence keeping part of the answer often still gives
        it ("Sesame joined the list…" for "Sesame seeds"): kept, the case would count a
        right answer as a failure to refuse, and teach the selector to refuse it."""
        answer = normalise(clean_answer(q.answer))
        words = answer_words(q.answer, q.question)
        kept = [
            s
            for s in sentences(self.evidence[self.file_of[q.id]])
            if answer not in normalise(s) and not any(occurs(w, s) for w in words)
        ]
        text = " ".join(kept)
        return text if kept and answer not in normalise(text) else None


#: Answer words shorter than this are not distinctive ("of", "the", "red", "one").
MIN_ANSWER_WORD = 4


def answer_words(answer: str, question: str) -> list[str]:
    """The answer's distinctive words: those of ``MIN_ANSWER_WORD`` characters or more that
    the question does not use ("sesame" of "Sesame seeds" for "Which seed…?"); a sentence
    keeps one when it ``occurs`` there, at the start of a word ("scooters" in
    "e-scooters")."""
    asked = set(re.findall(r"\w+", normalise(question)))
    return [
        w
        for w in dict.fromkeys(re.findall(r"\w+", normalise(clean_answer(answer))))
        if len(w) >= MIN_ANSWER_WORD and w not in asked
    ]


def _case(
    q: Question, split: str, name: str, content: str | None, kind: str | None, as_of: bool
) -> dict[str, Any]:
    """An answerable ``single`` case, or an ``unanswerable`` one (its file was removed) or a
    ``near_miss`` (the sentences holding its answer were cut from its file); the notes hold
    the id, date, source and the printed wording."""
    answer = clean_answer(q.answer)
    asked = as_question(q.question)
    notes = source_note(q, asked)
    case: dict[str, Any] = {"id": f"rtqa-{q.id}", "question": asked, "corpus": f"rtqa-{split}"}
    if as_of:
        case["as_of"] = q.date
    if kind is not None:
        case.update(kind=kind, gold_facts=[], gold_files=[], gold_evidence=[])
        how = "removed" if kind == "unanswerable" else "cut to the sentences without the answer"
        notes += f"; evidence {name} {how}, answer {answer!r} is in no remaining file"
    else:
        assert content is not None
        quote = evidence_quote(content, answer, q.evidence)
        case.update(kind="single", gold_facts=[[answer]], gold_files=[name])
        case["gold_evidence"] = [{"file": name, "quote": quote}]
        notes += f"; answer: {answer}"
    return {**case, "must_refuse": kind is not None, "notes": notes}


def _check(cases: list[dict[str, Any]], files: dict[str, str], gone: dict[str, Question]) -> None:
    """Fail loudly if a case contradicts its corpus (a bug here, not in the data)."""
    texts = [normalise(t) for t in files.values()]
    for c in cases:
        for ev in c["gold_evidence"]:
            if files.get(ev["file"], "").count(ev["quote"]) != 1:
                raise AssertionError(f"{c['id']}: quote does not occur once in {ev['file']}")
        q = gone.get(c["id"])
        if q is not None and any(normalise(clean_answer(q.answer)) in t for t in texts):
            raise AssertionError(f"{c['id']}: answer still in the corpus")


def write(result: Build, out: Path) -> tuple[Path, Path]:
    """Write the corpus folder (emptied of old .txt files first) and the case file."""
    corpus = out / "corpora" / f"rtqa-{result.split}"
    corpus.mkdir(parents=True, exist_ok=True)
    for old in corpus.glob("*.txt"):
        old.unlink()
    for name, content in result.files.items():
        (corpus / name).write_text(content, encoding="utf-8")
    cases = out / "cases" / f"rtqa-{result.split}.jsonl"
    write_case_rows(cases, result.cases)
    return corpus, cases


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.realtimeqa", description=__doc__)
    parser.add_argument(
        "--data", type=Path, required=True, help="questions.jsonl, or the folder holding it"
    )
    parser.add_argument("--split", choices=sorted(SPLITS), required=True)
    parser.add_argument("--out", type=Path, required=True, help="writes corpora/ and cases/ here")
    parser.add_argument("--answerable", type=int, default=None, help="sample size (default all)")
    parser.add_argument("--unanswerable", type=int, default=DEFAULT_UNANSWERABLE)
    parser.add_argument("--near-miss", type=int, default=0, help="near-miss cases (default 0)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--no-as-of", action="store_true", help="leave the question's date out of the cases"
    )
    args = parser.parse_args(argv)
    sizes = (args.answerable or 0, args.unanswerable, args.near_miss)
    if min(sizes) < 0:
        parser.error("sample sizes must be >= 0")
    result = build(
        read_questions(parser, args.data),
        args.split,
        args.answerable,
        args.unanswerable,
        args.seed,
        near_miss=args.near_miss,
        as_of=not args.no_as_of,
    )
    write(result, args.out)
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
