"""Answers written as news writes them: "in May", "two hours after polls closed",
"two-thirds", "in the 89th minute".

The corpus is written here (nothing is tuned to it): three short reports pasted as users
paste them — a headline, a date line, the story. Each question's answer is told only in
a way the asked type once failed to recognise, so the typed guard ruled the answering
sentence out and the bot refused or quoted another sentence. Asked of both offline
answerers (the learned selector and the hand-set weights share the type check).
"""

from __future__ import annotations

import pytest
from conftest import report_bots

REPORTS = {
    "harbour.txt": "Harbour repairs finish early\ndate 2026-03-14\n\n"
    "The Eastport harbour reopened on Monday after repairs costing $2.4 million, the port "
    "authority said. The river flooded the quay in May, delaying the work. Two-thirds of "
    "the cost was paid by the regional government. Port director Helen Marsh said the "
    "fishing fleet had already returned.\n",
    "election.txt": "Council election results\nDate: 2026-05-08\n\n"
    "Ana Ruiz won the mayoral election on Thursday with 52% of the vote, defeating the "
    "incumbent, Tom Becker. Turnout was 61%. Becker conceded two hours after polls "
    "closed.\n",
    "final.txt": "Cup final report\n2026-05-17\n\n"
    "Harlow Town won the county cup on Saturday, beating Ashby 2-1 in front of 3,200 fans. "
    "Ashby's Dev Patel opened the scoring. Substitute Ollie Grant headed the winner in the "
    "89th minute.\n",
}


@pytest.fixture(scope="module")
def ask(tmp_path_factory, encoder):
    """``ask(selector, question)``: the answer from the reports above."""
    bots = report_bots(tmp_path_factory.mktemp("news-times"), encoder, REPORTS, ("learned", "hand"))
    return lambda selector, question: bots[selector].ask(question)


@pytest.mark.parametrize("selector", ["learned", "hand"])
@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("When did the river flood the quay?", "flooded the quay in May"),
        ("When did Becker concede?", "conceded two hours after polls closed"),
        ("How much of the cost did the regional government pay?", "Two-thirds of the cost"),
        ("When did Grant score?", "headed the winner in the 89th minute"),
    ],
)
def test_the_answer_told_as_news_tells_it_is_quoted(ask, selector, question, said):
    answer = ask(selector, question)
    assert not answer.refused, answer.reason
    assert any(said in c.quote for c in answer.citations), answer.text


@pytest.mark.parametrize("selector", ["learned", "hand"])
def test_the_date_line_under_a_headline_is_never_quoted(ask, selector):
    answer = ask(selector, "How much did the harbour repairs cost?")
    assert answer.citations, answer.text
    assert not any("2026-03-14" in c.quote or "finish early" in c.quote for c in answer.citations)
    assert all(c.date == "2026-03-14" for c in answer.citations if c.file == "harbour.txt")
