"""Codec: a ``Chunk`` as a Chroma record (id, document, flat metadata) and back.

Chroma metadata must be flat (str, int, float, bool or lists of them; no ``None``), so a
chunk's sentences travel as three parallel lists of offsets and lines, and its text as the
document (sentences joined by one space). ``chunk_from_record`` rebuilds exactly the chunk
``chunk_metadata`` described. Pure data conversion: no Chroma calls here.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.ingest.chunking import Chunk
from bot.ingest.corpus import Sentence

Metadata = dict[str, str | int | list[int]]


def chunk_metadata(chunk: Chunk) -> Metadata:
    """Flat metadata for Chroma (no ``None`` values, no empty lists)."""
    meta: Metadata = {
        "file": chunk.file,
        "title": chunk.title,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "line_start": chunk.line_start,
        "line_end": chunk.line_end,
        "hash": chunk.hash,
        "sent_starts": [s.start for s in chunk.sentences],
        "sent_ends": [s.end for s in chunk.sentences],
        "sent_lines": [s.line for s in chunk.sentences],
    }
    if chunk.date:
        meta["date"] = chunk.date
    if chunk.outlet:
        meta["outlet"] = chunk.outlet
    return meta


def chunk_from_record(chunk_id: str, document: str, meta: Mapping[str, object]) -> Chunk:
    """Rebuild a chunk from what ``chunk_metadata`` and ``chunk.text`` stored."""
    starts, ends, lines = meta["sent_starts"], meta["sent_ends"], meta["sent_lines"]
    sentences, pos = [], 0
    for s, e, line in zip(starts, ends, lines):  # type: ignore[call-overload]
        n = int(e) - int(s)
        sentences.append(Sentence(int(s), int(e), int(line), document[pos : pos + n]))
        pos += n + 1
    return Chunk(
        id=chunk_id,
        file=str(meta["file"]),
        title=str(meta.get("title", "")),
        date=str(meta["date"]) if meta.get("date") else None,
        outlet=str(meta["outlet"]) if meta.get("outlet") else None,
        position=int(meta.get("position", 0)),  # type: ignore[call-overload]
        sentences=tuple(sentences),
    )
