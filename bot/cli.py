"""Command line: ``bot index``, ``bot ask``, ``bot serve`` (and later ``eval``, ``bench``).

A thin face over ``bot.Bot``: it parses options, calls the API and prints. Errors the bot
raises on purpose (``BotError``) print as one line with their exit code (2 for bad input);
anything unexpected prints one line too, unless ``BOT_DEBUG=1`` asks for the traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bot.errors import BotError, InputError


class _Group(click.Group):
    """Turns every error into one line on stderr and an exit code; never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BotError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as exc:
            if os.environ.get("BOT_DEBUG"):
                raise
            click.echo(
                f"Error: unexpected {type(exc).__name__}: {exc} (BOT_DEBUG=1 shows more)", err=True
            )
            ctx.exit(1)


def _dir_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Where the index lives (default: $BOT_DATA_DIR or ./.bot).",
    )(func)
    func = click.option(
        "--seeds",
        "seeds_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder of .txt articles (default: $BOT_SEEDS_DIR or ./seeds).",
    )(func)
    return func


def _make_bot(seeds_dir: Path | None, data_dir: Path | None, **settings: Any) -> Any:
    from bot.api import Bot
    from bot.config import Settings

    return Bot(settings=Settings.from_env(seeds_dir=seeds_dir, data_dir=data_dir, **settings))


@click.group(cls=_Group)
@click.version_option(package_name="news-qa-bot")
def main() -> None:
    """Ask questions about a folder of news articles.

    Every sentence of an answer cites the exact passage of the file that supports it,
    or the bot says the articles don't say.
    """


@main.command()
@_dir_options
def index(seeds_dir: Path | None, data_dir: Path | None) -> None:
    """Index the articles (incremental: only new or changed files are embedded)."""
    bot = _make_bot(seeds_dir, data_dir)

    tty = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if total and tty:
            click.echo(f"\r{stage}: {done}/{total} files", err=True, nl=done == total)
        elif total and done == total:
            click.echo(f"{stage}: {total} files", err=True)

    report = bot.index(progress=progress)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.summary())


@main.command()
@_dir_options
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "--llm",
    type=click.Choice(["auto", "openai", "extractive"]),
    default=None,
    help="Who writes the answer: an OpenAI-compatible model (openai), quotes from the "
    "articles (extractive), or openai when OPENAI_API_KEY or OPENAI_BASE_URL is set "
    "(auto, the default; also $BOT_LLM).",
)
@click.option(
    "--no-fallback",
    is_flag=True,
    help="If the LLM is unreachable, fail instead of answering with quotes.",
)
@click.argument("question")
def ask(
    seeds_dir: Path | None,
    data_dir: Path | None,
    as_json: bool,
    llm: str | None,
    no_fallback: bool,
    question: str,
) -> None:
    """Answer QUESTION from the articles, citing the passages.

    With an LLM the answer streams as it is written, then every sentence is checked
    against the passage it cites; if checking changed it, the verified answer follows.

    Exit status: 0 when answered or refused, 2 for bad input (empty question, missing
    seeds dir, question over the length limit), 1 when the LLM is unreachable and
    --no-fallback is given.
    """
    bot = _make_bot(seeds_dir, data_dir, llm=llm, llm_fallback=False if no_fallback else None)
    bot.validate_question(question)  # fail fast, before any model loads
    if as_json:
        answer = bot.ask(question)
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    answer = _stream(bot, question)
    if answer.citations:
        click.echo("\nSources:")
        for c in answer.citations:
            date = f", {c.date}" if c.date else ""
            click.echo(f"  [{c.n}] {c.file}, line {c.line}{date}")
            click.echo(f"      “{' '.join(c.quote.split())}”")


def _stream(bot: Any, question: str) -> Any:
    """Print the answer as it streams; then the verified text if verification changed it."""
    from bot.answer import Answer

    shown: list[str] = []
    answer = None
    for item in bot.ask_stream(question):
        if isinstance(item, Answer):
            answer = item
        else:
            shown.append(item)
            click.echo(item, nl=False)
    assert answer is not None
    click.echo()
    fallback = answer.answerer.startswith("extractive (LLM unreachable)")
    if " ".join("".join(shown).split()) != " ".join(answer.text.split()):
        dropped = len(answer.dropped)
        if fallback:
            title = "Answer quoted from the articles (the LLM broke off)"
        elif dropped:
            plural = "s" if dropped != 1 else ""
            title = f"Verified answer ({dropped} unsupported sentence{plural} removed)"
        else:
            title = "Verified answer"
        click.echo(f"\n{title}:")
        click.echo(answer.text)
    if fallback:
        click.echo(f"note: {answer.answerer}: {answer.reason}", err=True)
    return answer


@main.command()
@_dir_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 exposes the page to your network.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=7860,
    show_default=True,
    help="Port to listen on.",
)
def serve(seeds_dir: Path | None, data_dir: Path | None, host: str, port: int) -> None:
    """Serve the chat page in a browser (default http://127.0.0.1:7860).

    Indexes on start (the page shows progress), then answers with clickable citations
    that open the article at the quoted passage. Set BOT_AUTH=user:password to require a
    login. Ctrl+C stops it.
    """
    bot = _make_bot(seeds_dir, data_dir)
    if not bot.settings.seeds_dir.is_dir():  # fail here, not later on the page
        raise InputError(f"seeds dir not found: {bot.settings.seeds_dir}")
    from bot.web import launch, parse_auth  # gradio is imported only for this command

    auth = parse_auth(os.environ.get("BOT_AUTH"))
    if host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        click.echo(
            f"warning: serving on {host} without a login; set BOT_AUTH=user:password", err=True
        )
    launch(bot, host=host, port=port, auth=auth)


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


@main.command("eval")
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
    from bot.errors import InputError
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
