"""The LLM path against a real model: llama.cpp's OpenAI-compatible server serving
SmolLM2-135M-Instruct (session fixture ``llama_url``), through the real openai client.

SmolLM2 is tiny and often wrong, which is the point: whatever it writes, what reaches the
user must satisfy the invariants. These tests assert those, never wording: every
surviving sentence verified and cited, every citation an exact slice of its file,
markers 1..n in order, refusals well-formed, and streaming ending with the same answer
as ``ask``.
"""

from __future__ import annotations

import pytest
from conftest import assert_llm_invariants

from bot import Answer, Bot, Status

pytestmark = pytest.mark.slow

QUESTIONS = [
    "How many North Korean troops are in Russia?",
    "Who is Moscow's ambassador to Pyongyang?",
    "What weapons has North Korea sent to Russia?",
]
#: No seed article says: whatever the model writes, nothing of it may survive verification.
OFF_TOPIC = "Who won the 2022 World Cup?"


@pytest.fixture(scope="module")
def real_bot(seeds_bot, llama_url):
    settings = seeds_bot.settings.with_(
        llm="openai",
        openai_base_url=llama_url,
        llm_model="smollm2",
        llm_timeout=600.0,  # two shared cores: prompt evaluation alone can take a minute
        llm_retries=0,
        llm_fallback=False,  # a failing model must fail the test, not hide behind quotes
        top_k=4,  # shorter prompts keep the test quick; the invariants do not depend on k
    )
    return Bot(settings=settings, embedding=seeds_bot.embedding)


def assert_invariants(answer: Answer) -> None:
    assert answer.answerer == "openai:smollm2"
    assert_llm_invariants(answer)


@pytest.mark.parametrize("question", QUESTIONS)
def test_real_model_answers_keep_the_invariants(real_bot, question):
    asked = real_bot.ask(question)
    assert_invariants(asked)
    items = list(real_bot.ask_stream(question))
    final = items[-1]
    assert isinstance(final, Answer) and all(isinstance(x, str | Status) for x in items[:-1])
    assert_invariants(final)
    shown = "".join(x for x in items if isinstance(x, str))  # verified text only
    assert " ".join(shown.split()) == " ".join(final.text.split())
    # temperature 0: the streamed reply is the same text, so verification agrees
    assert (final.text, final.citations, final.refused) == (
        asked.text,
        asked.citations,
        asked.refused,
    )


def test_real_model_condenses_a_follow_up(real_bot):
    history = [
        {"role": "user", "content": "How many North Korean soldiers have died?"},
        {"role": "assistant", "content": "Around 400 North Korean soldiers had died. [1]"},
    ]
    answer = real_bot.ask("And how many were wounded?", history=history)
    assert answer.standalone_question.strip()
    assert_invariants(answer)


def test_real_model_off_topic_answer_is_refused(real_bot):
    answer = real_bot.ask(OFF_TOPIC)
    assert_invariants(answer)
    assert answer.refused, answer.text
