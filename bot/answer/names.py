"""The names a question asks about that no article holds.

A question about a name the archive never mentions ("…the Stanley Cup…", "…the earthquake
in Myanmar…") cannot be answered from it, however on-topic the best sentence looks.
Names are read as the question spells them (``question.salient_words``), a run of adjacent
capitalised words being one name ("of" inside it too: "Duchess of Sussex", "Bank of
England"): "Antony Blinken" is known when an article says
"Blinken", since quiz questions and users alike add first names and titles the article
leaves out. Figures never count here: "$2tn" and "2 trillion" are one figure. A one-word
place the article leaves out ("…sank off the coast of Sicily") does count: that is the
rule's cost, measured in docs/model-card.md. Not names: a month or weekday, which dates
a question ("…in April 2019?" is answered by an article dated April 2019 that never says
"April"), and a word opening a later sentence of the question, capitalised for that alone
("…this week. Approximately how many…"), nor a name of a statement setting the scene
before the sentence that asks. A place is known by its adjective and the other
way round ("Pakistani" where an article says "Pakistan"), and an acronym by its long form
in a retrieved passage ("CES", "Consumer Electronics Show"). It does not decide anything:
``learned`` refuses on it, with the name in the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from bot.answer.places import place_forms
from bot.answer.question import salient_words
from bot.text.lexicon import MONTHS, WEEKDAYS
from bot.text.sentences import split_sentences
from bot.text.terms import stem, terms

#: A possessive or full stop closing a name ("Derek Chauvin’s", "…in Nigeria.").
_POSSESSIVE_RE = re.compile(r"(?:['’]s?|\.)$")
#: Capitalised words that date, not name: "…in April 2019?" is answered by an article
#: dated April 2019 whose text never says "April".
_DATE_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)


def is_date(name: str) -> bool:
    """Every word of ``name`` is a month or weekday ("April", "Sept.", "Sunday")."""
    return all(w.lower().rstrip(".") in _DATE_WORDS for w in name.split())


def name_runs(question: str) -> list[str]:
    """The question's names, adjacent capitalised words joined ("Antony Blinken"), in order."""
    spans: list[list[int]] = []
    pos, joinable = 0, False
    starts = [a for a, _ in split_sentences(question)]
    for word in salient_words(question):
        start = question.find(word, pos)
        if start < 0:  # cannot happen: salient_words quotes the question
            continue
        pos = start + len(word)
        if word[0].isdigit():
            joinable = False
        elif joinable and _adjacent(question, spans[-1][1], start, starts):
            spans[-1][1] = pos
        else:
            spans.append([start, pos])
            joinable = True
    names = [_POSSESSIVE_RE.sub("", question[a:b]).split(" ") for a, b in spans]
    # a run opening a sentence is capitalised for that alone ("…this week. Approximately
    # how many…"), as the question's first word is (``salient_words``): its first word is no name
    names = [words[1:] if a in starts else words for (a, _), words in zip(spans, names)]
    # a stopword opening a run is a capitalised "And", "The", "She": not part of a name
    return [
        " ".join(words[first:])
        for words in names
        if (first := next((i for i, w in enumerate(words) if terms(w)), -1)) >= 0
    ]


def asking_sentence(question: str) -> str:
    """The question's last sentence: the one that asks, after any statement setting the
    scene."""
    spans = split_sentences(question)
    return question[spans[-1][0] :] if spans else question


def _adjacent(question: str, end: int, start: int, starts: list[int]) -> bool:
    """Only spaces (or an "of": "Duchess of Sussex") between two words, and no sentence
    starting between them."""
    between = question[end:start].strip()
    return between in ("", "of") and not any(end <= s <= start for s in starts)


def unknown_name(
    question: str, in_corpus: Callable[[str], bool], passages: Sequence[str] = ()
) -> str | None:
    """The first name of the question none of whose words any article holds, or None. An
    acronym is also known where one of ``passages`` (those retrieved) spells it out. Only
    the sentence that asks counts: a statement before it ("Ben Stokes began his reign as
    captain this week. Who did England beat…?") sets the scene, and the report answering
    may leave its names out."""
    for name in name_runs(asking_sentence(question)):
        if is_date(name):
            continue
        stems = terms(name)  # no stopwords: "She" opening a second sentence is no name
        if not stems or any(in_corpus(t) for t in stems):
            continue
        words = name.split()
        if any(place_known(w, in_corpus) for w in words):
            continue
        if not any(spells_out(p, w) for w in words if _ACRONYM_RE.fullmatch(w) for p in passages):
            return name
    return None


#: An acronym as questions write it: "CES", "SNL", "GCHQ", "U.S." is not one (no full stops).
_ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
#: Words an acronym's long form may hold without taking their letter ("Bank of England").
_ACRONYM_GLUE = frozenset({"of", "and", "for", "the", "&", "on", "in", "de"})
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*|&")


def spells_out(text: str, acronym: str) -> bool:
    """``text`` writes ``acronym`` out as capitalised words, one per letter ("Consumer
    Electronics Show" for "CES", "Bank of England" for "BE"); connecting words take none."""
    words = _WORD_RE.findall(text)
    letters = acronym.upper()
    for i, first in enumerate(words):
        if first[0] != letters[0]:
            continue
        j, k = 1, i + 1
        while j < len(letters) and k < len(words):
            word = words[k]
            if word in _ACRONYM_GLUE:  # as written: "of", not "Of"
                k += 1
            elif word[0] == letters[j]:
                j, k = j + 1, k + 1
            else:
                break
        if j == len(letters):
            return True
    return False


def place_known(word: str, in_corpus: Callable[[str], bool]) -> bool:
    """An article holds the place ``word`` is an adjective of, or an adjective of the place
    it names: "Pakistani" is known where an article says "Pakistan", and the other way round."""
    return any(in_corpus(stem(f)) for f in place_forms(word))


def unknown_word(question: str, missing: Collection[str]) -> str | None:
    """The first name or figure of the question, as spelled, holding a stem in ``missing``."""
    words = [w for w in salient_words(question) if not is_date(w)]
    return next((w for w in words if any(t in missing for t in terms(w))), None)
