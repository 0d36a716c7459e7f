"""Settings: one frozen dataclass, read from the environment once, overridable per call.

This module only reads and validates configuration; it opens nothing. Secrets
(the OpenAI key) are kept out of ``repr`` so they never reach a log.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from bot.errors import ConfigError

#: Questions longer than this are refused with a clear message (documented in the README).
MAX_QUESTION_CHARS = 2000
LLM_MODES = ("auto", "openai", "extractive")
#: Who picks the sentences of an extractive answer: the selector learned on RealTime QA
#: (``bot.answer.learned``, the default; the README's model card), or the hand-set weights
#: it replaced (``bot.answer.extractive``).
SELECTORS = ("hand", "learned")


@dataclass(frozen=True)
class Settings:
    seeds_dir: Path = Path("seeds")
    data_dir: Path = Path(".bot")
    chroma_url: str | None = None
    collection: str = "articles"
    #: Chunks retrieved per question, all read by the offline answerer. 12 since stop 34:
    #: on the RealTime QA dev slice the evidence was among them for 0.97 of the answerable
    #: questions against 0.94 at 8 (docs/model-card.md).
    top_k: int = 12
    max_question_chars: int = MAX_QUESTION_CHARS
    max_file_bytes: int = 20_000_000
    refresh_seconds: float = 5.0
    lock_timeout: float = 600.0
    #: Seconds a question refused while this process is still indexing waits for the run to
    #: finish before it is answered from what is indexed (a page's first minute; not tuned).
    index_wait: float = 60.0
    llm: str = "auto"
    llm_model: str = "gpt-4o-mini"
    openai_base_url: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 60.0
    llm_retries: int = 2
    llm_fallback: bool = True
    llm_strict: bool = True
    llm_quotes: bool = False  # quote-grounded prompt: each sentence followed by its source's words
    #: The first this many retrieved chunks are the LLM's sources (its prompt, what its
    #: sentences are verified against): 8 keeps a small local model's prompt at about
    #: 1,500 tokens (15-30 s a question for Qwen2.5-Coder-1.5B on two cores).
    llm_sources: int = 8
    selector: str = "learned"

    def __post_init__(self) -> None:
        object.__setattr__(self, "seeds_dir", Path(self.seeds_dir))
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.top_k < 1:
            raise ConfigError(f"top_k must be at least 1, got {self.top_k}")
        if self.llm_sources < 1:
            raise ConfigError(f"llm_sources must be at least 1, got {self.llm_sources}")
        if self.max_question_chars < 1:
            raise ConfigError("max_question_chars must be positive")
        if self.llm not in LLM_MODES:
            raise ConfigError(f"llm must be one of {', '.join(LLM_MODES)}, got {self.llm!r}")
        if self.selector not in SELECTORS:
            raise ConfigError(
                f"selector must be one of {', '.join(SELECTORS)}, got {self.selector!r}"
            )
        if self.llm_retries < 0 or self.llm_timeout <= 0:
            raise ConfigError("llm_retries must be >= 0 and llm_timeout > 0")

    @property
    def llm_configured(self) -> bool:
        """True when an OpenAI key or an OpenAI-compatible base URL is set."""
        return bool(self.openai_api_key or self.openai_base_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``BOT_*`` / ``OPENAI_*`` variables; ``None`` overrides are ignored."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for key, var, cast in _ENV:
            raw = env.get(var)
            if raw is None or raw.strip() == "":
                continue
            try:
                values[key] = cast(raw.strip())
            except ValueError:
                raise ConfigError(f"{var}={raw!r} is not a valid {cast.__name__}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


_ENV: tuple[tuple[str, str, type], ...] = (
    ("seeds_dir", "BOT_SEEDS_DIR", Path),
    ("data_dir", "BOT_DATA_DIR", Path),
    ("chroma_url", "BOT_CHROMA_URL", str),
    ("collection", "BOT_COLLECTION", str),
    ("top_k", "BOT_TOP_K", int),
    ("max_file_bytes", "BOT_MAX_FILE_BYTES", int),
    ("refresh_seconds", "BOT_REFRESH_SECONDS", float),
    ("lock_timeout", "BOT_LOCK_TIMEOUT", float),
    ("index_wait", "BOT_INDEX_WAIT", float),
    ("llm", "BOT_LLM", str),
    ("llm_model", "BOT_LLM_MODEL", str),
    ("openai_base_url", "OPENAI_BASE_URL", str),
    ("openai_api_key", "OPENAI_API_KEY", str),
    ("llm_timeout", "BOT_LLM_TIMEOUT", float),
    ("llm_retries", "BOT_LLM_RETRIES", int),
    ("llm_fallback", "BOT_LLM_FALLBACK", _bool),
    ("llm_strict", "BOT_LLM_STRICT", _bool),
    ("llm_quotes", "BOT_LLM_QUOTES", _bool),
    ("llm_sources", "BOT_LLM_SOURCES", int),
    ("selector", "BOT_SELECTOR", str),
)
