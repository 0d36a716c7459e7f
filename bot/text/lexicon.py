"""Lexicon: the English words and patterns for dates and numbers, in one place.

Months, weekdays, number words, magnitudes and the year pattern are used by cleaning
(date-only lines), metadata (publication dates), question analysis (what a "when" or
"how many" question wants) and verification (``three`` = ``3``). Each module derives the
view it needs from these tables instead of keeping its own list. Plain data and compiled
patterns: nothing here reads text on its own.
"""

from __future__ import annotations

import re

#: The interrogatives a wh-question opens with.
WH_WORDS = ("what", "which", "who", "whom", "whose", "when", "where", "why", "how")
#: Conjunctions a chat turn opens with to carry on from the last one ("And…", "But…").
CONJUNCTIONS = ("and", "but", "so", "also", "then")
#: Month names and their abbreviations -> month number.
MONTHS: dict[str, int] = {
    word: number
    for number, words in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for word in words
}  # fmt: skip
#: Month words that are also everyday English words ("may", "mar"): on their own they do
#: not make a sentence about a date.
AMBIGUOUS_MONTHS = frozenset({"may", "mar"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Days named relative to the article's date.
RELATIVE_DAYS = ("yesterday", "today")
#: Units a duration is counted in ("three months", "a 10-year plan").
TIME_UNITS = ("hour", "day", "week", "month", "year", "decade")
#: Seasons, as news dates by them ("in the spring", "last summer").
SEASONS = ("spring", "summer", "autumn", "fall", "winter")

#: Number words with the value they stand for on their own ("three" = 3).
NUMBER_WORDS: dict[str, int] = {
    **{
        w: i
        for i, w in enumerate(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
        )
    },
    **{
        w: 10 * i for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)
    },
    "hundred": 100,
    "dozen": 12,
}
#: Words that scale a figure ("11 thousand") and stand for no figure alone.
SCALE_WORDS: dict[str, int] = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
#: Plural magnitudes: "hundreds" is said of a figure in ``[low, high)``.
MAGNITUDES: dict[str, tuple[int, int]] = {
    "dozens": (13, 100),
    "hundreds": (100, 1000),
    "thousands": (1000, 1_000_000),
    "millions": (1_000_000, 1_000_000_000),
    "billions": (1_000_000_000, 10**15),
}
#: Shares and multiples written as words ("half of the staff", "two-thirds", "twice").
FRACTION_WORDS = frozenset({"half", "halves", "third", "thirds", "quarter", "quarters", "twice"})
#: Every word that says "a quantity": cardinals, scales, magnitudes and fractions.
QUANTITY_WORDS = (
    frozenset(NUMBER_WORDS) | frozenset(SCALE_WORDS) | frozenset(MAGNITUDES) | FRACTION_WORDS
)

#: A year of the last two centuries, as a regex fragment.
YEAR = r"(?:19|20)\d\d"
YEAR_RE = re.compile(rf"\b{YEAR}\b")
#: A decade: "the 1990s", "the 1990's" (a figure "1990" that is no year).
DECADE = r"\b(?:19|20)\d0['’]?s\b"


def alternation(words: frozenset[str] | set[str] | list[str] | tuple[str, ...]) -> str:
    """``(?:w1|w2|…)``, longest first so a longer word wins over its prefix."""
    return "(?:" + "|".join(sorted(words, key=lambda w: (-len(w), w))) + ")"


#: A month word, by its first three letters and whatever follows ("Sept", "January").
MONTH_PREFIX = alternation(sorted({m[:3] for m in MONTHS})) + "[a-z]*"
#: Month words that name a month whatever surrounds them (not "may", not "mar").
UNAMBIGUOUS_MONTH = alternation([m for m in MONTHS if m not in AMBIGUOUS_MONTHS])
#: "May" read as the month by the word before it ("in May", "since May", "end of May",
#: "mid-May"), capitalised as a month is ("it may rain", "in may be" are not dates). A
#: regex fragment for patterns compiled with or without ``re.I``.
MAY_AS_MONTH = (
    r"\b(?i:in|since|by|until|till|from|through|during|last|next|early|late|mid|this|of)"
    r"[\s-]+(?-i:May)\b"
)

#: Nouns that, after "which"/"what", ask for a person ("Which journalist…", "which pop
#: star…") or for a proper name ("Which country…", "what social media platform…"). General
#: English, not fitted: one list each, matched on the noun or its singular.
PERSON_NOUNS = frozenset(
    """
    person man woman star singer rapper popstar actor actress artist musician comedian
    celebrity athlete player footballer golfer boxer quarterback politician president
    minister leader official journalist reporter author writer director producer ceo
    executive founder billionaire entrepreneur judge senator governor mayor lawmaker
    candidate coach champion winner pope king queen prince princess chef scientist host
    presenter ambassador spokesman spokeswoman chairman chairwoman envoy general commander
    """.split()
)
#: Verbs that only attribute ("…, Greaves said"): a name beside one is the source of a
#: report, not what it reports ("Obama announced that he tested positive" is about Obama,
#: so "announced" is not one).
REPORTING_VERBS = frozenset("say says said tell tells told add adds added explained wrote".split())
#: Verbs of saying: a question using one asks who said something ("Who has warned…?").
SPEECH_VERBS = REPORTING_VERBS | frozenset(
    """
    warn warns warned announce announces announced claim claims claimed describe describes
    described criticise criticised criticize criticized praise praised accuse accused urge
    urged argue argued report reported write tweet tweeted post posted declare declared
    comment commented reveal revealed confirm confirmed deny denied admit admitted insist
    insisted explain according quoted
    """.split()
)
NAME_NOUNS = frozenset(
    """
    country nation state city capital town county province region island continent company
    firm giant brand airline automaker carmaker manufacturer network platform magazine
    newspaper outlet broadcaster team club university college school band organization
    organisation agency party league retailer bank app website channel airport hospital
    """.split()
)

#: Adjectives of places that regular endings do not derive ("French" from "France"):
#: adjective -> place. General English, not fitted; the regular ones ("Pakistani",
#: "Ukrainian", "Chinese", "Texan") are derived in ``bot.answer.places``.
PLACE_ADJECTIVES: dict[str, str] = {
    "british": "britain", "french": "france", "dutch": "netherlands", "greek": "greece",
    "swiss": "switzerland", "welsh": "wales", "spanish": "spain", "irish": "ireland",
    "scottish": "scotland", "english": "england", "danish": "denmark", "swedish": "sweden",
    "finnish": "finland", "polish": "poland", "filipino": "philippines", "thai": "thailand",
    "turkish": "turkey", "peruvian": "peru", "argentine": "argentina", "icelandic": "iceland",
    "norwegian": "norway", "belgian": "belgium", "afghan": "afghanistan",
    "german": "germany", "portuguese": "portugal", "chilean": "chile", "lebanese": "lebanon",
    "haitian": "haiti", "somali": "somalia", "congolese": "congo", "laotian": "laos",
    "bosnian": "bosnia", "emirati": "uae", "saudi": "saudi arabia",
}  # fmt: skip

#: Words before "figure" that make it a number ("Deaths passed which stunning figure?");
#: after any other ("which political / famous / Labour Party figure…") it is a person, as
#: in 19 of the 21 RealTime QA train/dev questions asking "which … figure" (the other two
#: say "stunning" and "massive"; the rest of this list is English, not data).
MAGNITUDE_WORDS = frozenset(
    """
    stunning massive staggering huge whopping record astonishing big round new latest
    official final total exact approximate
    """.split()
)
