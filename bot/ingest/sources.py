"""Source texts: a seeds file read exactly as citations index it, and citations re-checked.

``SourceTexts.text(file)`` returns ``(text, encoding)`` of a file under the seeds dir —
decoded, universal newlines, as the indexer read it; for HTML/PDF/DOCX the text extracted
from it, through the same ``ExtractionCache`` — or None when it is gone, unreadable
or outside the seeds dir; a small cache keyed by (file, size, mtime) avoids re-reading.
``SourceTexts.recheck(citations)`` keeps the citations whose quote is still the exact span
of the file on disk, with the file's current encoding. It reads files; it knows nothing of
the index.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot.ingest.cache import ExtractionCache
from bot.ingest.corpus import ArticleError, SourceFile, read_source
from bot.types import Citation

#: Decoded files kept in memory (the page re-opens the same few articles).
CACHED_FILES = 256


class SourceTexts:
    """Reads cited files under one seeds dir (see the module docstring). Thread-safe."""

    def __init__(
        self, seeds_dir: Path, max_file_bytes: int, cache: ExtractionCache | None = None
    ) -> None:
        self.seeds_dir, self.max_file_bytes, self._cache = Path(seeds_dir), max_file_bytes, cache
        self._lock = threading.Lock()
        self._texts: dict[tuple[str, int, int], tuple[str, str]] = {}

    def text(self, file: str) -> tuple[str, str] | None:
        """``(text, encoding)`` of a seeds file as citations index it; None if unreadable."""
        root = self.seeds_dir.resolve()
        path = (root / file).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        st = path.stat()
        key = (file, st.st_size, st.st_mtime_ns)
        with self._lock:
            if key in self._texts:
                return self._texts[key]
        try:
            text, encoding, _, _ = read_source(
                SourceFile(path, file, st.st_size, st.st_mtime_ns),
                self.max_file_bytes,
                self._cache,
            )
        except ArticleError:
            return None
        with self._lock:
            if len(self._texts) > CACHED_FILES:
                self._texts.clear()
            self._texts[key] = (text, encoding)
        return text, encoding

    def recheck(self, citations: Sequence[Citation]) -> list[Citation]:
        """The citations whose quote is still ``text[start:end]`` of their file."""
        kept = []
        for c in citations:
            got = self.text(c.file)
            if got is not None and got[0][c.start : c.end] == c.quote:
                kept.append(replace(c, encoding=got[1]))
        return kept

    def forget(self) -> None:
        """Drop cached texts (after re-indexing)."""
        with self._lock:
            self._texts.clear()
