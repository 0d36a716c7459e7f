"""Language: is a question written in English? The bot reads English only.

The embedding model (all-MiniLM-L6-v2), the stemmer, the stopwords and the question rules
are English, so a question in German, Russian or Japanese is rarely answered even when the
articles hold the answer. ``looks_english`` lets a refusal say so. A question counts as
English when at least a third of its words are English function words, or when py3langid
(a language identifier shipped with its model) says ``en``; anything with letters of a
non-Latin script and no English function word is not. Text in, a yes or no out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.text.terms import STOPWORDS, tokens

#: Share of a question's words that are English function words, above which it is English
#: whatever the identifier says (short English questions are often misread: "Who is
#: Alexander Matsegora?" comes out Afrikaans). Set by hand, not fitted.
FUNCTION_WORD_SHARE = 1 / 3
_NON_LATIN = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f]")


def looks_english(text: str) -> bool:
    """True when ``text`` reads as English (see the module docstring)."""
    words = [w for w in tokens(text) if not w[0].isdigit()]
    if not words:
        return True
    function_words = sum(w in STOPWORDS for w in words)
    if function_words / len(words) >= FUNCTION_WORD_SHARE:
        return True
    if _NON_LATIN.search(text) and not function_words:
        return False
    return _identify(" ".join(text.split())) == "en"


@lru_cache(maxsize=256)
def _identify(text: str) -> str:
    import py3langid

    return str(py3langid.classify(text)[0])
