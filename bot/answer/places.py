"""Countries and states by name: does a sentence name one?

A question asking "which country…?" or "which state…?" is answered only by a sentence
naming a country or a state; any capitalised word ("Texas", "Concerns") fits a plain
"name", so these two get a gazetteer. The names come from ISO 3166 through ``pycountry``
(countries, their short and common names; the subdivisions ISO calls a "country" or
"nation", such as Scotland; those it calls a "state" or a "Land": US, Indian,
Australian, Mexican, German… states), with accents dropped ("Bihār" is written "Bihar"),
plus the names English news uses that ISO does not ("US", "Britain", "Russia",
"Bavaria"). A country's adjective counts when ``place_forms`` derives the country from
it ("Chinese"); ``place_forms`` also serves ``bot.answer.names``, which reads
"Pakistani" as naming Pakistan.

It reads sentences only; what a question asks for is ``bot.answer.asked_type``, and
``bot.answer.question.fits_type`` asks this module for the two kinds. It knows
no cities or provinces. The lists load on the first such question (about 0.1 s).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.text.lexicon import PLACE_ADJECTIVES
from bot.text.terms import unaccented

#: The place kinds ``holds_place`` knows, and the nouns that ask for them ("which nation").
PLACE_KINDS = ("country", "state")
PLACE_NOUNS = {"country": "country", "nation": "country", "state": "state"}
#: Asked kinds a proper name answers: any name, or a place of a known kind.
NAME_KINDS = ("name", *PLACE_KINDS)

#: Countries as English news names them and ISO 3166 does not (general English).
COUNTRY_ALIASES = (
    "US", "U.S.", "USA", "America", "UK", "U.K.", "Britain", "Great Britain", "Russia",
    "Turkey", "Czech Republic", "Holland", "Ivory Coast", "Cape Verde", "Swaziland", "Burma",
    "East Timor", "Vatican", "Kosovo", "Macedonia", "Congo", "DRC", "UAE", "Bosnia", "Brunei",
    "Trinidad", "Saudi Arabia",
)  # fmt: skip

#: States by the names English news gives them where ISO 3166 has the local one
#: (Germany's and Austria's states, which ISO calls "Land": "Bayern" is Bavaria).
STATE_ALIASES = (
    "Bavaria", "Saxony", "Lower Saxony", "Thuringia", "Hesse", "Rhineland-Palatinate",
    "North Rhine-Westphalia", "Saxony-Anhalt", "Mecklenburg-Western Pomerania",
    "Baden-Wurttemberg", "Tyrol", "Styria", "Carinthia", "Upper Austria", "Lower Austria",
    "Vienna",
)  # fmt: skip

_CAPITALISED_RE = re.compile(r"\b[A-Z][a-z]+\b")

#: Regular endings of a place's adjective, as (adjective ending, place ending) pairs:
#: Russian/Russia, Ukrainian/Ukraine, Brazilian/Brazil, Canadian/Canada, Italian/Italy,
#: Korean/Korea, Mexican/Mexico, Tuscan/Tuscany, Texan/Texas, Pakistani/Pakistan,
#: Chinese/China, Japanese/Japan.
_PLACE_ENDINGS = (
    ("ian", "ia"), ("ian", "e"), ("ian", ""), ("ian", "a"), ("ian", "y"),
    ("an", "a"), ("an", "o"), ("an", "y"), ("an", "as"),
    ("i", ""), ("ese", "a"), ("ese", ""),
)  # fmt: skip
_ADJECTIVE_OF = {place: adjective for adjective, place in PLACE_ADJECTIVES.items()}


def place_forms(word: str) -> set[str]:
    """The place an adjective names and the adjectives a place takes, by the regular
    endings and the irregular ones (``PLACE_ADJECTIVES``): "Pakistani" gives "pakistan",
    "Russia" gives "russian". Over-generates ("Brian" gives "bria"): the forms are only
    looked up among known words (an article's, ``country_names``)."""
    w = word.lower()
    out = {x for x in (PLACE_ADJECTIVES.get(w), _ADJECTIVE_OF.get(w)) if x}
    for adjective, place in _PLACE_ENDINGS:
        if w.endswith(adjective) and len(w) - len(adjective) >= 3:
            out.add(w[: len(w) - len(adjective)] + place)
        if len(w) - len(place) >= 3 and w.endswith(place):
            out.add(w[: len(w) - len(place)] + adjective)
    out.discard(w)
    return out


def _short(name: str) -> str:
    """ISO's inverted names in their plain form: "Iran, Islamic Republic of" -> "Iran"."""
    return unaccented(re.sub(r"\s*\[.*", "", name).split(",")[0].strip())


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Every country name ``holds_place`` knows, as written."""
    import pycountry

    names = set(COUNTRY_ALIASES)
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            value = getattr(country, field, None)
            if value:
                names.add(_short(value))
    for sub in pycountry.subdivisions:
        if sub.type in ("Country", "Nation"):
            names.add(_short(sub.name))
    return frozenset(names)


@lru_cache(maxsize=1)
def state_names() -> frozenset[str]:
    """Every state name ``holds_place`` knows, as written; not one sharing its country's
    name (the State of México is read as Mexico)."""
    import pycountry

    return frozenset(STATE_ALIASES) | frozenset(
        name
        for s in pycountry.subdivisions
        if s.type in ("State", "Land")
        and (name := _short(s.name)) != _short(pycountry.countries.get(alpha_2=s.country_code).name)
    )


def _names(kind: str) -> frozenset[str]:
    return country_names() if kind == "country" else state_names()


@lru_cache(maxsize=2)
def _pattern(kind: str) -> re.Pattern[str]:
    ordered = sorted(map(re.escape, _names(kind)), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(ordered) + r")(?![\w-])")


def holds_place(kind: str, text: str) -> bool:
    """``text`` names a place of ``kind`` (one of ``PLACE_KINDS``): a country ("Cuba", "the
    UK") or a state ("Vermont", "Kerala"), or its people ("Chinese" officials,
    "Californians")."""
    text = unaccented(text)
    if _pattern(kind).search(text):
        return True
    lowered = _lowered(kind)
    for word in _CAPITALISED_RE.findall(text):
        forms = place_forms(word) | (place_forms(word[:-1]) if word.endswith("s") else set())
        if forms & lowered:  # "Swiss", "Californians"
            return True
    return False


@lru_cache(maxsize=2)
def _lowered(kind: str) -> frozenset[str]:
    return frozenset(n.lower() for n in _names(kind))
