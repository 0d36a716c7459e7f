"""The boundaries of ARCHITECTURE.md, checked by reading every module's imports.

Each rule names a set of modules and the imports they may not make (at any depth: an import
inside a function counts too). A new import that crosses a boundary fails here with the
module and the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 350


def imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every import statement in the file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.extend((node.lineno, f"{node.module}.{a.name}") for a in node.names)
    return out


def modules(*globs: str) -> list[Path]:
    found = sorted({p for g in globs for p in REPO.glob(g)})
    assert found, f"no modules match {globs}"
    return found


def crossing(paths: list[Path], forbidden: tuple[str, ...], root: Path = REPO) -> list[str]:
    return [
        f"{p.relative_to(root)}:{line} imports {name}"
        for p in paths
        for line, name in imports(p)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


RULES = {
    "faces call only the Bot API": (
        ("bot/faces/**/*.py",),
        ("bot.index", "bot.ingest", "bot.answer", "bot.components", "bot.text", "chromadb"),
    ),
    "ingest and text know nothing of Chroma, indexes or answers": (
        ("bot/ingest/*.py", "bot/text/*.py"),
        ("bot.index", "bot.answer", "bot.faces", "bot.api", "chromadb", "llama_index"),
    ),
    "answerers never see the store": (
        ("bot/answer/*.py",),
        ("bot.index", "bot.faces", "bot.api", "bot.components", "chromadb"),
    ),
    "the product does not import its harness": (
        ("bot/**/*.py",),
        ("evals", "bench", "tests", "conftest"),
    ),
    "the learned selector runs without its training libraries": (
        ("bot/**/*.py",),
        ("sklearn", "scipy", "torch"),
    ),
    "the eval judge imports nothing from bot": (
        (
            "evals/judge.py",
            "evals/seen.py",
            "evals/support.py",
            "evals/text.py",
            "evals/cases.py",
            "evals/metrics.py",
        ),
        ("bot",),
    ),
}


@pytest.mark.parametrize("rule", RULES)
def test_boundary(rule):
    globs, forbidden = RULES[rule]
    assert crossing(modules(*globs), forbidden) == []


def test_a_crossing_import_is_caught(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from bot.index.store import ChunkStore\n")
    found = crossing([bad], ("bot.index",), root=tmp_path)
    assert found == ["bad.py:2 imports bot.index.store.ChunkStore"]
    assert crossing([bad], ("bot.ind",), root=tmp_path) == []  # a prefix, not a package


@pytest.mark.parametrize("path", modules("bot/**/*.py"), ids=lambda p: str(p.relative_to(REPO)))
def test_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES
