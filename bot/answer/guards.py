"""Guards: candidates no selector score may promote, as hard filters over feature rows.

Each guard reads columns of ``bot.answer.features.SentenceRows`` (so a guard and the
feature of the same name can never disagree), or the share of the question's names found
in no article, and marks candidates that cannot answer the question. Which guards apply
is part of the fitted model (``selector.json``, "guards"): ``scripts/train_selector.py``
measures every guard on RealTime QA dev, as a filter on top of the features, against the
combined objective (answers right on answerable questions, refusals on both kinds of
unanswerable ones), and keeps those that help. ``why_none_fits`` words the refusal when
they rule out every candidate. It decides nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from bot.answer.features import Asked, SentenceRows

Guard = Callable[[Asked, SentenceRows, float], np.ndarray]


#: Share of a yes/no question's predicate weight a sentence must cover. Set by hand:
#: RealTime QA has no yes/no questions to fit it on (none in dev); half lets "the bridge
#: stays closed to lorries" settle "is the bridge still closed?".
PREDICATE_SHARE = 0.5


def _yes_no(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """A yes/no question is settled only by a sentence covering its predicate ("Did North
    Korea accept money…?" is not settled by a sentence that only names North Korea), and
    by none when a name or figure it asks about is in no article ("Did China send
    troops…?" is not settled by "Russian troops are being sent…" when no article names
    China: the question is about China)."""
    if not asked.yes_no:
        return _none(rows)
    if unknown > 0:
        return np.ones(len(rows.matrix), dtype=bool)
    if asked.core:
        return rows.column("predicate") < PREDICATE_SHARE
    return _none(rows)


def _typed(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """A typed question ("how many", "when", "who") needs a sentence holding that type."""
    return rows.column("typed") == 0.0 if asked.kind else _none(rows)


def _counted(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """ "How many tanks…" needs a sentence (or the one before) that names tanks."""
    return rows.column("counts_missing") == 1.0


def _figures(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """A figure or year the question names must be in the passage (title and date count)."""
    return rows.column("figures_missing") == 1.0


def _year(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """A sentence about another year than the one asked ("who won in 2019?")."""
    return rows.column("other_year") == 1.0


def _year_closing(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """A question closing on the year it asks about ("Who won the open in 2023?"): a
    sentence about another year, by its words and its article's date, does not answer it."""
    return (rows.column("other_year") == 1.0) & asked.year_closing


def _year_nowhere(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """A year asked about ("who won in 2017?") that no retrieved sentence is about, by
    naming it or by its article's date: nothing retrieved reports that year."""
    return np.full(len(rows.matrix), _year_unreported(asked, rows), dtype=bool)


def _year_unreported(asked: Asked, rows: SentenceRows) -> bool:
    return bool(asked.years) and not rows.column("year_match").any()


def _names(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """Every name and figure of the question must be in the passage (title included)."""
    return rows.column("salient_passage") < 1.0


def _some_name(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """At least one name or figure of the question must be in the passage."""
    return rows.column("salient_passage") == 0.0


def _unknown(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """A name or figure the question hinges on is in no article at all: nothing answers."""
    return np.full(len(rows.matrix), unknown > 0, dtype=bool)


def _all_unknown(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """Every name and figure the question hinges on is in no article at all."""
    return np.full(len(rows.matrix), unknown >= 1.0 and bool(asked.salient), dtype=bool)


def _its_week(asked: Asked, rows: SentenceRows, unknown: float) -> np.ndarray:
    """A question naming its own week ("…this week?"), asked about a known day, is
    answered only from an article dated that week (undated articles are not ruled out)."""
    if not (asked.its_week and asked.as_of):
        return _none(rows)
    return (rows.column("dated") == 1.0) & (rows.column("same_week") == 0.0)


def _none(rows: SentenceRows) -> np.ndarray:
    return np.zeros(len(rows.matrix), dtype=bool)


GUARDS: dict[str, Guard] = {
    "yes_no": _yes_no,
    "typed": _typed,
    "counted": _counted,
    "figures": _figures,
    "year": _year,
    "year_nowhere": _year_nowhere,
    "year_closing": _year_closing,
    "names": _names,
    "some_name": _some_name,
    "unknown": _unknown,
    "all_unknown": _all_unknown,
    "its_week": _its_week,
}


def ruled_out(
    asked: Asked, rows: SentenceRows, guards: Iterable[str], unknown: float = 0.0
) -> np.ndarray:
    """Candidates at least one of ``guards`` rules out (``unknown``: the share of the
    question's names and figures found in no article, ``answerability.names_missing``)."""
    out = _none(rows)
    for name in guards:
        out |= GUARDS[name](asked, rows, unknown)
    return out


def why_none_fits(asked: Asked, rows: SentenceRows, guards: Iterable[str]) -> str:
    """The reason a refusal gives when ``guards`` ruled out every candidate."""
    if "year_nowhere" in guards and _year_unreported(asked, rows):
        return f"no retrieved passage is about {', '.join(sorted(asked.years))}"
    about = ""
    if "year_closing" in guards and asked.year_closing and rows.column("other_year").any():
        about = f" about {', '.join(sorted(asked.years))}"
    return f"no retrieved sentence{about} gives a {asked.kind or 'match'}"
