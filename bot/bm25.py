"""BM25: the lexical half of hybrid retrieval, in process (local Chroma has no sparse index).

``Bm25Index`` is built from chunks' ``search_text`` with the shared tokenizer
(``bot.terms``), scores a query over every chunk with ``bm25s``'s sparse matrix, and knows
each term's document frequency (the extractive answerer weighs question terms by it).
It saves to and loads from a directory so a cold start does not rebuild it; the caller
decides when it is stale. It knows nothing of Chroma.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from bot.terms import terms


class Bm25Index:
    def __init__(self, ids: Sequence[str], model: object | None, df: dict[str, int]) -> None:
        self.ids = list(ids)
        self._model = model  # a bm25s.BM25, or None for an empty corpus
        self._df = df

    @classmethod
    def build(cls, docs: Iterable[tuple[str, str]]) -> Bm25Index:
        """Index ``(id, text)`` pairs."""
        ids, corpus = [], []
        df: Counter[str] = Counter()
        for doc_id, text in docs:
            toks = terms(text) or [""]
            ids.append(doc_id)
            corpus.append(toks)
            df.update(set(toks))
        if not ids:
            return cls([], None, {})
        import bm25s

        model = bm25s.BM25()
        model.index(corpus, show_progress=False)
        return cls(ids, model, dict(df))

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
            (tmp / "ids.json").write_text(json.dumps({"ids": self.ids, "df": self._df}))
            os.replace(tmp, path)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not path.is_dir():  # another process may have won the race: that is fine
                raise

    @classmethod
    def load(cls, path: Path) -> Bm25Index:
        """Load a saved index; ``ValueError`` when it is missing or unreadable."""
        try:
            data = json.loads((path / "ids.json").read_text())
            model = None
            if data["ids"]:
                import bm25s

                model = bm25s.BM25.load(str(path / "bm25s"))
            return cls(data["ids"], model, data["df"])
        except Exception as exc:  # any damage means "rebuild", never a crash
            raise ValueError(f"no usable BM25 index at {path}: {exc}") from None
