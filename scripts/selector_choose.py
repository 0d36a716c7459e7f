"""The choices ``scripts/train_selector.py`` makes on dev once the models are fitted: the
refusal thresholds (step 3), how many candidates to embed (step 5) and the LLM's doubt
threshold (step 6), with the grids and bars they are chosen by. It fits nothing."""

from __future__ import annotations

import numpy as np

from bot.answer.selector_params import SelectorParams
from scripts.selector_fit import Outcome, objective, outcomes, rates
from scripts.selector_items import Item

MIN_GAIN = 0.002
#: At most this share of each dev corpus's answerable questions refused (dated or not).
MAX_OVER_REFUSAL = 0.10
#: Runner-ups quoted when at least this share of the best's probability: the answerer's
#: own share (``SelectorParams.runner_up``, where its dev measurement is), so the
#: answerability label counts the quotes the answerer makes.
RUNNER_UP = SelectorParams().runner_up
EMBED_GRID = (5, 8, 10, 12, 15, 20, 25, 30)
#: At most this share of each dev corpus's answerable questions doubted (step 6): the bar is
#: 90% of the model's right answers kept, and the verifier's own checks spend most of it.
MAX_DOUBT_LOSS = 0.02
#: … counting only corpora with at least this many answerable questions of a length.
DOUBT_MIN_QUESTIONS = 50
DOUBT_GRID = tuple(np.round(np.arange(0.005, 0.101, 0.005), 3))
THRESHOLDS = tuple(np.round(np.arange(0.02, 0.801, 0.01), 3))


def choose_thresholds(
    found: dict[str, dict[str, list[Outcome]]],
) -> tuple[dict[str, tuple[float, float]], float, dict]:
    """Per as_of mode, the (short passages, long articles) thresholds with the best pooled
    objective refusing at most ``MAX_OVER_REFUSAL`` of each corpus's answerable questions;
    the mean objective of the two modes (-1 when no pair keeps to that: guards alone
    refuse too many)."""
    thresholds, scores, chosen = {}, [], {}
    grid = np.array(THRESHOLDS)
    for mode, by_corpus in found.items():
        pooled = [o for f in by_corpus.values() for o in f]
        p = np.array([o.probability for o in pooled])
        long = np.array([o.long for o in pooled])
        kind = np.array([o.kind for o in pooled])
        right = np.array([o.right for o in pooled])
        corpus = np.array([name for name, f in by_corpus.items() for _ in f])
        single = kind == "single"
        # answered[i, j, k]: question k answered at short threshold i, long threshold j
        answered = np.where(long, p >= grid[None, :, None], p >= grid[:, None, None])
        over = np.max(
            [(~answered[:, :, single & (corpus == c)]).mean(axis=2) for c in by_corpus],
            axis=0,
        )
        objective_grid = np.mean(
            [
                (answered & right)[:, :, single].mean(axis=2),
                (~answered[:, :, kind == "unanswerable"]).mean(axis=2),
                (~answered[:, :, kind == "near_miss"]).mean(axis=2),
            ],
            axis=0,
        )
        ok = np.argwhere(over <= MAX_OVER_REFUSAL)
        if not len(ok):
            return {}, -1.0, {mode: rates(pooled, (grid[0], grid[0]))}
        i, j = max(ok.tolist(), key=lambda ij: (objective_grid[ij[0], ij[1]], ij[0], ij[1]))
        thresholds[mode] = (float(grid[i]), float(grid[j]))
        chosen[mode] = rates(pooled, thresholds[mode])
        scores.append(objective(chosen[mode]))
    return thresholds, float(np.mean(scores)), chosen


def choose_embed_at_most(
    sentence, answerable, guards, threshold, full: float, dev
) -> tuple[int, float]:
    """The fewest candidates to embed whose dev objective is within ``MIN_GAIN`` of
    embedding all (``full``), at the chosen thresholds, still refusing at most
    ``MAX_OVER_REFUSAL`` of each corpus's answerable questions (the bar the thresholds
    were chosen under: fewer candidates can mean weaker best ones, and a higher
    objective bought by refusing more is no saving)."""
    for k in EMBED_GRID:
        found = {
            m: {c: outcomes(sentence, answerable, i, guards, RUNNER_UP, k) for c, i in d.items()}
            for m, d in dev.items()
        }
        over = max(
            rates(f, threshold[m])["over_refusal"] for m, d in found.items() for f in d.values()
        )
        pooled = {m: [o for f in d.values() for o in f] for m, d in found.items()}
        score = float(np.mean([objective(rates(f, threshold[m])) for m, f in pooled.items()]))
        print(
            f"embed at most {k}: dev objective {score:.4f} (all: {full:.4f}), "
            f"over-refusal at most {over:.3f}"
        )
        if score >= full - MIN_GAIN and over <= MAX_OVER_REFUSAL:
            return k, score
    return EMBED_GRID[-1], score


def choose_doubt(
    sentence, answerable, guards, k: int, dev: dict[str, dict[str, list[Item]]]
) -> dict[str, tuple[float, float]]:
    """Per as_of mode, the (short passages, long articles) answerability thresholds: the
    highest doubting at most ``MAX_DOUBT_LOSS`` of the answerable questions whose answer
    was retrieved, on each dev corpus (``dev``: mode -> corpus -> items). Short and long
    apart, as the refusal thresholds are: answerability runs lower on long articles, and
    one threshold for both is set by the long ones."""
    chosen = {}
    for mode, by_corpus in dev.items():
        single: dict[tuple[str, bool], list[float]] = {}
        unanswerable: dict[bool, list[float]] = {False: [], True: []}
        for name, items in by_corpus.items():
            for o, i in zip(outcomes(sentence, answerable, items, guards, RUNNER_UP, k), items):
                if o.kind == "single" and i.labels.any():
                    single.setdefault((name, o.long), []).append(o.probability)
                elif o.kind != "single":
                    unanswerable[o.long].append(o.probability)
        pair = []
        for long in (False, True):
            # a corpus's few questions of the other length say little: corpora of at
            # least DOUBT_MIN_QUESTIONS of this length count
            groups = {
                name: np.array(p)
                for (name, is_long), p in single.items()
                if is_long == long and len(p) >= DOUBT_MIN_QUESTIONS
            }
            loss = {t: max(np.mean(p < t) for p in groups.values()) for t in DOUBT_GRID}
            ok = [t for t in DOUBT_GRID if loss[t] <= MAX_DOUBT_LOSS]
            t = float(max(ok)) if ok else 0.0
            pair.append(t)
            print(
                f"doubt {mode} as_of, {'long' if long else 'short'} below {t}: answerable "
                f"at most {loss.get(t, 0):.3f} of a corpus ({', '.join(groups)}); "
                f"unanswerable {np.mean(np.array(unanswerable[long]) < t):.3f}"
            )
        chosen[mode] = (pair[0], pair[1])
    return chosen
