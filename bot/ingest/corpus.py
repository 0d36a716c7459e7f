"""Corpus: find the article files under a seeds dir and load each into an ``Article``.

Every suffix ``bot.ingest.formats`` supports is found; any other file is reported once,
with its reason (a ``Skipped`` warning), instead of being ignored. Loading goes through
``formats.extract``: a ``.txt``/``.md`` file is decoded exactly as ``open(path,
encoding=article.encoding).read()`` would (universal newlines), an HTML/PDF/DOCX file
becomes its extracted plain text (kept by content hash in an ``ExtractionCache`` when one
is given), and every offset the bot reports indexes that string (``Bot.source_text``). Bad
files (empty, binary, too large, undecodable, no text layer, symlinks leaving the seeds
dir) are skipped with a one-line reason naming the file; everything else loads.

It cleans (``bot.ingest.cleaning``: boilerplate, plus the file's own ``skip`` ranges),
marks the headline (a title, not a sentence to quote), splits sentences (``bot.text.sentences``)
and reads the title, date and outlet (``bot.ingest.metadata``; what the file itself states
wins); it knows nothing of chunks, embeddings or storage.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import InputError
from bot.ingest.cleaning import RULES, Cleaned, clean
from bot.ingest.formats import Extracted, ExtractionError, extract, unsupported_reason
from bot.ingest.metadata import detect_date, detect_outlet, detect_title
from bot.text.sentences import split_sentences

if TYPE_CHECKING:
    from bot.ingest.cache import ExtractionCache


class ArticleError(Exception):
    """A file that cannot be loaded as an article; the message names the file and why,
    ``reason`` says why without the file name."""

    def __init__(self, message: str, file: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.file, self.reason = file, reason or message

    @classmethod
    def skipped(cls, file: str, reason: str) -> ArticleError:
        return cls(f"{file}: skipped, {reason}", file, reason)


class Skipped(str):
    """A ``"<file>: skipped, <reason>"`` warning that also carries ``file`` and ``reason``."""

    file: str
    reason: str

    def __new__(cls, file: str, reason: str) -> Skipped:
        self = super().__new__(cls, f"{file}: skipped, {reason}")
        self.file, self.reason = file, reason
        return self


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
    headline: tuple[int, int] | None = None  # the headline line's raw range, if one was found

    @property
    def body(self) -> str:
        return self.cleaned.body

    def is_headline(self, sentence: Sentence) -> bool:
        """True for a sentence inside the headline line: a title, not a quote."""
        h = self.headline
        return h is not None and h[0] <= sentence.start and sentence.end <= h[1]

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


def check_seeds_dir(seeds_dir: Path) -> Path:
    """``seeds_dir`` resolved, or an ``InputError`` saying what is wrong with it."""
    root = Path(seeds_dir)
    if root.exists() and not root.is_dir():
        raise InputError(f"seeds dir is a file, not a folder: {root} (--seeds takes a folder)")
    if not root.is_dir():
        raise InputError(f"seeds dir not found: {root}")
    try:
        real_root = root.resolve(strict=True)
        os.listdir(root)
    except OSError as exc:
        raise InputError(f"seeds dir not readable: {root} ({exc.strerror})") from None
    return real_root


def scan(seeds_dir: Path) -> tuple[list[SourceFile], list[Skipped]]:
    """Files of every supported type under ``seeds_dir``, and a ``Skipped`` warning for each
    other file (hidden files and folders are passed over silently)."""
    root = Path(seeds_dir)
    real_root = check_seeds_dir(root)
    files: list[SourceFile] = []
    warnings: list[Skipped] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.startswith("."):
                continue
            path = Path(dirpath) / fn
            name = path.relative_to(root).as_posix()
            if reason := unsupported_reason(fn):
                warnings.append(Skipped(name, reason))
                continue
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root):
                    warnings.append(Skipped(name, "symlink points outside the seeds dir"))
                    continue
            try:
                st = path.stat()
            except OSError as exc:
                warnings.append(Skipped(name, str(exc.strerror or exc)))
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO would block the indexer forever
                warnings.append(Skipped(name, "not a regular file"))
                continue
            files.append(SourceFile(path, name, st.st_size, st.st_mtime_ns))
    files.sort(key=lambda f: f.name)
    return files, warnings


# --- loading one file ----------------------------------------------------------------------


def read_extracted(
    src: SourceFile, max_bytes: int = 20_000_000, cache: ExtractionCache | None = None
) -> tuple[Extracted, str, str | None]:
    """``(extracted, sha256 of the file, warning)``, or ``ArticleError`` saying why not."""
    if src.size > max_bytes:
        raise ArticleError.skipped(src.name, f"{src.size:,} bytes is over the {max_bytes:,} limit")
    try:
        data = src.path.read_bytes()
    except OSError as exc:
        raise ArticleError.skipped(src.name, str(exc.strerror or exc)) from None
    sha = hashlib.sha256(data).hexdigest()
    try:
        got = cache.extract(src.name, data, sha) if cache else extract(src.name, data)
    except ExtractionError as exc:
        raise ArticleError.skipped(src.name, exc.reason) from None
    warning = "; ".join(got.notes)
    return got, sha, f"{src.name}: {warning}" if warning else None


def read_source(
    src: SourceFile, max_bytes: int = 20_000_000, cache: ExtractionCache | None = None
) -> tuple[str, str, str, str | None]:
    """``(text, encoding, sha256, warning)`` of a file, or ``ArticleError`` saying why not.
    ``text`` is what citations index: the decoded file, or the text extracted from it."""
    got, sha, warning = read_extracted(src, max_bytes, cache)
    return got.text, got.encoding or "utf-8", sha, warning


def load_article(
    src: SourceFile, max_bytes: int = 20_000_000, cache: ExtractionCache | None = None
) -> tuple[Article, str | None]:
    """Read, extract and clean one file; ``(article, warning or None)``."""
    got, sha, warning = read_extracted(src, max_bytes, cache)
    encoding = got.encoding or "utf-8"
    return article_from_text(src.name, got.text, encoding, sha, extracted=got), warning


def article_from_text(
    name: str,
    raw: str,
    encoding: str = "utf-8",
    sha256: str = "",
    extracted: Extracted | None = None,
) -> Article:
    """Build an ``Article`` from already-decoded text (newlines already universal).

    The file's own metadata in ``extracted`` wins over what is detected in the text, and
    its ``skip`` ranges (Markdown front matter and headings, HTML headings) are cut like
    boilerplate. The headline line is marked (``Article.headline``): it names the story,
    it is not a sentence to quote (it travels with every chunk as its title)."""
    skip = extracted.skip if extracted else ()
    rules = (*RULES, lambda _lines: skip) if skip else RULES
    cleaned = clean(raw, rules)
    if not cleaned.spans:
        raise ArticleError.skipped(name, "no article text left after cleaning")
    sha = sha256 or hashlib.sha256(raw.encode("utf-8")).hexdigest()
    article = Article(name, raw, encoding, sha, "", None, None, cleaned)
    meta = extracted or Extracted(raw, "text")
    title, headline = detect_title(article)
    object.__setattr__(article, "headline", headline)
    object.__setattr__(article, "title", meta.title or title)
    object.__setattr__(article, "date", meta.date or cleaned.header_date or detect_date(raw))
    object.__setattr__(article, "outlet", meta.outlet or detect_outlet(raw))
    return article
