"""Choose when a model's own refusal is overruled: ``bot.answer.fallback.OVERRULE_ABOVE``.

A small model often answers "The articles don't say." to a question its sources answer.
For every recorded reply (``scripts/llm_replies.py``) that is such a refusal, the offline
answerer is asked on the same chunks, as the bot's fallback asks it: its P(the best
sentence is right) (``LearnedAnswerer.assess``) and its answer. For each value of the
threshold this prints, pooled over the files: of the answerable questions the model
refused, how many the quoted answer gets right; of the unanswerable ones (the model was
right to refuse), how many it overturns. Chosen: the lowest value overturning at most
``MAX_OVERTURNED`` of those right refusals (choose on dev replies; report test).

    python scripts/overrule.py DEV1.jsonl DEV2.jsonl --corpora C1 C2
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from llm_replies import has_facts, says_refusal  # scripts/ is on sys.path
from reverify import REPO, assessor_for, load_replays, make_verifier

from bot.answer.query import Query

#: At most this share of the model's right refusals (unanswerable questions) overturned.
MAX_OVERTURNED = 0.05
GRID = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@dataclass(frozen=True)
class Refused:
    """One refusal of the model's, as the offline answerer would overrule it."""

    answerable: bool
    p: float  # the offline answerer's P(its best sentence is right)
    right: bool  # its answer quotes the gold answer (answerable questions)


def refusals(files: list[tuple[Path, Path]]) -> list[Refused]:
    verifier = make_verifier()
    out = []
    for path, corpora in files:
        offline = {}
        for rp in load_replays(path, corpora):
            if not says_refusal(rp.row["raw"]):
                continue
            corpus = rp.row.get("corpus")
            folder = corpora / corpus if corpus else REPO / "seeds"
            if folder not in offline:
                offline[folder] = assessor_for(folder, verifier)
            query = Query(rp.question, rp.question, as_of=rp.as_of)
            p = offline[folder].assess(query, rp.chunks).answerable
            answer = offline[folder].answer(query, rp.chunks)
            right = not answer.refused and has_facts(rp.row["gold_facts"], answer.text)
            out.append(Refused(not rp.row["must_refuse"], p, right))
    return out


def choose(found: list[Refused], grid: tuple[float, ...] = GRID) -> float:
    """Each value's numbers (see the module doc); the chosen value."""
    answerable = [r for r in found if r.answerable]
    right_refusals = [r for r in found if not r.answerable]
    ok = []
    for t in grid:
        fixed = sum(r.right and r.p >= t for r in answerable)
        wrong = sum(not r.right and r.p >= t for r in answerable)
        overturned = sum(r.p >= t for r in right_refusals)
        share = overturned / len(right_refusals) if right_refusals else 0.0
        print(
            f"overrule at P >= {t}: answerable refused {len(answerable)}, answered right "
            f"{fixed}, otherwise {wrong}; unanswerable refused {len(right_refusals)}, "
            f"overturned {overturned}"
        )
        if share <= MAX_OVERTURNED:
            ok.append(t)
    best = min(ok) if ok else 1.0
    print(f"chosen: overrule at P >= {best}")
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("replies", type=Path, nargs="+")
    ap.add_argument("--corpora", type=Path, nargs="+", default=[REPO / "evals" / "corpora"])
    args = ap.parse_args(argv)
    if len(args.corpora) not in (1, len(args.replies)):
        ap.error("give one --corpora folder, or one per replies file")
    corpora = args.corpora * len(args.replies) if len(args.corpora) == 1 else args.corpora
    choose(refusals(list(zip(args.replies, corpora))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
