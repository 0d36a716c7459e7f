"""Example questions from an article's sentences: who someone is, how many of something.

``questions_from(sentences)`` reads plain sentences and writes the questions a reader could
ask about their key facts, by two text rules:

* a name followed by an apposition ("Alexander Matsegora, Moscow's ambassador to …")
  gives "Who is Alexander Matsegora?";
* a figure counting a plural noun, then a verb ("around 400 North Korean soldiers had
  died …") gives "How many North Korean soldiers had died?".

Nothing here reads files, knows a corpus or checks that the articles answer the question
(``Bot.example_questions`` asks them first). Text in, questions out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_NAME = r"(?P<name>[A-Z][a-z]+(?:[ -](?:[A-Z]\.|[A-Z][a-z]+)){1,3})"
#: "Name, the/a/an …, " or "Name, Moscow's …": an apposition that says who the name is.
_WHO_RE = re.compile(_NAME + r", (?:the |a |an |[A-Z][\w.-]*(?:'s|’s) )(?P<what>[^,;:()]{6,90}),")
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|dozens|hundreds|thousands"
_AUX = r"had|have|has|were|are|was|is|will|would|could|may|might|remain|remained"
#: "(about) 400 North Korean soldiers had died": a counted noun phrase, then its verb.
_HOW_MANY_RE = re.compile(
    rf"(?<![\w,.])(?:{_NUMBER})\s+(?P<noun>(?:[A-Z][a-z]+\s|[a-z]+\s){{0,3}}[a-z]{{3,}}s)"
    rf"\s+(?P<verb>(?:{_AUX})(?:\s+(?:been|not|also|now|already))?\s+[a-z]+(?:ed|en|wn)\b)"
    r"(?P<rest>(?:\s+(?:in|to|from|at|on|by|during)\s+(?:the\s+)?"
    r"(?:[A-Z][\w’'-]*(?:\s[A-Z][\w’'-]*)*|[a-z]{3,}\b(?![’'-])))?)"
)
_NOT_NAMES = frozenset(
    "The A An This That These Those However Meanwhile According In On At For But And".split()
)
_NOT_COUNTED = frozenset("years months weeks days hours minutes times percent cents".split())
MAX_WORDS = 14


def questions_from(sentences: Iterable[str]) -> Iterator[str]:
    """Questions about the facts of ``sentences``, in the order the facts appear."""
    for sentence in sentences:
        text = " ".join(sentence.split())
        for m in _WHO_RE.finditer(text):
            if m.group("name").split()[0] not in _NOT_NAMES:
                yield f"Who is {m.group('name')}?"
        for m in _HOW_MANY_RE.finditer(text):
            noun = m.group("noun")
            if noun.split()[-1].lower() in _NOT_COUNTED or noun.split()[0] in _NOT_NAMES:
                continue
            question = f"How many {noun} {m.group('verb')}{m.group('rest')}?"
            if len(question.split()) <= MAX_WORDS:
                yield question
