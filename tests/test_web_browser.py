"""The page in a real browser: Debian's chromium driven by Playwright, headless.

Type a question, watch the answer stream in, click its [n] markers and check that the
highlighted span is exactly the citation's quote and is scrolled into view; hostile article
text stays inert; examples and "New chat" work; the page fetches nothing but 127.0.0.1.
A screenshot goes to the test's tmp dir and to /tmp/page.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import free_port

from bench.page import OBSERVE
from bot.faces.web import launch

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "Where are wounded Russian soldiers being treated?"
WAIT_MS = 120_000  # an upper bound for slow shared machines, not a timing assertion

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture(scope="module")
def served(seeds_bot):
    app, url = launch(seeds_bot, port=free_port(), block=False, quiet=True)
    yield url
    app.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    page.locator("#status .status.ready").wait_for()


def ask(page, question: str) -> None:
    page.evaluate(OBSERVE)
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")


def last_reply(page):
    return page.locator("#transcript .msg.bot").last


def assert_only_local(page) -> None:
    remote = [u for u in page.requests if urlparse(u).hostname not in ("127.0.0.1", None)]
    assert remote == [], remote


def assert_in_view(page, inner: str, outer: str) -> None:
    a = page.locator(inner).bounding_box()
    b = page.locator(outer).bounding_box()
    assert a and b and b["y"] - 1 <= a["y"] and a["y"] + a["height"] <= b["y"] + b["height"] + 1


def test_streamed_answer_citation_click_highlights_the_quote(page, served, seeds_bot, tmp_path):
    open_page(page, served)
    ask(page, QUESTION)
    last_reply(page).locator("button.cite").first.wait_for()
    expected = seeds_bot.ask(QUESTION)
    states = page.evaluate("window.__states")
    assert states[0]["kind"] == "pending" and states[-1]["kind"] == "answer", states
    assert last_reply(page).locator(".bubble").text_content() == expected.text
    assert page.locator("#question textarea").input_value() == ""
    assert "answered by extractive" in last_reply(page).locator(".meta").inner_text()

    markers = last_reply(page).locator("button.cite")
    assert markers.count() == len(expected.citations) >= 2
    for i, c in enumerate(expected.citations):
        markers.nth(i).click()
        mark = page.locator(f"#article .article[data-nonce='{i + 1}'] mark.quote")
        mark.wait_for()
        text, _ = seeds_bot.source_text(c.file)
        assert mark.text_content() == c.quote == text[c.start : c.end]
        assert c.file in page.locator("#article .article-head").inner_text()
        assert_in_view(page, "#article mark.quote", "#article .article-body")
        assert page.locator("#sources li.source.active").get_attribute("data-n") == str(c.n)

    markers.first.click()  # the sources panel shows the first source again
    nonce = len(expected.citations) + 1  # one article view per click
    page.locator(f"#article .article[data-nonce='{nonce}'] mark.quote").wait_for()
    shot = tmp_path / "page.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copy(shot, "/tmp/page.png")
    assert shot.stat().st_size > 10_000
    assert_only_local(page)


def test_sources_panel_rows_open_their_article(page, served, seeds_bot):
    open_page(page, served)
    ask(page, QUESTION)
    last_reply(page).locator("button.cite").first.wait_for()
    c = seeds_bot.ask(QUESTION).citations[-1]
    page.locator(f"#sources li.source[data-n='{c.n}'] button.cite").click()
    assert page.locator("#article mark.quote").text_content() == c.quote


def test_refusal_error_and_new_chat(page, served):
    open_page(page, served)
    ask(page, "What is the capital of France?")
    page.locator("#transcript .msg.bot.refusal").wait_for()
    assert "The articles don't say." in last_reply(page).inner_text()
    page.locator("#send").click()  # the box is empty now
    page.locator("#transcript .msg.bot.error").wait_for()
    assert last_reply(page).inner_text().strip() == "⚠ The question is empty"
    assert page.locator("#transcript .turn").count() == 2
    page.locator("#new-chat").click()
    page.locator("#transcript .transcript.empty").wait_for()
    assert "No answer yet" in page.locator("#sources").inner_text()


def test_example_question_asks_itself(page, served):
    open_page(page, served)
    example = page.locator("#examples button.example").first
    text = example.inner_text()
    assert text.endswith("?")
    page.evaluate(OBSERVE)
    example.click()
    last_reply(page).locator("button.cite").first.wait_for()
    assert page.locator("#transcript .msg.user").last.inner_text() == text


def test_hostile_article_text_stays_text(page, browser, make_bot, seeds_copy, tmp_path):
    filler = "".join(
        f"Line {i} of the almanac lists tide tables for the week and nothing else.\n"
        for i in range(150)
    )
    hostile = (
        'The harbour office counted 4,321 crates of zebra figurines <img src="http://'
        'example.invalid/p.png" onerror="window.__pwned=1"> smuggled through Port Velvet '
        "${globalThis.__pwned=2} in March, see [the ledger](http://example.invalid/l) and "
        "<script>window.__pwned=3</script> for details."
    )
    (seeds_copy / "900_hostile.txt").write_text(
        f'Port Velvet <b onmouseover="window.__pwned=4">customs</b> report\n{filler}{hostile}\n'
        "Officials said the figurines were seized on the quay.\n",
        encoding="utf-8",
    )
    bot = make_bot(seeds_copy)
    app, url = launch(bot, port=free_port(), block=False, quiet=True)
    try:
        open_page(page, url)
        ask(page, "How many crates of zebra figurines were smuggled through Port Velvet?")
        last_reply(page).locator("button.cite").first.wait_for()
        assert hostile in last_reply(page).inner_text()
        last_reply(page).locator("button.cite").first.click()
        mark = page.locator("#article mark.quote")
        mark.wait_for()
        assert mark.text_content() == hostile
        assert_in_view(page, "#article mark.quote", "#article .article-body")
        body = page.locator("#article .article-body")
        assert body.evaluate("el => el.scrollTop") > 0  # it had to scroll to get there
        page.locator("#sources").hover()
        for where in ("#transcript", "#sources", "#article", "#examples"):
            assert page.locator(f"{where} img, {where} script, {where} a").count() == 0
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert_only_local(page)
    finally:
        app.close()


SCREENS = Path("/work/shared-out/screens")


def screenshot(page, name: str, tmp_path: Path) -> None:
    """Into the test's tmp dir, and to SCREENS for the report when that folder exists."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 5_000
    if SCREENS.is_dir():
        shutil.copy(shot, SCREENS / name)


def test_a_citation_from_an_html_article_highlights_its_span(page, make_bot, tmp_path):
    from test_mixed_folder import mixed_folder

    bot = make_bot(mixed_folder(tmp_path))
    app, url = launch(bot, port=free_port(), block=False, quiet=True)
    try:
        open_page(page, url)
        assert "3 files not indexed" in page.locator("#status").inner_text()
        question = (
            "How many megawatts will the floating solar farm on the Ashby reservoir generate?"
        )
        ask(page, question)
        last_reply(page).locator("button.cite").first.wait_for()
        expected = bot.ask(question)
        cited = [
            c
            for c in expected.citations
            if c.file == "pages/floating-solar.html" and "14 megawatts" in c.quote
        ]
        assert cited, expected.citations
        last_reply(page).locator(f"button.cite[data-n='{cited[0].n}']").click()
        mark = page.locator("#article mark.quote")
        mark.wait_for()
        text, _ = bot.source_text(cited[0].file)
        assert mark.text_content() == cited[0].quote == text[cited[0].start : cited[0].end]
        assert "14 megawatts" in mark.text_content()
        assert "pages/floating-solar.html" in page.locator("#article .article-head").inner_text()
        body = page.locator("#article .article-body").inner_text()
        assert "<p" not in body and "cookie" not in body.lower() and "Share on" not in body
        assert_in_view(page, "#article mark.quote", "#article .article-body")
        screenshot(page, "desktop-html-citation.png", tmp_path)
        assert_only_local(page)
    finally:
        app.close()


def test_narrow_screen_has_a_way_back_and_stale_highlights_go(browser, served, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        open_page(page, served)
        screenshot(page, "phone-390-start.png", tmp_path)
        ask(page, QUESTION)
        marker = last_reply(page).locator("button.cite").first
        marker.wait_for()
        box = marker.bounding_box()
        assert box and box["height"] >= 24 and box["width"] >= 24  # big enough for a thumb
        screenshot(page, "phone-390-answer.png", tmp_path)
        marker.click()
        back = page.locator("#article button.back")
        back.wait_for()
        assert back.is_visible()
        page.wait_for_function(
            "() => { const r = document.querySelector('#article mark.quote')"
            ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
        )
        screenshot(page, "phone-390-article.png", tmp_path)
        back.click()
        page.wait_for_function(
            "() => { const r = document.querySelector('#transcript button.cite')"
            ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
        )
        ask(page, "What is the capital of France?")  # a new question: the old highlight goes
        page.locator("#transcript .msg.bot.refusal").wait_for()
        assert page.locator("#article mark.quote").count() == 0
        assert "Click a [n] marker" in page.locator("#article").inner_text()
        why = last_reply(page).locator(".why").inner_text()
        assert why.startswith("None of the indexed articles") or why.startswith("The closest")
        screenshot(page, "phone-390-refusal.png", tmp_path)
    finally:
        context.close()


def test_wide_screen_hides_the_back_button(page, served):
    open_page(page, served)
    ask(page, QUESTION)
    last_reply(page).locator("button.cite").first.click()
    page.locator("#article mark.quote").wait_for()
    assert not page.locator("#article button.back").is_visible()


def test_a_question_over_the_limit_gets_an_error_not_a_cut(page, served):
    open_page(page, served)
    ask(page, "Why " + "x" * 2_496)
    page.locator("#transcript .msg.bot.error").wait_for()
    message = last_reply(page).inner_text().strip()
    assert message == "⚠ The question is 2,500 characters long; the limit is 2,000"
    assert len(page.locator("#question textarea").input_value()) == 2_500  # kept to fix it


def test_example_questions_are_questions_about_the_articles(page, served, tmp_path):
    open_page(page, served)
    examples = page.locator("#examples button.example")
    texts = [examples.nth(i).inner_text() for i in range(examples.count())]
    assert texts and all(t.startswith(("Who is ", "How many ")) for t in texts), texts
    screenshot(page, "desktop-start.png", tmp_path)
    ask(page, texts[0])
    last_reply(page).locator("button.cite").first.wait_for()
    last_reply(page).locator("button.cite").first.click()
    page.locator("#article mark.quote").wait_for()
    screenshot(page, "desktop-answer.png", tmp_path)


def test_while_indexing_the_page_shows_progress_and_partial_answers_say_so(
    page, make_bot, tmp_path
):
    """A spy slows the real store's chunk writes so the indexing lasts long enough to look
    at; the answer comes from the articles indexed so far and says how many those were."""
    import time

    from test_first_hour import _folder_answer_last, _slow_bot

    seeds = tmp_path / "seeds"
    shutil.copytree(Path(__file__).resolve().parent.parent / "seeds", seeds)
    bot = _slow_bot(make_bot, _folder_answer_last(seeds), 6.0, index_wait=0)
    app, url = launch(bot, port=free_port(), block=False, quiet=True)
    try:
        page.goto(url)
        status = page.locator("#status .status.busy")
        page.wait_for_function(
            "() => (document.querySelector('#status') || {}).innerText"
            "?.includes('you can ask already')"
        )
        assert "articles searchable" in status.inner_text() and "files/s" in status.inner_text()
        ask(page, "Which cities will North Korean professors teach in?")  # first-batch article
        reply = last_reply(page)
        reply.locator("button.cite").first.wait_for()
        partial = reply.locator(".meta .partial").inner_text()
        assert partial.startswith("answered from ") and partial.endswith("indexing continues")
        assert "Indexing:" in page.locator("#status").inner_text()  # until the run ends
        screenshot(page, "desktop-while-indexing.png", tmp_path)
        while not app.bot_index_job.state.finished:
            time.sleep(0.2)
        page.locator("#status .status.ready").wait_for()
    finally:
        app.close()
