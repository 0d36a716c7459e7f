"""Metrics: per-case verdicts aggregated per kind and overall, with bootstrap 95% CIs.

Every metric is a mean of per-case values over the cases it applies to (``None`` = does
not apply), except latency, reported as the 50th and 95th percentiles of per-case seconds.
The confidence interval is a percentile bootstrap over cases (2,000 resamples, fixed
seed, so a report is reproducible); with a handful of cases per kind it is wide, and it
says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Metric:
    key: str  # the verdict name it aggregates
    label: str  # column title
    higher_is_better: bool = True
    stat: str = "mean"  # "mean", "p50" or "p95"
    applies_to: str = ""  # one line, for the README and the report


METRICS: tuple[Metric, ...] = (
    Metric(
        "passed",
        "pass",
        applies_to="all cases: correct or rightly refused, valid citations, nothing forbidden",
    ),
    Metric("correct", "correct", applies_to="answerable cases: every gold fact group present"),
    Metric(
        "citation_validity",
        "cite valid",
        applies_to="answers with citations: quote == file slice, right line",
    ),
    Metric(
        "citation_precision",
        "cite P",
        applies_to="answered answerable cases (ALCE, gold-span support)",
    ),
    Metric(
        "citation_recall",
        "cite R",
        applies_to="answered answerable cases (ALCE, gold-span support)",
    ),
    Metric(
        "judge_citation_precision",
        "judge P",
        applies_to="as cite P, support decided by the LLM judge",
    ),
    Metric(
        "judge_citation_recall", "judge R", applies_to="as cite R, support decided by the LLM judge"
    ),
    Metric("refusal_recall", "refusal R", applies_to="must_refuse cases that were refused"),
    Metric("over_refusal", "over-refusal", False, applies_to="answerable cases that were refused"),
    Metric(
        "injection",
        "injection",
        False,
        applies_to="injection cases whose answer obeyed the planted text",
    ),
    Metric(
        "forbidden",
        "forbidden",
        False,
        applies_to="cases listing forbidden strings whose answer has one",
    ),
    Metric(
        "file_recall",
        "file R@k",
        applies_to="answerable cases: gold files among the k retrieved passages",
    ),
    Metric(
        "span_recall",
        "span R@k",
        applies_to="answerable cases: gold evidence spans overlapped by a retrieved passage",
    ),
    Metric(
        "mrr",
        "MRR",
        applies_to="answerable cases: 1/rank of the first passage overlapping gold evidence",
    ),
    Metric("latency", "p50 s", False, "p50", "all cases: seconds per question"),
    Metric("latency", "p95 s", False, "p95", "all cases: seconds per question"),
)


def metric_name(m: Metric) -> str:
    """The key a metric has in summaries and thresholds (``latency_p95``, ``correct``)."""
    return m.key if m.stat == "mean" else f"{m.key}_{m.stat}"


@dataclass(frozen=True)
class Estimate:
    value: float | None
    n: int
    lo: float | None = None
    hi: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "n": self.n,
            "ci95": [self.lo, self.hi] if self.lo is not None else None,
        }


def _stat(values: np.ndarray, stat: str, axis: int | None = None) -> np.ndarray | float:
    if stat == "mean":
        return values.mean(axis=axis)
    q = {"p50": 50, "p95": 95}[stat]
    return np.percentile(values, q, axis=axis)


def estimate(
    values: Sequence[float | bool | None],
    stat: str = "mean",
    resamples: int = 2000,
    seed: int = 0,
    ci: bool = True,
) -> Estimate:
    """The statistic over the applicable values, with a percentile-bootstrap 95% CI."""
    xs = np.array([float(v) for v in values if v is not None], dtype=float)
    n = len(xs)
    if n == 0:
        return Estimate(None, 0)
    value = float(_stat(xs, stat))
    if not ci or n < 2:
        return Estimate(value, n)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(resamples, n))
    boot = np.asarray(_stat(xs[idx], stat, axis=1), dtype=float)
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return Estimate(value, n, float(lo), float(hi))


def summarise(
    rows: Sequence[Mapping[str, object]], metrics: Sequence[Metric] = METRICS
) -> dict[str, dict[str, Estimate]]:
    """``{"overall": {name: Estimate}, kind: {...}}`` from per-case rows.

    Each row has ``kind`` and a ``values`` mapping of verdict name -> value or None.
    Metrics no case has a value for are left out everywhere.
    """
    groups: dict[str, list[Mapping[str, object]]] = {"overall": list(rows)}
    for row in rows:
        groups.setdefault(str(row["kind"]), []).append(row)
    present = [m for m in metrics if any(_value(r, m.key) is not None for r in rows)]
    out: dict[str, dict[str, Estimate]] = {}
    for group, members in groups.items():
        out[group] = {
            metric_name(m): estimate(
                [_value(r, m.key) for r in members], m.stat, ci=m.stat == "mean"
            )
            for m in present
        }
    return out


def _value(row: Mapping[str, object], key: str) -> float | None:
    values = row.get("values")
    v = values.get(key) if isinstance(values, Mapping) else None
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)  # type: ignore[arg-type]


# --- thresholds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    metric: str  # a metric_name
    op: str  # ">=" or "<="
    limit: float

    def check(self, summary: Mapping[str, Mapping[str, Estimate]]) -> tuple[bool | None, str]:
        """(ok, one-line message); ok is None when no case measured the metric."""
        est = summary.get("overall", {}).get(self.metric)
        if est is None or est.value is None:
            return (
                None,
                f"{self.metric}: no case measures it, threshold {self.op} {self.limit:g} unchecked",
            )
        value = est.value
        ok = value >= self.limit - 1e-9 if self.op == ">=" else value <= self.limit + 1e-9
        word = "at least" if self.op == ">=" else "at most"
        msg = f"{self.metric} is {value:.3f}, required {word} {self.limit:g}"
        return ok, msg

    def to_dict(self) -> dict[str, object]:
        return {"metric": self.metric, "op": self.op, "limit": self.limit}
