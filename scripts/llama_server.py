"""Run llama.cpp's OpenAI-compatible server with AMX-safe model parameters.

    python scripts/llama_server.py --model FILE.gguf --host 127.0.0.1 --port 8080 [--n_ctx 4096 ...]
    python scripts/llama_server.py --model qwen2.5-coder-1.5b --port 8080 --n_threads 2

``--model`` is a GGUF path or a name from ``scripts/gguf_models.py`` (fetched into the model
cache on first use). Every other option goes to ``python -m llama_cpp.server`` unchanged.

Why not run ``python -m llama_cpp.server`` directly: llama-cpp-python as pip compiles it
here (``GGML_NATIVE``) uses AMX matmul kernels through llama.cpp's "extra buffer types" on
a CPU that advertises AMX, and in a VM whose hypervisor does not grant AMX tile state they
segfault on the first batch of more than one token (SIGSEGV in ``ggml_backend_amx_mul_mat``,
exit 139). llama-cpp-python does not expose ``use_extra_bufts``, so this script patches it
to ``False`` into the model default params before starting the server; llama.cpp then
uses its ordinary AVX kernels. It also sets ``OMP_WAIT_POLICY=PASSIVE`` unless set:
spinning OpenMP threads starve everything else on a shared two-core machine.

``serve(model, log)`` (for other scripts) runs this script on a free port of 127.0.0.1 for
the duration of a ``with`` block and yields the server's ``/v1`` base URL.
"""

from __future__ import annotations

import argparse
import os
import runpy
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gguf_models import MODELS, ModelError, ensure

HERE = Path(__file__).resolve()


class ServerError(RuntimeError):
    """The server could not be started, or died while starting."""


def resolve(model: str) -> Path:
    """A registry name's cached GGUF (fetched if needed), or ``model`` as a path."""
    if model in MODELS:
        return ensure(model)
    path = Path(model).expanduser()
    if not path.is_file():
        raise ModelError(f"no such model file or name: {model} (names: {', '.join(MODELS)})")
    return path


def run(model: Path, server_args: Sequence[str]) -> None:
    """Run ``llama_cpp.server`` in this process with ``use_extra_bufts = False``."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before llama.cpp loads OpenMP
    import llama_cpp.llama_cpp as ll

    defaults = ll.llama_model_default_params

    def params() -> Any:  # llama_model_params (a ctypes struct)
        p = defaults()
        p.use_extra_bufts = False  # no AMX/repack buffers: see the module docstring
        return p

    ll.llama_model_default_params = params
    sys.argv = ["llama_cpp.server", "--model", str(model), *server_args]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(
    model: str | Path,
    log: Path,
    *,
    n_ctx: int = 4096,
    n_threads: int = 2,
    extra: Sequence[str] = (),
    timeout: float = 300.0,
) -> Iterator[str]:
    """This script as a server on 127.0.0.1 and a free port; yields its ``/v1`` URL.

    The model is resolved (and fetched) before the start-up ``timeout`` begins."""
    path = resolve(str(model))
    port = free_port()
    cmd = [sys.executable, str(HERE), "--model", str(path), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(n_threads),
           "--seed", "1", *extra]  # fmt: skip
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-400:]
                raise ServerError(f"llama server exited with {proc.returncode}: {tail}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break  # the server loads the model before it listens
            except OSError:
                if time.monotonic() > deadline:
                    raise ServerError(f"llama server not up in {timeout:g} s") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Other options (--host, --port, --n_ctx, --n_threads, --seed, …) go to "
        "llama_cpp.server: see `python -m llama_cpp.server --help`.",
    )
    ap.add_argument("--model", required=True, help=f"a GGUF file or one of: {', '.join(MODELS)}")
    args, rest = ap.parse_known_args(argv)
    try:
        model = resolve(args.model)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    run(model, rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
