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
@click.argument("question")
def ask(seeds_dir: Path | None, data_dir: Path | None, as_json: bool, question: str) -> None:
    """Answer QUESTION from the articles, citing the passages.

    Exit status: 0 when answered or refused, 2 for bad input (empty question, missing
    seeds dir, question over the length limit).
    """
    bot = _make_bot(seeds_dir, data_dir)
    bot.validate_question(question)  # fail fast, before any model loads
    answer = bot.ask(question)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(answer.text)
    if answer.citations:
        click.echo("\nSources:")
        for c in answer.citations:
            date = f", {c.date}" if c.date else ""
            click.echo(f"  [{c.n}] {c.file}, line {c.line}{date}")
            click.echo(f"      “{' '.join(c.quote.split())}”")


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
