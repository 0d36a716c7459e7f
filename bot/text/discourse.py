"""Discourse: does a sentence lean on the one before it?

"It was the first visit since 2019", "…,” he said", "These include tanks": such sentences
only make sense with the sentence before them. The extractive answerer quotes the earlier
sentence along with them; the verifier lets them join it as one span of evidence. One rule
for both, here. ``asks_back`` asks the same of a question in a conversation ("What did he
say…?" leans on the turn before; "Which country said it would…?" does not). Text in, a
yes or no out.
"""

from __future__ import annotations

import re

from bot.text.lexicon import CONJUNCTIONS, WH_WORDS

_SUBJECTS = ("he", "she", "they", "it")
_PERSONAL = (*_SUBJECTS, "his", "her", "their", "its", "him", "them")
_PRONOUN_RE = re.compile(rf"\b(?:{'|'.join(_PERSONAL)})\b", re.I)
_DEMONSTRATIVE_RE = re.compile(r"\b(?:this|these|those|such)\b", re.I)
_SAID_RE = re.compile(
    rf"\b(?:{'|'.join(_SUBJECTS)})\s+(?:said|says|wrote|added|noted|told|stated|explained|warned)\b"
    r"|[”\"],?\s+(?:the\s+)?(?:[A-Z][\w.-]*\s+){1,3}(?:said|says|wrote|added|noted|told)\b"
    # "…, the home goods chain said": an attribution to a description, not a name
    r"|,[”\"]?\s+the\s+(?:[a-z][\w-]*\s+){1,3}(?:said|says|wrote|added|noted|told)\b",
    re.I,
)
_NAME_WORD_RE = re.compile(r"(?<=\s)[A-Z][a-z]")
#: "These include…", "They were…", "Such…": the first word points back.
_REFERENCE_START_RE = re.compile(r"^[\"“‘']?(?:these|those|they|such)\b", re.I)
#: "This brings…", "That is why…": the first word points at what the sentence before said
#: (a pronoun is left to ``points_back``'s look at the question).
_OPENING_DEMONSTRATIVE_RE = re.compile(r"^[\"“‘']?(?:this|that|these|those|such)\b", re.I)


def leans_back(sentence: str) -> bool:
    """The sentence continues the one before it: a personal pronoun among its first words,
    a demonstrative ("for this purpose"), an attribution closing a quote ("…,” he said;
    "…,” ISW noted") or to a description ("…, the home goods chain said"), a quote that
    only closes here, or no name of its own ("At least nine people were injured")."""
    head = " ".join(sentence.split()[:12])
    return bool(
        _PRONOUN_RE.search(head)
        or _DEMONSTRATIVE_RE.search(sentence)
        or _SAID_RE.search(sentence)
        or (sentence.count("”") > sentence.count("“"))
        or not _NAME_WORD_RE.search(sentence)
    )


def opens_with_reference(sentence: str) -> bool:
    """The strongest case of ``leans_back``: the first word itself points back ("These
    include…", "They…", "Such…"), so the sentence is a continuation, not a statement."""
    return bool(_REFERENCE_START_RE.match(sentence))


#: "That's a 12-fold increase…", "This is the highest…", "That marks…": says what the
#: sentence before it amounts to.
_SUMS_UP_RE = re.compile(
    r"^[\"“‘']?(?:that|this)(?:['’]s|\s+(?:is|was|means|meant|marks|marked|would\s+be))\b", re.I
)


def continues(sentence: str) -> bool:
    """The sentence carries on from the one before: ``opens_with_reference``, or it says
    what that one amounts to ("That's a 12-fold increase compared to 2023")."""
    return opens_with_reference(sentence) or bool(_SUMS_UP_RE.match(sentence))


def points_back(sentence: str, given: str = "") -> bool:
    """The sentence needs the one before it to be read at all: it opens with a
    demonstrative ("This brings…", "These include…", "Such…") or has a personal pronoun
    among its first words that ``given`` (the question) does not use itself ("…of them";
    "they" answering "Are they still…?" is the question's own). Narrower than
    ``leans_back``, which also joins sentences that merely continue a story."""
    head = " ".join(sentence.split()[:12])
    if _OPENING_DEMONSTRATIVE_RE.match(sentence):
        return True
    own = {m.lower() for m in _PRONOUN_RE.findall(given)}
    return any(m.lower() not in own for m in _PRONOUN_RE.findall(head))


_VERB_AUXILIARY = frozenset(
    "is are was were do does did has have had will would can could should may might".split()
)
_AUXILIARY = _VERB_AUXILIARY | {*WH_WORDS, *CONJUNCTIONS}
_PRONOUNS = frozenset((*_PERSONAL, "we", "you", "i"))
#: "Which NFL star…", "What species…": the question names its own subject, which its
#: later "his", "its", "him" refer to.
_NOT_A_NOUN = sorted(_VERB_AUXILIARY | {*_SUBJECTS, "that", "this", "those", "these"})
_WH_NOUN_RE = re.compile(
    rf"^\W*(?:(?:{'|'.join(CONJUNCTIONS)})\s+)?(?:which|what)\s+"
    rf"(?!(?:{'|'.join(_NOT_A_NOUN)})\b)[\w’'-]+",
    re.I,
)
#: "…in return?", "…instead?", "…too?": what it is in return for, instead of, or as well
#: as was said before (1 of 1,160 RealTime QA dev and test questions closes so, and that
#: one's "instead" points at its own first sentence).
_CLOSES_BACK_RE = re.compile(
    r"\b(?:in\s+return|in\s+exchange|in\s+response|instead|as\s+well|too|either)\W*$", re.I
)
_PREPOSITIONS = frozenset("of about for to from with against on at by".split())
_TIME_NOUNS = frozenset(
    "day days week weekend month year morning afternoon evening night time season".split()
)
_WORD_RE = re.compile(r"[\w’'-]+")


def asks_back(question: str) -> bool:
    """The question points at something said earlier in the conversation: a pronoun as its
    subject or object ("What did he say…?", "Was it higher…?", "How many of them…?"),
    "that"/"those" before a noun among its first words or before a time ("that meeting",
    "that year"), "that"/"there" closing it ("…after that?"), or a closing "in return",
    "instead", "too" (in return for what was said). A pronoun the question's
    own words explain ("Which country announced it would reopen…?", "…said its users…"),
    any but a subject after an auxiliary in a question naming its own subject ("Which star
    requested a trade from his…?", not "Which team does he play for?"), "that" before a
    pronoun ("…announced that he…") and "this week" do not point back."""
    if _CLOSES_BACK_RE.search(question):
        return True
    words = _WORD_RE.findall(question.lower())
    own_noun = _WH_NOUN_RE.match(question) is not None
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if _PRONOUN_RE.fullmatch(word):
            if own_noun:  # "Which star requested a trade from his…": his is the star's
                if word in _SUBJECTS and before in _VERB_AUXILIARY:
                    return True  # "Which team does he play for?"
                continue
            if i == 0 or before in _AUXILIARY:
                return True
            if before in _PREPOSITIONS and not _NAME_WORD_RE.search(question):
                return True
        elif word in ("that", "those") and (
            after in _TIME_NOUNS
            or (i < 4 and after and after not in _AUXILIARY and after not in _PRONOUNS)
        ):  # "that meeting", not "…announced that he…"
            return True
        if word in ("that", "there", "such") and i == len(words) - 1 and i:
            return True
    return False
