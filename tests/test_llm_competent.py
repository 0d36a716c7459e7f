"""The LLM path against a competent model: Qwen2.5-Coder-Instruct served by llama.cpp
(session fixture ``qwen_url``; ``BOT_TEST_LLM`` picks the 0.5B or the 1.5B).

SmolLM2 (tests/test_llm_real.py) shows that whatever a weak model writes, only verified
sentences reach the user. These show the other half: when a model that follows the prompt
answers from the articles, the right answer survives verification — the terse one too
("Alexander Matsegora [1]", which verification used to drop) — and a question the articles
do not answer is refused. The questions are seed eval cases both Qwen models
answer correctly in a form verification keeps (replies collected with
scripts/llm_replies.py); each costs 15-60 s on two cores, so there are few.
"""

from __future__ import annotations

import pytest
from conftest import assert_llm_invariants

from bot import Answer, Bot, Status
from evals.judge import normalise

pytestmark = pytest.mark.slow

ANSWERABLE = [  # question, gold fact groups (every group needs one alternative)
    (
        "What are Russian universities setting up for North Korean students?",
        [["three-month", "three month", "3-month"], ["internship"]],
    ),
    (
        "How did Kim Jong Un describe Putin's war when he pledged his backing?",
        [["sacred war"]],
    ),
]


@pytest.fixture(scope="module")
def qwen_bot(seeds_bot, qwen_url, qwen_model):
    settings = seeds_bot.settings.with_(
        llm="openai",
        openai_base_url=qwen_url,
        llm_model=qwen_model,
        llm_timeout=900.0,  # two shared cores: a 1,500-token prompt can take a minute
        llm_retries=0,
        llm_fallback=False,  # a failing model must fail the test, not hide behind quotes
    )
    return Bot(settings=settings, embedding=seeds_bot.embedding)


@pytest.mark.parametrize(("question", "gold"), ANSWERABLE, ids=["internships", "sacred-war"])
def test_a_right_answer_survives_verification(qwen_bot, qwen_model, question, gold):
    answer = qwen_bot.ask(question)
    assert answer.answerer == f"openai:{qwen_model}"
    assert_llm_invariants(answer)
    assert not answer.refused, (answer.reason, answer.dropped)
    text = normalise(answer.text)
    missing = [g for g in gold if not any(normalise(alt) in text for alt in g)]
    assert not missing, (answer.text, answer.dropped)


def test_a_terse_right_answer_is_kept_and_streams_verified(qwen_bot, qwen_model):
    """The 1.5B answers "Alexander Matsegora [1]": the claim it makes in answer to the
    question ("Moscow's ambassador to Pyongyang is Alexander Matsegora") is what the seeds
    say, so it must be shown, not refused — and shown only once checked."""
    items = list(qwen_bot.ask_stream("Who is Moscow's ambassador to Pyongyang?"))
    answer = items[-1]
    assert isinstance(answer, Answer) and answer.answerer == f"openai:{qwen_model}"
    assert_llm_invariants(answer)
    assert not answer.refused, (answer.reason, answer.dropped)
    assert "Matsegora" in answer.text
    stages = [x.stage for x in items if isinstance(x, Status)]
    assert stages[:2] == ["retrieving", "asking"] and "checking" in stages
    shown = "".join(x for x in items if isinstance(x, str))
    assert " ".join(shown.split()) == " ".join(answer.text.split())


def test_a_question_the_articles_do_not_answer_is_refused(qwen_bot):
    answer = qwen_bot.ask("Who won the 2022 FIFA World Cup final?")
    assert_llm_invariants(answer)
    assert answer.refused, answer.text
