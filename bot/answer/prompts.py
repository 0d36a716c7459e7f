"""Prompts: Jinja templates loaded by name from files, rendered into chat messages.

``render("answer", question=..., sources=...)`` reads ``answer.j2`` and returns a list of
``Message``. Each top-level ``{% block system %}`` / ``{% block user %}`` /
``{% block assistant %}`` becomes one message, in file order; a template without blocks is a
single user message. Undefined variables raise (``StrictUndefined``): a prompt never goes
out with a hole in it. Templates are plain text, not HTML: nothing is escaped here — callers
pass data already made safe to embed (see ``bot.answer.llm_answerer``).

Where the files live: ``bot/prompts/`` inside an installed wheel (the build copies the
repo's top-level ``prompts/`` there), else the checkout's top-level ``prompts/``.
``BOT_PROMPTS_DIR`` overrides both. This module sends nothing anywhere.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from bot.errors import ConfigError

ROLES = ("system", "user", "assistant")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Message:
    role: str
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


def prompts_dir() -> Path:
    """The folder prompt files are read from (see the module docstring)."""
    override = os.environ.get("BOT_PROMPTS_DIR")
    if override:
        return Path(override)
    package = Path(__file__).resolve().parents[1]  # the installed ``bot`` package
    packaged = package / "prompts"
    if packaged.is_dir():
        return packaged
    return package.parent / "prompts"


def names() -> list[str]:
    """Names of the available prompts (``answer``, ``condense``, …)."""
    return sorted(p.stem for p in prompts_dir().glob("*.j2"))


@lru_cache(maxsize=16)
def _environment(folder: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder, encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain-text prompts; data is neutralised by the caller
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template(name: str) -> jinja2.Template:
    """The compiled template ``<name>.j2``; ``ConfigError`` when missing or malformed."""
    if not _NAME_RE.match(name):
        raise ConfigError(f"invalid prompt name {name!r}")
    folder = prompts_dir()
    try:
        return _environment(str(folder)).get_template(f"{name}.j2")
    except jinja2.TemplateNotFound:
        raise ConfigError(f"prompt {name!r} not found: no {name}.j2 in {folder}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"prompt {name!r} is malformed (line {exc.lineno}): {exc}") from None


def render(name: str, **variables: object) -> list[Message]:
    """The prompt ``name`` filled with ``variables``, as chat messages."""
    tmpl = template(name)
    try:
        blocks = [(role, fn) for role, fn in tmpl.blocks.items() if role in ROLES]
        if not blocks:
            return [Message("user", tmpl.render(**variables).strip())]
        context = tmpl.new_context(dict(variables))
        messages = [Message(role, "".join(fn(context)).strip()) for role, fn in blocks]
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"prompt {name!r} needs a variable that was not given: {exc}") from None
    return [m for m in messages if m.content]


def render_text(name: str, **variables: object) -> str:
    """The rendered prompt as one string (for display and tests)."""
    return "\n\n".join(f"[{m.role}]\n{m.content}" for m in render(name, **variables))
