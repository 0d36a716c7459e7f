"""The page's HTML from real answers: markers, refusals, struck sentences, escaping, articles.

Answers come from the real Bot over the seeds; the verification fields the LLM path fills
(verdicts, dropped) are set by hand on a real answer, since the extractive default leaves
them empty.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from web_probe import parse

from bot.errors import ConfigError
from bot.faces.web import parse_auth
from bot.faces.web.examples import example_questions, question_from_title
from bot.faces.web.html import (
    ARTICLE_WINDOW,
    Turn,
    render_article,
    render_examples,
    render_sources,
    render_transcript,
)
from bot.types import Answer, Citation, SentenceVerdict

#: The only elements the page's renderers ever write.
PAGE_TAGS = {
    "#root", "div", "span", "button", "del", "details", "summary", "ul", "li", "ol", "h3",
    "p", "b", "blockquote", "mark", "progress",
}  # fmt: skip

HOSTILE = (
    'Crates <img src="http://example.invalid/x.png" onerror="alert(1)"> moved '
    "${alert(2)} {{value}} [link](http://example.invalid) <script>alert(3)</script> `x` [7]."
)


@pytest.fixture(scope="module")
def answered(seeds_bot):
    return seeds_bot.ask("How many North Korean troops are in Russia?")


def bubble(html: str, turn: int = -1):
    return parse(html).find_all("div", "turn")[turn].find_all("div", "msg")[1]


def test_answer_text_round_trips_and_cited_markers_are_buttons(answered):
    assert answered.citations and not answered.refused
    msg = bubble(render_transcript([Turn("q", answer=answered)]))
    assert "answer" in msg.attrs["class"] and msg.attrs["data-answerer"] == "extractive"
    text = msg.find_all("div", "bubble")[0].text
    assert text == answered.text  # escaped and unescaped, nothing lost or added
    buttons = msg.find_all("button", "cite")
    assert [int(b.attrs["data-n"]) for b in buttons] == [c.n for c in answered.citations]
    assert {b.attrs["data-turn"] for b in buttons} == {"0"}
    assert "answered by" in msg.find_all("div", "meta")[0].text


def test_refusal_is_styled_apart_with_its_reason(seeds_bot):
    refusal = seeds_bot.ask("What is the capital of France?")
    assert refusal.refused
    msg = bubble(render_transcript([Turn("q", answer=refusal)]))
    assert "refusal" in msg.attrs["class"].split() and "answer" not in msg.attrs["class"].split()
    assert msg.attrs["data-refused"] == "true"
    assert msg.text.startswith("∅ The articles don't say.")
    assert not msg.find_all("button")


def test_hostile_text_is_shown_as_text_never_as_markup(answered):
    cite = replace(
        answered.citations[0], quote=HOSTILE, start=4, end=4 + len(HOSTILE), title="<b>T</b>"
    )
    evil = replace(answered, text=f"{HOSTILE} [1]", citations=[cite], answerer="<i>m</i>")
    html = render_transcript([Turn(HOSTILE, answer=evil), Turn("x", error=HOSTILE)])
    html += render_sources(evil, 0) + render_examples([HOSTILE])
    html += render_article(cite, "abc " + HOSTILE + " def", nonce=1)
    root = parse(html)
    assert root.tags() <= PAGE_TAGS  # no img, script, a, i, b-with-onclick…
    assert not [el for el in root.find_all() if any(k.startswith("on") for k in el.attrs)]
    assert "[7]" in bubble(html, 0).text  # an uncited marker stays plain text
    assert len(bubble(html, 0).find_all("button", "cite")) == 1
    assert root.find_all("button", "example")[0].attrs["data-q"] == HOSTILE
    assert root.find_all("mark")[0].text == HOSTILE


def test_unsupported_sentences_are_struck_and_dropped_ones_listed(answered):
    first, _, rest = answered.text.partition("[1]")
    verdicts = [
        SentenceVerdict(first.strip(), (1,), supported=False, score=0.1, reason="no support"),
        SentenceVerdict(rest.strip(), (2,), supported=True, score=0.9),
    ]
    dropped = [SentenceVerdict("Pyongyang sent 1 million troops.", (), False, 0.0)]
    ans = replace(answered, verdicts=verdicts, dropped=dropped)
    msg = bubble(render_transcript([Turn("q", answer=ans)]))
    struck = msg.find_all("del", "unsupported")
    assert struck[0].text == first.strip()
    assert struck[-1].text == "Pyongyang sent 1 million troops."
    assert "1 sentence removed" in msg.find_all("summary")[0].text
    assert len(msg.find_all("button", "cite")) == len(answered.citations)


def test_pending_and_error_turns():
    html = render_transcript(
        [
            Turn("a"),
            Turn("b", streamed="Verified <text", status="checking sentence 2…"),
            Turn("", error="bad"),
        ]
    )
    pending = [bubble(html, i) for i in (0, 1)]
    assert all("pending" in m.attrs["class"] for m in pending)
    assert "Searching the articles" in pending[0].text
    assert pending[1].text.startswith("Verified <text")
    status = pending[1].find_all("div", "thinking")[0]
    assert status.attrs["role"] == "status" and status.text == "Checking sentence 2…"
    error = bubble(html, 2)
    assert error.attrs["role"] == "alert" and "Bad" in error.text


def test_an_answer_quoted_instead_of_the_model_says_so(answered):
    dropped = [SentenceVerdict("Pyongyang sent 1 million troops.", (), False, 0.2, "weak")]
    quoted = replace(answered, fell_back=True, dropped=dropped)
    msg = bubble(render_transcript([Turn("q", answer=quoted)]))
    assert "Quoted from the articles instead of the model: its answer could not be verified" in (
        msg.text
    )
    plain = bubble(render_transcript([Turn("q", answer=answered)]))
    assert "Quoted from the articles" not in plain.text


def test_sources_list_file_line_date_title_quote(answered):
    root = parse(render_sources(answered, 3, active=2))
    rows = root.find_all("li", "source")
    assert len(rows) == len(answered.citations)
    for row, c in zip(rows, answered.citations):
        assert c.file in row.text and f"line {c.line}" in row.text
        assert " ".join(c.quote.split())[:100] in row.find_all("blockquote")[0].text
        assert (c.date or "") in row.text and c.title[:40] in row.text
        assert row.find_all("button")[0].attrs["data-turn"] == "3"
    assert [("active" in r.attrs["class"]) for r in rows] == [c.n == 2 for c in answered.citations]


def test_article_marks_exactly_the_cited_span(seeds_bot, answered):
    for c in answered.citations:
        text, _ = seeds_bot.source_text(c.file)
        root = parse(render_article(c, text))
        mark = root.find_all("mark", "quote")
        assert len(mark) == 1 and mark[0].text == text[c.start : c.end] == c.quote
        assert root.find_all("div", "article-body")[0].text == text  # the whole short article


def test_long_article_is_windowed_around_the_quote():
    text = "x" * (3 * ARTICLE_WINDOW) + "THE QUOTE" + "y" * (3 * ARTICLE_WINDOW)
    start = 3 * ARTICLE_WINDOW
    c = Citation(1, "big.txt", "THE QUOTE", start, start + 9, 1)
    body = parse(render_article(c, text)).find_all("div", "article-body")[0]
    assert body.find_all("mark")[0].text == "THE QUOTE"
    assert len(body.text) < 2 * ARTICLE_WINDOW + 200
    assert "characters before" in body.text and "characters after" in body.text


def test_article_that_changed_since_the_answer_says_so():
    c = Citation(1, "a.txt", "old words", 0, 9, 1)
    for text in ("new words here", None):
        root = parse(render_article(c, text))
        assert not root.find_all("mark") and "changed" in root.find_all("p", "error")[0].text


def test_example_questions_come_from_titles_generically():
    assert question_from_title("Why did the dam fail?") == "Why did the dam fail?"
    assert (
        question_from_title("Flooding closes the northern rail line, officials say")
        == "What do the articles say about “Flooding closes the northern rail line”?"
    )
    assert (
        question_from_title("The weather office reports that a storm is heading for the coast of…")
        == "What do the articles say about “a storm is heading for the coast”?"
    )
    assert question_from_title("Live") is None and question_from_title("") is None
    articles = [
        {"file": "a.txt", "title": "Old news about the harbour", "date": "2020-01-01"},
        {"file": "b.txt", "title": "New bridge opens over the river", "date": "2024-05-01"},
        {"file": "c.txt", "title": "New bridge opens over the river", "date": "2023-01-01"},
        {"file": "d.txt", "title": "", "date": ""},
    ]
    got = example_questions(articles, limit=3)
    assert got == [
        "What do the articles say about “New bridge opens over the river”?",
        "What do the articles say about “Old news about the harbour”?",
    ]


def test_example_questions_over_the_seeds_get_answers(seeds_bot):
    questions = example_questions(seeds_bot.articles())
    assert len(questions) == 4
    answers = [seeds_bot.ask(q) for q in questions]
    assert all(a.citations and not a.refused for a in answers)


def test_parse_auth():
    assert parse_auth(None) is None and parse_auth("  ") is None
    assert parse_auth("ann:s3:cret") == ("ann", "s3:cret")
    for bad in ("nocolon", ":pw", "user:"):
        with pytest.raises(ConfigError, match="user:password"):
            parse_auth(bad)


def test_articles_lists_indexed_files(seeds_bot):
    arts = seeds_bot.articles()
    assert [a["file"] for a in arts] == sorted(
        p.name for p in seeds_bot.settings.seeds_dir.glob("*.txt")
    )
    assert all(set(a) == {"file", "title", "date"} and a["title"] for a in arts)
    assert Answer  # the type the renderers take


def test_index_job_reports_progress_then_ready(make_bot, seeds_copy):
    from bot.faces.web.index_job import IndexJob, Progress, status

    job = IndexJob(make_bot(seeds_copy))  # a new data dir: everything gets indexed
    job.start()
    job.start()  # idempotent: one indexing per app
    state = job.wait(-1)
    while not state.finished:
        state = job.wait(state.version, timeout=5.0)
    n = len(list(seeds_copy.glob("*.txt")))
    assert (state.stage, state.done, state.total) == ("index", n, n)  # progress was reported
    assert state.summary == f"{n} articles indexed" and not state.error
    assert "Ready — 5 articles indexed" in status(state)
    assert len(job.examples) == 4
    busy = status(Progress(3, "index", 2, 5, False, "", ""))
    assert "Indexing articles" in busy and '<progress max="5" value="2">' in busy


def test_index_job_shows_a_readable_error(make_bot, tmp_path):
    from bot.faces.web.index_job import IndexJob, status

    job = IndexJob(make_bot(tmp_path / "no-such-dir"))
    job.start()
    state = job.wait(-1)
    while not state.finished:
        state = job.wait(state.version, timeout=5.0)
    html = status(state)
    assert "Indexing failed: seeds dir not found" in html and 'role="alert"' in html
    assert job.examples == []
