"""Corpus: find the article files under a seeds dir and load each into an ``Article``.

Loading decodes the file exactly as ``open(path, encoding=article.encoding).read()`` would
(universal newlines), so every offset the bot reports indexes that string. Bad files
(empty, binary, too large, undecodable, symlinks leaving the seeds dir) are skipped with a
one-line warning naming the file; everything else loads.

It cleans (``bot.cleaning``) and splits sentences (``bot.sentences``), detects the title,
date and outlet; it knows nothing of chunks, embeddings or storage.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.cleaning import BOILERPLATE_SUFFIX_RE, Cleaned, clean, is_date_only, is_masthead
from bot.errors import InputError
from bot.sentences import split_sentences

TEXT_SUFFIXES = (".txt",)


class ArticleError(Exception):
    """A file that cannot be loaded as an article; the message names the file and why."""


@dataclass(frozen=True)
class SourceFile:
    """A candidate article file found by ``scan``."""

    path: Path
    name: str  # posix path relative to the seeds dir: what citations name
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Sentence:
    """A sentence as a raw span: ``article.raw[start:end] == text``; ``line`` is 1-based."""

    start: int
    end: int
    line: int
    text: str


@dataclass(frozen=True)
class Article:
    file: str
    raw: str = field(repr=False)
    encoding: str
    sha256: str
    title: str
    date: str | None
    outlet: str | None
    cleaned: Cleaned = field(repr=False)

    @property
    def body(self) -> str:
        return self.cleaned.body

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """Sentences of the cleaned text, in order; never spanning cut-out boilerplate."""
        newlines = [m.start() for m in re.finditer("\n", self.raw)]
        out = []
        for s, e in self.cleaned.spans:
            for a, b in split_sentences(self.raw, s, e):
                out.append(Sentence(a, b, bisect.bisect_left(newlines, a) + 1, self.raw[a:b]))
        return tuple(out)


# --- finding files -------------------------------------------------------------------------


def scan(seeds_dir: Path) -> tuple[list[SourceFile], list[str]]:
    """All ``*.txt`` files under ``seeds_dir`` (hidden ones and outward symlinks skipped)."""
    root = Path(seeds_dir)
    if not root.is_dir():
        raise InputError(f"seeds dir not found: {root}")
    try:
        real_root = root.resolve(strict=True)
        os.listdir(root)
    except OSError as exc:
        raise InputError(f"seeds dir not readable: {root} ({exc.strerror})") from None
    files: list[SourceFile] = []
    warnings: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.startswith(".") or not fn.lower().endswith(TEXT_SUFFIXES):
                continue
            path = Path(dirpath) / fn
            name = path.relative_to(root).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root):
                    warnings.append(f"{name}: skipped, symlink points outside the seeds dir")
                    continue
            try:
                st = path.stat()
            except OSError as exc:
                warnings.append(f"{name}: skipped, {exc.strerror or exc}")
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO would block the indexer forever
                warnings.append(f"{name}: skipped, not a regular file")
                continue
            files.append(SourceFile(path, name, st.st_size, st.st_mtime_ns))
    files.sort(key=lambda f: f.name)
    return files, warnings


# --- loading one file ----------------------------------------------------------------------


def read_source(src: SourceFile, max_bytes: int = 20_000_000) -> tuple[str, str, str, str | None]:
    """``(text, encoding, sha256, warning)`` of a file, or ``ArticleError`` saying why not."""
    if src.size > max_bytes:
        raise ArticleError(
            f"{src.name}: skipped, {src.size:,} bytes is over the {max_bytes:,} limit"
        )
    try:
        data = src.path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{src.name}: skipped, {exc.strerror or exc}") from None
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{src.name}: skipped, binary file")
    sha = hashlib.sha256(data).hexdigest()
    warning = None
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        encoding = _guess_encoding(data)
        if encoding is None:
            raise ArticleError(
                f"{src.name}: skipped, not UTF-8 and no other encoding fits"
            ) from None
        text = data.decode(encoding)
        warning = f"{src.name}: not UTF-8, decoded as {encoding}"
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # what open() gives: universal newlines
    if not text.strip():
        raise ArticleError(f"{src.name}: skipped, empty file")
    return text, encoding, sha, warning


def load_article(src: SourceFile, max_bytes: int = 20_000_000) -> tuple[Article, str | None]:
    """Read, decode and clean one file; ``(article, warning or None)``."""
    raw, encoding, sha, warning = read_source(src, max_bytes)
    return article_from_text(src.name, raw, encoding=encoding, sha256=sha), warning


def article_from_text(name: str, raw: str, encoding: str = "utf-8", sha256: str = "") -> Article:
    """Build an ``Article`` from already-decoded text (newlines already universal)."""
    cleaned = clean(raw)
    if not cleaned.spans:
        raise ArticleError(f"{name}: skipped, no article text left after cleaning")
    sha = sha256 or hashlib.sha256(raw.encode("utf-8")).hexdigest()
    article = Article(name, raw, encoding, sha, "", None, None, cleaned)
    object.__setattr__(article, "title", detect_title(article))
    object.__setattr__(article, "date", cleaned.header_date or detect_date(raw))
    object.__setattr__(article, "outlet", detect_outlet(raw))
    return article


def _guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return best.encoding if best is not None else None


# --- metadata ------------------------------------------------------------------------------

_MONTH_NUM = {
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTH_NUM, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})\b", re.I),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.I),
]
_HEAD_CHARS = 2500


def parse_date(text: str) -> str | None:
    """The first full date (day, month, year) in ``text`` as ISO ``yyyy-mm-dd``."""
    found = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = (
                int(m.group("mnum"))
                if "mnum" in m.groupdict() and m.group("mnum")
                else (_MONTH_NUM[m.group("month").lower()])
            )
            try:
                found.append((m.start(), dt.date(int(m.group("year")), month, int(m.group("day")))))
            except ValueError:
                continue
    return min(found)[1].isoformat() if found else None


def detect_date(raw: str) -> str | None:
    """Publication date: a dateline, else a dated byline, else the first full date near the top."""
    head_lines = [
        BOILERPLATE_SUFFIX_RE.sub("", line).strip() for line in raw[:_HEAD_CHARS].split("\n")
    ]
    for line in head_lines:
        if is_date_only(line) and (date := parse_date(line)):
            return date
    for line in head_lines:
        if line.lower().startswith("by ") and (date := parse_date(line)):
            return date
    return parse_date(raw[:_HEAD_CHARS])


def detect_title(article: Article) -> str:
    """The first headline-like kept line; else the lead sentence of the first paragraph."""
    lines = [ln.strip() for s, e in article.cleaned.spans for ln in article.raw[s:e].split("\n")]
    lines = [ln for ln in lines if ln]
    for line in lines[:8]:
        if (
            15 <= len(line) <= 160
            and len(line.split()) >= 4
            and not line.endswith(".")
            and ". " not in line
            and not line.lower().startswith("by ")
            and not is_date_only(line)
        ):
            return line
    sentences = article.sentences
    lead = next((s for s in sentences if len(_line_of(article.raw, s.start)) >= 200), None)
    text = " ".join((lead or sentences[0]).text.split())
    return text if len(text) <= 120 else text[:120].rsplit(" ", 1)[0] + "…"


def _line_of(raw: str, pos: int) -> str:
    start = raw.rfind("\n", 0, pos) + 1
    end = raw.find("\n", pos)
    return raw[start : end if end >= 0 else len(raw)]


_OUTLET_RES = [
    re.compile(r"^read the original article (?:on|at) (?P<o>.{2,60}?)\.?$", re.I | re.M),
    re.compile(
        r"\boriginally (?:appeared|published) (?:on|in|at|by) (?P<o>[A-Z][^.\n]{1,50})", re.M
    ),
    re.compile(r"^source:\s*(?P<o>[^\n]{2,60}?)\.?$", re.I | re.M),
    re.compile(r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<o>[A-Z][^\n.]{1,50})", re.I | re.M),
]


def detect_outlet(raw: str) -> str | None:
    """The outlet when the file names it ("Read the original article on X", "© X", a masthead)."""
    for pattern in _OUTLET_RES:
        m = pattern.search(raw)
        if m:
            return m.group("o").strip()
    first = next((ln.strip() for ln in raw[:300].split("\n") if ln.strip()), "")
    if is_masthead(first) and not first.lower().startswith(("date", "skip")):
        return first  # a masthead line such as "Espreso. Global"
    return None
