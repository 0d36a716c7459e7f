"""Page latency in a real browser: time to the pending bubble, to the first answer text, and
to the final verified answer, for the offline default over the seeds.

Serves the page on 127.0.0.1 (a free port), drives Debian's chromium headless through
Playwright, asks each question of ``evals/cases/seeds.jsonl`` that has no history (up to
``--questions``) in a new chat, and times the bot bubble's states in the browser itself
(``performance.now()`` from the key press; a MutationObserver notes every change). Writes
``--out/page.json`` and prints a table. A measurement, not a test: nothing is asserted.

    python -m bench.page --out bench/out
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import percentile

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

#: Records every distinct state of the last bot bubble: its kind (``pending``, ``answer``,
#: ``refusal``, ``error``), its text length, whether it still says "Searching…", and when
#: (ms since ``window.__t0``). The browser tests watch streaming with it too.
OBSERVE = """() => {
  window.__t0 = performance.now();
  window.__states = [];
  const root = document.querySelector('#transcript');
  const note = () => {
    const msgs = root.querySelectorAll('.msg.bot');
    const last = msgs[msgs.length - 1];
    if (!last) return;
    const s = {
      kind: last.className.split(' ').pop(),
      chars: last.textContent.length,
      thinking: last.querySelector('.thinking') !== null,
    };
    const prev = window.__states[window.__states.length - 1];
    if (prev && prev.kind === s.kind && prev.chars === s.chars) return;
    s.t = performance.now() - window.__t0;
    window.__states.push(s);
  };
  new MutationObserver(note).observe(root, {subtree: true, childList: true, characterData: true});
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed_questions(limit: int) -> list[str]:
    out = []
    for line in (ROOT / "evals" / "cases" / "seeds.jsonl").read_text().splitlines():
        case = json.loads(line) if line.strip() else None
        if case and not case.get("history"):
            out.append(case["question"])
    return out[:limit]


def measure(questions: list[str], data: Path) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    from bot import Bot, Settings
    from bot.faces.web import launch

    bot = Bot(settings=Settings(seeds_dir=ROOT / "seeds", data_dir=data, llm="extractive"))
    bot.index()
    app, url = launch(bot, port=free_port(), block=False, quiet=True)
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(url)
            page.locator("#status .status.ready").wait_for()
            for q in questions:
                page.locator("#new-chat").click()
                page.locator("#transcript .transcript.empty").wait_for()
                page.evaluate(OBSERVE)
                page.locator("#question textarea").fill(q)
                page.evaluate("() => { window.__t0 = performance.now(); }")
                page.locator("#question textarea").press("Enter")
                page.locator("#transcript .msg.bot:is(.answer, .refusal, .error)").wait_for()
                time.sleep(0.05)
                states = page.evaluate("window.__states")
                pending = next((s["t"] for s in states if s["kind"] == "pending"), None)
                final = next(s["t"] for s in states if s["kind"] != "pending")
                text = next(
                    (s["t"] for s in states if s["kind"] == "pending" and not s["thinking"]), final
                )
                rows.append(
                    {
                        "question": q,
                        "pending_ms": pending,
                        "first_text_ms": text,
                        "final_ms": final,
                        "states": states,
                    }
                )
            browser.close()
    finally:
        app.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(
            "bench.page: /usr/bin/chromium is missing (apt-get install chromium)", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(seed_questions(args.questions), Path(tmp))
    summary = {}
    for key in ("pending_ms", "first_text_ms", "final_ms"):
        xs = [r[key] for r in rows if r[key] is not None]
        summary[key] = {"p50": statistics.median(xs), "p95": percentile(xs, 95), "n": len(xs)}
    print(f"page, offline default, {len(rows)} questions (ms from the key press)")
    for key, s in summary.items():
        print(f"  {key:14s} p50 {s['p50']:7.0f}   p95 {s['p95']:7.0f}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "page.json").write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))
    print(f"({args.out / 'page.json'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
