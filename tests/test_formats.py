"""Formats: bytes of .txt/.md/.html/.pdf/.docx files to article text (bot.ingest), the
extraction cache, and the bot citing into the extracted text end to end.

The fixtures in tests/fixtures/formats/ are realistic files: a news page full of
boilerplate, a Markdown article with front matter, a PDF with a text layer and a scanned
one (both made by make_fixtures.py there), a Word document, an image, an empty page.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

import bot.ingest.documents as documents
from bot.ingest.cache import ExtractionCache
from bot.ingest.formats import (
    FORMATS_VERSION,
    SUPPORTED_SUFFIXES,
    Extracted,
    ExtractionError,
    extract,
    front_matter,
    unsupported_reason,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
HTML = FIXTURES / "floating-solar.html"
MD = FIXTURES / "rail-strike.md"
PDF = FIXTURES / "library-hours.pdf"
SCANNED = FIXTURES / "scanned-notice.pdf"
DOCX = FIXTURES / "ferry-timetable.docx"

#: Page furniture of floating-solar.html that must never become article text.
BOILERPLATE = [
    "cookie",
    "Share on",
    "Copy link",
    "Subscribe",
    "newsletter",
    "Morning Briefing",
    "Related stories",
    "Wind turbine plan",
    "lakesider77",
    "About time the council",
    "All rights reserved",
    "Skip to main content",
    "Search the Courier",
    "dataLayer",
    "Tracking pixel",
    "artist’s impression",
    "Tags:",
]


def extract_file(path: Path) -> Extracted:
    return extract(path.name, path.read_bytes())


# --- the registry --------------------------------------------------------------------------


def test_supported_suffixes_and_reasons_for_the_rest():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
    for name in ["a.txt", "b/c.MD", "page.HTM", "x.Pdf", "memo.docx"]:
        assert unsupported_reason(name) is None, name
    assert (
        unsupported_reason("budget.xlsx")
        == "unsupported type .xlsx (a spreadsheet, not an article)"
    )
    assert unsupported_reason("scan.JPG") == "unsupported type .jpg (an image has no text to cite)"
    assert unsupported_reason("old.doc") == "unsupported type .doc (save it as .docx, .pdf or .txt)"
    assert unsupported_reason("notes.log") == "unsupported type .log"
    assert unsupported_reason("README") == "unsupported type (no file extension)"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("chart.png", (FIXTURES / "chart.png").read_bytes(), "unsupported type .png"),
        ("empty.html", (FIXTURES / "empty.html").read_bytes(), "empty file"),
        ("blank.md", b" \n\t\r\n", "empty file"),
        ("scanned-notice.pdf", SCANNED.read_bytes(), "no text layer (scanned PDF?)"),
        (
            "menu.html",
            b"<html><body><nav><ul><li><a href='/'>Home</a></li><li>News</li></ul></nav></body></html>",
            "no article text found in the HTML",
        ),
        (
            "title-only.html",
            b"<html><head><title>Just a title</title></head><body></body></html>",
            "no article text found in the HTML",
        ),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a PDF\n", "not a readable PDF"),
        ("broken.docx", b"PK\x03\x04 not a zip after all", "not a readable .docx"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_files_without_article_text_raise_a_one_line_reason(name, data, reason):
    with pytest.raises(ExtractionError) as err:
        extract(name, data)
    assert err.value.reason.startswith(reason)
    assert "\n" not in err.value.reason and name not in err.value.reason


# --- text and Markdown: the text is the file ---------------------------------------------


def test_txt_is_decoded_as_open_reads_it(tmp_path: Path):
    path = tmp_path / "ru.txt"
    path.write_bytes(
        "Мост откроют в среду.\r\nГолосование прошло в понедельник.\r\n".encode("cp1251")
    )
    got = extract_file(path)
    assert got.kind == "text" and got.is_raw and got.skip == ()
    assert got.text == path.open(encoding=got.encoding).read()
    assert got.notes == (f"not UTF-8, decoded as {got.encoding}",)


def test_markdown_text_is_the_raw_file_and_front_matter_is_metadata():
    got = extract_file(MD)
    raw = MD.open(encoding="utf-8").read()
    assert got.kind == "markdown" and got.is_raw and got.text == raw
    assert got.title == "Rail union and operator agree deal to end month-long strike"
    assert (got.date, got.author, got.outlet) == ("2025-03-14", "Daniel Okafor", "Northern Wire")
    front, *marks = got.skip
    assert front == (0, raw.index("---\n", 4) + 4)  # the whole block, closing line included
    assert [raw[s:e] for s, e in marks] == ["# ", "## "]


def test_markdown_title_from_the_first_heading_without_front_matter():
    got = extract("n.markdown", b"Intro line.\n\n# Floods close the Ness road #\n\nText here.\n")
    assert got.title == "Floods close the Ness road" and got.date is None
    assert [got.text[s:e] for s, e in got.skip] == ["# ", " #"]


def test_front_matter_fields():
    fields = front_matter(
        "title: 'A \"quoted\" title'\nDate: 2024-05-06T10:00:00Z\nauthors:\n  - Ann Lee\n"
        "  - Bo Chen\ntags: [a, b]\n"
    )
    assert fields == {
        "title": 'A "quoted" title',
        "date": "2024-05-06T10:00:00Z",
        "authors": "Ann Lee, Bo Chen",
        "tags": "a, b",
    }


# --- HTML: main text and page metadata, never markup --------------------------------------


def test_html_gives_the_article_text_without_boilerplate_or_markup():
    got = extract_file(HTML)
    assert got.kind == "html" and not got.is_raw and got.encoding is None
    assert got.title == "Merrow council backs floating solar farm on Ashby reservoir"
    assert got.date == "2025-06-12"  # datePublished, not dateModified
    assert (got.author, got.outlet) == ("Priya Nandakumar", "The Lakeside Courier")
    text = got.text
    assert text.startswith("Merrow Borough Council has approved plans for a floating solar farm")
    assert "expected to generate 14 megawatts at peak" in text
    assert text.rstrip().endswith("keeps the northern third of the reservoir open for racing.")
    assert "the company’s head of renewable energy" in text  # entities decoded
    assert "£23.5 million" in text
    assert "\n\nConstruction to start next spring\n\n" in text  # a heading is its own block
    assert not re.search(r"<[a-z/!]|&[a-z]+;|&#", text)
    for junk in BOILERPLATE:
        assert junk.lower() not in text.lower(), junk
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 10 and all("\n" not in p for p in paragraphs)


def test_html_metadata_from_json_ld_and_line_breaks():
    page = b"""<html><head><title>Dam inspection finds cracks - Valley Post</title>
    <script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
    "headline":"Dam inspection finds cracks in spillway","datePublished":"2024-11-02T10:00:00Z",
    "author":[{"@type":"Person","name":"Ines Duarte"}],
    "publisher":{"@type":"Organization","name":"Valley Post"}}</script></head>
    <body><article><h1>Dam inspection finds cracks in spillway</h1>
    <p>Engineers inspecting the Corran dam found three cracks in the concrete spillway, the
    regional water authority said on Saturday.<br>The reservoir will be lowered by two metres.</p>
    <ul><li>Repairs will take most of the winter, the authority said in its statement.</li>
    <li>No homes downstream are in immediate danger, according to the engineers.</li></ul>
    </article><footer>&copy; 2026 Valley Post</footer></body></html>"""
    got = extract("dam.htm", page)
    assert (got.date, got.author, got.outlet) == ("2024-11-02", "Ines Duarte", "Valley Post")
    assert got.title.startswith("Dam inspection finds cracks")
    assert "regional water authority said on Saturday.\nThe reservoir will be lowered" in got.text
    assert "- Repairs will take most of the winter" in got.text
    assert "\n- No homes downstream" in got.text


# --- PDF and DOCX --------------------------------------------------------------------------


def test_pdf_text_layer_pages_and_metadata():
    got = extract_file(PDF)
    assert got.kind == "pdf" and got.notes == ()
    assert got.title == "County library network extends opening hours"
    assert (got.date, got.author) == ("2025-03-04", "Wendham County Council")
    paragraphs = got.text.split("\n\n")
    assert paragraphs[:2] == [
        "County library network extends opening hours",
        "Press release, 4 March 2025",
    ]
    # hard-wrapped lines are one paragraph again; the page break is a paragraph break
    assert (
        "All eleven branches of the Wendham County library network will open until 8 pm on "
        "weekdays from the first of April, the county council announced on Tuesday."
    ) in paragraphs
    assert paragraphs[-1].startswith(
        "Sunday opening will be tried at the three largest branches, in Wendham, Castle Arden"
    )


def test_pdf_with_some_scanned_pages_says_which():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(io.BytesIO(PDF.read_bytes()))
    writer.append(io.BytesIO(SCANNED.read_bytes()))
    out = io.BytesIO()
    writer.write(out)
    got = extract("mixed.pdf", out.getvalue())
    assert "Visitor numbers rose by 18 per cent" in got.text
    assert got.notes == ("page 3 of 3 have no text layer (scanned?) and are not indexed",)


def test_reflow_joins_wrapped_lines_and_keeps_short_ones_apart():
    page = (
        "Heading of the page\n"
        "A first line that is about as long as any line on this page gets, well-\n"
        "known words continue here and the line is long enough to be joined on\n"
        "to the end.\n"
        "\n"
        "Another paragraph after a blank line that is also quite long indeed ok\n"
    )
    assert documents.reflow(page).split("\n\n") == [
        "Heading of the page",
        "A first line that is about as long as any line on this page gets, well-known words "
        "continue here and the line is long enough to be joined on to the end.",
        "Another paragraph after a blank line that is also quite long indeed ok",
    ]


def test_docx_paragraphs_and_core_properties():
    got = extract_file(DOCX)
    assert got.kind == "docx"
    assert (got.title, got.date, got.author) == (
        "Island ferry adds a late sailing for the summer",
        "2025-05-19",
        "Skerray Ferries",
    )
    assert got.text.split("\n\n")[1].startswith(
        "The Skerray ferry will run an extra sailing at 10.15 pm"
    )


def test_binary_fixtures_are_reproducible(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in module.FIXTURES:
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name
        assert (FIXTURES / name).stat().st_size < 20_000


# --- the extraction cache ------------------------------------------------------------------


@pytest.fixture()
def counted(monkeypatch):
    """Counts the real HTML and PDF extractions behind the cache."""
    calls = {"html": 0, "pdf": 0}

    def counting(kind, real):
        def run(data: bytes) -> Extracted:
            calls[kind] += 1
            return real(data)

        return run

    monkeypatch.setattr(documents, "extract_html", counting("html", documents.extract_html))
    monkeypatch.setattr(documents, "extract_pdf", counting("pdf", documents.extract_pdf))
    return calls


def test_cache_extracts_each_content_once(tmp_path: Path, counted):
    cache = ExtractionCache(tmp_path / "extracted")
    data = HTML.read_bytes()
    first = cache.extract("a/floating-solar.html", data)
    again = ExtractionCache(tmp_path / "extracted").extract("copy.htm", data)  # a new process
    assert first == again == extract_file(HTML)
    assert counted["html"] == 2  # the cached pair, plus the uncached reference call
    sha = hashlib.sha256(data).hexdigest()
    assert [p.name for p in (tmp_path / "extracted").iterdir()] == [f"{sha}.json"]
    entry = json.loads((tmp_path / "extracted" / f"{sha}.json").read_text())
    assert entry["version"] == FORMATS_VERSION and entry["kind"] == "html"


def test_cache_remembers_failures_too(tmp_path: Path, counted):
    cache = ExtractionCache(tmp_path)
    for _ in range(3):
        with pytest.raises(ExtractionError, match=r"no text layer \(scanned PDF\?\)"):
            cache.extract("scan.pdf", SCANNED.read_bytes())
    assert counted["pdf"] == 1 and (cache.hits, cache.misses) == (2, 1)


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b'{"version": "f1", "kind": "html"}',
        b'{"version": "f1", "kind": "html", "extracted": {"text": 5, "kind": "html"}}',
        b'{"version": "f1", "kind": "html", "extracted": {"text": "x", "kind": "html", "skip": [[1]]}}',
        b'{"version": "f0", "kind": "html", "extracted": {"text": "stale", "kind": "html"}}',
        b'{"version": "f1", "kind": "pdf", "extracted": {"text": "other kind", "kind": "pdf"}}',
        b"\xff\xfe garbage",
        b"[]",
    ],
)
def test_a_damaged_or_stale_entry_is_ignored_and_rebuilt(tmp_path: Path, counted, damage):
    cache = ExtractionCache(tmp_path)
    data = HTML.read_bytes()
    entry = cache.path(hashlib.sha256(data).hexdigest())
    entry.write_bytes(damage)
    got = cache.extract("floating-solar.html", data)
    assert "14 megawatts" in got.text and counted["html"] == 1
    assert json.loads(entry.read_text())["extracted"]["text"] == got.text  # rebuilt in place
    assert cache.extract("floating-solar.html", data) == got and counted["html"] == 1


def test_text_formats_are_not_cached_and_an_unwritable_cache_still_extracts(
    tmp_path: Path, counted
):
    cache = ExtractionCache(tmp_path / "c")
    assert cache.extract("rail-strike.md", MD.read_bytes()).text == MD.read_text()
    assert not (tmp_path / "c").exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # the cache dir cannot be created: extraction still works
    cache = ExtractionCache(blocked / "extracted")
    assert "14 megawatts" in cache.extract("x.html", HTML.read_bytes()).text
    assert "14 megawatts" in cache.extract("x.html", HTML.read_bytes()).text
    assert counted["html"] == 2 and cache.hits == 0


def test_prune_keeps_only_the_given_hashes(tmp_path: Path):
    cache = ExtractionCache(tmp_path)
    keep = hashlib.sha256(PDF.read_bytes()).hexdigest()
    cache.extract("a.pdf", PDF.read_bytes())
    cache.extract("b.html", HTML.read_bytes())
    (tmp_path / ".0123-abc.tmp").write_text("half-written")
    assert cache.prune({keep}) == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"{keep}.json"]
