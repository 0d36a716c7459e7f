"""The formats whose bytes are not the text: HTML, PDF and DOCX, each through its library.

* HTML: trafilatura finds the main article text (no navigation, comments, share buttons,
  cookie notices or tables) and the page's title, date, author and site name (meta tags,
  JSON-LD). Its paragraphs, headings, quotes and list items become plain-text blocks
  separated by blank lines, so the sentence splitter sees paragraphs. No HTML survives.
* PDF: pypdf's text layer, page by page. Hard-wrapped lines are joined back into
  paragraphs (a line clearly shorter than the page's longest ends its paragraph); pages
  are separated by blank lines. A PDF without any text layer (a scan) is an error.
* DOCX: python-docx's body paragraphs, blank-line separated (tables are not read).

Each returns ``Extracted`` with ``text`` being this extracted text: what citations index.
The libraries are imported here only, and this module is imported on first use.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from bot.ingest.formats import Extracted, ExtractionError, clean_field, iso_date

if TYPE_CHECKING:
    from lxml.etree import _Element
    from pypdf import DocumentInformation, PdfReader

_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\xad": ""}
)


def _has_text(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


# --- HTML ----------------------------------------------------------------------------------

_SKIP_TAGS = {"table", "graphic", "ref"}  # tables only when they are the article: not here
_BLOCK_TAGS = {"p", "head", "list", "quote", "code", "div", "table"}
_MIN_PARAGRAPH_WORDS = 8  # a page whose longest block is shorter holds no article


def extract_html(data: bytes) -> Extracted:
    import trafilatura

    doc = trafilatura.bare_extraction(
        data,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
        # the page's own date (meta tags, JSON-LD, <time>, URL), the published one rather
        # than the updated one; no guessing from free text such as a "© 2025" footer
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "max_date": dt.date.today().isoformat(),
        },
    )
    body = getattr(doc, "body", None)
    blocks = list(_blocks(body)) if body is not None else []
    if not any(len(block.split()) >= _MIN_PARAGRAPH_WORDS for block in blocks):
        raise ExtractionError("no article text found in the HTML")  # at most a menu or a title
    text = "\n\n".join(blocks)
    return Extracted(
        text,
        "html",
        title=clean_field(doc.title),
        date=iso_date(doc.date),
        author=clean_field(doc.author),
        outlet=clean_field(doc.sitename) or clean_field(doc.hostname),
    )


def _blocks(element: _Element) -> Iterator[str]:
    """Plain-text blocks of trafilatura's output tree (p, head, list, quote, code)."""
    for child in element:
        tag = child.tag
        if tag in _SKIP_TAGS:
            continue
        if tag == "list":
            items = [_inline(item) for item in child if item.tag == "item"]
            block = "\n".join(f"- {item}" for item in items if item)
        elif any(grandchild.tag in _BLOCK_TAGS for grandchild in child):
            yield from _blocks(child)
            continue
        else:
            block = _inline(child)
        if _has_text(block):
            yield block


def _inline(element: _Element) -> str:
    """The text of one block: ``<lb/>`` is a line break, other whitespace is one space."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _inline(child))
        parts.append(child.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- PDF -----------------------------------------------------------------------------------


def extract_pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _decrypt(reader):
            raise ExtractionError("encrypted PDF (needs a password)")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise ExtractionError(f"not a readable PDF ({type(exc).__name__})") from None
    texts = [reflow(page.translate(_LIGATURES)) for page in pages]
    if not any(_has_text(t) for t in texts):
        raise ExtractionError("no text layer (scanned PDF?)")
    notes: tuple[str, ...] = ()
    blank = [str(k) for k, t in enumerate(texts, start=1) if not _has_text(t)]
    if blank:
        notes = (f"page{'s' * (len(blank) > 1)} {', '.join(blank)} of {len(texts)} "
                 "have no text layer (scanned?) and are not indexed",)  # fmt: skip
    return Extracted(
        "\n\n".join(t for t in texts if _has_text(t)),
        "pdf",
        title=_useful_title(_meta(meta, lambda m: m.title)),
        date=iso_date(_meta(meta, lambda m: m.creation_date)),
        author=clean_field(_meta(meta, lambda m: m.author)),
        notes=notes,
    )


def _decrypt(reader: PdfReader) -> bool:
    """Open a PDF encrypted with an empty user password (common: "no copying" flags only)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # unsupported algorithm, missing crypto dependency
        return False


def _meta(meta: DocumentInformation | None, get: Callable[[DocumentInformation], object]) -> object:
    """One /Info field; pypdf raises on malformed values (dates especially)."""
    if meta is None:
        return None
    try:
        return get(meta)
    except Exception:
        return None


def _useful_title(value: object) -> str | None:
    """A PDF /Title, unless it is a file name or a placeholder ("Microsoft Word - x.docx")."""
    title = clean_field(value)
    if title is None:
        return None
    lower = title.lower()
    if lower in {"untitled", "title", "document"} or lower.startswith("microsoft word - "):
        return None
    if "." in lower and lower.rsplit(".", 1)[1] in {"doc", "docx", "pdf", "indd", "tex", "txt"}:
        return None
    return title


def reflow(page: str, short: float = 0.75) -> str:
    """Join a page's hard-wrapped lines into paragraphs separated by blank lines.

    A line ends its paragraph when it is blank-followed or clearly shorter than the page's
    longest line (the last line of a paragraph, a heading, a dateline). A line ending in a
    hyphen before a lower-case letter is joined without a space.
    """
    lines = [" ".join(line.split()) for line in page.replace("\r\n", "\n").split("\n")]
    widest = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    for line in [*lines, ""]:
        if line:
            glue = "" if not current or (current.endswith("-") and line[:1].islower()) else " "
            current += glue + line
        if current and (not line or len(line) < short * widest):
            paragraphs.append(current)
            current = ""
    return "\n\n".join(paragraphs)


# --- DOCX ----------------------------------------------------------------------------------


def extract_docx(data: bytes) -> Extracted:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [" ".join(p.text.split()) for p in document.paragraphs]
        props = document.core_properties
        title, author, created = props.title, props.author, props.created
    except Exception as exc:  # not a zip, not Word's XML, missing parts
        raise ExtractionError(f"not a readable .docx ({type(exc).__name__})") from None
    text = "\n\n".join(p for p in paragraphs if _has_text(p))
    if not text:
        raise ExtractionError("no text in the document")
    return Extracted(
        text,
        "docx",
        title=clean_field(title),
        date=iso_date(created),
        author=clean_field(author),
    )
