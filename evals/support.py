"""Whether cited passages support a statement, and ALCE's citation scores under such an oracle.

``alce_scores`` computes citation recall and precision (Gao et al., 2023) of one answer
given a support oracle (``SupportFn``). Two oracles: ``GoldOverlapSupport`` (offline, from
the labels: a cited span overlaps a gold evidence span) and ``LLMSupport`` (an
OpenAI-compatible model asked ALCE's NLI question; a second opinion). Nothing here imports
the bot or grades a case (``evals.judge`` does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from evals.cases import Span
from evals.seen import Cite, Statement, overlaps, short

SupportFn = Callable[[Statement, Sequence[Cite]], bool]


def alce_scores(stmts: Sequence[Statement], by_n: Mapping[int, Cite], supports: SupportFn):
    """ALCE citation (recall, precision, notes) for one answer, under a support oracle.

    Recall: supported statements / statements. Precision: relevant citations / citations.
    A marker naming no citation makes its statement unsupported and counts as irrelevant.
    Returns ``None`` values when there is nothing to score.
    """
    if not stmts:
        return None, None, []
    supported = 0
    relevant = 0
    total = 0
    notes = []
    for s in stmts:
        cites = [by_n[n] for n in s.refs if n in by_n]
        total += len(s.refs)
        ok = bool(cites) and len(cites) == len(s.refs) and supports(s, cites)
        if not ok:
            notes.append(
                f"unsupported: {short(s.text)!r}" if s.refs else f"uncited: {short(s.text)!r}"
            )
            continue
        supported += 1
        if len(cites) == 1:
            relevant += 1
            continue
        for c in cites:
            others = [o for o in cites if o is not c]
            if supports(s, [c]) or not supports(s, others):
                relevant += 1
            else:
                notes.append(f"[{c.n}] not needed for {short(s.text)!r}")
    recall = supported / len(stmts)
    precision = relevant / total if total else 0.0
    return recall, precision, notes


class GoldOverlapSupport:
    """Support oracle from the labels: a cited span overlaps a gold evidence span."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)

    def __call__(self, statement: Statement, cites: Sequence[Cite]) -> bool:
        return any(overlaps(c.file, c.start, c.end, self.spans) for c in cites)


_YES_NO_RE = re.compile(r"\b(yes|no)\b", re.IGNORECASE)


class LLMSupport:
    """Support oracle asking an OpenAI-compatible model whether the cited passages entail
    the statement (ALCE's NLI question, put to a chat model). Results are cached; a reply
    that is neither YES nor NO counts as unsupported and is counted in ``unclear``."""

    PROMPT = (
        "You check whether a claim is supported by source passages.\n\n"
        "Passages:\n{passages}\n\nClaim: {claim}\n\n"
        "Is the claim fully supported by the passages alone, with no outside knowledge? "
        "Reply with exactly one word: YES or NO."
    )

    def __init__(self, model: str, client: Any = None, base_url: str | None = None) -> None:
        if client is None:
            from openai import OpenAI

            client = OpenAI(base_url=base_url, max_retries=2, timeout=120)
        self.model = model
        self.client = client
        self.calls = 0
        self.unclear = 0  # replies that were neither YES nor NO
        self._cache: dict[tuple[str, tuple[str, ...]], bool] = {}

    def __call__(self, statement: Statement, cites: Sequence[Cite]) -> bool:
        key = (statement.text, tuple(c.quote for c in cites))
        if key not in self._cache:
            passages = "\n".join(f"- {' '.join(c.quote.split())}" for c in cites)
            reply = self.client.chat.completions.create(
                model=self.model,
                messages=[
                    {
                        "role": "user",
                        "content": self.PROMPT.format(passages=passages, claim=statement.text),
                    }
                ],
                temperature=0,
                max_tokens=4,
            )
            self.calls += 1
            found = _YES_NO_RE.search((reply.choices[0].message.content or "")[:40])
            if found is None:
                self.unclear += 1  # counted as unsupported, and reported
            self._cache[key] = found is not None and found.group(1).lower() == "yes"
        return self._cache[key]
