"""Corpus: find the article files under a seeds dir and load each into an ``Article``.

Loading decodes the file exactly as ``open(path, encoding=article.encoding).read()`` would
(universal newlines), so every offset the bot reports indexes that string. Bad files
(empty, binary, too large, undecodable, symlinks leaving the seeds dir) are skipped with a
one-line warning naming the file; everything else loads.

It cleans (``bot.ingest.cleaning``), splits sentences (``bot.text.sentences``) and reads the
title, date and outlet (``bot.ingest.metadata``); it knows nothing of chunks, embeddings or
storage.
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

from bot.errors import InputError
from bot.ingest.cleaning import Cleaned, clean
from bot.ingest.metadata import detect_date, detect_outlet, detect_title
from bot.text.sentences import split_sentences

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
