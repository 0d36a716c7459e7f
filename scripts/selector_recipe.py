"""What one fit of the answer selector is and where it goes: the corpora it is fitted and
chosen on, the candidate feature sets and guards, the ``Fit`` record, its dev report and the
file it is written to (``bot/answer/selector.json``). It fits and chooses nothing: that is
``scripts/train_selector.py``'s protocol."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.answer.answerability import LONG_PASSAGES
from bot.answer.selector import MODEL_FILE, Logistic, SelectorModel, Trees
from scripts.selector_choose import RUNNER_UP
from scripts.selector_fit import outcomes, rates
from scripts.selector_items import SEED, Item, variant

#: Features held at weight 0, per candidate feature set. ``quiz-only`` drops what depends
#: on how long a passage is (the first iteration's choice: quiz passages are one to three
#: sentences, articles dozens); ``own-passage`` adds those that place a sentence in its
#: own passage (its share of the passage's coverage, lead, place in its chunk);
#: ``relative`` also those comparing it with the other candidates (gaps, orders).
_LENGTH_DEPENDENT = frozenset({"sim_prev", "chunk_sim", "cov_passage", "passage_cov"})
_RELATIVE = frozenset({"sim_gap", "cov_gap", "sim_order", "cov_order"})
_OWN_PASSAGE = frozenset({"cov_share", "lead", "position"})
FEATURE_SETS: dict[str, frozenset[str]] = {
    "quiz-only": _LENGTH_DEPENDENT | _RELATIVE | _OWN_PASSAGE,
    "own-passage": _LENGTH_DEPENDENT | _RELATIVE,
    "relative": _LENGTH_DEPENDENT,
}
#: Guards that say what an answer is (a yes/no question's answer settles its predicate; a
#: "how many"/"when"/"who" question's answer holds a figure/date/name): always on, as they
#: cost nothing on dev (typed: +0.010 and +0.001 in two runs; +0.0075 once questions are
#: typed wherever they ask, 2026-12-02). So does a question closing on the year it asks
#: about ("…in 2023?") answered only by a sentence about that year: on the dev slices, all
#: 562 answerable dev questions and 200 off-period train questions no answer changed
#: (2026-12-03); dev cannot show its gain, as quiz questions ask about their own week.
#: The others must earn their place by ``MIN_GAIN``.
BASE_GUARDS = ("yes_no", "typed", "year_closing")
CANDIDATE_GUARDS = (
    "counted",
    "figures",
    "year",
    "year_nowhere",
    "names",
    "some_name",
    "unknown",
    "all_unknown",
    "its_week",
)
SENTENCE_SETS = {"train": ("train-full", "train-grouped"), "dev": ("dev-full", "dev-grouped")}
ANSWER_SETS = {
    split: tuple(f"{split}-{c}" for c in ("removed", "grouped", "nearmiss", "nearmiss-grouped"))
    for split in ("train", "dev")
}


@dataclass
class Fit:
    features: str
    guards: tuple[str, ...]
    l2: float
    sentence: Logistic
    answerable: Trees
    threshold: dict[str, tuple[float, float]]  # as_of mode -> (short, long) thresholds
    score: float
    embed_at_most: int
    embedded_score: float  # the dev objective embedding at most that many
    dev: dict[str, dict[str, float]]  # "with" / "without" as_of -> rates
    doubt: dict[str, tuple[float, float]]  # as_of mode -> the LLM's doubt (short, long)
    note: str = ""  # how this file was made when not by the whole recipe


def report(fname: str, guards, threshold: dict, score: float, dev: dict) -> None:
    cells = "; ".join(
        f"{m}: " + " ".join(f"{k} {v:.3f}" for k, v in r.items()) for m, r in dev.items()
    )
    print(f"{fname} guards {'+'.join(guards)}: objective {score:.4f} at {threshold} ({cells})")


def per_set(fit: Fit, raw: dict[str, list[Item]]) -> None:
    """The chosen fit's numbers per dev corpus, dated and not, at its threshold."""
    for name in ANSWER_SETS["dev"]:
        for mode in ("with", "without"):
            found = outcomes(
                fit.sentence,
                fit.answerable,
                variant(raw[name], mode),
                fit.guards,
                RUNNER_UP,
                fit.embed_at_most,
            )
            r = rates(found, fit.threshold[mode])
            print(f"  {name} {mode} as_of: " + " ".join(f"{k} {v:.3f}" for k, v in r.items()))


def write(fit: Fit) -> None:
    meta = {
        "trained_on": "RealTime QA train (2020-2022) as collected by scripts/selector_data.py: "
        + ", ".join(SENTENCE_SETS["train"])
        + " (sentences), "
        + ", ".join(ANSWER_SETS["train"])
        + " (answerability); as_of kept on half the "
        "questions (seeded), 0-6 days after the question's date",
        "chosen_on": "RealTime QA dev (2023): "
        + ", ".join(SENTENCE_SETS["dev"] + ANSWER_SETS["dev"])
        + ", with and without as_of",
        "features": fit.features,
        "unused": sorted(FEATURE_SETS[fit.features]),
        "l2": fit.l2,
        "refuse_below": fit.threshold["without"][0],
        "refuse_below_long": fit.threshold["without"][1],
        "refuse_below_dated": fit.threshold["with"][0],
        "refuse_below_long_dated": fit.threshold["with"][1],
        "long_passages": LONG_PASSAGES,
        "runner_up": RUNNER_UP,
        "embed_at_most": fit.embed_at_most,
        "doubt_below": fit.doubt["without"][0],
        "doubt_below_long": fit.doubt["without"][1],
        "doubt_below_dated": fit.doubt["with"][0],
        "doubt_below_long_dated": fit.doubt["with"][1],
        "objective_embedding_at_most": round(fit.embedded_score, 4),
        "objective": round(fit.score, 4),
        "dev": {m: {k: round(v, 4) for k, v in r.items()} for m, r in fit.dev.items()},
        "seed": SEED,
        **({"note": fit.note} if fit.note else {}),
    }
    model = SelectorModel(fit.sentence, fit.answerable, fit.guards, meta)
    MODEL_FILE.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE}")
