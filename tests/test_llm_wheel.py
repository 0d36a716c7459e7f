"""The built wheel carries the prompts: install it into a fresh venv and render each one.

A non-editable install has no checkout next to it, so ``bot.answer.prompts`` must find the files
inside the package (``bot/prompts``, copied there by the build). The wheel is built
offline with hatchling (dev extra) and installed with ``--no-deps`` into a new venv; the
few modules ``import bot`` needs (jinja2, markupsafe, PyStemmer) are linked in from this
environment one by one, so nothing else (and no checkout) is importable there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

#: Builds a wheel and a venv, and runs them as subprocesses.
pytestmark = pytest.mark.slow

RENDER = """
import json, types, bot, bot.answer.prompts as p
from bot import REFUSAL

src = [types.SimpleNamespace(n=1, file="a.txt", title="T", date="2025-01-01", text="Text.")]
out = {
    "bot": bot.__file__,
    "dir": str(p.prompts_dir()),
    "names": p.names(),
    "answer": [m.role for m in p.render("answer", question="Q", sources=src, refusal=REFUSAL, max_sentences=3)],
    "condense": [m.role for m in p.render("condense", history=[{"role": "user", "content": "A"}], question="Q")],
}
print(json.dumps(out))
"""


def _module_paths(name: str) -> list[Path]:
    spec = importlib.util.find_spec(name)
    assert spec is not None, f"{name} is not installed"
    if spec.submodule_search_locations:
        return [Path(spec.submodule_search_locations[0])]
    return [Path(spec.origin)]


def test_wheel_ships_prompts_and_renders_them(tmp_path):
    pytest.importorskip("hatchling", reason="hatchling (dev extra) builds the wheel")
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(dist), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = dist.glob("news_qa_bot-*.whl")
    members = zipfile.ZipFile(wheel).namelist()
    assert {
        "bot/prompts/answer.j2",
        "bot/prompts/answer_quoted.j2",
        "bot/prompts/condense.j2",
    } <= set(members)

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False, clear=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    deps = tmp_path / "deps"
    deps.mkdir()
    for name in ("jinja2", "markupsafe", "Stemmer", "breame"):
        for path in _module_paths(name):
            (deps / path.name).symlink_to(path)
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "BOT_"))}
    env["PYTHONPATH"] = str(deps)
    result = subprocess.run(
        [str(python), "-c", RENDER],
        cwd=away, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout)
    assert Path(out["bot"]).is_relative_to(env_dir), out["bot"]
    assert Path(out["dir"]) == Path(out["bot"]).parent / "prompts"
    assert set(out["names"]) == {"answer", "answer_quoted", "condense"}
    assert out["answer"] == ["system", "user"] and out["condense"] == ["system", "user"]
