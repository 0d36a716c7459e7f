"""ExtractionCache: each HTML/PDF/DOCX file is extracted once per content, not per read.

Entries are ``<sha256 of the file's bytes>.json`` in a directory the caller chooses (the
bot uses ``<data dir>/extracted``). An entry records the extractor kind and
``FORMATS_VERSION`` with either the ``Extracted`` result or the ``ExtractionError`` reason,
so a scanned PDF is not parsed again either. Writes are atomic (a temporary file renamed
into place); an entry that is unreadable, malformed, of another kind or of another
version is ignored and rebuilt; a read-only directory only costs re-extraction. Plain text
and Markdown are never cached: their text is the file.

It knows nothing of articles, Chroma or the index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bot.ingest.formats import (
    FORMATS_VERSION,
    Extracted,
    ExtractionError,
    extract,
    extractor_for,
)


class ExtractionCache:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0

    def extract(self, name: str, data: bytes, sha256: str | None = None) -> Extracted:
        """``formats.extract(name, data)``, read from the cache when already done."""
        extractor = extractor_for(name)
        if extractor is None or not extractor.cached:
            return extract(name, data)
        sha = sha256 or hashlib.sha256(data).hexdigest()
        found = self.get(sha, extractor.kind)
        if found is not None:
            self.hits += 1
            if isinstance(found, ExtractionError):
                raise found
            return found
        self.misses += 1
        try:
            result = extract(name, data)
        except ExtractionError as exc:
            self.put(sha, extractor.kind, exc)
            raise
        self.put(sha, extractor.kind, result)
        return result

    def path(self, sha256: str) -> Path:
        return self.directory / f"{sha256}.json"

    def get(self, sha256: str, kind: str) -> Extracted | ExtractionError | None:
        """The cached result for this content and kind, or None (missing or unusable)."""
        try:
            entry = json.loads(self.path(sha256).read_text(encoding="utf-8"))
            if entry["version"] != FORMATS_VERSION or entry["kind"] != kind:
                return None
            if "error" in entry:
                return ExtractionError(str(entry["error"]))
            result = Extracted.from_json(entry["extracted"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return result if result.kind == kind else None

    def put(self, sha256: str, kind: str, result: Extracted | ExtractionError) -> None:
        entry: dict[str, object] = {"version": FORMATS_VERSION, "kind": kind}
        if isinstance(result, ExtractionError):
            entry["error"] = result.reason
        else:
            entry["extracted"] = result.to_json()
        payload = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{sha256[:16]}-", suffix=".tmp", dir=self.directory)
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
            os.replace(tmp, self.path(sha256))
            tmp = None
        except OSError:
            pass  # a cache: a full or read-only disk only costs extracting again
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def prune(self, keep: Iterable[str]) -> int:
        """Delete entries whose hash is not in ``keep`` (files changed or gone); returns
        how many went. Leftover temporary files go too."""
        keep = set(keep)
        removed = 0
        with contextlib.suppress(OSError):
            for path in self.directory.iterdir():
                stale = path.name.endswith(".tmp") or (
                    path.suffix == ".json" and path.stem not in keep
                )
                if stale:
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed += path.suffix == ".json"
        return removed
