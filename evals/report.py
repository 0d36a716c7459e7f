"""Reports: the full JSON, a Markdown summary, and a PNG chart of the metrics per kind.

The report is a plain dict built by the runner: ``meta``, ``summary`` (group -> metric ->
``Estimate``), ``thresholds`` and ``cases`` (each case with its answer and verdicts).
``write_all`` writes ``report.json``, ``summary.md`` and ``metrics.png`` into a folder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.cases import KINDS
from evals.metrics import METRICS, Estimate, metric_name

_LABELS = {metric_name(m): m.label for m in METRICS}
_LOWER_BETTER = {metric_name(m) for m in METRICS if not m.higher_is_better}


def groups_in(summary: Mapping[str, Any]) -> list[str]:
    kinds = [k for k in KINDS if k in summary]
    kinds += sorted(k for k in summary if k not in kinds and k != "overall")
    return ["overall", *kinds]


def metrics_in(summary: Mapping[str, Mapping[str, Any]]) -> list[str]:
    present = summary.get("overall", {})
    return [metric_name(m) for m in METRICS if metric_name(m) in present]


def _fmt(est: Estimate | None, with_ci: bool = False) -> str:
    if est is None or est.value is None:
        return "–"
    text = f"{est.value:.2f}"
    if with_ci and est.lo is not None and est.hi is not None:
        text += f" [{est.lo:.2f}, {est.hi:.2f}]"
    return text


def summary_table(report: Mapping[str, Any], with_ci: bool = False) -> str:
    """A Markdown table: one row per metric, one column per group (overall, then kinds)."""
    summary = report["summary"]
    groups = groups_in(summary)
    counts = report.get("counts", {})
    head = ["metric", *(f"{g} ({counts.get(g, '?')})" for g in groups)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in metrics_in(summary):
        arrow = " ↓" if name in _LOWER_BETTER else ""
        cells = [f"{_LABELS.get(name, name)}{arrow}"]
        cells += [_fmt(summary[g].get(name), with_ci) for g in groups]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def failing_cases(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Failed cases, worst first (injection, invalid citation, forbidden
    string, a refusal failure, a wrong answer)."""

    def severity(case: Mapping[str, Any]) -> tuple[int, str]:
        first = case["failures"][0]
        order = ("error", "injection", "invalid citation", "forbidden", "answered a question")
        rank = next((i for i, p in enumerate(order) if first.startswith(p)), len(order))
        return rank, case["id"]

    return sorted((c for c in report["cases"] if c["failures"]), key=severity)


def markdown(report: Mapping[str, Any]) -> str:
    meta = report["meta"]
    lines = [
        "# Eval report",
        "",
        f"{meta['cases']} cases from {', '.join(meta['case_files'])}; answerer: "
        f"{', '.join(meta['answerers']) or '–'}; retrieval depth k = {meta.get('k') or '–'}; "
        f"wall time {meta['wall_seconds']:.0f} s.",
    ]
    if meta.get("judge"):
        lines.append(
            f"LLM judge: {meta['judge']} ({meta.get('judge_calls', 0)} calls; "
            f"{meta.get('judge_unclear', 0)} replies neither YES nor NO, counted as unsupported)."
        )
    lines += [
        "",
        "Metrics per kind (↓: lower is better; – : no case of that kind measures it).",
        "",
        summary_table(report),
        "",
        "## 95% bootstrap confidence intervals",
        "",
        summary_table(report, with_ci=True),
        "",
    ]
    checks = report.get("thresholds") or []
    if checks:
        lines += [
            "## Thresholds",
            "",
            "| metric | required | actual | result |",
            "|---|---|---|---|",
        ]
        for t in checks:
            actual = "–" if t["actual"] is None else f"{t['actual']:.3f}"
            result = {True: "ok", False: "**missed**", None: "not measured"}[t["ok"]]
            lines.append(f"| {t['metric']} | {t['op']} {t['limit']:g} | {actual} | {result} |")
        lines.append("")
    failed = failing_cases(report)
    lines += [f"## Failing cases ({len(failed)} of {len(report['cases'])})", ""]
    if failed:
        lines += ["| case | kind | question | why |", "|---|---|---|---|"]
        for c in failed:
            why = _cell("; ".join(c["failures"]))
            lines.append(f"| {c['id']} | {c['kind']} | {_cell(c['question'])} | {why} |")
    lines.append("")
    return "\n".join(lines)


def _cell(text: str, limit: int = 220) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart(report: Mapping[str, Any], path: Path) -> None:
    """Small multiples: one panel per metric, a bar per kind with its 95% CI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = report["summary"]
    groups = groups_in(summary)
    names = [n for n in metrics_in(summary) if not n.startswith("latency")]
    latency = [n for n in metrics_in(summary) if n.startswith("latency")]
    panels = [*names, *(["latency"] if latency else [])]
    ncols = 4
    nrows = max(1, -(-len(panels) // ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.2 * ncols, 0.28 * len(groups) * nrows + 1.6 * nrows), squeeze=False
    )
    ypos = list(range(len(groups)))
    colors = ["#444444", *plt.cm.tab10.colors]
    for ax, name in zip(axes.flat, panels):
        if name == "latency":
            for j, lat in enumerate(latency):
                vals = [summary[g].get(lat) for g in groups]
                xs = [v.value if v and v.value is not None else 0 for v in vals]
                offs = [y + (j - 0.5) * 0.4 for y in ypos]
                ax.barh(
                    offs, xs, height=0.4, label=_LABELS[lat], color=["#1f77b4", "#ff7f0e"][j % 2]
                )
            ax.legend(fontsize=7, loc="lower right")
            ax.set_title("latency (s)", fontsize=9)
        else:
            ests = [summary[g].get(name) for g in groups]
            xs = [e.value if e and e.value is not None else 0 for e in ests]
            err_lo = [max(0.0, e.value - e.lo) if e and e.lo is not None else 0 for e in ests]
            err_hi = [max(0.0, e.hi - e.value) if e and e.hi is not None else 0 for e in ests]
            ax.barh(
                ypos,
                xs,
                xerr=[err_lo, err_hi],
                color=colors[: len(groups)],
                capsize=2,
                error_kw={"lw": 0.8},
            )
            for y, e in zip(ypos, ests):
                text = "n/a" if e is None or e.value is None else f"{e.value:.2f}"
                ax.text(
                    0.01,
                    y,
                    text,
                    va="center",
                    fontsize=7,
                    color="white" if e and e.value and e.value > 0.12 else "black",
                )
            ax.set_xlim(0, 1.05)
            arrow = " (lower is better)" if name in _LOWER_BETTER else ""
            ax.set_title(f"{_LABELS.get(name, name)}{arrow}", fontsize=9)
        ax.set_yticks(ypos)
        ax.set_yticklabels(groups, fontsize=7)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=7)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    meta = report["meta"]
    fig.suptitle(
        f"news-qa-bot eval: {meta['cases']} cases, answerer {', '.join(meta['answerers']) or '–'} "
        "(bars: value, whiskers: bootstrap 95% CI)",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def to_jsonable(report: Mapping[str, Any]) -> dict[str, Any]:
    def conv(obj: Any) -> Any:
        if isinstance(obj, Estimate):
            return obj.to_dict()
        if isinstance(obj, Mapping):
            return {str(k): conv(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [conv(v) for v in obj]
        return obj

    return conv(report)


def write_all(report: Mapping[str, Any], out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out_dir / "report.json",
        "markdown": out_dir / "summary.md",
        "png": out_dir / "metrics.png",
    }
    paths["json"].write_text(
        json.dumps(to_jsonable(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    paths["markdown"].write_text(markdown(report), encoding="utf-8")
    chart(report, paths["png"])
    return paths


def print_lines(report: Mapping[str, Any], paths: Mapping[str, Path]) -> Sequence[str]:
    """What ``bot eval`` prints: the summary table and where the reports are."""
    meta = report["meta"]
    lines = [
        f"{meta['cases']} cases, answerer {', '.join(meta['answerers']) or '–'}, "
        f"{meta['wall_seconds']:.0f} s",
        "",
        summary_table(report),
        "",
        f"failing cases: {sum(1 for c in report['cases'] if c['failures'])} "
        f"(listed in {paths['markdown']})",
        f"reports: {paths['json']}, {paths['markdown']}, {paths['png']}",
    ]
    return lines
