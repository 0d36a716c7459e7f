"""Eval case variants: questions joined in pairs, questions phrased as users type them."""

from __future__ import annotations

import json
from pathlib import Path

from evals.cases import load_cases
from evals.compound import compound, main


def _case(i: int, question: str, must_refuse: bool = False) -> dict:
    return {
        "id": f"q-{i}",
        "kind": "near_miss" if must_refuse else "single",
        "question": question,
        "corpus": "weekly",
        "gold_facts": [] if must_refuse else [[f"answer {i}"]],
        "gold_files": [] if must_refuse else [f"{i}.txt"],
        "gold_evidence": [] if must_refuse else [{"file": f"{i}.txt", "quote": f"answer {i}."}],
        "must_refuse": must_refuse,
    }


CASES = [
    _case(1, "Which council approved the ferry budget?"),
    _case(2, "How many berths does the new marina have?"),
    _case(3, "The mayor resigned this week. Who replaced her?"),  # statement, then question
    _case(4, "Which bakery closed?", must_refuse=True),
    _case(5, "Who opened the harbour museum?"),
]


def test_only_answerable_one_sentence_questions_are_paired() -> None:
    joined = compound(CASES, seed=1)
    used = [i for c in joined for i in c["id"].split("+")]
    assert len(joined) == 1 and len(used) == 2
    assert set(used) <= {"q-1", "q-2", "q-5"}


def test_a_joined_case_asks_both_and_wants_both_answers() -> None:
    (case,) = compound(CASES[:2], seed=1)
    first, second = sorted(case["id"].split("+"))
    assert case["kind"] == "multi" and not case["must_refuse"]
    assert ", and " in case["question"] and case["question"].count("?") == 1
    assert "which council approved" in case["question"].lower()
    assert "how many berths" in case["question"].lower()
    assert sorted(f[0] for f in case["gold_facts"]) == ["answer 1", "answer 2"]
    assert {first, second} == {"q-1", "q-2"}


def by_id(case_id: str) -> str:
    return next(c["question"] for c in CASES if c["id"] == case_id)


def test_the_written_file_loads_as_cases(tmp_path: Path, capsys) -> None:
    src = tmp_path / "cases" / "weekly.jsonl"
    src.parent.mkdir()
    src.write_text("".join(json.dumps(c) + "\n" for c in CASES), encoding="utf-8")
    assert main([str(src)]) == 0
    loaded = load_cases([src.parent / "weekly-compound.jsonl"])
    assert [c.kind for c in loaded] == ["multi"]
    assert "1 compound cases from 5" in capsys.readouterr().out
    assert main([str(src), "--conversation"]) == 0
    (after,) = load_cases([src.parent / "weekly-after.jsonl"])
    (opened,) = load_cases([src.parent / "weekly-and.jsonl"])
    (joined,) = load_cases([src.parent / "weekly-compound.jsonl"])
    first, second = joined.id.split("+")
    assert after.id.startswith(second) and after.history[0]["content"] == by_id(first)
    assert after.question == by_id(second) and opened.question.startswith("And ")


def test_too_few_questions_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps(CASES[0]) + "\n", encoding="utf-8")
    assert main([str(src)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1


def test_phrasings_wrap_one_sentence_questions_and_keep_their_labels(tmp_path: Path) -> None:
    from evals.phrasings import REQUESTS, as_requests
    from evals.phrasings import main as phrasings_main

    asked = as_requests(CASES, seed=1)
    assert [c["id"] for c in asked] == ["q-1", "q-2", "q-4", "q-5"]  # not the statement
    for case, original in zip(asked, [CASES[0], CASES[1], CASES[3], CASES[4]]):
        assert case["question"].startswith(REQUESTS)
        assert original["question"][1:].rstrip("?") in case["question"]
        assert case["gold_facts"] == original["gold_facts"]
        assert case["must_refuse"] == original["must_refuse"]
    src = tmp_path / "weekly.jsonl"
    src.write_text("".join(json.dumps(c) + "\n" for c in CASES), encoding="utf-8")
    assert phrasings_main([str(src)]) == 0
    for form in ("requests", "greeting", "sources", "bare"):
        assert len(load_cases([tmp_path / f"weekly-{form}.jsonl"])) == 4
    plain = load_cases([tmp_path / "weekly-plain.jsonl"])
    assert [c.question for c in plain] == [CASES[i]["question"] for i in (0, 1, 3, 4)]
    bare = load_cases([tmp_path / "weekly-bare.jsonl"])
    assert [c.question + "?" for c in bare] == [c.question for c in plain]
