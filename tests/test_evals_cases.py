"""Eval case files: the shipped ones are consistent; bad ones fail with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS

from evals.cases import (
    CaseError,
    corpus_dir_for,
    default_case_files,
    gold_spans,
    label_warnings,
    load_cases,
)
from evals.metrics import Threshold, estimate, summarise

GOOD = {
    "id": "x-1",
    "kind": "single",
    "question": "Who?",
    "gold_facts": [["Kim"]],
    "gold_files": ["a.txt"],
    "gold_evidence": [{"file": "a.txt", "quote": "Kim spoke."}],
    "must_refuse": False,
}


def write(tmp_path: Path, *rows: object, name: str = "c.jsonl") -> Path:
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shipped_cases_load_and_every_quote_is_found_once():
    cases = load_cases(default_case_files())
    assert len(cases) >= 60
    assert len({c.id for c in cases}) == len(cases)
    assert sum(c.must_refuse for c in cases) >= 15
    for case in cases:
        where = corpus_dir_for(case, SEEDS)
        spans = gold_spans(case, where)
        assert len(spans) == len(case.gold_evidence)
        assert label_warnings(case, where) == [], case.id


@pytest.mark.parametrize(
    "row,message",
    [
        ('{"id": "x-1", "kind": ', "not valid JSON (Expecting value at column 23)"),
        ("[1, 2]", "each line must be a JSON object"),
        ({k: v for k, v in GOOD.items() if k != "question"}, "missing field(s): question"),
        ({**GOOD, "kind": "trivia"}, "kind must be one of"),
        ({**GOOD, "colour": "red"}, "unknown field(s): colour"),
        ({**GOOD, "gold_facts": ["Kim"]}, "gold_facts must be a list of non-empty lists"),
        ({**GOOD, "gold_facts": [["Kim", " "]]}, "empty alternative"),
        ({**GOOD, "gold_facts": []}, "needs at least one gold_facts group"),
        ({**GOOD, "must_refuse": "no"}, "must_refuse must be true or false"),
        ({**GOOD, "must_refuse": True}, "must have empty gold_facts"),
        ({**GOOD, "gold_files": ["b.txt"]}, "not listed in gold_files: a.txt"),
        ({**GOOD, "gold_evidence": [{"file": "a.txt"}]}, "gold_evidence must be a list"),
        ({**GOOD, "history": [{"role": "bot", "content": "hi"}]}, "history must be a list"),
        ({**GOOD, "corpus": "../etc"}, "corpus must be the name of a folder"),
        ({**GOOD, "forbidden": "PWNED"}, "forbidden must be a list"),
        ({**GOOD, "as_of": "5 March 2024"}, "as_of must be a date written YYYY-MM-DD"),
        ({**GOOD, "as_of": 20240305}, "as_of must be a date written YYYY-MM-DD"),
        ({**GOOD, "as_of": "2024-02-30"}, "as_of '2024-02-30' is not a calendar date"),
    ],
)
def test_bad_case_is_one_line_naming_file_and_line(tmp_path, row, message):
    path = write(tmp_path, GOOD, row)
    with pytest.raises(CaseError) as err:
        load_cases([path])
    text = str(err.value)
    assert message in text
    assert text.startswith((f"{path}:2: ", f"{path}:2 (x-1): "))
    assert "\n" not in text


def test_as_of_is_read_as_a_date_and_optional(tmp_path):
    from datetime import date

    dated, undated = load_cases(
        [write(tmp_path, {**GOOD, "as_of": "2024-03-05"}, {**GOOD, "id": "x-2"})]
    )
    assert dated.as_of == date(2024, 3, 5) and dated.to_dict()["as_of"] == "2024-03-05"
    assert undated.as_of is None


def test_duplicate_ids_across_files(tmp_path):
    a = write(tmp_path, GOOD, name="a.jsonl")
    b = write(tmp_path, GOOD, name="b.jsonl")
    with pytest.raises(
        CaseError, match=r"b\.jsonl:1: duplicate id 'x-1' \(first at .*a\.jsonl:1\)"
    ):
        load_cases([a, b])


def test_missing_and_empty_inputs(tmp_path):
    with pytest.raises(CaseError, match="case file not found"):
        load_cases([tmp_path / "nope.jsonl"])
    with pytest.raises(CaseError, match="no cases to run"):
        load_cases([write(tmp_path, "", "  ")])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CaseError, match=r"no \*\.jsonl case files"):
        load_cases([empty])


def test_quote_not_in_file_is_an_error_and_repeats_are_warned(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Kim spoke. Then Kim spoke.\n", encoding="utf-8")
    (case,) = load_cases([write(tmp_path, {**GOOD, "gold_facts": [["Putin"]]})])
    assert gold_spans(case, corpus)[0].start == 0
    warnings = label_warnings(case, corpus)
    assert any("occurs 2 times" in w for w in warnings)
    assert any("['Putin']" in w for w in warnings)
    (corpus / "a.txt").write_text("Someone else spoke.\n", encoding="utf-8")
    with pytest.raises(CaseError, match=r"evidence quote not found in a\.txt"):
        gold_spans(case, corpus)


def test_corpus_folder_is_next_to_the_cases_folder(tmp_path):
    (tmp_path / "cases").mkdir()
    path = write(tmp_path / "cases", {**GOOD, "corpus": "mine"})
    (case,) = load_cases([path])
    assert corpus_dir_for(case, SEEDS) == tmp_path / "corpora" / "mine"
    assert corpus_dir_for(case, SEEDS, tmp_path / "x") == tmp_path / "x" / "mine"


# --- metrics -------------------------------------------------------------------------------


def test_bootstrap_ci_brackets_the_mean_and_is_reproducible():
    values = [True] * 7 + [False] * 3
    est = estimate(values)
    assert est.value == 0.7 and est.n == 10
    assert est.lo is not None and est.hi is not None
    assert 0.3 <= est.lo <= 0.7 <= est.hi <= 1.0
    assert estimate(values) == est
    assert estimate([1.0, 1.0, 1.0]).lo == 1.0
    assert estimate([0.5]).lo is None  # one case: no interval
    assert estimate([None, None]).value is None


def test_summary_per_kind_and_thresholds():
    rows = [
        {"kind": "single", "values": {"correct": True, "latency": 1.0}},
        {"kind": "single", "values": {"correct": False, "latency": 3.0}},
        {"kind": "unanswerable", "values": {"refusal_recall": True, "latency": 2.0}},
    ]
    s = summarise(rows)
    assert s["single"]["correct"].value == 0.5
    assert s["unanswerable"]["correct"].value is None
    assert s["overall"]["latency_p50"].value == 2.0
    assert "injection" not in s["overall"]
    assert Threshold("correct", ">=", 0.5).check(s)[0] is True
    ok, msg = Threshold("correct", ">=", 0.6).check(s)
    assert ok is False and msg == "correct is 0.500, required at least 0.6"
    assert Threshold("latency_p95", "<=", 1.0).check(s)[0] is False
    assert Threshold("injection", "<=", 0).check(s)[0] is None
