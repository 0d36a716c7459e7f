"""Choose when the articles are quoted in a model's stead: ``fallback.OVERRULE_ABOVE``.

A small model often answers "The articles don't say." to a question its sources answer, and
when it does answer, verification may keep none of it. In both cases the bot can quote the
articles instead (the offline answerer, on the same chunks); this chooses how sure the
offline answerer must be. For every recorded reply (``scripts/llm_replies.py``) that is a
refusal, or that the current verifier (with its second opinion) keeps nothing of, it asks
the offline answerer as the fallback does: its P(the sentences it would quote hold the
answer) (``LearnedAnswerer.assess``) and its answer. For each value of the threshold this
prints, pooled over the files and per case: of the answerable questions, how many the
quoted answer gets right (and how many it gets wrong); of the unanswerable ones, how many
get a quoted answer at all. Chosen: the lowest value at which at most ``MAX_OVERTURNED`` of
the unanswerable questions (both cases together) get one (choose on dev replies; report
test).

    python scripts/overrule.py DEV1.jsonl DEV2.jsonl --corpora C1 C2
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from llm_replies import has_facts, says_refusal  # scripts/ is on sys.path
from reverify import REPO, assessor_for, load_replays, make_verifier, verify

from bot.answer.query import Query

#: At most this share of the unanswerable questions given a quoted answer.
MAX_OVERTURNED = 0.05
GRID = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@dataclass(frozen=True)
class StandIn:
    """One question the model gave no verified answer to, as the offline answerer would
    answer it in the model's stead."""

    refused: bool  # the model refused (else: verification kept nothing it wrote)
    answerable: bool
    p: float  # the offline answerer's P(the sentences it would quote hold the answer)
    answers: bool  # the offline answerer answers (does not refuse)
    right: bool  # … and quotes the gold answer (answerable questions)


def stand_ins(files: list[tuple[Path, Path]]) -> list[StandIn]:
    verifier = make_verifier()
    out = []
    for path, corpora in files:
        offline = {}
        for rp in load_replays(path, corpora):
            if rp.folder not in offline:
                offline[rp.folder] = assessor_for(rp.folder, verifier)
            judge = verifier.assessor = offline[rp.folder]
            refused = says_refusal(rp.row["raw"])
            if not refused and not verify(verifier, rp).refused:
                continue
            query = Query(rp.question, rp.question, as_of=rp.as_of)
            p = judge.assess(query, rp.chunks).answerable
            answer = judge.answer(query, rp.chunks)
            answerable = not rp.row["must_refuse"]
            right = (
                answerable and not answer.refused and has_facts(rp.row["gold_facts"], answer.text)
            )
            out.append(StandIn(refused, answerable, p, not answer.refused, right))
    return out


def choose(found: list[StandIn], grid: tuple[float, ...] = GRID) -> float:
    """Each value's numbers (see the module doc); the chosen value."""
    unanswerable = [r for r in found if not r.answerable]
    ok = []
    for t in grid:
        cells = []
        for name, refused in (("refused", True), ("unverified", False)):
            own = [r for r in found if r.refused is refused]
            quoted = [r for r in own if r.answers and r.p >= t]
            cells.append(
                f"{name}: answerable {sum(r.answerable for r in own)}, right "
                f"{sum(r.right for r in quoted)}, wrong "
                f"{sum(r.answerable and not r.right for r in quoted)}; unanswerable "
                f"{sum(not r.answerable for r in own)}, answered "
                f"{sum(not r.answerable for r in quoted)}"
            )
        leaks = sum(r.answers and r.p >= t for r in unanswerable)
        print(f"quote at P >= {t}: " + " | ".join(cells))
        if leaks <= MAX_OVERTURNED * len(unanswerable):
            ok.append(t)
    best = min(ok) if ok else 1.0
    print(f"chosen: quote the articles at P >= {best}")
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("replies", type=Path, nargs="+")
    ap.add_argument("--corpora", type=Path, nargs="+", default=[REPO / "evals" / "corpora"])
    args = ap.parse_args(argv)
    if len(args.corpora) not in (1, len(args.replies)):
        ap.error("give one --corpora folder, or one per replies file")
    corpora = args.corpora * len(args.replies) if len(args.corpora) == 1 else args.corpora
    choose(stand_ins(list(zip(args.replies, corpora))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
