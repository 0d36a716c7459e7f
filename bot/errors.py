"""Errors a user sees: one line each, with the CLI exit code that goes with it.

Everything the bot raises on purpose is a ``BotError``; the CLI and the page print
``str(err)`` and never a traceback. Anything else escaping is a bug.
"""

from __future__ import annotations


class BotError(Exception):
    """Base class: a one-line, human-readable message."""

    exit_code = 1


class InputError(BotError):
    """The user's input is unusable: empty question, missing seeds dir, bad option."""

    exit_code = 2


class ConfigError(BotError):
    """The installation or the settings are wrong (missing model files, bad env var)."""

    exit_code = 2


class StoreError(BotError):
    """Chroma is unreachable, or the data dir holds something that is not our index."""


class IndexBusyError(BotError):
    """Another process holds the index lock for this data dir."""


class LLMError(BotError):
    """The LLM endpoint failed after retries, or answered with something unusable."""
