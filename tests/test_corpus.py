"""Loading articles: metadata from the real seeds, bad files skipped with one-line warnings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SEEDS

from bot.errors import InputError
from bot.ingest.corpus import ArticleError, article_from_text, load_article, read_source, scan


def load(path: Path):
    files, _ = scan(path.parent)
    src = next(f for f in files if f.name == path.name)
    return load_article(src)


def test_seed_metadata():
    by_name = {f.name: load_article(f)[0] for f in scan(SEEDS)[0]}
    assert len(by_name) == 5
    assert by_name["000_a0f9aa3273438d83.txt"].date == "2025-02-11"  # " date …" header
    assert by_name["002_a3b9d148d5404355.txt"].date == "2024-10-15"  # "15 October, 2024" dateline
    assert by_name["003_9c917ec44682070a.txt"].date == "2025-03-27"  # not the photo caption's date
    assert by_name["004_c7e5022738f6770f.txt"].date == "2025-01-09"
    assert by_name["001_d0fa11202cbcfd51.txt"].date is None  # the file states no date
    assert by_name["004_c7e5022738f6770f.txt"].title.startswith(
        "North Korea gains combat experience"
    )
    assert by_name["002_a3b9d148d5404355.txt"].title.startswith("Why would North Korea send")
    assert by_name["001_d0fa11202cbcfd51.txt"].outlet == "Business Insider"


def test_sentences_are_exact_raw_slices_with_lines():
    for src in scan(SEEDS)[0]:
        article, _ = load_article(src)
        raw = src.path.open(encoding="utf-8").read()
        for s in article.sentences:
            assert raw[s.start : s.end] == s.text
            assert s.line == raw.count("\n", 0, s.start) + 1


def test_empty_binary_and_oversized_files_are_skipped(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("  \n\n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01junk")
    (tmp_path / "big.txt").write_text("word " * 1000)
    files = {f.name: f for f in scan(tmp_path)[0]}
    with pytest.raises(ArticleError, match=r"empty\.txt: skipped, empty"):
        read_source(files["empty.txt"])
    with pytest.raises(ArticleError, match=r"binary\.txt: skipped, binary"):
        read_source(files["binary.txt"])
    with pytest.raises(ArticleError, match=r"big\.txt: skipped, .* over the 100 limit"):
        read_source(files["big.txt"], max_bytes=100)


def test_non_utf8_is_decoded_with_a_warning(tmp_path: Path):
    text = (
        "Парламент одобрил бюджет моста в размере 120 миллионов рублей. Голосование прошло в среду."
    )
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    article, warning = load(path)
    assert warning is not None and "ru.txt: not UTF-8, decoded as" in warning
    assert "бюджет моста" in article.body
    reread = path.open(encoding=article.encoding).read()
    for s in article.sentences:
        assert reread[s.start : s.end] == s.text


def test_windows_line_endings_keep_offsets_and_lines_exact(tmp_path: Path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(
        b"Title of the story here\r\n\r\nFirst sentence. Second one.\r\nThird line here.\r\n"
    )
    article, _ = load(path)
    raw = path.open(encoding="utf-8").read()  # universal newlines, as citations promise
    assert [s.text for s in article.sentences][-1] == "Third line here."
    for s in article.sentences:
        assert raw[s.start : s.end] == s.text and s.line == raw.count("\n", 0, s.start) + 1
    assert article.sentences[-1].line == 4


def test_symlink_outside_the_seeds_dir_is_not_followed(tmp_path: Path):
    outside = tmp_path / "secret.txt"
    outside.write_text("A private sentence that must never be indexed.")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("An ordinary article sentence.")
    os.symlink(outside, seeds / "link.txt")
    os.symlink(seeds / "a.txt", seeds / "inside-link.txt")
    files, warnings = scan(seeds)
    assert {f.name for f in files} == {"a.txt", "inside-link.txt"}
    assert warnings == ["link.txt: skipped, symlink points outside the seeds dir"]


def test_subdirectories_and_hidden_files(tmp_path: Path):
    (tmp_path / "2019").mkdir()
    (tmp_path / "2019" / "story.txt").write_text("Nested article text.")
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    (tmp_path / "notes.md").write_text("An article in Markdown.")
    (tmp_path / "budget.xlsx").write_bytes(b"PK\x03\x04")
    files, warnings = scan(tmp_path)
    assert [f.name for f in files] == ["2019/story.txt", "notes.md"]
    assert warnings == [
        "budget.xlsx: skipped, unsupported type .xlsx (a spreadsheet, not an article)"
    ]


def test_missing_seeds_dir_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="seeds dir not found"):
        scan(tmp_path / "nope")


def test_article_that_is_all_boilerplate_is_rejected():
    with pytest.raises(ArticleError, match="no article text left"):
        article_from_text("x.txt", "Skip to content\nSource link\n")
