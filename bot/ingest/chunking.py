"""Chunking: group an article's sentences into overlapping, sentence-aligned chunks.

A ``Chunk`` is a run of consecutive sentences of one article with everything a citation
needs: file, title, date, raw ``start``/``end`` offsets, line range, and each sentence's own
span. ``search_text`` (title + date + text) is what gets embedded and BM25-indexed, and
``hash`` fingerprints it so unchanged chunks keep their vectors. How a chunk is stored is
``bot.index.codec``'s business: no storage or embedding happens here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.ingest.corpus import Article, Sentence
from bot.types import Citation

#: Bump when cleaning, sentence splitting or chunking changes: every file is re-chunked.
CHUNKER_VERSION = "c6"
TARGET_CHARS = 700
OVERLAP_SENTENCES = 1


@dataclass(frozen=True)
class Chunk:
    id: str
    file: str
    title: str
    date: str | None
    outlet: str | None
    position: int
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end

    @property
    def line_start(self) -> int:
        return self.sentences[0].line

    @property
    def line_end(self) -> int:
        last = self.sentences[-1]
        return last.line + last.text.count("\n")

    @property
    def search_text(self) -> str:
        """Title, date and text: the chunk's context travels with it into both indexes."""
        head = self.title if not self.text.startswith(self.title) else ""
        if self.date:
            head = f"{head} ({self.date})" if head else f"({self.date})"
        return f"{head}\n{self.text}" if head else self.text

    @property
    def hash(self) -> str:
        return hashlib.sha1(self.search_text.encode("utf-8")).hexdigest()

    def cite(self, sentence: Sentence, n: int) -> Citation:
        """Citation ``[n]`` of one of this chunk's sentences: its exact raw span."""
        return Citation(
            n=n,
            file=self.file,
            quote=sentence.text,
            start=sentence.start,
            end=sentence.end,
            line=sentence.line,
            title=self.title,
            date=self.date,
        )


def chunk_id(file: str, position: int) -> str:
    return f"{file}#{position}"


def file_of(chunk_id: str) -> str:
    """The file a chunk id belongs to (the inverse of ``chunk_id``)."""
    return chunk_id.rpartition("#")[0]


def chunk_article(
    article: Article, target_chars: int = TARGET_CHARS, overlap: int = OVERLAP_SENTENCES
) -> list[Chunk]:
    """Greedy sentence packing up to ``target_chars``; each chunk repeats ``overlap``
    sentences; the headline is left out of the chunks' sentences."""
    if target_chars < 1 or overlap < 0:
        raise ValueError("target_chars must be positive and overlap non-negative")
    sentences = article.sentences
    groups: list[tuple[Sentence, ...]] = []
    i = 0
    while i < len(sentences):
        j, size = i, 0
        while j < len(sentences) and (j == i or size + len(sentences[j].text) <= target_chars):
            size += len(sentences[j].text) + 1
            j += 1
        groups.append(tuple(sentences[i:j]))
        if j >= len(sentences):
            break
        i = max(j - overlap, i + 1)
    # the headline shapes the groups like any line, but is not one of a chunk's sentences:
    # never quoted, and it travels in ``search_text`` as the title
    quotable = [g for g in (tuple(s for s in g if not article.is_headline(s)) for g in groups) if g]
    return [
        Chunk(
            chunk_id(article.file, k),
            article.file,
            article.title,
            article.date,
            article.outlet,
            k,
            g,
        )
        for k, g in enumerate(quotable)
    ]
