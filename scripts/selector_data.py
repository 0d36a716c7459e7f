"""The answer selector's training data: RealTime QA questions with the passages the bot retrieves.

The data recipe (the converter's shuffles are seeded; retrieval is the product's, whose
approximate nearest-neighbour search may return other chunks at the lowest ranks from
one collection to the next: 7 of 1,678 ``full`` questions on 2026-12-02, enough to move
a refit's dev objective by about 0.01, see docs/model-card.md). For each split
(``train`` = 2020-2022 to fit, ``dev`` = 2023 to choose; never ``test``) two corpora are
built with ``evals.realtimeqa.build``:

* ``<split>-full``: every passage of the split; every eligible question is answerable
  (its answer occurs in its evidence). Used to learn which sentence holds the answer.
* ``<split>-removed``: the evidence of as many eligible questions as the converter can
  remove (its answer then occurs in no remaining file) is taken out; those questions are
  unanswerable, the rest answerable. Used to learn when to refuse.
* ``<split>-grouped``: the ``removed`` corpus as articles, one file per quiz date with
  that week's passages as paragraphs (see ``grouped``), for both models: quiz passages
  alone are one to three sentences, articles dozens, and a selector fitted only on the
  former did not carry over to the latter.
* ``<split>-nearmiss``: every passage, but for as many eligible questions as possible
  (passage not shared, at least one sentence left, answer in no other file) the
  sentences holding the answer (or a distinctive word of it,
  ``evals.realtimeqa.answer_words``) are cut and the rest kept: those questions are near
  misses (an on-topic passage without the asked fact), the rest answerable. The evidence
  removal above only teaches "a look-alike story from another week"; this teaches "the
  right story, but not the asked fact". ``<split>-nearmiss-grouped``: the same as weekly
  articles.

Each corpus is indexed by a real ``Bot`` (MiniLM + Chroma + BM25, the product's own
retrieval, ``top_k`` 8), and for every question the retrieved chunks are saved with the
question, its gold answer and its date, together with the IDF and document frequency of
every term the question or its passages use. Sentence vectors are cached in
``vectors.npz`` so that refitting never re-encodes. Writes ``evals/out/selector/``
(gitignored). Labelling and features are ``scripts/train_selector.py``'s business.

    PYTHONPATH=. .venv/bin/python scripts/selector_data.py \
        --data ../shared/datasets/realtimeqa/questions.jsonl
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from evals.realtimeqa import Build, build, write
from evals.rtqa_data import clean_answer, load_questions

OUT = Path("evals/out/selector")
SPLITS = ("train", "dev")  # test is never read here
ALL = 100_000  # "as many unanswerable cases as the converter can make"
CORPORA = ("full", "removed", "grouped", "nearmiss", "nearmiss-grouped")


class DiskVectors:
    """Sentence vectors by text, kept on disk between runs; the encoder loads only on a miss."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._encoder = None
        if path.exists():
            with np.load(path, allow_pickle=False) as data:
                self._vectors = dict(zip(data["texts"].tolist(), data["vectors"]))
        self._dirty = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            if self._encoder is None:
                from bot.index.encoder import MiniLM

                self._encoder = MiniLM()
            for text, vector in zip(missing, self._encoder.encode(missing)):
                self._vectors[text] = np.asarray(vector, np.float32)
            self._dirty = True
        if not texts:
            return np.zeros((0, 384), np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def save(self) -> None:
        if self._dirty:
            texts = list(self._vectors)
            np.savez(
                self.path,
                texts=np.array(texts),
                vectors=np.stack([self._vectors[t] for t in texts]),
            )
            self._dirty = False


def corpora(questions: list, split: str, which: Sequence[str]) -> Iterable[tuple[str, Build]]:
    if "full" in which:
        yield f"{split}-full", build(questions, split, answerable=None, unanswerable=0)
    if "removed" in which:
        yield f"{split}-removed", build(questions, split, answerable=None, unanswerable=ALL)
    if "grouped" in which:
        yield f"{split}-grouped", grouped(build(questions, split, None, unanswerable=ALL))
    if "nearmiss" in which:
        yield f"{split}-nearmiss", build(questions, split, None, unanswerable=0, near_miss=ALL)
    if "nearmiss-grouped" in which:
        near = build(questions, split, None, unanswerable=0, near_miss=ALL)
        yield f"{split}-nearmiss-grouped", grouped(near)


def grouped(result: Build) -> Build:
    """The same corpus as articles: one file per quiz date holding that week's passages as
    paragraphs, so that a chunk mixes stories and most sentences of a retrieved passage
    do not answer, as in a real article (quiz passages alone are one to three sentences)."""
    by_date: dict[str, list[str]] = {}
    for name in sorted(result.files):
        head, _, body = result.files[name].partition("\n\n")
        by_date.setdefault(head, []).append(body.strip())
    files = {
        f"week_{head.removeprefix('date ')}.txt": f"{head}\n\n" + "\n\n".join(bodies) + "\n"
        for head, bodies in by_date.items()
    }
    cases = [{**c, "gold_files": []} for c in result.cases]  # labels are sentence-level
    return Build(result.split, files, cases, result.skipped, result.removed)


def collect(name: str, result: Build, questions: dict, out: Path, top_k: int) -> dict:
    """Index the corpus, retrieve ``top_k`` chunks for every case; one record per case."""
    from bot import Bot, Settings
    from bot.answer.query import condense
    from bot.text.terms import stem, terms, tokens

    corpus_dir, _ = write(result, out / "rtqa")
    settings = Settings(
        seeds_dir=corpus_dir,
        data_dir=out / "index" / name,
        collection=f"selector-{name}",
        llm="extractive",
        top_k=top_k,
    )
    bot = Bot(settings=settings)
    print(f"{name}: indexing {len(result.files)} files", file=sys.stderr)
    bot.index()
    bm25 = bot.bm25()
    records, vocabulary = [], set()
    for case in result.cases:
        q = questions[case["id"].removeprefix("rtqa-")]
        query = condense(bot.validate_question(case["question"]))
        found = bot.components.passages.retrieve(query.standalone, query.parts)
        records.append(
            {
                "id": case["id"],
                "question": query.text,
                "answer": clean_answer(q.answer),
                "date": q.date,
                "answerable": not case["must_refuse"],
                "kind": case["kind"],
                "gold_file": case["gold_files"][0] if case["gold_files"] else None,
                "chunks": found.chunks,
            }
        )
        vocabulary.update(terms(query.text))
        vocabulary.update(stem(t) for t in tokens(query.text))  # what in_corpus is asked
        for chunk in found.chunks:
            vocabulary.update(terms(chunk.search_text))
    return {
        "records": [{**r, "corpus": name} for r in records],
        "idf": {t: bm25.idf(t) for t in vocabulary},
        "df": {t: bm25.document_frequency(t) for t in vocabulary},
        "docs": len(bm25),
        "top_k": top_k,
    }


def collected_depth(name: str, out: Path = OUT) -> int:
    """How many chunks per question the corpus ``name`` was retrieved with: as recorded,
    or for a collection made before the depth was recorded, the most any question got."""
    with open(out / f"{name}.pkl", "rb") as fh:
        data = pickle.load(fh)
    return data.get("top_k") or max(len(r["chunks"]) for r in data["records"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="RealTime QA questions.jsonl")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--corpora",
        default=",".join(CORPORA),
        help=f"which of {','.join(CORPORA)}",
    )
    parser.add_argument(
        "--top-k",
        type=int,
        default=None,
        help="chunks retrieved per question (default: the product's, Settings.top_k)",
    )
    args = parser.parse_args(argv)
    from bot import Settings

    top_k = args.top_k or Settings().top_k
    questions = load_questions(args.data)
    by_id = {q.id: q for q in questions}
    args.out.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        for name, result in corpora(questions, split, args.corpora.split(",")):
            print(result.summary(), file=sys.stderr)
            data = collect(name, result, by_id, args.out, top_k)
            with open(args.out / f"{name}.pkl", "wb") as fh:
                pickle.dump(data, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
