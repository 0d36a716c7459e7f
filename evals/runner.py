"""Runner: ask the bot every case through its public API, judge, aggregate, report.

``run(EvalConfig)`` loads and validates the cases, locates every gold span (failing fast
on a bad label), then for each corpus builds one ``Bot(settings=Settings(...))`` with its
own data dir (and Chroma collection) under the output folder, calls ``index()`` and then
``ask(question, history, as_of)`` per case, timing each call. Cases without ``corpus`` run
against the seeds dir; ``"corpus": name`` runs against ``<corpora>/<name>/``.

The bot is touched only through ``Bot``, ``Settings`` and the returned ``Answer`` data;
all grading happens in ``evals.judge``.
"""

from __future__ import annotations

import os
import platform
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from evals.cases import Case, CaseError, corpus_dir_for, gold_spans, label_warnings, load_cases
from evals.judge import Context, default_evaluators, failures, judge
from evals.metrics import Threshold, summarise
from evals.seen import Seen, SourceReader
from evals.support import LLMSupport

DEFAULT_OUT = Path("evals") / "out"
_ABORT_AFTER = 3


class EvalAborted(RuntimeError):
    """The run cannot produce a meaningful report (one line, for the CLI)."""


@dataclass
class EvalConfig:
    case_paths: Sequence[Path]
    out_dir: Path = DEFAULT_OUT
    seeds_dir: Path | None = None  # default: $BOT_SEEDS_DIR or ./seeds
    data_dir: Path | None = None  # index of the seeds dir; default: <out>/index/seeds
    llm: str | None = None  # auto | openai | extractive; default: $BOT_LLM or auto
    corpora_dir: Path | None = None  # default: the corpora/ folder next to each case file's folder
    judge_model: str | None = None
    judge_base_url: str | None = None
    thresholds: Sequence[Threshold] = field(default_factory=list)


@dataclass
class Planned:
    case: Case
    corpus_dir: Path
    spans: list


def plan(cases: Sequence[Case], seeds_dir: Path, corpora_dir: Path | None) -> list[Planned]:
    """Each case with its corpus folder and gold spans; ``CaseError`` on a bad label."""
    out = []
    for case in cases:
        where = corpus_dir_for(case, seeds_dir, corpora_dir)
        if not where.is_dir():
            what = "seeds dir (--seeds)" if case.corpus is None else "corpus folder"
            raise CaseError(f"{case.source} ({case.id}): {what} {where} not found")
        out.append(Planned(case, where, gold_spans(case, where)))
    return out


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "corpus"


def _judge_support(config: EvalConfig, log: Callable[[str], None]) -> LLMSupport | None:
    if not config.judge_model:
        return None
    base_url = config.judge_base_url or os.environ.get("OPENAI_BASE_URL")
    key = os.environ.get("OPENAI_API_KEY")
    if not (key or base_url):
        log("LLM judge skipped: set OPENAI_API_KEY or OPENAI_BASE_URL (or --judge-base-url)")
        return None
    from openai import OpenAI

    client = OpenAI(api_key=key or "unused", base_url=base_url, max_retries=2, timeout=120)
    return LLMSupport(config.judge_model, client)


def run(
    config: EvalConfig,
    progress: Callable[[str], None] | None = None,
    log: Callable[[str], None] = lambda _msg: None,
    on_start: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run the eval; returns the report dict (see ``evals.report``)."""
    from bot import Bot, Settings

    started = datetime.now(timezone.utc)
    t_start = time.perf_counter()
    cases = load_cases(config.case_paths)
    base = Settings.from_env(seeds_dir=config.seeds_dir, llm=config.llm)
    planned = plan(cases, base.seeds_dir, config.corpora_dir)
    warnings = [w for p in planned for w in label_warnings(p.case, p.corpus_dir)]
    for w in warnings:
        log(f"label warning: {w}")

    support = _judge_support(config, log)
    evaluators = default_evaluators(support)

    groups: dict[Path, list[Planned]] = {}
    for p in planned:
        groups.setdefault(p.corpus_dir, []).append(p)

    # Index every corpus first (one model load for all), then ask.
    bots = {}
    index_reports = {}
    embedding = None
    out_dir = Path(config.out_dir)
    for corpus_dir, members in groups.items():
        name = members[0].case.corpus
        if name is None:
            settings = base.with_(data_dir=config.data_dir or out_dir / "index" / "seeds")
        else:
            settings = base.with_(
                seeds_dir=corpus_dir,
                data_dir=out_dir / "index" / _slug(name),
                collection=f"{base.collection}-eval-{_slug(name)}",
            )
        bot = Bot(settings=settings, embedding=embedding)
        index_report = bot.index()
        embedding = bot.embedding
        label = name or "seeds"
        bots[corpus_dir] = (bot, label, SourceReader(corpus_dir))
        index_reports[label] = index_report.summary()
        log(f"indexed {label} ({settings.seeds_dir}): {index_report.summary()}")

    if on_start:
        on_start(len(planned))
    rows_by_id: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    answerers: Counter[str] = Counter()
    for corpus_dir, members in groups.items():
        bot, label, source = bots[corpus_dir]
        for p in members:
            case = p.case
            answer, error = None, None
            t0 = time.perf_counter()
            try:
                history = [dict(m) for m in case.history]
                answer = bot.ask(case.question, history=history, as_of=case.as_of)
            except Exception as exc:  # recorded as the case's failure; the run goes on
                error = f"{type(exc).__name__}: {exc}"
                errors.append(error)
                if len(errors) == _ABORT_AFTER and len(rows_by_id) + 1 == _ABORT_AFTER:
                    # the first asks all failed: a setup problem, not a finding
                    raise EvalAborted(
                        f"the first {_ABORT_AFTER} questions all failed: {error}"
                    ) from exc
            latency = time.perf_counter() - t0
            row = grade(
                case, answer, p.spans, source, latency, error, bot.settings.top_k, evaluators
            )
            if answer is not None:
                answerers[answer.answerer] += 1
            row["corpus"] = label
            rows_by_id[case.id] = row
            if progress:
                progress(case.id)
    rows = [rows_by_id[p.case.id] for p in planned]  # the case files' order

    summary = summarise(rows)
    checks = []
    for t in config.thresholds:
        ok, message = t.check(summary)
        est = summary.get("overall", {}).get(t.metric)
        checks.append(
            {**t.to_dict(), "actual": est.value if est else None, "ok": ok, "message": message}
        )
    counts = Counter(r["kind"] for r in rows)
    return {
        "meta": {
            "started": started.isoformat(timespec="seconds"),
            "wall_seconds": time.perf_counter() - t_start,
            "cases": len(rows),
            "case_files": sorted({_shown(p.case.case_file) for p in planned if p.case.case_file}),
            "seeds_dir": str(base.seeds_dir),
            "llm": base.llm,
            "answerers": sorted(answerers),
            "k": base.top_k,
            "judge": config.judge_model if support else None,
            "judge_calls": support.calls if support else 0,
            "judge_unclear": support.unclear if support else 0,
            "index": index_reports,
            "label_warnings": warnings,
            "python": platform.python_version(),
        },
        "counts": {"overall": len(rows), **counts},
        "summary": summary,
        "thresholds": checks,
        "cases": rows,
    }


def grade(
    case: Case,
    answer: Any,
    spans: Sequence[Any],
    source: SourceReader,
    latency: float | None,
    error: str | None = None,
    k: int | None = None,
    evaluators: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """One case's row: its answer, every verdict, and why it fails (if it does)."""
    evaluators = evaluators if evaluators is not None else default_evaluators()
    verdicts = {}
    if answer is not None:
        ctx = Context(case, Seen.of(answer), spans, source, latency, k)
        verdicts = judge(ctx, evaluators)
    why = failures(case, verdicts, error)
    values: dict[str, Any] = {name: v.value for name, v in verdicts.items()}
    values["passed"] = not why
    if answer is None:
        values["latency"] = latency
    to_dict = getattr(answer, "to_dict", None)
    return {
        "id": case.id,
        "kind": case.kind,
        "question": case.question,
        "history": [dict(m) for m in case.history],
        "as_of": case.as_of.isoformat() if case.as_of else None,
        "must_refuse": case.must_refuse,
        "notes": case.notes,
        "gold_facts": [list(g) for g in case.gold_facts],
        "gold_files": list(case.gold_files),
        "forbidden": list(case.forbidden),
        "answer": to_dict() if to_dict else answer,
        "error": error,
        "latency": latency,
        "values": values,
        "verdicts": {n: {"value": v.value, "reason": v.reason} for n, v in verdicts.items()},
        "passed": not why,
        "failures": why,
    }
