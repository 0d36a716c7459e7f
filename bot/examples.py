"""Example questions a page can offer: real questions about the newest articles' facts.

``example_questions(bot, limit, check)`` reads the sentences of the newest indexed articles
from the store, turns them into questions by the text rules of ``bot.text.examples`` (who
someone is, how many of something) and keeps at most one per article; with ``check`` it
keeps only questions the bot answers, so a page never offers one it would refuse. It uses
the ``Bot`` it is given; it renders nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.text.examples import questions_from

if TYPE_CHECKING:
    from bot.api import Bot

#: Articles looked at per example wanted (most give one question, some none).
ARTICLES_PER_EXAMPLE = 4


def example_questions(bot: Bot, limit: int = 4, check: bool = True) -> list[str]:
    """Up to ``limit`` distinct questions, newest article first (see the module docstring)."""
    newest = sorted(bot.articles(), key=lambda a: (a["date"], a["file"]), reverse=True)
    out: list[str] = []
    for article in newest[: limit * ARTICLES_PER_EXAMPLE]:
        chunks = bot.store.chunks_of_files([article["file"]])
        sentences = {s.start: s.text for c in chunks for s in c.sentences}
        for question in dict.fromkeys(questions_from(sentences[k] for k in sorted(sentences))):
            if question not in out and not (check and bot.ask(question).refused):
                out.append(question)
                break
        if len(out) == limit:
            break
    return out
