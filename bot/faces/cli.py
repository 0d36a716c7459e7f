"""Command line: ``bot index``, ``bot ask``, ``bot serve``, plus commands from plugins.

A thin face over ``bot.Bot``: it parses options, calls the API and prints. Other packages
add commands through the ``bot.commands`` entry point group (``bot eval`` comes from
``evals``, which ships beside ``bot``), loaded only when named or listed, so ``bot``
itself imports nothing of them. Errors the bot
raises on purpose (``BotError``) print as one line with their exit code (2 for bad input);
anything unexpected prints one line too, unless ``BOT_DEBUG=1`` asks for the traceback.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.errors import BotError, InputError
from bot.faces.text import quoted

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from bot.api import Bot
    from bot.types import Answer


#: Entry point group through which other packages add ``bot`` commands.
PLUGIN_GROUP = "bot.commands"


class _Group(click.Group):
    """Turns every error into one line on stderr and an exit code, never a traceback; finds
    plugin commands (``PLUGIN_GROUP`` entry points) when they are named or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(ep.name for ep in _plugins())})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        found = next((ep for ep in _plugins() if ep.name == name), None)
        if found is None:
            return None
        try:
            command = found.load()
        except Exception as exc:  # a broken plugin must not break the other commands
            raise click.ClickException(f"command {name!r} failed to load: {exc}") from None
        return command if isinstance(command, click.Command) else None

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


def _plugins() -> list[EntryPoint]:
    from importlib.metadata import entry_points

    return list(entry_points(group=PLUGIN_GROUP))


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
        help="Folder of articles: .txt, .md, .html, .pdf, .docx, any depth "
        "(default: $BOT_SEEDS_DIR or ./seeds).",
    )(func)
    return func


def _make_bot(seeds_dir: Path | None, data_dir: Path | None, **settings: object) -> Bot:
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
    """Index the articles (incremental: only new or changed files are embedded).

    Progress goes to stderr: a bar on a terminal, a line every few seconds otherwise. Every
    file that is not indexed is listed once with its reason.
    """
    from bot.faces.progress import ProgressView

    bot = _make_bot(seeds_dir, data_dir)
    bot.check_seeds_dir()
    with ProgressView(f"Indexing {bot.settings.seeds_dir}") as view:
        report = bot.index(progress=view)
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
@click.option(
    "--as-of",
    metavar="YYYY-MM-DD",
    default=None,
    help='The day the question is asked about ("who won this week?"): the learned selector '
    "(the default answerer) weighs articles from that week more. Default: no date (never "
    "today's).",
)
@click.argument("question")
def ask(
    seeds_dir: Path | None,
    data_dir: Path | None,
    as_json: bool,
    llm: str | None,
    no_fallback: bool,
    as_of: str | None,
    question: str,
) -> None:
    """Answer QUESTION from the articles, citing the passages.

    With an LLM each sentence the model writes is checked against the passages before it
    is shown, so the answer streams sentence by sentence, verified; on a terminal a status
    line says what is happening meanwhile. When none of it can be verified, the articles
    are quoted instead (marked so) if they answer, else the bot says they don't.

    Exit status: 0 when answered or refused, 2 for bad input (empty question, missing
    seeds dir, question over the length limit), 1 when the LLM is unreachable and
    --no-fallback is given.
    """
    bot = _make_bot(seeds_dir, data_dir, llm=llm, llm_fallback=False if no_fallback else None)
    bot.validate_question(question)  # fail fast, before any model loads
    day = _day(as_of)
    _index_first(bot)
    if as_json:
        answer = bot.ask(question, as_of=day)
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    answer = _stream(bot, question, day)
    if answer.citations:
        click.echo("\nSources:")
        for c in answer.citations:
            click.echo(f"  [{c.n}] {c.file}, line {c.line}, {c.date or 'undated'}")
            click.echo(f"      {quoted(c.quote)}")


def _day(text: str | None) -> date | None:
    """``--as-of`` as a date, or an ``InputError`` (one line, exit status 2)."""
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text.strip()):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise InputError(f"--as-of {text!r} is not a date written YYYY-MM-DD")


def _index_first(bot: Bot) -> None:
    """Index now when the folder changed, saying so at once and showing progress; one
    line about files that were skipped (``bot index`` lists them)."""
    from bot.faces.progress import ProgressView

    bot.check_seeds_dir()
    with ProgressView(f"Indexing {bot.settings.seeds_dir} before answering") as view:
        report = bot.ensure_indexed(progress=view)
    if report is not None and report.skipped:
        n = report.skipped
        click.echo(
            f"note: {n} file{'s' * (n != 1)} not indexed (`bot index` lists them and why)",
            err=True,
        )


def _stream(bot: Bot, question: str, as_of: date | None = None) -> Answer:
    """Print the verified answer as it streams, with a transient status line on a terminal
    ("asking <model>…", "checking sentence 2…"); then the final text if it differs."""
    from bot.types import UNVERIFIED, Answer, Status

    status = _StatusLine(sys.stderr.isatty())
    shown: list[str] = []
    answer = None
    for item in bot.ask_stream(question, as_of=as_of):
        if isinstance(item, Answer):
            answer = item
        elif isinstance(item, Status):
            if item.stage == "quoting":
                status.clear()
                click.echo(f"Quoted from the articles ({item.detail or UNVERIFIED}):")
            status.show(item.text)
        else:
            status.clear()
            shown.append(item)
            click.echo(item, nl=False)
    status.clear()
    assert answer is not None
    click.echo()
    if " ".join("".join(shown).split()) != " ".join(answer.text.split()):
        title = "Verified answer"
        if answer.fell_back:
            title = "Answer quoted from the articles (the LLM broke off)"
        elif any(not v.supported for v in answer.verdicts):
            title = "Answer with the sentences verification could not support (uncited)"
        click.echo(f"\n{title}:")
        click.echo(answer.text)
    if answer.dropped:
        n = len(answer.dropped)
        click.echo(f"note: {n} sentence{'s' if n != 1 else ''} of the model's answer "
                   "removed: not supported by the articles", err=True)  # fmt: skip
    if answer.fell_back:
        click.echo(f"note: {answer.answerer}: {answer.reason}", err=True)
    if answer.refused and answer.reason:
        from bot.faces.text import plain_reason

        click.echo(f"note: {plain_reason(answer.reason)}", err=True)
    if answer.coverage is not None and answer.coverage.note():
        click.echo(f"note: {answer.coverage.note()}", err=True)
    return answer


class _StatusLine:
    """One line on stderr that is rewritten in place and cleared before answer text
    (only on a terminal: piped output gets the answer alone)."""

    def __init__(self, tty: bool) -> None:
        self.tty, self.width = tty, 0

    def show(self, text: str) -> None:
        if self.tty:
            click.echo(f"\r\033[K{text}", err=True, nl=False)
            self.width = len(text)

    def clear(self) -> None:
        if self.tty and self.width:
            click.echo("\r\033[K", err=True, nl=False)
            self.width = 0


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
    bot.check_seeds_dir()  # fail here, not later on the page
    from bot.faces.web import launch, parse_auth  # gradio is imported only for this command

    auth = parse_auth(os.environ.get("BOT_AUTH"))
    if host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        click.echo(
            f"warning: serving on {host} without a login; set BOT_AUTH=user:password", err=True
        )
    launch(bot, host=host, port=port, auth=auth)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
