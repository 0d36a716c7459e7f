"""BM25: the lexical half of hybrid retrieval, in process (local Chroma has no sparse index).

``Bm25Index`` is built from documents' text with the shared tokenizer (``bot.text.terms``),
scores a query over every document with ``bm25s``'s sparse matrix, and knows each term's
document frequency (the extractive answerer weighs question terms by it).

It keeps every document's token ids, grouped by file with each file's version, so
``updated`` can follow an index change by tokenizing only the files that changed (at 100k
chunks a full rebuild is ~20 s, mostly reading every chunk back out of the store; one
changed file costs the ``bm25s`` re-index alone). It saves to and loads from a directory so
a cold start does not rebuild it; the caller decides when it is stale and supplies the
documents. It knows nothing of Chroma.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from bot.text.terms import terms

_FORMAT = 3


class Bm25Doc(NamedTuple):
    id: str
    file: str  # documents are replaced a file at a time
    text: str


Fetch = Callable[[Sequence[str]], Iterable[Bm25Doc]]


class Bm25Index:
    """An immutable BM25 index: ``updated`` returns a new one, so readers never see a
    half-updated index."""

    def __init__(
        self,
        ids: Sequence[str],
        files: Sequence[tuple[str, int, int]],
        offsets: np.ndarray,
        tokens: np.ndarray,
        vocab: Sequence[str],
        versions: Mapping[str, str],
        model: object | None = None,
        df: np.ndarray | None = None,
    ) -> None:
        self.ids = list(ids)
        self.versions = dict(versions)  # file -> the version its documents came from
        self._files = {f: (a, b) for f, a, b in files}  # file -> its documents ids[a:b]
        self._offsets, self._tokens, self._vocab = offsets, tokens, list(vocab)
        self._dfs = _document_frequencies(offsets, tokens, len(self._vocab)) if df is None else df
        self._df = {term: int(n) for term, n in zip(self._vocab, self._dfs.tolist()) if n}
        self._model = model if model is not None or not self.ids else self._fit()

    # --- building --------------------------------------------------------------------------

    @classmethod
    def build(cls, docs: Iterable[Bm25Doc], versions: Mapping[str, str] | None = None) -> Bm25Index:
        """Index ``docs``; ``versions`` (file -> version) lets ``updated`` skip unchanged files."""
        return cls._assemble(_empty(), [], docs, versions or {})

    def updated(self, versions: Mapping[str, str], fetch: Fetch) -> Bm25Index:
        """This index brought in line with ``versions`` (file -> version, every file that
        should be indexed): files at the same version keep their tokens, changed and new
        ones are fetched (``fetch(files)``) and tokenized, unlisted ones are dropped."""
        stale = sorted(f for f, v in versions.items() if self.versions.get(f) != v)
        if not stale and set(self.versions) == set(versions):
            return self
        changed = set(stale)
        keep = [f for f in self._files if f in versions and f not in changed]
        return self._assemble(self, keep, fetch(stale) if stale else [], versions)

    @classmethod
    def _assemble(
        cls,
        base: Bm25Index,
        keep: Sequence[str],
        docs: Iterable[Bm25Doc],
        versions: Mapping[str, str],
    ) -> Bm25Index:
        """``base``'s documents of the ``keep`` files, then ``docs``; vocabulary compacted."""
        vocab = {term: i for i, term in enumerate(base._vocab)}
        ids: list[str] = []
        lengths: list[np.ndarray] = []
        parts: list[np.ndarray] = []
        files: list[tuple[str, int, int]] = []
        for file in keep:
            a, b = base._files[file]
            files.append((file, len(ids), len(ids) + b - a))
            ids.extend(base.ids[a:b])
            lengths.append(np.diff(base._offsets[a : b + 1]))
            parts.append(base._tokens[base._offsets[a] : base._offsets[b]])
        by_file: dict[str, list[tuple[str, list[int]]]] = {}
        for doc in docs:  # tokenized as they stream in: the texts are not all held at once
            toks = [vocab.setdefault(t, len(vocab)) for t in (terms(doc.text) or [""])]
            by_file.setdefault(doc.file, []).append((doc.id, toks))
        for file, group in by_file.items():
            files.append((file, len(ids), len(ids) + len(group)))
            for doc_id, toks in group:
                ids.append(doc_id)
                lengths.append(np.array([len(toks)], dtype=np.int64))
                parts.append(np.asarray(toks, dtype=np.int64))
        if not ids:
            return _empty(versions)
        flat = np.concatenate(parts).astype(np.int64)
        # drop terms no document uses any more (linear: np.unique sorts 5M tokens at 100k)
        used = np.flatnonzero(np.bincount(flat, minlength=len(vocab)))
        remap = np.zeros(len(vocab), dtype=np.int64)
        remap[used] = np.arange(len(used))
        flat = remap[flat]
        words = list(vocab)
        offsets = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
        return cls(ids, files, offsets, flat.astype(np.int32), [words[i] for i in used], versions)

    def _fit(self) -> object:
        import bm25s

        docs = [a.tolist() for a in np.split(self._tokens, self._offsets[1:-1])]
        model = bm25s.BM25()
        model.index((docs, {t: i for i, t in enumerate(self._vocab)}), show_progress=False)
        return model

    # --- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.ids)

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency of a (stemmed) term; unseen terms score highest."""
        n = len(self.ids)
        return math.log(1.0 + (n - self._df.get(term, 0) + 0.5) / (self._df.get(term, 0) + 0.5))

    def document_frequency(self, term: str) -> int:
        return self._df.get(term, 0)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top ``k`` ``(id, score)`` pairs with a positive score, best first."""
        if self._model is None or k < 1:
            return []
        query_terms = list(dict.fromkeys(t for t in terms(query) if t in self._df))
        if not query_terms:
            return []
        scores = np.asarray(self._model.get_scores(query_terms))  # type: ignore[attr-defined]
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    # --- persistence -----------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write atomically: a sibling temp dir renamed into place, so a crash mid-write
        leaves no half index for ``load`` to trip on."""
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
        try:
            if self._model is not None:
                self._model.save(str(tmp / "bm25s"))  # type: ignore[attr-defined]
            np.save(tmp / "offsets.npy", self._offsets)
            np.save(tmp / "tokens.npy", self._tokens)
            np.save(tmp / "df.npy", self._dfs)
            meta = {
                "format": _FORMAT,
                "ids": self.ids,
                "files": [[f, a, b] for f, (a, b) in self._files.items()],
                "vocab": self._vocab,
                "versions": self.versions,
            }
            (tmp / "ids.json").write_text(json.dumps(meta))
            os.replace(tmp, path)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not path.is_dir():  # another process may have won the race: that is fine
                raise

    @classmethod
    def load(cls, path: Path) -> Bm25Index:
        """Load a saved index; ``ValueError`` when it is missing, unreadable or outdated."""
        try:
            meta = json.loads((path / "ids.json").read_text())
            if meta.get("format") != _FORMAT:
                raise ValueError(f"format {meta.get('format')}, expected {_FORMAT}")
            model = None
            if meta["ids"]:
                import bm25s

                model = bm25s.BM25.load(str(path / "bm25s"))
            offsets = np.load(path / "offsets.npy", allow_pickle=False)
            tokens = np.load(path / "tokens.npy", allow_pickle=False)
            df = np.load(path / "df.npy", allow_pickle=False)
            if (
                len(offsets) != len(meta["ids"]) + 1
                or offsets[-1] != len(tokens)
                or len(df) != len(meta["vocab"])
            ):
                raise ValueError("token arrays do not match the ids")
            files = [(str(f), int(a), int(b)) for f, a, b in meta["files"]]
            return cls(
                meta["ids"], files, offsets, tokens, meta["vocab"], meta["versions"], model, df
            )
        except Exception as exc:  # any damage means "rebuild", never a crash
            raise ValueError(f"no usable BM25 index at {path}: {exc}") from None


def _document_frequencies(offsets: np.ndarray, tokens: np.ndarray, vocab_size: int) -> np.ndarray:
    """How many documents hold each term: (document, term) keys, sorted, counted once."""
    if not len(tokens):
        return np.zeros(vocab_size, dtype=np.int64)
    doc_of = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
    keys = np.sort(doc_of * vocab_size + tokens)
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return np.bincount(keys[first] % vocab_size, minlength=vocab_size).astype(np.int64)


def _empty(versions: Mapping[str, str] | None = None) -> Bm25Index:
    return Bm25Index([], [], np.zeros(1, np.int64), np.zeros(0, np.int32), [], versions or {})
