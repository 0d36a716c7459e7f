"""Opposites: word families that say contrary things ("rose" / "fell"), in one place.

Verification (``bot.answer.evidence``) refuses a claim that uses one side of a pair where
its passage uses only the other; the selector (``bot.answer.features``) lets a sentence
using either side, or saying the amount did not change, settle a yes/no question asked
with one of them ("Did profit increase?" is settled by "profit climbed", "Did shares
fall?" by "shares rose", "Did it cut its dividend?" by "kept its dividend unchanged"),
and keeps a sentence counting the opposite of what is asked from answering it ("How
many people died?" is not answered by "nine people were injured").
Plain data and lookups on stems: nothing here reads a sentence on its own.
"""

from __future__ import annotations

from bot.text.terms import stem

#: Pairs of opposite word families. The last flag marks families of function words
#: ("for"/"against"), too common to judge over a whole span: verification compares them
#: clause by clause, where the claim takes a stance ("voted for", "argued against").
OPPOSITE_WORDS: tuple[tuple[str, str, bool], ...] = (
    (
        "accept accepted agree agreed approve approved allow allowed welcome welcomed confirm "
        "confirmed admit admitted grant granted",
        "decline declined refuse refused reject rejected veto vetoed deny denied ban banned "
        "prohibit prohibited dismiss dismissed oppose opposed block blocked",
        False,
    ),
    (
        "increase increased rise rose risen surge surged grow grew grown jump jumped climb "
        "climbed soar soared higher",
        "decrease decreased fall fell fallen drop dropped shrink shrank plunge plunged fewer "
        "lower cut reduce reduced",
        False,
    ),
    ("kill killed die died dead death deaths fatal", "injure injured wound wounded hurt", False),
    (
        "condemn condemned criticise criticised criticize criticized denounce denounced",
        "defend defended praise praised",
        False,
    ),
    ("win won victory", "lose lost defeat defeated", False),
    ("free", "charge charged fee fees paid", False),
    ("all entire entirely every fully completely", "some part partly partially several", False),
    ("for", "against", True),
)
#: Stemmed ``OPPOSITE_WORDS``: (one side, the other, compared clause by clause).
OPPOSITES: tuple[tuple[frozenset[str], frozenset[str], bool], ...] = tuple(
    (frozenset(stem(w) for w in a.split()), frozenset(stem(w) for w in b.split()), clausal)
    for a, b, clausal in OPPOSITE_WORDS
)
#: Words saying an amount or a state stayed as it was: they answer "did it rise / fall?"
#: (the second family above) with a no.
UNCHANGED = frozenset(stem(w) for w in "unchanged steady stable flat".split())
_CHANGE = OPPOSITES[1][0] | OPPOSITES[1][1]


def settling(term: str) -> frozenset[str]:
    """Stems that settle a yes/no question asking ``term`` (a stem): the term, its family
    and its opposites ("rise" → rise, climb, fall, drop…), and for a change of amount the
    words saying it did not change. Only the term itself for a word in no family, and for
    function words ("for"), which settle nothing alone."""
    out = {term}
    for a, b, clausal in OPPOSITES:
        if not clausal and term in a | b:
            out |= a | b
    if term in _CHANGE:
        out |= UNCHANGED
    return frozenset(out)


#: The families whose opposite is another count, not an answer: "How many died?" is not
#: answered by "nine were injured", "How much did sales rise?" by "sales fell 8%". (Not
#: "won"/"lost": "Dunmore lost 2-1 to Riverside" names the winner.)
_COUNTED_APART = (OPPOSITES[1], OPPOSITES[2])


def counts_the_opposite(asked: frozenset[str] | set[str], said: frozenset[str] | set[str]) -> bool:
    """``said`` (a sentence's stems) uses one side of a family ``asked`` (a question's
    stems) uses the other side of, and not the asked side: what it counts is the
    opposite of what is asked."""
    for a, b, _ in _COUNTED_APART:
        for mine, other in ((a, b), (b, a)):
            if asked & mine and not asked & other and said & other and not said & mine:
                return True
    return False
