"""Terms: the one tokenizer shared by BM25, the extractive answerer and the verifier.

``tokens`` lowercases and splits text into words and numbers (``11,000`` -> ``11000``,
``U.N.`` -> ``un``, ``AT&T`` -> ``at&t``);
``terms`` also drops stopwords, maps irregular verb forms to their base ("sent" -> "send")
reads British spellings as American ("labourers" -> "laborers", "defence" -> "defense":
questions and articles are written on both sides of the Atlantic), drops accents
("Beyoncé" -> "beyonce": users type names without them) and applies the
Snowball English stemmer, so "wounded", "wounds" and "wound" meet.
``numbers`` extracts normalised figures. Nothing here knows
about chunks or indexes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

#: Bump when tokenization changes: cached BM25 indexes built with another version are rebuilt.
TERMS_VERSION = "t5"

#: A dotted acronym (U.N.), a short name joined by an ampersand (AT&T, P&G, H&M: split,
#: both halves would be stopwords or single letters, and the name would vanish), a number,
#: a word.
_TOKEN_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}|[^\W\d_]{1,4}&[^\W\d_]{1,4}(?![\w&])|\d+(?:[.,]\d+)*|[^\W\d_]+",
    re.UNICODE,
)
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t d ll m re ve also according said says say many much did tell
    told
    """.split()
)

_stemmer = Stemmer.Stemmer("english")

#: Irregular English verb forms the Snowball stemmer leaves apart ("sent" vs "send").
_IRREGULAR = {
    form: base
    for base, forms in {
        "be": "was were been", "begin": "began begun", "bring": "brought", "buy": "bought",
        "catch": "caught", "choose": "chose chosen", "come": "came", "do": "did done",
        "draw": "drew drawn", "drive": "drove driven", "eat": "ate eaten", "fall": "fell fallen",
        "feel": "felt", "fight": "fought", "find": "found", "fly": "flew flown",
        "forget": "forgot forgotten", "get": "got gotten", "give": "gave given",
        "go": "went gone", "grow": "grew grown", "have": "had", "hear": "heard", "hold": "held",
        "keep": "kept", "know": "knew known", "lead": "led", "leave": "left", "lose": "lost",
        "make": "made", "mean": "meant", "meet": "met", "pay": "paid", "ride": "rode ridden",
        "rise": "rose risen", "run": "ran", "say": "said", "see": "saw seen", "sell": "sold",
        "send": "sent", "shoot": "shot", "sit": "sat", "speak": "spoke spoken",
        "spend": "spent", "stand": "stood", "steal": "stole stolen", "strike": "struck",
        "swear": "swore sworn", "take": "took taken", "teach": "taught", "tell": "told",
        "think": "thought", "throw": "threw thrown", "win": "won", "write": "wrote written",
        "die": "died dying dead", "seek": "sought", "build": "built", "break": "broke broken",
    }.items()
    for form in forms.split()
}  # fmt: skip


#: Words breame lists as British that American English writes too, or whose American
#: "spelling" is another word ("buses", "gauge", "philtre" -> "filter"): left as written.
_BOTH_SIDES = frozenset(
    "buses busing gases minibuses gauge gauged gauges gauging philtre philtres "
    "pummelled pummelling tranquilly".split()
)
#: British spelling -> American (breame's list of 1,730 words).
_AMERICAN = {b: a for b, a in BRITISH_ENGLISH_SPELLINGS.items() if b not in _BOTH_SIDES}


def normalize_number(token: str) -> str:
    """``11,000`` -> ``11000``; ``3.5`` stays; ``1,5`` (decimal comma) stays."""
    return token.replace(",", "") if _THOUSANDS_RE.match(token) else token


def tokens(text: str) -> list[str]:
    """Lowercased words and normalised numbers, in order; single letters dropped."""
    out = []
    for tok in _TOKEN_RE.findall(text):
        if tok[0].isdigit():
            out.append(normalize_number(tok))
        elif tok.endswith("."):  # a dotted acronym: U.N. -> un
            out.append(tok.replace(".", "").lower())
        elif len(tok) > 1:
            out.append(tok.lower())
    return out


def unaccented(text: str) -> str:
    """``text`` without accents ("Mbappé" -> "Mbappe", "Bihār" -> "Bihar")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word[0].isdigit():
        return word
    if not word.isascii():  # "Beyoncé" and "Beyonce", "Mbappé" and "Mbappe" are one name
        word = unaccented(word)
    word = _AMERICAN.get(word, word)
    return _stemmer.stemWord(_IRREGULAR.get(word, word))


def terms(text: str) -> list[str]:
    """Stemmed content terms (stopwords removed), in order, with repeats."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS]


def numbers(text: str) -> set[str]:
    """The figures in ``text``, normalised (``11,000`` and ``11000`` are the same)."""
    return {normalize_number(t) for t in _TOKEN_RE.findall(text) if t[0].isdigit()}
