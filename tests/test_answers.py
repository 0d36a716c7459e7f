"""Extractive answers over the seeds: facts with the right file, a follow-up, refusals.

The questions are written by hand from the articles; nothing in the answerer knows them.
Facts and refusals are asked of both offline answerers: the learned selector (the default)
and the hand-set weights (``BOT_SELECTOR=hand``); the learned selector's known failures
are strict xfails (``conftest.learned_fails``).
"""

from __future__ import annotations

import re

import pytest
from conftest import learned_fails

from bot import REFUSAL
from bot.text.terms import normalize_number

#: Where the learned selector is known to fail on the seeds, and how (README model card).
LEARNED_FAILS = {
    "How many tanks did North Korea send?": "quotes another count: it has no 'how many X "
    "needs X' rule (dev measured it as a cost)",
    "How many North Korean troops died in 2023?": "quotes other counts: its year rule "
    "passes a sentence of an undated article and one naming 2023 in passing ('compared to "
    "2023'); the broad rule, dev measured as a cost",
}


def by_selector(rows: list, question=lambda row: row[0]) -> list:
    """Each row once per offline answerer, the learned selector's known failures marked."""
    out = []
    for row in rows:
        q = question(row)
        for selector in ("learned", "hand"):
            why = LEARNED_FAILS.get(q) if selector == "learned" else None
            marks = [learned_fails(why)] if why else []
            out.append(pytest.param(selector, *row, marks=marks, id=f"{selector}-{q}"))
    return out


@pytest.fixture()
def bots(seeds_bot, hand_bot):
    return {"learned": seeds_bot, "hand": hand_bot}


ANSWERABLE = [
    ("How many North Korean workers were dispatched to Donbas?", "002_a3b9d148d5404355.txt", "150"),
    ("Which cities will North Korean professors teach in?", "000_a0f9aa3273438d83.txt", "Kazan"),
    ("What does SVO stand for?", "001_d0fa11202cbcfd51.txt", "special military operation"),
    (
        "How many North Koreans entered Russia for work in 2024?",
        "001_d0fa11202cbcfd51.txt",
        "13,000",
    ),
    (
        "How many North Korean soldiers have died according to Yoo Yong-won?",
        "003_9c917ec44682070a.txt",
        "400",
    ),
    (
        "What did Dorothy Camille Shea say about North Korean soldiers?",
        "004_c7e5022738f6770f.txt",
        "12,000",
    ),
    ("Who is Moscow's ambassador to Pyongyang?", None, "Matsegora"),
    ("What weapons has North Korea sent to Russia?", "003_9c917ec44682070a.txt", "howitzers"),
]

UNANSWERABLE = [
    "What is the capital of France?",
    "Who won the 2022 World Cup?",
    "What did Joe Biden say about North Korea?",
    "How many tanks did North Korea send?",
    "How many North Korean troops died in 2023?",
    "What is the name of the North Korean general commanding troops in Kursk?",
]


def fact_in(fact: str, text: str) -> bool:
    norm = lambda s: " ".join(normalize_number(w) for w in s.lower().split())  # noqa: E731
    return norm(fact) in norm(text)


@pytest.mark.parametrize("selector,question,file,fact", by_selector(ANSWERABLE))
def test_answers_cite_the_right_file(bots, selector, question, file, fact):
    answer = bots[selector].ask(question)
    assert not answer.refused, answer.reason
    assert fact_in(fact, answer.text)
    assert all(f"[{c.n}]" in answer.text for c in answer.citations)
    if file:
        assert file in {c.file for c in answer.citations}


@pytest.mark.parametrize("selector", ["learned", "hand"])
@pytest.mark.parametrize(
    "wrapped,plain",
    [
        # "Do you know which…?" was read as a yes/no question and refused; "Tell me how…"
        # as no question at all (RealTime QA dev 2023 questions so wrapped: correct 0.57,
        # a third of the answerable refused; unwrapped, as asked plainly: 0.84)
        (
            "Do you know how many North Korean workers were dispatched to Donbas?",
            "How many North Korean workers were dispatched to Donbas?",
        ),
        (
            "Can you tell me which cities North Korean professors will teach in?",
            "Which cities will North Korean professors teach in?",
        ),
        (
            "Tell me who Moscow's ambassador to Pyongyang is.",
            "Who is Moscow's ambassador to Pyongyang?",
        ),
    ],
)
def test_a_question_wrapped_in_a_request_is_answered_as_the_question(
    bots, selector, wrapped, plain
):
    asked, direct = bots[selector].ask(wrapped), bots[selector].ask(plain)
    assert not asked.refused, asked.reason
    assert asked.question == wrapped  # the user's words are kept; only the reading changes
    assert {c.quote for c in asked.citations} & {c.quote for c in direct.citations}


@pytest.mark.parametrize(
    "selector",
    [
        pytest.param(
            "learned",
            marks=learned_fails(
                "quotes South Korea's 11,000 only: the 12,000 reports are worded "
                "differently and score far below the runner-up share"
            ),
        ),
        "hand",
    ],
)
def test_conflicting_troop_figures_are_both_given(bots, selector):
    answer = bots[selector].ask("How many North Korean troops are in Russia?")
    figures = {f for f in ("11,000", "12,000") if fact_in(f, answer.text)}
    assert figures == {"11,000", "12,000"}
    assert len({c.file for c in answer.citations}) >= 2


def test_follow_up_uses_the_history(seeds_bot):
    history = [
        {
            "role": "user",
            "content": "How many North Korean soldiers died in Russia's Kursk region?",
        },
        {"role": "assistant", "content": "Around 400 North Korean soldiers had died. [1]"},
    ]
    answer = seeds_bot.ask("And how many were wounded?", history=history)
    assert not answer.refused
    assert fact_in("3,600", answer.text)
    assert "Kursk" in answer.standalone_question  # the earlier question was borrowed
    alone = seeds_bot.ask("And how many were wounded?")
    assert alone.standalone_question == "And how many were wounded?"  # nothing to borrow
    titles = {a["title"] for a in seeds_bot.articles()}
    # without history it used to quote 001's headline ("…its war wounded…"): never now
    assert alone.citations and not {c.quote for c in alone.citations} & titles


@pytest.mark.parametrize("selector,question", by_selector([(q,) for q in UNANSWERABLE]))
def test_refuses_when_the_articles_do_not_say(bots, selector, question):
    answer = bots[selector].ask(question)
    assert answer.refused, answer.text
    assert answer.text == REFUSAL and answer.citations == []


def test_to_dict_is_json(seeds_bot):
    import json

    answer = seeds_bot.ask("How many North Korean workers were dispatched to Donbas?")
    data = json.loads(json.dumps(answer.to_dict()))
    assert data["citations"][0]["quote"] == answer.citations[0].quote
    assert data["refused"] is False


@pytest.mark.parametrize(
    ("question", "followup"),
    [
        ("What is the capital of France?", False),  # short, but names what it is about
        ("Who is Kim Jong Un?", False),
        ("Who won?", True),
        ("How many died?", True),
        ("And in 2023?", True),
        ("Where is it?", True),
        ("What was that meeting called to discuss?", True),
        ("How many of them were wounded?", True),
        ("And how much did the winner get?", True),
        # a pronoun or "this week" its own words explain points nowhere back: a conversation's
        # new question (RealTime QA dev questions asked after another were right 0.76 against
        # 0.84 alone while they borrowed the earlier question's words; now 0.84)
        ("Which country announced it would reopen to tourists this week?", False),
        ("Which social media platform said its users can apply for a settlement?", False),
        ("And which airline began weighing passengers before boarding this week?", False),
        # "which NOUN …" names who its "his"/"its"/"him" are (dev pairs asked after another:
        # 10 of 133 were read as follow-ups so; held-out test 2024 "after" 0.65 → 0.69 = alone)
        ("Which harbour pilot resigned from his post this week?", False),
        ("And which ferry operator cut fares for its members?", False),
        ("Which mayor announced that he would not run again?", False),
        ("Which team does he play for?", True),
        ("Which newspaper published that interview?", True),
        ("What is the council giving the club in return?", True),  # in return for what?
        ("Did the ferry company raise its fares too?", True),
    ],
)
def test_a_short_question_that_names_its_subject_is_not_a_follow_up(question, followup):
    from bot.answer.query import condense, is_followup

    assert is_followup(question) is followup
    history = [{"role": "user", "content": "Where are wounded Russian soldiers being treated?"}]
    query = condense(question, history)
    assert bool(query.context) is followup
    if not followup:  # searched and read without an "And" that joins it to nothing
        plain = re.sub(r"^And (\w)", lambda m: m.group(1).upper(), question)
        assert query.standalone == query.meaning == plain
        assert query.text == question


def test_a_new_question_after_a_conversation_is_not_answered_from_it(bots):
    """A question about something no article names, asked after an answered one, must not
    borrow the earlier question's terms and quote its answer again."""
    first = "Where are wounded Russian soldiers being treated?"
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": bots["learned"].ask(first).text},
    ]
    for bot in bots.values():
        answer = bot.ask("What is the capital of France?", history=history)
        assert answer.refused, answer.text


def test_a_question_closing_on_its_month_quotes_no_other_years_report(seeds_bot):
    # a runner-up opening "This announcement follows…" leans on the sentence before it,
    # "Russia vetoed in March 2024…": quoted together they are about 2024, not the March
    # 2025 asked (both were quoted before the learned selector read the leaning sentence)
    answer = seeds_bot.ask("Which Russian official visited North Korea in March 2025?")
    assert not answer.refused, answer.reason
    assert "Shoigu" in answer.citations[0].quote
    assert all("2024" not in c.quote for c in answer.citations), [c.quote for c in answer.citations]
