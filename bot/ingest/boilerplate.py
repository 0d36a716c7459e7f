"""Boilerplate rules: which lines of a raw article are page furniture, not article text.

Each rule takes the article's lines (with raw offsets) and yields raw ranges to cut:
widgets and notices ("Share", "Source link", rating boxes), separators, bare URLs and
markup-only lines, date-only lines, the dateline that opens the first paragraph
("RIVERTON —"), "Related"/"Read also" story lists, news tickers, menus, a masthead, and
an author footer with the promos under it. ``RULES`` is the set
``bot.ingest.cleaning.clean`` applies, with ``bot.ingest.credits`` (wire credits, one-line
promos). Rules only point at ranges; they never rewrite
text, and they know nothing of files, sentences or chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from bot.text.lexicon import MONTHS, WEEKDAY_ABBREVIATIONS, WEEKDAYS

Range = tuple[int, int]

# --- patterns ------------------------------------------------------------------------------

_DATE_WORDS = {
    *MONTHS,
    *WEEKDAYS,
    *WEEKDAY_ABBREVIATIONS,
    "am", "pm", "at", "on", "updated", "published", "posted", "gmt", "utc", "est", "edt",
    "date", "dated",
}  # fmt: skip

BOILERPLATE_LINE_RE = re.compile(
    "|".join(
        [
            r"skip to (?:main )?content",
            r"source link",
            r"read (?:the )?(?:original|full) (?:article|story)(?: (?:on|at) .{1,60})?",
            r"this (?:audio|article|summary|text) (?:is|was) (?:created|generated|produced)"
            r" (?:with|by|using) (?:the help of )?(?:ai|artificial intelligence)"
            r"(?: assistance)?\.?",
            r"advertisement|sponsored(?: content)?",
            r"share(?: this)?(?: article| story| post)?(?: on \w+)?:?",
            r"(?:subscribe|sign up)(?: to| for)? (?:our|the) (?:newsletter|channel).{0,60}",
            r"follow us(?: on .{1,40})?",
            r"how (?:useful|helpful) was this (?:post|article|page|story)\??",
            r"click on a star to rate it!?",
            r"average rating [\d.]+ ?/ ?\d+\.? ?vote count:? ?\d+\.?",
            r"no votes so far!? be the first to rate this (?:post|article)\.?",
            r"we are sorry that this (?:post|article) was not useful for you!?",
            r"let us improve this (?:post|article)!?",
            r"tell us how we can improve this (?:post|article)\??",
            r"tags?:",
            r"more news|more stories|load more|show more",
            r"all rights reserved\.?|(?:©|\(c\)|copyright)\s.{0,80}",
            r"print|e-?mail|comments?(?: \(\d+\))?",
        ]
    ),
    re.IGNORECASE,
)
#: Boilerplate at the start of a line that also carries text (``Skip to content North Korea…``).
BOILERPLATE_PREFIX_RE = re.compile(r"\s*skip to (?:main )?content\s*", re.IGNORECASE)
#: A dateline opening the first paragraph: ``RIVERTON —``, ``KYIV, Ukraine (AP) —``,
#: ``WASHINGTON (Reuters) -``: a place in capitals, maybe its region and the agency, a dash.
DATELINE_PREFIX_RE = re.compile(
    r"[ \t]*[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3}"
    r"(?:, [A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2})?(?: ?\([A-Za-z. ]{2,20}\))?"
    r" ?(?:—|–|--| - )[ \t]*(?=[A-Z0-9“\"‘'])"
)
#: Datelines are looked for this far into an article (they open its first paragraph).
_DATELINE_REACH = 1500
#: Boilerplate at the end of a line (``March 27, 2025 Tags:``).
BOILERPLATE_SUFFIX_RE = re.compile(r"\s+tags?:\s*$", re.IGNORECASE)

#: Headings after which a list of other stories follows.
TRAILER_HEADING_RE = re.compile(
    r"(?:related(?: (?:articles?|stories|news|posts|coverage|content|reading|topics))?"
    r"|read (?:also|more|next)|also read|see also|further reading"
    r"|you (?:may|might) (?:also )?(?:like|be interested in|have missed)"
    r"|more (?:news|stories|from [^.]{1,40}|on this (?:topic|story))"
    r"|most (?:read|popular|viewed)|recommended(?: for you| stories| articles)?"
    r"|latest(?: news| stories| articles)?|trending(?: now| stories)?|popular(?: now| stories)?"
    r"|top stories|editor'?s picks)\s*:?",
    re.IGNORECASE,
)

TIME_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?", re.IGNORECASE)
BULLET_RE = re.compile(r"[-–—•*·▪►]\s")
URL_LINE_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
#: A line that is only images, links or HTML tags (markdown or HTML): page furniture.
MARKUP_LINE_RE = re.compile(r"(?:\s*(?:!?\[[^\]]*\]\([^)]*\)|<[^>]{1,300}>))+\s*", re.IGNORECASE)
TEMPLATE_TOKEN_RE = re.compile(r"[a-z][\w-]*(?:[/.][\w-]+)+")
_SENTENCE_END = (".", '."', ".”", ".’", ".'", ".)")

# --- lines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    start: int  # raw offset of the first character
    end: int  # raw offset just past the last character, before the newline
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(raw: str, start: int = 0) -> list[Line]:
    """The lines of ``raw[start:]`` with their raw offsets (newlines excluded)."""
    lines, pos = [], start
    for piece in raw[start:].split("\n"):
        lines.append(Line(pos, pos + len(piece), piece))
        pos += len(piece) + 1
    return lines


def _whole(line: Line) -> Range:
    return (line.start, line.end)


# --- predicates shared by the rules --------------------------------------------------------


def is_date_only(text: str) -> bool:
    """A line made only of a date and/or time: ``15 October, 2024 Tuesday``, ``14:43``,
    ``Date: 2025-02-11``."""
    t = text.strip()
    if not t or len(t) > 60:
        return False
    if TIME_RE.fullmatch(t):
        return True
    tokens = re.findall(r"[A-Za-z]+|\d+", t)
    if not tokens or re.search(r"[^\w\s,.:/\-]", t):
        return False
    has_month = any(tok.lower() in MONTHS for tok in tokens)
    has_number = any(tok.isdigit() for tok in tokens)
    words_ok = all(tok.isdigit() or tok.lower() in _DATE_WORDS for tok in tokens)
    iso = re.fullmatch(r"\d{4}-\d{2}-\d{2}", t) is not None
    has_iso = re.search(r"\b\d{4}-\d{2}-\d{2}\b", t) is not None
    return iso or (
        words_ok and has_number and (has_month or has_iso or ":" in t or len(tokens) <= 2)
    )


def has_alnum(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _list_like(text: str) -> bool:
    """A line that belongs to a list of other stories: item, time, headline, teaser, tag."""
    t = text.strip()
    if not t:
        return True
    if BULLET_RE.match(t) or TIME_RE.fullmatch(t) or is_date_only(t) or not has_alnum(t):
        return True
    if t.endswith(("...", "…", "….", "....")):
        return True  # a teaser cut short
    return len(t) <= 150 and not t.endswith(_SENTENCE_END)


# --- the rules -----------------------------------------------------------------------------

Rule = Callable[[list[Line]], Iterable[Range]]


def boilerplate_lines(lines: list[Line]) -> Iterator[Range]:
    """Lines that are only a widget, button or notice: share, rate, subscribe, "Source link"."""
    for line in lines:
        t = line.stripped
        if t and BOILERPLATE_LINE_RE.fullmatch(t):
            yield _whole(line)
            continue
        m = BOILERPLATE_PREFIX_RE.match(line.text)
        if m and m.end() > 0:
            yield (line.start, line.start + m.end())
        m = BOILERPLATE_SUFFIX_RE.search(line.text)
        if m:
            yield (line.start + m.start(), line.end)


def dateline(lines: list[Line]) -> Iterator[Range]:
    """The dateline in front of the first paragraph ("RIVERTON — The council…"): where
    the story was filed, not a sentence of it. Only the first one near the top goes."""
    for line in lines:
        if line.start > _DATELINE_REACH:
            return
        m = DATELINE_PREFIX_RE.match(line.text)
        if m and len(line.text) - m.end() > 40:  # a paragraph follows on the same line
            yield (line.start, line.start + m.end())
            return


def non_text_lines(lines: list[Line]) -> Iterator[Range]:
    """Separators ("-"), bare URLs, image/link/tag-only lines, template tokens
    (``client/title.list_title``), datelines."""
    for line in lines:
        t = BOILERPLATE_SUFFIX_RE.sub("", line.text).strip()
        if not t:
            continue
        if (
            not has_alnum(t)
            or URL_LINE_RE.fullmatch(t)
            or MARKUP_LINE_RE.fullmatch(t)
            or (" " not in t and TEMPLATE_TOKEN_RE.fullmatch(t))
            or is_date_only(t)
        ):
            yield _whole(line)


def trailer_lists(lines: list[Line]) -> Iterator[Range]:
    """A "Related:" / "Read also" / "You may also like" heading and the story list under it."""
    i = 0
    while i < len(lines):
        if lines[i].stripped and TRAILER_HEADING_RE.fullmatch(lines[i].stripped):
            j = i + 1
            while j < len(lines) and _list_like(lines[j].text):
                j += 1
            yield (lines[i].start, lines[j - 1].end)
            i = j
        else:
            i += 1


def ticker_runs(lines: list[Line]) -> Iterator[Range]:
    """News tickers: three or more timestamps ("14:43") each followed by a headline."""
    times = [k for k, line in enumerate(lines) if TIME_RE.fullmatch(line.stripped)]
    clusters: list[list[int]] = []
    for k in times:
        if clusters and k - clusters[-1][-1] <= 4:
            clusters[-1].append(k)
        else:
            clusters.append([k])
    for cluster in clusters:
        if len(cluster) < 3:
            continue
        first, last = cluster[0], cluster[-1]
        while first > 0 and is_date_only(lines[first - 1].text):
            first -= 1
        end = last
        while end + 1 < len(lines) and end - last < 3 and _list_like(lines[end + 1].text):
            end += 1
        yield (lines[first].start, lines[end].end)


def nav_menus(lines: list[Line]) -> Iterator[Range]:
    """Four or more consecutive one-to-four-word lines without punctuation: a menu."""
    run: list[Line] = []

    def menu_item(line: Line) -> bool:
        t = line.stripped
        return bool(t) and len(t) <= 40 and len(t.split()) <= 4 and not t.endswith((".", "?", "!"))

    for line in [*lines, Line(0, 0, "")]:
        if menu_item(line):
            run.append(line)
            continue
        if len(run) >= 4:
            yield (run[0].start, run[-1].end)
        run = []


def is_masthead(text: str) -> bool:
    """A short brand line such as ``Espreso. Global``: at most three words, no sentence."""
    t = text.strip()
    return (
        3 <= len(t) <= 30
        and len(t.split()) <= 3
        and not is_date_only(t)
        and not t.endswith(("?", "!"))
    )


def masthead(lines: list[Line]) -> Iterator[Range]:
    """The outlet's name alone on the first line, with a blank line or the headline after it."""
    text_lines = [line for line in lines if line.stripped]
    if (
        len(text_lines) >= 2
        and is_masthead(text_lines[0].text)
        and len(text_lines[1].stripped) > 30
    ):
        yield _whole(text_lines[0])


_FOOTER_RE = re.compile(
    r"(?:author|written by|reporting by|reported by|edited by|editing by)\s*[:\-]?\s+\S.{0,80}",
    re.IGNORECASE,
)


def author_footer(lines: list[Line]) -> Iterator[Range]:
    """An "Author: …" / "Reporting by …" line in the last third closes the article: it and
    what follows (promos for other stories) go. So does a promo glued above it: a block of
    lines with no blank line between them that opens with a headline (no closing full stop)
    — article paragraphs are separated by blank lines and end their sentences."""
    if not lines:
        return
    end = lines[-1].end
    for i, line in enumerate(lines):
        if line.start >= end * 2 / 3 and _FOOTER_RE.fullmatch(line.stripped):
            top = i
            while top > 0 and lines[top - 1].stripped:
                top -= 1
            head = lines[top].stripped
            glued = (
                i - 5 <= top < i - 1  # a short block: hard-wrapped paragraphs are not promos
                and len(head.split()) <= 16
                and not head.endswith((*_SENTENCE_END, ",", ";", ":"))
                # the teaser starts a sentence; a wrapped line does not (top < i - 1: it exists)
                and lines[top + 1].stripped[:1].isupper()
            )
            yield (lines[top].start if glued else line.start, end)
            return


RULES: tuple[Rule, ...] = (
    boilerplate_lines,
    dateline,
    non_text_lines,
    trailer_lists,
    ticker_runs,
    nav_menus,
    masthead,
    author_footer,
)
