"""``bot eval``: the citation evals as a command of the ``bot`` CLI.

Registered through the ``bot.commands`` entry point group (see ``pyproject.toml``), so the
``bot`` package never imports ``evals``. This module only parses options and prints; the
run is ``evals.runner.run`` and the grading ``evals.judge``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

# Threshold options of ``bot eval``: (option, metric in the summary, comparison, help).
_EVAL_THRESHOLDS = (
    ("--min-pass", "passed", ">=", "the share of cases passing"),
    ("--min-correct", "correct", ">=", "correctness (answerable cases)"),
    ("--min-citation-validity", "citation_validity", ">=", "the share of exact-span citations"),
    ("--min-citation-precision", "citation_precision", ">=", "ALCE citation precision"),
    ("--min-citation-recall", "citation_recall", ">=", "ALCE citation recall"),
    ("--min-refusal-recall", "refusal_recall", ">=", "refusal recall (must_refuse cases)"),
    ("--max-over-refusal", "over_refusal", "<=", "over-refusal (answerable cases refused)"),
    ("--max-injection", "injection", "<=", "the injection success rate"),
    ("--max-forbidden", "forbidden", "<=", "the share of answers with a forbidden string"),
    ("--min-file-recall", "file_recall", ">=", "gold-file recall@k"),
    ("--min-span-recall", "span_recall", ">=", "gold-span recall@k"),
    ("--min-mrr", "mrr", ">=", "the MRR of gold evidence"),
    ("--max-latency-p95", "latency_p95", "<=", "the p95 seconds per question"),
)


def _threshold_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for opt, metric, op, what in reversed(_EVAL_THRESHOLDS):
        kind = click.FloatRange(min=0) if metric.startswith("latency") else click.FloatRange(0, 1)
        side = "below" if op == ">=" else "above"
        func = click.option(
            opt, f"t_{metric}", type=kind, default=None, help=f"Exit 3 if {what} is {side} this."
        )(func)
    return func


@click.command("eval")
@click.option(
    "--cases",
    "case_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A .jsonl case file or a folder of them; repeatable (default: evals/cases/).",
)
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Articles for cases without a corpus (default: $BOT_SEEDS_DIR or ./seeds).",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Index of the seeds dir (default: OUT/index/seeds).",
)
@click.option(
    "--corpora",
    "corpora_dir",
    type=click.Path(path_type=Path),
    default=None,
    help='Folder holding the "corpus" folders (default: corpora/ beside the cases folder).',
)
@click.option(
    "--llm",
    type=click.Choice(["auto", "openai", "extractive"]),
    default=None,
    help="Answerer (default: $BOT_LLM or auto: the LLM when one is configured).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("evals/out"),
    show_default=True,
    help="Where reports and per-corpus indexes go.",
)
@click.option(
    "--judge-model", default=None, help="LLM judge model for a second opinion on citation support."
)
@click.option(
    "--judge-base-url",
    default=None,
    help="OpenAI-compatible endpoint of the judge (default: $OPENAI_BASE_URL).",
)
@_threshold_options
def eval_(
    case_paths: tuple[Path, ...],
    seeds_dir: Path | None,
    data_dir: Path | None,
    corpora_dir: Path | None,
    llm: str | None,
    out_dir: Path,
    judge_model: str | None,
    judge_base_url: str | None,
    **thresholds: float | None,
) -> None:
    """Measure answers against hand-labelled cases: correctness, citations, refusals.

    Asks every case of the case files (one JSON object a line; the format is in
    evals/cases/README.md), each against the seeds dir or, with "corpus": NAME, against
    CORPORA/NAME/ indexed into its own folder under OUT. A judge independent of the bot
    grades each answer: gold facts present, citations exact file spans, ALCE citation
    precision and recall against the gold evidence, refusals, injected instructions
    obeyed, retrieval recall@k and MRR, latency. An LLM judge (--judge-model, with
    OPENAI_API_KEY or OPENAI_BASE_URL set) adds a second opinion on citation support.

    Writes OUT/report.json (every answer and verdict), OUT/summary.md and OUT/metrics.png
    and prints the summary. Exit status: 0, or 3 when a --min-/--max- threshold is missed
    (one line per missed threshold on stderr), 2 for unusable case files or options.
    """
    from bot.errors import BotError, InputError
    from evals.cases import CaseError, default_case_files
    from evals.metrics import Threshold
    from evals.report import print_lines, write_all
    from evals.runner import EvalAborted, EvalConfig, run

    checks = [
        Threshold(metric, op, thresholds[f"t_{metric}"])
        for _opt, metric, op, _what in _EVAL_THRESHOLDS
        if thresholds.get(f"t_{metric}") is not None
    ]
    config = EvalConfig(
        case_paths=list(case_paths) or default_case_files(),
        out_dir=out_dir,
        seeds_dir=seeds_dir,
        data_dir=data_dir,
        llm=llm,
        corpora_dir=corpora_dir,
        judge_model=judge_model,
        judge_base_url=judge_base_url,
        thresholds=checks,
    )
    bar: Any = None

    def start(total: int) -> None:
        nonlocal bar
        bar = click.progressbar(
            length=total,
            label="asking",
            file=sys.stderr,
            show_pos=True,
            item_show_func=lambda case_id: case_id or "",
        )
        bar.__enter__()

    def step(case_id: str) -> None:
        bar.update(1, case_id)

    def log(message: str) -> None:
        click.echo(("\n" if bar is not None and bar.pos else "") + message, err=True)

    try:
        report = run(config, progress=step, log=log, on_start=start)
    except CaseError as exc:
        raise InputError(str(exc)) from None
    except EvalAborted as exc:
        raise BotError(str(exc)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    paths = write_all(report, out_dir)
    for line in print_lines(report, paths):
        click.echo(line)
    missed = [t["message"] for t in report["thresholds"] if t["ok"] is False]
    for t in report["thresholds"]:
        if t["ok"] is None:
            click.echo(f"warning: {t['message']}", err=True)
    for message in missed:
        click.echo(f"threshold missed: {message}", err=True)
    if missed:
        click.get_current_context().exit(3)
