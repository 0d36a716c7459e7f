"""Command line: ``bot index``, ``bot ask`` (and later ``serve``, ``eval``, ``bench``).

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

from bot.errors import BotError


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

    def progress(stage: str, done: int, total: int) -> None:
        if total:
            click.echo(f"\r{stage}: {done}/{total} files", err=True, nl=done == total)

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
