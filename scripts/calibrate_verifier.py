"""Calibrate the verifier's thresholds on a real model's labelled sentences; test them twice.

The fit data is ``evals/claims/*.jsonl``: every sentence a competent model (Qwen2.5-Coder
1.5B) wrote in reply to our eval cases, labelled by hand as supported or not by the
passages its prompt showed (each row: the question, the reply, the sentence, the label and
a one-line reason, the passage it was judged against, and the retrieved chunks as
``[file, start, end]``, rebuilt here from the files). Our own cases are split in two by a
seeded shuffle (``--seed``); files named ``*-dev.jsonl`` (RealTime QA dev replies, built for
tuning) join the fit half whole; files named ``*-test.jsonl`` (RealTime QA test replies,
labelled after every choice above was made) are never fit, only reported, and skipped
with a note when their corpus is not built. Thresholds are chosen on the fit half only
and reported on the held-out half of our own cases; the 109 hand-written claims of
``tests/data/verifier_claims.jsonl`` are a second test.

Choosing: every span (a sentence, or a run whose later sentences lean back) of every
retrieved chunk is judged once with the thresholds off; spans that fail a hard check never
count, and for the rest (coverage, similarity, run or not) is kept. A setting accepts a
sentence when one such span clears it. The grid search minimises ``FA_COST * false
accepts + false rejects`` (a wrong sentence shown costs more than a right one dropped);
among ties it takes the setting in the middle of the tied region, the one farthest from
flipping. Reporting uses the real ``Verifier`` on each whole reply, as the bot runs it.

    python -m evals.realtimeqa --data ../shared/datasets/realtimeqa/questions.jsonl \
        --split dev --out evals/out/rtqa40 --answerable 30 --unanswerable 10
    python -m evals.realtimeqa --data ../shared/datasets/realtimeqa/questions.jsonl \
        --split test --out evals/out/rtqa-test-s13 --answerable 30 --unanswerable 20 --seed 13
    python scripts/calibrate_verifier.py [--seed 13] [--claims evals/claims/*.jsonl]

(the first two commands rebuild the RealTime QA dev and test corpora the labels cite;
they are generated, never committed).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from reverify import ChunkBook, assessor_for  # scripts/ is on sys.path

from bot.answer.claims import split_claims
from bot.answer.evidence import Thresholds
from bot.answer.screening import precheck
from bot.answer.support import SupportFinder
from bot.answer.verify import MAX_RUN, Verifier
from bot.index.encoder import MiniLM
from bot.index.vectors import VectorCache
from bot.ingest.chunking import Chunk, chunk_article
from bot.ingest.corpus import load_article, scan
from bot.text.terms import terms

REPO = Path(__file__).resolve().parent.parent
FA_COST = 2
GRID = dict(
    min_coverage=np.round(np.arange(0.3, 0.96, 0.05), 3),
    min_score=np.round(np.arange(0.5, 0.91, 0.02), 3),
    w_cov=(0.2, 0.3, 0.4, 0.5),
    run_penalty=(0.0, 0.05),
    # not a support threshold: chosen on answers, not sentences (``Thresholds.min_asked``)
    min_asked=(Thresholds().min_asked,),
    min_predicate=(0.0, 0.34, 0.5, 0.67),
)


@dataclass
class Case:
    """One labelled reply: its question, chunks, reply and labelled sentences (in order)."""

    key: str
    question: str
    reply: str
    chunks: list[Chunk]
    rows: list[dict[str, Any]]
    folder: Path  # its corpus


def load_cases(paths: list[Path], corpora: list[Path]) -> list[Case]:
    books: dict[Path, ChunkBook] = {}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                grouped[f"{path.stem}:{row['case']}"].append(row)
    cases, missing = [], set()
    for key, rows in grouped.items():
        name = rows[0]["corpus"]
        # slices of one split share a corpus name: the folder holding every file shown
        files = {f for f, _, _ in rows[0]["passages"]}
        found = [
            d / name
            for d in corpora
            if name and (d / name).is_dir() and all((d / name / f).is_file() for f in files)
        ]
        if name and not found and _is_test(key):
            missing.add(_labels_file(key))
            continue
        if name and not found:
            raise SystemExit(f"{key}: corpus {name} not found under {', '.join(map(str, corpora))}")
        folder = found[0] if name else REPO / "seeds"
        book = books.setdefault(folder, ChunkBook(folder))
        chunks = [book.find(f, a, b) for f, a, b in rows[0]["passages"]]
        assert all(chunks), f"{key}: a chunk changed since labelling"
        rows.sort(key=lambda r: r["index"])
        case = Case(key, rows[0]["question"], rows[0]["reply"], chunks, rows, folder)  # type: ignore[arg-type]
        cases.append(case)
    for stem in sorted(missing):
        print(f"note: {stem} skipped: its corpus is not built (see the docstring)")
    return sorted(cases, key=lambda c: c.key)


def _is_test(key: str) -> bool:
    return _labels_file(key).endswith("-test")


def _labels_file(key: str) -> str:
    """The labels file a case key (``file:case``) comes from."""
    return key.split(":")[0]


def span_features(case: Case, encode: Any) -> list[np.ndarray | None]:
    """Per labelled sentence: rows of (coverage, similarity, is_run) over the spans that
    pass the hard checks, or None when a precheck drops the sentence."""
    finder = SupportFinder(case.chunks, encode, Thresholds(0.0, 0.0), case.question)
    claims = split_claims(case.reply, len(case.chunks))
    seen: list[set[str]] = []
    asked = set(terms(case.question))
    out: list[np.ndarray | None] = []
    for row in case.rows:
        claim = claims[row["index"]]
        if precheck(claim, seen, asked, last=row["index"] == len(claims) - 1):
            out.append(None)
            continue
        seen.append(set(terms(claim.text)))
        i = finder.add(claim.text)
        feats = []
        for j in range(len(case.chunks)):
            for span in finder.spans(j, MAX_RUN):
                ev = finder.evaluate(i, (span,))
                if not ev.judgement.missing:
                    jd = ev.judgement
                    run = float(span.last > span.first)
                    feats.append((jd.coverage, jd.similarity, run, jd.asked, jd.predicate))
        out.append(np.array(feats).reshape(-1, 5))
    return out


def choose(feats: list[np.ndarray | None], labels: np.ndarray, fa_cost: float) -> Thresholds:
    owner = np.concatenate([np.full(len(f), k) for k, f in enumerate(feats) if f is not None])
    rows = np.concatenate([f for f in feats if f is not None]).reshape(-1, 5)
    cov, sim, run, asked, said = rows.T
    grid = [Thresholds(**dict(zip(GRID, map(float, p)))) for p in itertools.product(*GRID.values())]
    decisions = np.zeros((len(grid), len(feats)), dtype=bool)
    for g, th in enumerate(grid):
        extra = run * th.run_penalty
        score = th.w_cov * cov + (1 - th.w_cov) * sim
        ok = (cov >= th.min_coverage + extra - 1e-9) & (score >= th.min_score + extra - 1e-9)
        ok &= (asked >= th.min_asked - 1e-9) & (said >= th.min_predicate - 1e-9)
        np.logical_or.at(decisions[g], owner[ok], True)
    cost = fa_cost * (decisions & ~labels).sum(axis=1) + (~decisions & labels).sum(axis=1)
    tied = np.flatnonzero(cost == cost.min())
    pts = np.array(
        [
            (t.min_coverage, t.min_score, t.min_asked, t.min_predicate)
            for t in (grid[k] for k in tied)
        ]
    )
    centre = np.median(pts, axis=0)
    return grid[int(tied[np.argmin(((pts - centre) ** 2).sum(axis=1))])]


def verdicts(verifier: Verifier, case: Case, assess: bool = False) -> list[bool]:
    """Whether the real verifier keeps each labelled sentence of the case's reply (with
    ``assess``, the offline selector over the case's corpus as its second opinion)."""
    verifier.assessor = _assessor(case.folder, verifier) if assess else None
    result = verifier.verify(case.reply, case.chunks, question=case.question)
    kept = {v.text for v in result.verdicts if v.supported}
    claims = split_claims(case.reply, len(case.chunks))
    return [claims[r["index"]].text in kept for r in case.rows]


_ASSESSORS: dict[Path, Any] = {}


def _assessor(folder: Path, verifier: Verifier) -> Any:
    """The offline selector over ``folder``'s corpus, built once per folder."""
    if folder not in _ASSESSORS:
        _ASSESSORS[folder] = assessor_for(folder, verifier)
    return _ASSESSORS[folder]


def rates(
    verifier: Verifier, cases: list[Case], name: str, show: bool = False, assess: bool = False
) -> str:
    tp = fp = pos = neg = 0
    for case in cases:
        for row, kept in zip(case.rows, verdicts(verifier, case, assess)):
            pos += row["supported"]
            neg += not row["supported"]
            tp += kept and row["supported"]
            fp += kept and not row["supported"]
            if show and kept != row["supported"]:
                tag = "FALSE ACCEPT" if kept else "false reject"
                print(f"    {tag:13} {case.key} {row['sentence'][:90]!r}")
    return (
        f"{name}: accepts {tp}/{pos} supported ({tp / max(pos, 1):.0%}), "
        f"{fp}/{neg} unsupported ({fp / max(neg, 1):.0%})"
    )


def hand_written(verifier: Verifier) -> str:
    rows = [
        json.loads(x) for x in (REPO / "tests/data/verifier_claims.jsonl").read_text().splitlines()
    ]
    files, _ = scan(REPO / "seeds")
    chunks = [c for src in files for c in chunk_article(load_article(src)[0])]
    acc = [not verifier.verify(r["claim"], chunks).refused for r in rows]
    tp = sum(a and r["supported"] for a, r in zip(acc, rows))
    fp = sum(a and not r["supported"] for a, r in zip(acc, rows))
    pos = sum(r["supported"] for r in rows)
    return f"hand-written claims: accepts {tp}/{pos} supported, {fp}/{len(rows) - pos} unsupported"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--claims", type=Path, nargs="+", default=sorted((REPO / "evals/claims").glob("*.jsonl"))
    )
    ap.add_argument(
        "--corpora",
        type=Path,
        nargs="+",
        default=[
            REPO / "evals/corpora",
            REPO / "evals/out/rtqa40/corpora",
            REPO / "evals/out/rtqa-test-s13/corpora",
        ],
        help="folders holding the labelled replies' corpora (RealTime QA dev: see the docstring)",
    )
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--fa-cost", type=float, default=FA_COST, help="a false accept, in rejects")
    ap.add_argument("--show", action="store_true", help="list the sentences judged wrongly")
    args = ap.parse_args()
    cases = load_cases(args.claims, args.corpora)
    dev = [c for c in cases if _labels_file(c.key).endswith("-dev")]  # tuning data: fit only
    held = [c for c in cases if _is_test(c.key)]  # labelled after the choices: report only
    own = [c for c in cases if c not in dev and c not in held]
    order = list(range(len(own)))
    random.Random(args.seed).shuffle(order)
    fit = [own[k] for k in sorted(order[: len(order) // 2])] + dev
    test = [own[k] for k in sorted(order[len(order) // 2 :])]
    enc = MiniLM()
    enc.load()
    encode = VectorCache(enc).encode
    n = sum(len(c.rows) for c in cases)
    sup = sum(r["supported"] for c in cases for r in c.rows)
    print(f"{len(cases)} replies, {n} labelled sentences ({sup} supported)")
    print(f"fit on {len(fit)} replies, test on {len(test)}")
    feats = [f for c in fit for f in span_features(c, encode)]
    labels = np.array([r["supported"] for c in fit for r in c.rows])
    th = choose(feats, labels, args.fa_cost)
    print(f"chosen on the fit half: {th}")
    shipped = Verifier(encode)
    settings = (("chosen", th, False), ("shipped", shipped.thresholds, False))
    for name, thresholds, assess in (*settings, ("shipped + selector", shipped.thresholds, True)):
        v = Verifier(encode, replace(thresholds))
        print(f"{name} {thresholds}")
        print("  " + rates(v, fit, "fit half", assess=assess))
        print("  " + rates(v, test, "held-out half", show=args.show, assess=assess))
        if held:
            print("  " + rates(v, held, "RealTime QA test", show=args.show, assess=assess))
        print("  " + hand_written(v))


if __name__ == "__main__":
    main()
