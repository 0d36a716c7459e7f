"""A real news folder: .txt, .md, .html, .pdf and .docx articles side by side, plus files
that are not articles. Every file is accounted for (indexed, or skipped once with its
reason), and answers cite exact spans of the text each format is read as: the raw file for
.txt/.md, the extracted text (``Bot.source_text``) for HTML/PDF/DOCX.

The HTML fixture is a full news page (nav, cookie banner, share buttons, newsletter box,
related stories, comments); the binary fixtures are made by
``tests/fixtures/formats/make_fixtures.py``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, run_cli
from test_formats import BOILERPLATE, DOCX, FIXTURES, HTML, MD, PDF, SCANNED, extract_file

from bot.ingest.cache import ExtractionCache
from bot.ingest.chunking import chunk_article
from bot.ingest.corpus import ArticleError, SourceFile, article_from_text, load_article, scan

#: A plain-text article as wire services file them: headline, dateline, quotes.
RIVERTON = """Riverton council votes to close the old bridge for repairs

RIVERTON — The city council voted 7-2 on Tuesday to close the Mill Street bridge for six months of repairs starting in May.

“We cannot keep patching it,” said Mayor Ana Ruiz, who proposed the closure.

The repairs will cost 4.2 million dollars, most of it from a state grant.
"""


def _quotable(article) -> list[str]:
    """The sentences an answer can quote: those of the article's chunks, in order."""
    seen = {s.start: s.text for c in chunk_article(article) for s in c.sentences}
    return [seen[k] for k in sorted(seen)]


def _source(path: Path, name: str | None = None) -> SourceFile:
    st = path.stat()
    return SourceFile(path, name or path.name, st.st_size, st.st_mtime_ns)


def test_headline_and_dateline_are_metadata_not_quotable_sentences(tmp_path: Path):
    path = tmp_path / "riverton.txt"
    path.write_text(RIVERTON, encoding="utf-8")
    article, _ = load_article(_source(path))
    texts = _quotable(article)
    assert article.title == "Riverton council votes to close the old bridge for repairs"
    assert texts[0].startswith("The city council voted 7-2 on Tuesday")
    assert not any("RIVERTON" in t or t == article.title for t in texts)
    assert "“We cannot keep patching it,” said Mayor Ana Ruiz, who proposed the closure." in texts
    for s in article.sentences:
        assert RIVERTON[s.start : s.end] == s.text  # offsets still index the raw file
    assert article.headline == (0, len(article.title))


def test_a_lead_sentence_without_a_full_stop_inside_quotes_is_not_cut():
    raw = "“The bridge will stay closed until the inspectors are satisfied,” she said.\n"
    article = article_from_text("q.txt", raw)
    assert _quotable(article) == [raw.strip()] and article.headline is None


def test_markdown_article_cites_the_raw_file_but_never_its_front_matter():
    article, warning = load_article(_source(MD))
    raw = MD.open(encoding="utf-8").read()
    assert warning is None and article.raw == raw and article.encoding == "utf-8"
    assert article.title == "Rail union and operator agree deal to end month-long strike"
    assert (article.date, article.outlet) == ("2025-03-14", "Northern Wire")
    texts = _quotable(article)
    assert article.title not in texts  # the headline is the title, not a sentence to quote
    assert any("6.5 per cent rise" in t for t in texts)
    front = raw[: raw.index("---\n", 4) + 4]
    for s in article.sentences:
        assert raw[s.start : s.end] == s.text and s.line == raw.count("\n", 0, s.start) + 1
        assert s.start >= len(front) and not s.text.startswith("#")
        assert "![" not in s.text and "](http" not in s.text  # image and link-only lines


def test_html_article_is_built_on_the_extracted_text(tmp_path: Path):
    cache = ExtractionCache(tmp_path)
    article, warning = load_article(_source(HTML), cache=cache)
    text = extract_file(HTML).text
    assert warning is None and article.raw == text
    assert article.sha256 == hashlib.sha256(HTML.read_bytes()).hexdigest()  # the file's bytes
    assert article.title == "Merrow council backs floating solar farm on Ashby reservoir"
    assert (article.date, article.outlet) == ("2025-06-12", "The Lakeside Courier")
    assert any("14 megawatts" in s.text for s in article.sentences)
    for s in article.sentences:
        assert text[s.start : s.end] == s.text
        assert not any(junk.lower() in s.text.lower() for junk in BOILERPLATE), s.text
    assert cache.misses == 1 and load_article(_source(HTML), cache=cache)[0].raw == text
    assert cache.hits == 1


def test_pdf_reasons_name_the_file():
    with pytest.raises(ArticleError) as err:
        load_article(_source(SCANNED))
    assert str(err.value) == "scanned-notice.pdf: skipped, no text layer (scanned PDF?)"
    assert (err.value.file, err.value.reason) == (
        "scanned-notice.pdf",
        "no text layer (scanned PDF?)",
    )
    article, _ = load_article(_source(PDF))
    assert article.title == "County library network extends opening hours"
    assert article.date == "2025-03-04"


def mixed_folder(root: Path) -> Path:
    seeds = root / "mixed"
    (seeds / "pages").mkdir(parents=True)
    for path in [MD, PDF, SCANNED, DOCX, FIXTURES / "chart.png", FIXTURES / "empty.html"]:
        shutil.copy(path, seeds / path.name)
    shutil.copy(HTML, seeds / "pages" / HTML.name)
    shutil.copy(SEEDS / "000_a0f9aa3273438d83.txt", seeds / "000.txt")
    (seeds / "riverton.txt").write_text(RIVERTON, encoding="utf-8")
    (seeds / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden: passed over silently
    return seeds


EXPECTED_SKIPS = {
    "chart.png": "unsupported type .png (an image has no text to cite)",
    "empty.html": "empty file",
    "scanned-notice.pdf": "no text layer (scanned PDF?)",
}
EXPECTED_INDEXED = {
    "000.txt",
    "riverton.txt",
    "rail-strike.md",
    "pages/floating-solar.html",
    "library-hours.pdf",
    "ferry-timetable.docx",
}


def test_scan_finds_every_supported_type_and_reports_the_rest(tmp_path: Path):
    files, warnings = scan(mixed_folder(tmp_path))
    assert {f.name for f in files} == EXPECTED_INDEXED | {"empty.html", "scanned-notice.pdf"}
    assert [(w.file, w.reason) for w in warnings] == [("chart.png", EXPECTED_SKIPS["chart.png"])]
    assert warnings == [f"chart.png: skipped, {EXPECTED_SKIPS['chart.png']}"]


@pytest.mark.slow
def test_a_mixed_folder_is_indexed_and_cited_end_to_end(make_bot, tmp_path: Path):
    seeds = mixed_folder(tmp_path)
    bot = make_bot(seeds)
    report = bot.index()

    # every file is accounted for, once: indexed, or skipped with its reason
    indexed = {a["file"] for a in bot.articles()}
    assert indexed == EXPECTED_INDEXED
    assert sorted(report.skipped_files) == sorted(EXPECTED_SKIPS.items())
    assert (report.added, report.skipped) == (len(EXPECTED_INDEXED), 3)
    on_disk = {p.relative_to(seeds).as_posix() for p in seeds.rglob("*") if p.is_file()}
    assert indexed | set(EXPECTED_SKIPS) == on_disk - {".DS_Store"}
    meta = {a["file"]: a for a in bot.articles()}
    assert meta["pages/floating-solar.html"]["date"] == "2025-06-12"
    assert meta["rail-strike.md"]["date"] == "2025-03-14"

    asked = {
        "How many megawatts will the floating solar farm on the Ashby reservoir generate?": (
            "pages/floating-solar.html",
            "14 megawatts",
        ),
        "How large is the grant that pays for the longer library opening hours?": (
            "library-hours.pdf",
            "310,000 pounds",
        ),
        "How long will the Mill Street bridge be closed for repairs?": (
            "riverton.txt",
            "six months",
        ),
    }
    for question, (file, fact) in asked.items():
        answer = bot.ask(question)
        assert not answer.refused and fact in answer.text, (question, answer.text)
        assert file in {c.file for c in answer.citations}
        for c in answer.citations:
            text, _ = bot.source_text(c.file)
            assert text[c.start : c.end] == c.quote  # the invariant, in the extracted text
            assert not re.search(r"<[a-z/!]|&[a-z]+;", c.quote)
            assert "RIVERTON" not in c.quote and c.quote != meta[c.file]["title"]
            for junk in BOILERPLATE:
                assert junk.lower() not in c.quote.lower(), junk
    html_text, _ = bot.source_text("pages/floating-solar.html")
    assert html_text == extract_file(HTML).text
    assert any(p.name.endswith(".json") for p in (tmp_path / "data" / "extracted").rglob("*"))

    # a second run reads nothing again and reports each bad file once more, once
    again = bot.index()
    assert (again.unchanged, again.added) == (len(EXPECTED_INDEXED), 0)
    assert sorted(again.skipped_files) == sorted(EXPECTED_SKIPS.items())

    # the CLI shows each skipped file with its reason
    result = run_cli("index", "--seeds", str(seeds), "--data", str(tmp_path / "data"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for file, reason in EXPECTED_SKIPS.items():
        assert result.stderr.count(f"warning: {file}: skipped, {reason}") == 1
    assert f"{len(EXPECTED_INDEXED)} unchanged, 3 skipped" in result.stdout
