"""evals/realtimeqa.py over a tiny synthetic questions.jsonl: splits, dedup, the
unanswerable check, seeded samples, statement -> question, and cases that load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import realtimeqa as rtqa
from evals import rtqa_data
from evals.cases import gold_spans, label_warnings, load_cases


def row(qid: str, date: str, question: str, answer: str, evidence: str) -> dict:
    return {
        "id": qid,
        "date": date,
        "source": "CNN",
        "url": "https://example.com/quiz",
        "question": question,
        "answer": answer,
        "choices": [answer, "Other"],
        "evidence": evidence,
    }


def dev_rows(n: int = 12) -> list[dict]:
    """``n`` answerable 2023 questions, each answer a made-up word found only in its passage."""
    return [
        row(
            f"20230106_{i}",
            "2023-01-05",
            f"Which town hosted festival number {i}?",
            f"Quorvath{i:03d}",
            f"Crowds gathered early. The festival number {i} was held in Quorvath{i:03d} "
            f"this week. Organisers were pleased.",
        )
        for i in range(n)
    ]


def write_jsonl(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def build(tmp_path: Path, rows: list[dict], split: str = "dev", **kw) -> rtqa.Build:
    return rtqa.build(rtqa_data.load_questions(write_jsonl(tmp_path, rows)), split, **kw)


@pytest.mark.parametrize(
    ("date", "split"),
    [
        ("2019-12-31", None),
        ("2020-01-01", "train"),
        ("2022-12-31", "train"),
        ("2023-01-01", "dev"),
        ("2023-12-31", "dev"),
        ("2024-01-01", "test"),
        ("2024-12-31", "test"),
        ("2025-01-01", None),
    ],
)
def test_split_boundaries_are_calendar_years(date, split):
    assert rtqa_data.split_of(date) == split


def test_a_split_holds_only_its_own_years(tmp_path):
    rows = [
        row("20221230_0", "2022-12-30", "Who won?", "Old Winner", "Old Winner won the cup."),
        row("20230106_0", "2023-01-05", "Who won?", "Dev Winner", "Dev Winner won the cup."),
        row("20240105_0", "2024-01-04", "Who won?", "New Winner", "New Winner won the cup."),
    ]
    for split, name, answer in [
        ("train", "20221230_0.txt", "Old Winner"),
        ("dev", "20230106_0.txt", "Dev Winner"),
        ("test", "20240105_0.txt", "New Winner"),
    ]:
        got = build(tmp_path, rows, split, unanswerable=0)
        assert list(got.files) == [name]
        assert [c["gold_facts"] for c in got.cases] == [[[answer]]]


def test_identical_passages_become_one_file_named_and_dated_after_the_first_question(tmp_path):
    shared = "Mayor Lina Ostrava opened the new bridge over the river on Monday."
    rows = [
        row("20230113_10", "2023-01-12", "Who opened the bridge?", "Lina Ostrava", shared),
        row("20230113_2", "2023-01-12", "What was opened?", "the new bridge", shared),
        row("20230106_5", "2023-01-05", "Who opened it?", "Lina Ostrava", shared),
    ]
    got = build(tmp_path, rows, unanswerable=0)
    assert list(got.files) == ["20230106_5.txt"]
    assert got.files["20230106_5.txt"] == f"date 2023-01-05\n\n{shared}\n"
    assert {c["gold_files"][0] for c in got.cases} == {"20230106_5.txt"}
    assert [c["id"] for c in got.cases] == [
        "rtqa-20230106_5",
        "rtqa-20230113_2",
        "rtqa-20230113_10",
    ]


def test_the_bots_cleaner_reads_the_date_header_and_keeps_the_quote(tmp_path):
    from bot.ingest.cleaning import clean  # the test may use the bot; the converter may not

    got = build(tmp_path, dev_rows(3), unanswerable=0)
    for case in got.cases:
        name = case["gold_files"][0]
        cleaned = clean(got.files[name])
        assert cleaned.header_date == "2023-01-05"
        assert not cleaned.body.startswith("date")
        assert case["gold_evidence"][0]["quote"] in cleaned.body


def test_answer_matching_rules(tmp_path):
    rows = [
        row("20230106_0", "2023-01-05", "Which country?", "Russia", "Russian troops moved."),
        row("20230106_1", "2023-01-05", "Which country?", "Oman", "Romania said nothing new."),
        row("20230106_2", "2023-01-05", "How many?", "24", "He wore 24 for the Lakers."),
        row("20230106_3", "2023-01-05", "Which show?", "“Squid Game”", "Squid Game was a hit."),
        row("20230106_4", "2023-01-05", "Who?", "Jane O'Hara", "Jane O’Hara — the mayor — spoke."),
    ]
    got = build(tmp_path, rows, unanswerable=0)
    facts = {c["id"]: c["gold_facts"] for c in got.cases}
    assert facts == {
        "rtqa-20230106_0": [["Russia"]],  # prefix of a word counts
        "rtqa-20230106_3": [["Squid Game"]],  # enclosing quotes dropped
        "rtqa-20230106_4": [["Jane O'Hara"]],  # curly vs straight apostrophe
    }
    assert got.skipped == {"answer not in evidence": 1, "short answer": 1}


def test_gold_evidence_is_the_sentence_holding_the_answer(tmp_path):
    got = build(tmp_path, dev_rows(1), unanswerable=0)
    (case,) = got.cases
    assert case["gold_evidence"] == [
        {
            "file": "20230106_0.txt",
            "quote": "The festival number 0 was held in Quorvath000 this week.",
        }
    ]


def test_unanswerable_answers_occur_in_no_remaining_file(tmp_path):
    rows = dev_rows(10)
    # Question 0's answer also appears in question 1's passage: 0 can never be unanswerable.
    rows[1]["evidence"] += " Visitors came from Quorvath000 too."
    rejected = 0
    for seed in range(8):
        got = build(tmp_path, rows, unanswerable=5, seed=seed)
        refuse = [c for c in got.cases if c["must_refuse"]]
        assert len(refuse) == 5
        assert "rtqa-20230106_0" not in {c["id"] for c in refuse}
        remaining = " ".join(got.files.values()).lower()
        for c in refuse:
            qid = c["id"].removeprefix("rtqa-")
            assert f"{qid}.txt" not in got.files
            assert f"quorvath{int(qid.split('_')[1]):03d}" not in remaining
            assert c["gold_facts"] == c["gold_files"] == c["gold_evidence"] == []
        for c in got.cases:
            if not c["must_refuse"]:
                assert c["gold_files"][0] in got.files
        rejected += got.skipped["unanswerable candidate: answer in another file"]
    assert rejected > 0  # question 0 came up as a candidate and was turned down


def test_a_shared_passage_is_never_removed(tmp_path):
    rows = dev_rows(2)
    rows.append(dict(rows[0], id="20230106_9", question="Where was festival 0 held again?"))
    got = build(tmp_path, rows, unanswerable=5)
    assert [c["id"] for c in got.cases if c["must_refuse"]] == ["rtqa-20230106_1"]
    assert "20230106_0.txt" in got.files
    assert got.skipped["unanswerable candidate: passage shared"] == 2


def test_a_near_miss_keeps_its_passage_without_the_sentences_holding_the_answer(tmp_path):
    rows = dev_rows(12)
    rows[3]["evidence"] = "The festival number 3 was held in Quorvath003."  # nothing left
    got = build(tmp_path, rows, unanswerable=2, near_miss=4)
    kinds = [c["kind"] for c in got.cases]
    assert kinds.count("unanswerable") == 2 and kinds.count("near_miss") == 4
    assert kinds.count("single") == 12 - 2 - 4
    assert "rtqa-20230106_3" not in {c["id"] for c in got.cases if c["kind"] == "near_miss"}
    for c in got.cases:
        qid = c["id"].removeprefix("rtqa-")
        answer = f"quorvath{int(qid.split('_')[1]):03d}"
        everything = " ".join(got.files.values()).lower()
        if c["kind"] == "near_miss":
            assert c["must_refuse"] and c["gold_facts"] == c["gold_evidence"] == []
            kept = got.files[f"{qid}.txt"]  # the file stays, on topic, without the answer
            assert kept == "date 2023-01-05\n\nCrowds gathered early. Organisers were pleased.\n"
            assert answer not in everything
        elif c["kind"] == "single":
            assert c["gold_evidence"][0]["quote"] in got.files[c["gold_files"][0]]
    three = next(c for c in got.cases if c["id"] == "rtqa-20230106_3")
    assert three["kind"] in ("single", "unanswerable")  # answerable, or removed whole
    # the evidence-removed sample is the same with or without near misses
    assert build(tmp_path, rows, unanswerable=2).removed == got.removed


def test_a_passage_holding_the_answer_in_every_sentence_is_no_near_miss(tmp_path):
    rows = dev_rows(2)
    rows[0]["evidence"] = "The festival number 0 was held in Quorvath000. Quorvath000 is small."
    got = build(tmp_path, rows, unanswerable=0, near_miss=5)
    assert [c["id"] for c in got.cases if c["must_refuse"]] == ["rtqa-20230106_1"]
    assert got.skipped["near-miss candidate: no sentence left without the answer"] == 1


def test_a_near_miss_also_loses_the_sentences_keeping_part_of_the_answer(tmp_path):
    # "Sesame joined the list" still answers "Which seed…?" (gold "Sesame seeds"): kept, a
    # right answer would count as a failure to refuse. Words the question uses ("seed")
    # and short ones ("the") are no part of the answer to look for.
    rows = [
        row(
            "20230106_0",
            "2023-01-05",
            "Which seed did the regulator add to its list of allergens?",
            "Sesame seeds",
            "Sesame joined the list of allergens this week. Bakers said the seed rule "
            "needs new labels. The regulator reviewed sesame seeds for years. Shops were "
            "given until June.",
        ),
        *dev_rows(3)[1:],
    ]
    got = build(tmp_path, rows, unanswerable=0, near_miss=1)
    miss = next(c for c in got.cases if c["kind"] == "near_miss")
    assert miss["id"] == "rtqa-20230106_0"
    kept = got.files["20230106_0.txt"]
    assert "Sesame" not in kept and "sesame" not in kept
    assert "Bakers said the seed rule needs new labels." in kept and "until June" in kept
    words = rtqa.answer_words("Sesame seeds", "Which seed?")
    assert words == ["sesame", "seeds"]
    assert [rtqa.occurs(w, "the Sesame seeds") for w in words] == [True, True]
    assert not any(rtqa.occurs(w, "a seed, presesame") for w in words)


def test_cases_carry_the_questions_date_as_of_unless_asked_not_to(tmp_path):
    dated = build(tmp_path, dev_rows(3), unanswerable=1, near_miss=1)
    assert {c["as_of"] for c in dated.cases} == {"2023-01-05"}
    undated = build(tmp_path, dev_rows(3), unanswerable=1, near_miss=1, as_of=False)
    assert all("as_of" not in c for c in undated.cases)


def test_samples_are_seeded_and_sized(tmp_path):
    rows = dev_rows(30)
    a = build(tmp_path, rows, answerable=8, unanswerable=4, seed=1)
    b = build(tmp_path, rows, answerable=8, unanswerable=4, seed=1)
    c = build(tmp_path, rows, answerable=8, unanswerable=4, seed=2)
    assert a.cases == b.cases and a.files == b.files
    assert [x["id"] for x in a.cases] != [x["id"] for x in c.cases]
    kinds = [x["kind"] for x in a.cases]
    assert kinds.count("single") == 8 and kinds.count("unanswerable") == 4
    assert len(a.files) == 30 - 4  # the corpus keeps the whole pool minus removed evidence
    assert a.skipped["answerable not sampled"] == 30 - 4 - 8
    # a larger unanswerable sample extends the smaller one
    more = build(tmp_path, rows, answerable=8, unanswerable=6, seed=1)
    assert set(a.removed) < set(more.removed)


@pytest.mark.parametrize(
    ("printed", "asked"),
    [
        (
            "This artist is the first to score a No. 1 hit across four decades.",
            "Which artist is the first to score a No. 1 hit across four decades?",
        ),
        (
            "New Year’s fireworks in this city happened despite a petition.",
            "New Year’s fireworks in which city happened despite a petition?",
        ),
        (
            "The plane crashed this week. It was bound for this country, which mourned.",
            "The plane crashed this week. It was bound for which country, which mourned?",
        ),
        (
            "This country went into lockdown. Its leader spoke.",
            "Which country went into lockdown? Its leader spoke.",
        ),
        (
            "Qasem Soleimani was an Iranian _______.",
            "Qasem Soleimani was an Iranian what?",
        ),
        ("The aim is for the trial to…", "The aim is for the trial to what?"),
        ("A video shows him:", "A video shows him what?"),
        (
            "The attorney requested a new trial citing",
            "The attorney requested a new trial citing what?",
        ),
        ("Stores cannot stock which condiment.", "Stores cannot stock which condiment?"),
        ("True or false: Monkeys spread it.", "True or false: Monkeys spread it?"),
        ("Who wrote the anthem?", "Who wrote the anthem?"),
        (
            "That’s leading to a shortage of <em>this</em> item.",
            "That’s leading to a shortage of which item?",
        ),
        (
            "He was in which country when he said ‘this man cannot stay’",
            "He was in which country when he said ‘this man cannot stay’?",
        ),
        ("The sky is blue.", "The sky is blue."),
    ],
)
def test_statements_become_questions(printed, asked):
    assert rtqa.as_question(printed) == asked


def test_original_wording_and_id_are_kept_in_notes(tmp_path):
    rows = [
        row(
            "20230106_0",
            "2023-01-05",
            "This musician released an album.",
            "Lorde Vance",
            "Lorde Vance released an album.",
        )
    ]
    (case,) = build(tmp_path, rows, unanswerable=0).cases
    assert case["question"] == "Which musician released an album?"
    assert "20230106_0" in case["notes"] and "2023-01-05" in case["notes"]
    assert "printed as: This musician released an album." in case["notes"]


def test_cli_output_loads_as_cases_with_gold_spans(tmp_path, capsys):
    data = write_jsonl(tmp_path, dev_rows(12))
    out = tmp_path / "out"
    args = ["--data", str(data), "--split", "dev", "--out", str(out), "--unanswerable", "3"]
    assert rtqa.main(args) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("rtqa-dev: 9 files (3 removed), 9 answerable, 3 unanswerable")
    cases = load_cases([out / "cases" / "rtqa-dev.jsonl"])
    assert len(cases) == 12
    assert {c.as_of.isoformat() for c in cases} == {"2023-01-05"}
    corpus = out / "corpora" / "rtqa-dev"
    assert len(list(corpus.glob("*.txt"))) == 9
    for case in cases:
        assert case.corpus == "rtqa-dev"
        spans = gold_spans(case, corpus)  # default corpora dir: corpora/ beside cases/
        assert len(spans) == (0 if case.must_refuse else 1)
        assert label_warnings(case, corpus) == []
    # a rerun removing other passages leaves no stale file behind
    assert rtqa.main([*args[:-1], "5"]) == 0
    assert len(list(corpus.glob("*.txt"))) == 7
    load_cases([out / "cases" / "rtqa-dev.jsonl"])
    assert rtqa.main([*args, "--near-miss", "2", "--no-as-of"]) == 0
    assert "9 answerable, 3 unanswerable, 2 near-miss" not in capsys.readouterr().out
    cases = load_cases([out / "cases" / "rtqa-dev.jsonl"])
    assert [c.kind for c in cases].count("near_miss") == 2
    assert all(c.as_of is None for c in cases)


def test_cli_reads_the_dataset_folder_and_refuses_unusable_data_in_one_line(tmp_path, capsys):
    write_jsonl(tmp_path, dev_rows(4))
    out = tmp_path / "out"
    args = ["--split", "dev", "--out", str(out), "--unanswerable", "0"]
    assert rtqa.main(["--data", str(tmp_path), *args]) == 0  # the folder holding questions.jsonl
    assert "4 answerable" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    for text, says in [("not json\n", "is not RealTime QA's JSON lines"), ('{"q": 1}\n', "'id'")]:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(SystemExit) as exit_:
            rtqa.main(["--data", str(bad), *args])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert says in err and "Traceback" not in err
    with pytest.raises(SystemExit):
        rtqa.main(["--data", str(tmp_path / "missing.jsonl"), *args])
    assert "No such file" in capsys.readouterr().err
