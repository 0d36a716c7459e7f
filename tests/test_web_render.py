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
from bot.faces.text import plain_reason, quoted
from bot.faces.web import parse_auth
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
    why = "the model said the articles don't say, but they very likely do"
    overruled = bubble(
        render_transcript([Turn("q", answer=replace(answered, fell_back=True, quoted_because=why))])
    )
    assert f"Quoted from the articles instead of the model: {why}" in overruled.text


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


def test_example_questions_ask_about_facts_not_headlines():
    from bot.text.examples import questions_from

    sentences = [
        "Mara Ellison, the harbour master of Port Wen, said the pier would reopen.",
        "Officials said around 240 fishing boats had returned to the harbour by Friday.",
        "The Port Wen harbour reopens after the storm",  # a headline: no question from it
        "In 2019, 30 years had passed since the flood.",  # years are not counted things
    ]
    assert list(questions_from(sentences)) == [
        "Who is Mara Ellison?",
        "How many fishing boats had returned to the harbour?",
    ]


def test_example_questions_over_the_seeds_are_answered_and_no_headline_echo(seeds_bot):
    questions = seeds_bot.example_questions()
    assert len(questions) >= 3 and len(set(questions)) == len(questions)
    titles = {a["title"].lower() for a in seeds_bot.articles()}
    for q in questions:
        assert q.startswith(("Who ", "How many ")) and q.endswith("?")
        assert "articles say about" not in q and not any(t in q.lower() for t in titles)
        answer = seeds_bot.ask(q)
        assert answer.citations and not answer.refused, q


def test_quotes_that_open_with_a_quote_mark_are_not_doubled():
    assert quoted("Troops moved.") == "“Troops moved.”"
    assert quoted("“We will stay,” he said.") == "“We will stay,” he said."
    assert quoted('"Hundreds" went') == '"Hundreds" went'
    assert quoted("a  b\n c " * 100, 20).endswith("…”") and "\n" not in quoted("a\nb")
    c = Citation(1, "a.txt", "“Hundreds” of soldiers were sent.", 0, 33, 1)
    answer = Answer("q", "“Hundreds” of soldiers were sent. [1]", False, [c])
    quote = parse(render_sources(answer, 0)).find_all("blockquote")[0].text
    assert quote == "“Hundreds” of soldiers were sent."


@pytest.mark.parametrize(
    ("reason", "plain"),
    [
        ("no passage was retrieved", "None of the indexed articles is about this."),
        ("no article mentions 'hospital'", "None of the indexed articles mentions “hospital”."),
        ("no retrieved sentence gives a person", "None of the indexed articles names who that is."),
        ("no retrieved sentence gives a name", "None of the indexed articles names it."),
        ("no retrieved sentence gives a match", "None of the indexed articles answers that."),
        ("no retrieved passage is about 2017", "None of the indexed articles is about 2017."),
        ("no retrieved sentence about 2023 gives a person",
         "None of the indexed articles about 2023 names who that is."),
        ("weak evidence (score 0.31, coverage 0.10)", "The closest passages found do not clearly answer this."),
        ("no retrieved sentence gives a number; no retrieved sentence gives a number",
         "None of the indexed articles gives that figure."),
        ("something new happened", "Something new happened."),
    ],
)  # fmt: skip
def test_refusal_reasons_read_as_plain_words(reason, plain):
    assert plain_reason(reason) == plain


def test_real_refusals_get_plain_reasons_on_the_page(seeds_bot):
    for question in ("What is the capital of France?", "Who won the 2022 football World Cup?"):
        answer = seeds_bot.ask(question)
        assert answer.refused and answer.reason
        why = bubble(render_transcript([Turn(question, answer=answer)])).find_all("div", "why")
        text = why[0].text
        assert text.startswith(("None of the", "The closest")), (answer.reason, text)
        assert "retrieved" not in text and "coverage" not in text


def test_each_cited_sentence_shows_its_article_date(answered):
    msg = bubble(render_transcript([Turn("q", answer=answered)]))
    chips = [chip.attrs["data-date"] for chip in msg.find_all("span", "cdate")]
    assert chips == [c.date for c in answered.citations if c.date] and chips


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
    from bot.faces.web.index_job import IndexJob, JobState, status
    from bot.types import IndexProgress

    (seeds_copy / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    job = IndexJob(make_bot(seeds_copy))  # a new data dir: everything gets indexed
    job.start()
    job.start()  # idempotent: one indexing per app
    seen, states = -1, []
    while not states or not states[-1].finished:
        states.append(job.wait(seen, timeout=5.0))
        seen = states[-1].version
    state = states[-1]
    n = len(list(seeds_copy.glob("*.txt")))
    reported = [s.progress for s in states if s.progress is not None]
    assert reported and (reported[-1].done, reported[-1].total) == (n, n)
    assert (state.articles, state.skipped) == (
        n,
        (("scan.png", "unsupported type .png (an image has no text to cite)"),),
    )
    ready = parse(status(state))
    assert "Ready — 5 articles indexed" in ready.text and not state.error
    assert "1 file not indexed" in ready.text and "scan.png: unsupported type .png" in ready.text
    assert 3 <= len(job.examples) <= 4
    busy = status(JobState(3, IndexProgress(2, 5, 1, 5, 12, 4.0)))
    assert "Indexing: 2 of 5 files, 0.5 files/s, about 6 s left" in busy
    assert "1 of 5 articles searchable; you can ask already" in busy
    assert '<progress max="5" value="1">' in busy  # searchable of all


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
