"""Benchmark corpora: deterministic synthetic news articles built from the seed sentences.

``article(i)`` is a pure function of ``i`` (and the seed files): a headline, a dateline and
20–36 sentences drawn from the seeds' own sentences, with every figure re-rolled and a few
recurring names (Russia, Kim, Kursk …) swapped for article-specific invented names, so the
vocabulary grows with the corpus the way real news does and no two chunks share a text.
``write_corpus(n)`` writes the first articles whose chunks (by the bot's own chunker) add up
to at least ``n`` into a folder; smaller corpora are prefixes of larger ones, so vectors
cached for one size serve the others. A ``manifest.json`` (generator version, chunk count,
content hash) lets a re-run reuse the folder instead of rewriting it.

It writes text files only; it embeds, indexes and measures nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.ingest.chunking import chunk_article
from bot.ingest.corpus import article_from_text, load_article, scan

GENERATOR_VERSION = "g1"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: Names that recur across the seeds; each article renames some of them.
_RENAMEABLE = (
    "Russia", "Russian", "Ukraine", "Ukrainian", "North Korea", "North Korean", "South Korea",
    "Moscow", "Pyongyang", "Kim", "Putin", "Kursk", "Donbas", "Seoul", "Zelenskyy", "Kyiv",
)  # fmt: skip
_SYLLABLES = (
    "ka", "lo", "mi", "tar", "ven", "dor", "sel", "vu", "ri", "an", "bel", "kor", "sta", "nim",
    "pra", "ol", "ze", "gra", "tu", "mas", "en", "vi", "lan", "do",
)  # fmt: skip
_HEADLINES = (
    "{a} and {b} widen military ties as talks stall in {c}",
    "Officials in {a} confirm new deployment near {c}",
    "{a} sends workers and officers to {b} under new accord",
    "Analysts question casualty figures from the {c} front",
    "{b} weighs sanctions response after {a} shipment report",
    "Report says {a} troops trained alongside {b} units near {c}",
)
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()
_DIGITS_RE = re.compile(r"\d+")


@dataclass(frozen=True)
class CorpusInfo:
    path: Path
    files: int
    chunks: int
    chars: int
    digest: str


@lru_cache(maxsize=1)
def _pool() -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]:
    files, _ = scan(SEEDS)
    sentences: list[str] = []
    for src in files:
        article, _ = load_article(src)
        sentences += [" ".join(s.text.split()) for s in article.sentences]
    pool = tuple(s for s in sentences if len(s) >= 40)
    patterns = tuple(re.compile(rf"\b{re.escape(n)}\b") for n in _RENAMEABLE)
    return pool, patterns


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _reroll(rng: random.Random, text: str) -> str:
    def digits(m: re.Match[str]) -> str:
        s = m.group(0)
        if len(s) == 4 and s[:2] in ("19", "20"):
            return s  # years stay plausible
        first = str(rng.randint(1, 9)) if s[0] != "0" else "0"
        return first + "".join(str(rng.randint(0, 9)) for _ in s[1:])

    return _DIGITS_RE.sub(digits, text)


def article(i: int) -> str:
    """The text of synthetic article ``i`` (the same on every run and machine)."""
    pool, patterns = _pool()
    rng = random.Random(f"{GENERATOR_VERSION}-{i}")
    names = {p: _name(rng) for p in rng.sample(patterns, 5)}
    a, b, c = (_name(rng) for _ in range(3))
    title = rng.choice(_HEADLINES).format(a=a, b=b, c=c) + f" (dispatch {i})"
    day = dt.date(2023, 1, 1) + dt.timedelta(days=i % 1000)
    dateline = f"{day.day} {_MONTH_NAMES[day.month - 1]}, {day.year}"
    paragraphs, left = [], rng.randint(20, 36)
    while left > 0:
        k = min(left, rng.randint(2, 4))
        sentences = []
        for s in rng.sample(pool, k):
            s = _reroll(rng, s)
            for pattern, new in names.items():
                s = pattern.sub(new, s)
            sentences.append(s)
        paragraphs.append(" ".join(sentences))
        left -= k
    return f"{title}\n\n{dateline}\n\n" + "\n\n".join(paragraphs) + "\n"


def file_name(i: int) -> str:
    return f"{i // 1000:03d}/{i:06d}.txt"


def articles_for(chunks: int) -> list[tuple[str, str, int]]:
    """``(file name, text, chunk count)`` of the shortest prefix holding ``chunks`` chunks."""
    out, total, i = [], 0, 0
    while total < chunks:
        text = article(i)
        n = len(chunk_article(article_from_text(file_name(i), text)))
        out.append((file_name(i), text, n))
        total += n
        i += 1
    return out


def write_corpus(chunks: int, root: Path) -> CorpusInfo:
    """The corpus of at least ``chunks`` chunks under ``root/corpus-<chunks>`` (reused if there)."""
    path = root / f"corpus-{chunks}"
    manifest = path / "manifest.json"
    if manifest.is_file():
        got = json.loads(manifest.read_text())
        if got.get("generator") == GENERATOR_VERSION and got.get("requested") == chunks:
            return CorpusInfo(path, got["files"], got["chunks"], got["chars"], got["digest"])
    if path.exists():
        shutil.rmtree(path)
    docs = articles_for(chunks)
    digest = hashlib.sha256()
    for name, text, _ in docs:
        target = path / "seeds" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        digest.update(f"{name}\0{text}\0".encode())
    info = CorpusInfo(
        path,
        files=len(docs),
        chunks=sum(n for _, _, n in docs),
        chars=sum(len(t) for _, t, _ in docs),
        digest=digest.hexdigest()[:16],
    )
    manifest.write_text(
        json.dumps(
            {
                "generator": GENERATOR_VERSION,
                "requested": chunks,
                "files": info.files,
                "chunks": info.chunks,
                "chars": info.chars,
                "digest": info.digest,
            },
            indent=1,
        )
    )
    return info


def chunk_texts(seeds_dir: Path) -> list[str]:
    """The ``search_text`` of every chunk of a corpus, in indexing order (what gets embedded)."""
    files, _ = scan(seeds_dir)
    out: list[str] = []
    for src in files:
        doc, _ = load_article(src)
        out += [c.search_text for c in chunk_article(doc)]
    return out
