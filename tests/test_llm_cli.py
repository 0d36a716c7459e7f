"""`bot ask` on the LLM path, as users run it: a subprocess talking HTTP to the scripted
OpenAI-compatible server (tests/fake_openai.py, the one permitted fake, at the network
edge); everything else — CLI, index, retrieval, verification — is real."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess

import pytest
from conftest import BOT, SEEDS, cli_env, free_port, run_cli
from fake_openai import source_with

#: Every test here runs the `bot` CLI as a subprocess.
pytestmark = pytest.mark.slow

QUESTION = "How many North Korean workers were dispatched to Donbas?"
WORKERS = "Around 150 North Korean workers were dispatched to Ukraine's Donbas region"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """seeds/ next to where the command runs, indexed once."""
    root = tmp_path_factory.mktemp("llm-user")
    (root / "seeds").mkdir()
    for p in SEEDS.glob("*.txt"):
        (root / "seeds" / p.name).write_bytes(p.read_bytes())
    result = run_cli("index", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def llm_env(url: str, **extra: str) -> dict:
    return {"OPENAI_BASE_URL": url, "BOT_LLM_MODEL": "fake-model", "BOT_LLM_RETRIES": "0", **extra}


def test_prints_only_verified_sentences_then_the_sources(indexed, fake):
    fake.script(
        lambda body: (
            f"{WORKERS} [{source_with(body, '150 North Korean')}]. "
            "Paris is the capital of France [1]."
        )
    )
    result = run_cli("ask", QUESTION, cwd=indexed, env=llm_env(fake.url))
    assert result.returncode == 0, result.stderr
    answer, sources = result.stdout.split("\nSources:\n")
    assert "Paris" not in result.stdout  # never printed, not even for a moment
    assert re.fullmatch(re.escape(WORKERS) + r"\. \[1\](\[2\])?", answer.strip()), answer
    assert "002_a3b9d148d5404355.txt, line" in sources
    assert "note: 1 sentence of the model's answer removed" in result.stderr
    assert "\r" not in result.stderr  # no status line when stderr is not a terminal
    assert fake.requests[0]["stream"] is True


def test_a_terminal_sees_what_the_bot_is_doing(indexed, fake):
    """stderr on a pseudo-terminal gets the status line ("retrieving…", "asking
    fake-model…", "checking sentence 1…"), cleared before the answer is printed."""
    fake.script(lambda body: f"{WORKERS} [{source_with(body, '150 North Korean')}].")
    leader, follower = pty.openpty()
    proc = subprocess.run(
        [BOT, "ask", QUESTION], cwd=indexed, env=cli_env(llm_env(fake.url)),
        stdout=subprocess.PIPE, stderr=follower, timeout=300,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    status = seen.decode()
    assert proc.returncode == 0
    for line in ("retrieving…", "asking fake-model…", "checking sentence 1…"):
        assert line in status, status
    assert status.rstrip().endswith("\x1b[K")  # cleared: nothing left on the line
    assert WORKERS in proc.stdout.decode()


def test_json_carries_the_verdicts(indexed, fake):
    fake.script(lambda body: f"{WORKERS} [{source_with(body, '150 North Korean')}].")
    result = run_cli("ask", "--json", QUESTION, cwd=indexed, env=llm_env(fake.url))
    data = json.loads(result.stdout)
    assert data["answerer"] == "openai:fake-model" and data["verdicts"][0]["supported"]
    raw = (indexed / "seeds" / data["citations"][0]["file"]).read_text(encoding="utf-8")
    c = data["citations"][0]
    assert raw[c["start"] : c["end"]] == c["quote"]


def test_unreachable_llm_falls_back_with_a_note(indexed):
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = run_cli("ask", QUESTION, cwd=indexed, env=llm_env(url))
    assert result.returncode == 0
    assert "150" in result.stdout and "Sources:" in result.stdout
    assert result.stderr.startswith("note: extractive (LLM unreachable):")
    assert "Traceback" not in result.stderr


def test_no_fallback_makes_an_unreachable_llm_an_error(indexed):
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = run_cli("ask", "--no-fallback", QUESTION, cwd=indexed, env=llm_env(url))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: the LLM at http://127.0.0.1:")
    assert "unreachable" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_llm_openai_without_endpoint_is_bad_input(indexed):
    result = run_cli("ask", "--llm", "openai", QUESTION, cwd=indexed)
    assert result.returncode == 2
    assert "OPENAI_API_KEY or OPENAI_BASE_URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_llm_extractive_ignores_a_configured_endpoint(indexed, fake):
    fake.script()
    result = run_cli("ask", "--llm", "extractive", QUESTION, cwd=indexed, env=llm_env(fake.url))
    assert result.returncode == 0 and "150" in result.stdout
    assert fake.requests == []
