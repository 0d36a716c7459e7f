"""Formats: turn one file's bytes into the text an article is made of, plus its metadata.

``extract(name, data)`` picks the extractor registered for the file's suffix and returns an
``Extracted``: ``text`` is the string every citation offset indexes, and ``title``, ``date``,
``author`` and ``outlet`` are whatever the file itself states. It raises ``ExtractionError``
with a one-line reason ("unsupported type .xlsx", "empty file", "no text layer (scanned
PDF?)") when a file yields no article text.

* ``.txt``: the file's text, decoded as ``open()`` would (UTF-8, else the best
  ``charset_normalizer`` guess; universal newlines). Citations index the raw file.
* ``.md`` / ``.markdown``: the same raw text, never rewritten. YAML front matter gives
  title/date/author/outlet and, with heading markers (``## ``), is reported in ``skip``:
  ranges of ``text`` that are not article text, for the cleaner to cut out.
* ``.html`` / ``.htm``, ``.pdf``, ``.docx``: plain text extracted by a library
  (``bot.ingest.documents``, imported on first use); ``text`` is that extracted text, which
  ``Bot.source_text`` serves and citations index. ``bot.ingest.cache`` keeps it by content
  hash so it is extracted once.

It does not read files, clean boilerplate, split sentences or touch the index.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal, Protocol, get_args

Kind = Literal["text", "markdown", "html", "pdf", "docx"]
Range = tuple[int, int]

#: Bump when any extractor's output changes: cached extractions of older versions are redone.
#: (Files already indexed are re-chunked only when CHUNKER_VERSION changes too.)
FORMATS_VERSION = "f1"


class ExtractionError(Exception):
    """A file that yields no article text; ``reason`` is one line without the file name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Extracted:
    """One file as article text. ``text`` is what citations index: the decoded file for
    ``text``/``markdown``, the extracted plain text (never HTML) for the other kinds."""

    text: str
    kind: Kind
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    author: str | None = None
    outlet: str | None = None
    encoding: str | None = None  # how the bytes were decoded; None when text was extracted
    skip: tuple[Range, ...] = ()  # ranges of text that are not article text
    notes: tuple[str, ...] = field(default=())  # warnings worth showing, without the file name

    @property
    def is_raw(self) -> bool:
        """True when ``text`` is the file's own decoded text (citations index the file)."""
        return self.kind in ("text", "markdown")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Extracted:
        """The inverse of ``to_json``; ``ValueError`` for anything malformed."""
        try:
            out = cls(
                text=data["text"],
                kind=data["kind"],
                title=data.get("title"),
                date=data.get("date"),
                author=data.get("author"),
                outlet=data.get("outlet"),
                encoding=data.get("encoding"),
                skip=tuple((int(s), int(e)) for s, e in data.get("skip", ())),
                notes=tuple(str(n) for n in data.get("notes", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not an extraction: {exc}") from None
        strings = (out.title, out.date, out.author, out.outlet, out.encoding)
        if (
            not isinstance(out.text, str)
            or out.kind not in get_args(Kind)
            or not all(v is None or isinstance(v, str) for v in strings)
        ):
            raise ValueError("not an extraction: wrong field types")
        return out


class Extractor(Protocol):
    """Turns the bytes of one format into ``Extracted``, or raises ``ExtractionError``."""

    kind: Kind
    suffixes: tuple[str, ...]  # lower case, with the dot
    cached: bool  # extraction costs more than reading: worth keeping by content hash

    def extract(self, data: bytes) -> Extracted: ...


# --- decoding text files -------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """``(text, encoding, notes)`` exactly as ``open(path, encoding=encoding).read()`` gives:
    UTF-8, else the best ``charset_normalizer`` guess (noted); universal newlines."""
    if b"\x00" in data[:8192]:
        raise ExtractionError("binary file")
    notes: tuple[str, ...] = ()
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        guess = _guess_encoding(data)
        if guess is None:
            raise ExtractionError("not UTF-8 and no other encoding fits") from None
        text, encoding = data.decode(guess), guess
        notes = (f"not UTF-8, decoded as {encoding}",)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # what open() gives
    if not text.strip():
        raise ExtractionError("empty file")
    return text, encoding, notes


def _guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    try:
        return codecs.lookup(best.encoding).name
    except LookupError:
        return None


def iso_date(value: object) -> str | None:
    """``yyyy-mm-dd`` from a date, a datetime or a string starting with an ISO date."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)", str(value or ""))
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def clean_field(value: object) -> str | None:
    """A metadata string on one line, or None when blank."""
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


# --- text and Markdown ---------------------------------------------------------------------


class TextExtractor:
    kind: Kind = "text"
    suffixes = (".txt",)
    cached = False

    def extract(self, data: bytes) -> Extracted:
        text, encoding, notes = decode_text(data)
        return Extracted(text, "text", encoding=encoding, notes=notes)


_FRONT_MATTER_RE = re.compile(
    r"\A\ufeff?---[ \t]*\n(?P<body>(?:.*\n){0,60}?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)"
)
_FIELD_RE = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*)")
_HEADING_RE = re.compile(r"^(?P<marks>#{1,6}[ \t]+)(?P<text>.*?)(?P<close>[ \t]+#+)?[ \t]*$", re.M)
_OUTLET_KEYS = ("outlet", "source", "publisher", "site_name", "sitename", "publication")


class MarkdownExtractor:
    """The raw file text; front matter and heading markers go into ``skip``, untouched."""

    kind: Kind = "markdown"
    suffixes = (".md", ".markdown")
    cached = False

    def extract(self, data: bytes) -> Extracted:
        text, encoding, notes = decode_text(data)
        meta: dict[str, str] = {}
        skip: list[Range] = []
        body = 0
        m = _FRONT_MATTER_RE.match(text)
        if m:
            meta = front_matter(m.group("body"))
            skip.append((0, m.end()))
            body = m.end()
        h1 = None
        for h in _HEADING_RE.finditer(text, body):
            skip.append((h.start(), h.start("text")))
            if h.group("close"):
                skip.append((h.start("close"), h.end("close")))
            if h1 is None and h.group("marks").strip() == "#":
                h1 = clean_field(h.group("text"))
        outlet = next((meta[k] for k in _OUTLET_KEYS if meta.get(k)), None)
        return Extracted(
            text,
            "markdown",
            title=clean_field(meta.get("title")) or h1,
            date=iso_date(meta.get("date") or meta.get("published")),
            author=clean_field(meta.get("author") or meta.get("authors")),
            outlet=clean_field(outlet),
            encoding=encoding,
            skip=tuple(skip),
            notes=notes,
        )


def front_matter(body: str) -> dict[str, str]:
    """Top-level ``key: value`` pairs of simple YAML front matter (lower-case keys). A list
    value (``[a, b]`` or ``- a`` lines under the key) becomes ``"a, b"``."""
    out: dict[str, str] = {}
    key = None
    for line in body.split("\n"):
        m = _FIELD_RE.fullmatch(line.rstrip())
        if m:
            key, value = m["key"].lower(), m["value"].strip()
            if value.startswith("[") and value.endswith("]"):
                value = ", ".join(_unquote(v) for v in value[1:-1].split(",") if v.strip())
            out[key] = _unquote(value)
        elif key and line.strip().startswith("- "):
            item = _unquote(line.strip()[2:])
            out[key] = f"{out[key]}, {item}" if out.get(key) else item
    return out


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


# --- library-backed formats (bot.ingest.documents, imported on first use) ------------------


@dataclass(frozen=True)
class DocumentExtractor:
    """A format whose bytes are not the text: read by ``bot.ingest.documents.<function>``
    (the library is imported on first use) and worth caching by content hash."""

    kind: Kind
    suffixes: tuple[str, ...]
    function: str
    cached: bool = True

    def extract(self, data: bytes) -> Extracted:
        from bot.ingest import documents

        extractor: Callable[[bytes], Extracted] = getattr(documents, self.function)
        return extractor(data)


# --- the registry --------------------------------------------------------------------------


def _by_suffix(*extractors: Extractor) -> dict[str, Extractor]:
    return {suffix: ex for ex in extractors for suffix in ex.suffixes}


#: One extractor per suffix.
EXTRACTORS: Mapping[str, Extractor] = _by_suffix(
    TextExtractor(),
    MarkdownExtractor(),
    DocumentExtractor("html", (".html", ".htm"), "extract_html"),
    DocumentExtractor("pdf", (".pdf",), "extract_pdf"),
    DocumentExtractor("docx", (".docx",), "extract_docx"),
)
#: The suffixes the scanner looks for (lower case; matching is case-insensitive).
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(EXTRACTORS)

_HINTS = {
    **dict.fromkeys((".doc", ".odt", ".rtf", ".pages", ".epub"), "save it as .docx, .pdf or .txt"),
    **dict.fromkeys((".xls", ".xlsx", ".ods", ".csv", ".tsv"), "a spreadsheet, not an article"),
    **dict.fromkeys(
        (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".tif", ".tiff", ".bmp", ".heic"),
        "an image has no text to cite",
    ),
}


def suffix_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def extractor_for(name: str) -> Extractor | None:
    return EXTRACTORS.get(suffix_of(name))


def unsupported_reason(name: str) -> str | None:
    """Why ``name`` is not read ("unsupported type .xlsx (…)"), or None if it is."""
    suffix = suffix_of(name)
    if suffix in EXTRACTORS:
        return None
    if not suffix:
        return "unsupported type (no file extension)"
    hint = _HINTS.get(suffix)
    return f"unsupported type {suffix}" + (f" ({hint})" if hint else "")


def extract(name: str, data: bytes) -> Extracted:
    """The article text and metadata of a file called ``name`` holding ``data``."""
    extractor = extractor_for(name)
    if extractor is None:
        raise ExtractionError(unsupported_reason(name) or "unsupported type")
    if not data or data.isspace():
        raise ExtractionError("empty file")
    return extractor.extract(data)
