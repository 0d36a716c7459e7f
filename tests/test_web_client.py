"""The launched page through gradio_client: real server on 127.0.0.1, real Bot, real model.

``/chat`` is the page's own submit event: it returns the transcript, sources and article
HTML, the textbox value; the conversation lives in the server's per-session state, so one
``Client`` is one chat.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import quote, urlparse

import pytest
from conftest import SEEDS, free_port
from gradio_client import Client
from web_probe import parse

from bot.faces.web import launch

QUESTION = "How many North Korean troops are in Russia?"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(seeds_bot):
    app, url = launch(seeds_bot, port=free_port(), block=False, quiet=True)
    yield url
    app.close()


@pytest.fixture()
def client(served):
    return Client(served, verbose=False)


def last_reply(transcript_html: str):
    turns = parse(transcript_html).find_all("div", "turn")
    return turns[-1].find_all("div", "msg")[1], len(turns)


def test_binds_loopback_and_exposes_only_chat(served, client):
    assert urlparse(served).hostname == "127.0.0.1"
    api = client.view_api(print_info=False, return_format="dict")
    assert list(api["named_endpoints"]) == ["/chat"]
    assert not api["unnamed_endpoints"]


def test_ask_answers_with_the_citations_bot_gives(client, seeds_bot):
    transcript, sources, _article, box = client.predict(QUESTION, api_name="/chat")
    expected = seeds_bot.ask(QUESTION)
    reply, n = last_reply(transcript)
    assert n == 1 and box == ""
    assert "answer" in reply.attrs["class"].split()
    assert reply.find_all("div", "bubble")[0].text == expected.text
    assert [b.attrs["data-n"] for b in reply.find_all("button", "cite")] == [
        str(c.n) for c in expected.citations
    ]
    rows = parse(sources).find_all("li", "source")
    assert [r.find_all("span", "file")[0].text for r in rows] == [
        c.file for c in expected.citations
    ]


def test_answer_streams_before_it_is_final(client):
    job = client.submit(QUESTION, api_name="/chat")
    job.result()
    kinds = [last_reply(out[0])[0].attrs["class"].split()[-1] for out in job.outputs()]
    assert kinds[0] == "pending" and kinds[-1] == "answer", kinds


def test_follow_up_uses_the_earlier_exchange(client):
    client.predict(QUESTION, api_name="/chat")
    transcript, *_ = client.predict("And how many of them have died?", api_name="/chat")
    reply, n = last_reply(transcript)
    assert n == 2 and "answer" in reply.attrs["class"].split()
    assert "400" in reply.text and "died" in reply.text


def test_new_client_is_a_new_chat(served, client):
    client.predict(QUESTION, api_name="/chat")
    transcript, *_ = Client(served, verbose=False).predict("Who is Kim Jong Un?", api_name="/chat")
    assert last_reply(transcript)[1] == 1


def test_refusal_is_marked_as_one(client):
    transcript, sources, *_ = client.predict("What is the capital of France?", api_name="/chat")
    reply, _ = last_reply(transcript)
    assert reply.attrs["data-refused"] == "true" and "refusal" in reply.attrs["class"]
    assert "The articles don't say." in reply.text
    assert "cites nothing" in parse(sources).text


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "The question is empty"), ("   \n ", "The question is empty"),
     ("x" * 2001, "The question is 2,001 characters long; the limit is 2,000")],
)  # fmt: skip
def test_bad_questions_get_a_readable_message(client, question, message):
    transcript, *_ = client.predict(question, api_name="/chat")
    reply, _ = last_reply(transcript)
    assert reply.attrs["role"] == "alert" and "error" in reply.attrs["class"]
    assert reply.text.strip() == f"⚠ {message}"
    assert "Traceback" not in transcript


def test_seed_and_data_files_are_not_served(served, seeds_bot):
    for path in (SEEDS / "001_d0fa11202cbcfd51.txt", seeds_bot.settings.data_dir / "bot-data.json"):
        for route in (f"gradio_api/file={quote(str(path.resolve()))}", f"file={path.resolve()}"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(served + route, timeout=30)
            assert err.value.code in (403, 404), route


def test_login_when_auth_is_set(seeds_bot):
    app, url = launch(seeds_bot, port=free_port(), auth=("ann", "pw"), block=False, quiet=True)
    try:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url + "config", timeout=30)
        assert err.value.code == 401
        with pytest.raises(ValueError, match="credentials were not provided"):
            Client(url, verbose=False)
        with pytest.raises(ValueError, match="Could not login"):
            Client(url, auth=("ann", "wrong"), verbose=False)
        transcript, *_ = Client(url, auth=("ann", "pw"), verbose=False).predict(
            QUESTION, api_name="/chat"
        )
        assert "answer" in last_reply(transcript)[0].attrs["class"].split()
    finally:
        app.close()


def test_a_question_right_after_serve_gets_no_false_refusal(make_bot, tmp_path):
    """`bot serve` over a folder that takes over 10 s to index, asked at once: the answer's
    article is indexed last, so an answer from the partial index would be a refusal; the
    question waits for it instead. (A spy slows the real store's chunk writes, so the folder
    takes long enough on any machine.)"""
    import shutil
    import time

    from test_formats import HTML

    from bench.corpus import write_corpus

    seeds = write_corpus(200, tmp_path).path
    shutil.copy(HTML, seeds / "zz-floating-solar.html")
    bot = make_bot(seeds)
    write = bot.store.add_chunks
    bot.store.add_chunks = lambda chunks, vectors: (time.sleep(2.0), write(chunks, vectors))[1]
    t0 = time.monotonic()
    app, url = launch(bot, port=free_port(), block=False, quiet=True)
    try:
        job = app.bot_index_job
        transcript, sources, *_ = Client(url, verbose=False).predict(
            "How many megawatts will the floating solar farm on the Ashby reservoir generate?",
            api_name="/chat",
        )
        reply, _ = last_reply(transcript)
        assert "answer" in reply.attrs["class"].split(), reply.text
        assert "14 megawatts" in reply.text and "The articles" not in reply.text
        assert "zz-floating-solar.html" in parse(sources).text
        while not job.state.finished:
            time.sleep(0.2)
        assert time.monotonic() - t0 >= 10  # the premise: indexing took that long
    finally:
        app.close()
