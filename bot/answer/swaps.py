"""Swapped names: a near copy of a passage span that puts one of its names in another's place.

A small model copying a sentence sometimes swaps who did what ("Russia is sending another
3,000 soldiers to Russia" from "North Korea has sent another 3,000 soldiers to Russia"):
every name it uses is in the span, so the names check passes it. ``swapped_names``
aligns the claim with the span word by word and reports a name put where the span has a
name the claim never uses. It judges names only; ``bot.answer.evidence`` decides support.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from bot.answer.facts import ClaimFacts, SpanFacts, name_in
from bot.text.terms import STOPWORDS, tokens

# The shape of a swapped name (``swapped_names``), set by hand, not fitted (the labelled
# sentences hold one swap): a claim is a near copy of its span when at least NEAR_COPY of
# its words are in runs copied from it; a replaced stretch of at most SWAP_WORDS words on
# either side, with at least SWAP_CONTEXT copied words right before or after it, is one
# name put for another, not a rewording of a clause.
NEAR_COPY = 0.6
SWAP_WORDS = 4
SWAP_CONTEXT = 3


def swapped_names(claim: ClaimFacts, span: SpanFacts) -> list[str]:
    """Roles swapped in a near copy of the span: where the span has a name the claim never
    uses, the claim puts a name the span gives another role ("Russia is sending another
    3,000 soldiers to Russia" from "North Korea has sent another 3,000 soldiers to
    Russia"). Names are compared whole ("South Korean" is not "North Korean"); one the
    span never uses is left to the names check ("Moscow" for "Russia" is a paraphrase the
    question may supply), and so is an acronym the claim spells out ("NIS")."""
    mine = tuple(tokens(claim.text))
    if not mine or not claim.names:
        return []
    sm = SequenceMatcher(None, span.sequence, mine, autojunk=False)
    if sum(b.size for b in sm.get_matching_blocks()) < NEAR_COPY * len(mine):
        return []
    own, theirs = set(claim.names), span.names
    ours_all = _name_runs(mine, own)
    theirs_all = _name_runs(span.sequence, theirs)
    words = [t for t in mine if t not in STOPWORDS]
    spelled = {
        "".join(w[0] for w in words[a : a + n]) for n in range(2, 6) for a in range(len(words))
    }
    ops = sm.get_opcodes()
    out = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "replace" or max(i2 - i1, j2 - j1) > SWAP_WORDS:
            continue
        # copied words right beside it: a swap inside a copy, not a reordering's leftover
        beside = [ops[x] for x in (k - 1, k + 1) if 0 <= x < len(ops) and ops[x][0] == "equal"]
        if not any(op[2] - op[1] >= SWAP_CONTEXT for op in beside):
            continue
        moved = [n for n in _name_runs(mine[j1:j2], own) if _same_name(n, theirs_all)]
        dropped = [
            n
            for n in _name_runs(span.sequence[i1:i2], theirs)
            if not _same_name(n, ours_all) and "".join(n) not in spelled
        ]
        if moved and dropped:
            out.append(f"{' '.join(moved[0])} (the passage says {' '.join(dropped[0])})")
    return out


def _name_runs(seq: tuple[str, ...], names: set[str] | frozenset[str]) -> list[tuple[str, ...]]:
    """The names in a token sequence, whole: runs of consecutive name tokens."""
    runs: list[tuple[str, ...]] = []
    run: list[str] = []
    for tok in (*seq, ""):
        if tok and tok in names:
            run.append(tok)
        elif run:
            runs.append(tuple(run))
            run = []
    return runs


def _same_name(name: tuple[str, ...], others: list[tuple[str, ...]]) -> bool:
    """``name`` is one of ``others``, word for word (allowing endings: Korea ~ Korean)."""
    return any(
        len(o) == len(name) and all(name_in(a, {b}) for a, b in zip(name, o)) for o in others
    )
