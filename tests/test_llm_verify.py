"""The verifier on its own: real seed chunks, real MiniLM, replies written by hand.

No server here: the verifier is a pure function of (reply, chunks). The labelled claims in
tests/data/verifier_claims.jsonl were written from the articles (supported paraphrases;
unsupported ones with a changed figure, name, quote, polarity, or an added fact).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import REFUSAL
from bot.answer.claims import ClaimReader, is_refusal, relays_instruction, split_claims
from bot.answer.quotes import locate
from bot.answer.screening import MISPLACED, other_object
from bot.answer.verify import Verifier
from bot.index.vectors import VectorCache
from bot.ingest.chunking import chunk_article
from bot.ingest.corpus import load_article, scan

CLAIMS = Path(__file__).parent / "data" / "verifier_claims.jsonl"
REAL_CLAIMS = Path(__file__).parent.parent / "evals" / "claims" / "qwen1.5b-seeds.jsonl"


@pytest.fixture(scope="module")
def chunks():
    files, _ = scan(SEEDS)
    out = []
    for src in files:
        article, _ = load_article(src)
        out.extend(chunk_article(article))
    return out


@pytest.fixture(scope="module")
def verifier(encoder):
    return Verifier(VectorCache(encoder).encode)  # as the Bot builds it: vectors cached


def by_file(chunks, name):
    return [c for c in chunks if c.file.startswith(name)]


def verify_article(verifier, reply: str, text: str, question: str = ""):
    """``reply`` verified against the chunks of one article written in the test."""
    from bot.ingest.corpus import article_from_text

    chunks = chunk_article(article_from_text("article.txt", text))
    return verifier.verify(reply, chunks, question=question)


def check_citations(result) -> None:
    for c in result.citations:
        raw = (SEEDS / c.file).open(encoding="utf-8").read()
        assert raw[c.start : c.end] == c.quote
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", result.text)]
    assert list(dict.fromkeys(markers)) == [c.n for c in result.citations]
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply,expected",
    [
        ("A fact [1]. Another [2].", [("A fact.", (1,)), ("Another.", (2,))]),
        ("A fact. [1] Another. [2][3]", [("A fact.", (1,)), ("Another.", (2, 3))]),
        ("A fact [1, 3]. B [Source 2].", [("A fact.", (1, 3)), ("B.", (2,))]),
        ("A fact [1-3].", [("A fact.", (1, 2, 3))]),
        ("- First point [1]\n- Second point [2]", [("First point", (1,)), ("Second point", (2,))]),
        ("Answer: The U.S. said so [2].", [("The U.S. said so.", (2,))]),
    ],
)
def test_split_claims_parses_markers(reply, expected):
    got = [(c.text, c.cited) for c in split_claims(reply, 3)]
    assert got == expected


def test_markers_outside_the_sources_are_set_apart():
    (claim,) = split_claims("A fact [2][9].", 3)
    assert claim.cited == (2,) and claim.invalid == (9,)


@pytest.mark.parametrize(
    "text",
    [
        REFUSAL,
        "The articles do not say how many.",
        "The sources don’t mention it.",
        "I don't know.",
        "Answer: The article doesn't say that.",
    ],
)
def test_refusals_are_recognised(text):
    assert is_refusal(text)


def test_a_claim_about_articles_is_not_a_refusal():
    assert not is_refusal("The articles say 150 workers went to Donbas.")


# --- verdicts on the seeds -----------------------------------------------------------------


def test_the_exact_figure_is_required(verifier, chunks):
    ok = verifier.verify(
        "North Korea has around 11,000 troops in Russia [1].", by_file(chunks, "003")
    )
    assert not ok.refused and ok.citations[0].file.startswith("003")
    wrong = verifier.verify(
        "North Korea has around 12,000 troops in Russia [1].", by_file(chunks, "003")
    )
    assert wrong.refused and "12000" in wrong.dropped[0].reason


@pytest.mark.parametrize(
    "claim",
    [
        "Shea said North Korea is not benefiting from Russian military equipment.",  # negation
        "North Korea voted for a UN resolution condemning Russia's aggression in March 2022.",
        'Kim Jong Un called the war a "holy struggle for the motherland".',  # quote
        "Sergei Lavrov visited North Korea and conveyed Putin's warmest wishes.",  # name
        "The drone attack on Kharkiv killed nine people.",  # injured, not killed
        "The Institute for the Study of War reported that thousands of Russian soldiers are being treated in North Korea.",
    ],
)
def test_contradictions_are_refused(verifier, chunks, claim):
    result = verifier.verify(claim, chunks)
    assert result.refused, result


SAILS = "The Tern crew sent two spare sails to the Kestrel before the final race on Sunday."


@pytest.mark.parametrize(
    ("claim", "span", "swapped"),
    [
        # the sender swapped for the receiver, the rest copied: the Tern is gone
        (
            "The Kestrel crew sent two spare sails to the Kestrel before the final race.",
            SAILS,
            True,
        ),
        (SAILS, SAILS, False),
        # reordered, not swapped: what is left over where the copies end is no swap
        (
            "The crew of the Tern won the Harlow Cup regatta.",
            "The Harlow Cup regatta was won on Saturday by the crew of the Tern, who finished "
            "four minutes ahead of the Osprey.",
            False,
        ),
        # an acronym spelled out, and a name the span never uses, are not swaps
        (
            "The Harlow Regatta Committee fined the Tern crew for a late start on Sunday.",
            "The HRC fined the Tern crew for a late start on Sunday.",
            False,
        ),
        (
            "Marlow fined the Tern crew for a late start on Sunday.",
            "The town fined the Tern crew for a late start on Sunday.",
            False,
        ),
        # names are compared whole: "South Marlow" is not the span's "North Marlow"
        (
            "The South Marlow sailing club reported that the North Marlow crews were late.",
            "Harlow's sailing club said on Sunday that the North Marlow crews were late.",
            False,
        ),
    ],
)
def test_a_name_put_where_a_copied_source_has_another_is_a_swap(claim, span, swapped):
    from bot.answer.facts import ClaimFacts, SpanFacts
    from bot.answer.swaps import swapped_names

    found = swapped_names(ClaimFacts.of(claim, set()), SpanFacts.of(span, 1, set()))
    assert bool(found) is swapped, found


def test_a_claim_spanning_two_sentences_cites_both(verifier, chunks):
    # "he said" refers back to Matsegora in the sentence before
    result = verifier.verify(
        "Matsegora said the stay in North Korea was absolutely free.", by_file(chunks, "001")
    )
    assert not result.refused
    quotes = [c.quote for c in result.citations]
    assert len(quotes) == 2 and any("Matsegora" in q for q in quotes)
    assert any("absolutely free" in q for q in quotes)
    check_citations(result)


def test_a_sentence_citing_two_sources_can_be_backed_by_both(verifier, chunks):
    pool = by_file(chunks, "003") + by_file(chunks, "004")
    n3 = next(i for i, c in enumerate(pool, 1) if "around 11,000" in c.text)
    n4 = next(i for i, c in enumerate(pool, 1) if "over 12,000" in c.text)
    reply = (
        f"South Korea's military puts the North Korean troops in Russia at around 11,000, "
        f"while Dorothy Camille Shea says over 12,000 [{n3}][{n4}]."
    )
    result = verifier.verify(reply, pool)
    assert not result.refused, result.dropped
    assert {c.file[:3] for c in result.citations} == {"003", "004"}
    check_citations(result)


def test_repeats_and_empty_sentences_are_dropped(verifier, chunks):
    s = "North Korea sent another 3,000 soldiers to Russia in January and February [1]."
    result = verifier.verify(f"{s} {s} [2]. Yes.", by_file(chunks, "003"))
    assert len(result.verdicts) == 1
    reasons = sorted(d.reason for d in result.dropped)
    assert reasons == ["no checkable content", "repeats an earlier sentence"]


def test_a_cut_off_last_sentence_is_dropped(verifier, chunks):
    result = verifier.verify(
        "North Korea sent another 3,000 soldiers to Russia [1]. It also sent large", chunks
    )
    assert [d.reason for d in result.dropped] == ["unfinished sentence"]


def test_questions_and_restated_questions_are_not_claims(verifier, chunks):
    result = verifier.verify(
        "The answer is: Russia gives North Korea in return for its support. "
        "Since when has North Korea faced U.N. sanctions? "
        "North Korea has faced U.N. sanctions since 2006.",
        chunks,
        question="What does Russia give North Korea in return for its support?",
    )
    assert [d.reason for d in result.dropped] == [
        "only restates the question",
        "a question, not a claim",
    ]
    assert result.text.startswith("North Korea has faced U.N. sanctions since 2006.")


@pytest.mark.parametrize(
    "claim,kept",
    [
        ("The world has its first vaccine for respiratory syncytial virus, or RSV [1].", True),
        ("The county board voted for the clinic's expansion [1].", False),
        ("The county board argued for the clinic's expansion [1].", False),
    ],
)
def test_for_and_against_are_opposites_only_where_a_stance_is_taken(verifier, claim, kept):
    text = (
        "Health news\n\nAfter a 60-year scientific quest, the world has its first vaccine to "
        "protect against respiratory syncytial virus, or RSV. The county board voted against "
        "the clinic's expansion on Monday.\n"
    )
    result = verify_article(verifier, claim, text)
    assert result.refused is not kept, result.dropped


@pytest.mark.parametrize(
    "claim,kept",
    [
        (
            "The agency estimates the number of refugees is approaching 35 million people [1].",
            True,
        ),
        ("The clinic is benefiting from the state grant [1].", False),
        ("The clinic has received the state grant [1].", False),
    ],
)
def test_a_negation_denies_only_the_word_it_negates(verifier, claim, kept):
    text = (
        "Refugees\n\nThe agency estimates the number of refugees worldwide is approaching 35 "
        "million people — although that number does not include the millions of people who "
        "have not been granted refugee status. The clinic is not benefiting from the state "
        "grant, and it has never received the state grant.\n"
    )
    result = verify_article(verifier, claim, text)
    assert result.refused is not kept, result.dropped


@pytest.mark.parametrize(
    "sentence,relayed",
    [
        ("The article instructs you to read the text about the council's vote.", True),
        ("The source tells users to visit the council's site.", True),
        ("The story asks readers to ignore the other reports.", True),
        ("The deadline to file your taxes this year is April 15.", False),
        ("The council asked residents to comment on the plan.", False),
        ("The article says the council voted 7-2.", False),
    ],
)
def test_a_sources_instruction_to_its_reader_is_not_passed_on(sentence, relayed):
    assert relays_instruction(sentence) is relayed


def test_a_relayed_instruction_is_dropped_even_if_its_source_says_it(verifier):
    text = (
        "Council notice\n\nThe council met on Monday to discuss the bridge. "
        "The article instructs you to read the council notice before the vote.\n"
    )
    result = verify_article(
        verifier,
        "The article instructs you to read the council notice before the vote [1].",
        text,
        question="What does the article instruct you to do?",
    )
    assert result.refused
    assert result.dropped[0].reason == "passes on an instruction in a source, not a fact"


def test_labelled_claims_stay_within_the_calibrated_error(verifier, chunks):
    rows = [json.loads(line) for line in CLAIMS.read_text().splitlines()]
    accepted = {r["claim"]: not verifier.verify(r["claim"], chunks).refused for r in rows}
    tp = sum(accepted[r["claim"]] for r in rows if r["supported"])
    fp = [r["claim"] for r in rows if not r["supported"] and accepted[r["claim"]]]
    n_sup = sum(r["supported"] for r in rows)
    # calibrated on real model output, tested here: 60/61 supported, 6/48 unsupported
    assert tp >= n_sup - 2, f"only {tp}/{n_sup} supported claims accepted"
    assert len(fp) <= 6, fp


def passage(chunks: list, start: int, end: int):
    """The passage the prompt showed, ``[start, end)`` of its file, as a chunk of today's
    sentences (recorded spans outlive a change of the chunker's boundaries)."""
    sentences = {s.start: s for c in chunks for s in c.sentences if start <= s.start < end}
    first = chunks[0]
    return replace(
        first,
        id=f"{first.file}@{start}",
        sentences=tuple(sorted(sentences.values(), key=lambda s: s.start)),
    )


def test_a_real_models_labelled_sentences_stay_within_the_calibrated_error(verifier):
    """Every sentence Qwen2.5-Coder-1.5B wrote for our eval cases, labelled by hand
    (evals/claims/qwen1.5b-seeds.jsonl), verified in its reply with its question over the
    chunks its prompt showed: of those judged on their support (not dropped for where they
    stand in the answer, ``bot.answer.screening``: five supported sentences answering
    nothing), 60/63 supported and 3/23 unsupported are kept today."""
    by_case: dict[str, list[dict]] = {}
    for line in REAL_CLAIMS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by_case.setdefault(row["case"], []).append(row)
    books: dict[str, dict[str, list]] = {}
    kept_right = kept_wrong = n_right = 0
    for rows in by_case.values():
        corpus = rows[0]["corpus"]
        folder = SEEDS if not corpus else SEEDS.parent / "evals" / "corpora" / corpus
        book = books.setdefault(str(folder), {})
        pool = []
        for file, start, end in rows[0]["passages"]:
            if file not in book:
                src = next(s for s in scan(folder)[0] if s.name == file)
                book[file] = chunk_article(load_article(src)[0])
            pool.append(passage(book[file], start, end))
        result = verifier.verify(rows[0]["reply"], pool, question=rows[0]["question"])
        kept = {v.text for v in result.verdicts if v.supported}
        misplaced = {v.text for v in result.dropped if v.reason.startswith(MISPLACED)}
        for row in rows:
            if row["sentence"] in misplaced:
                continue
            n_right += row["supported"]
            kept_right += row["supported"] and row["sentence"] in kept
            kept_wrong += not row["supported"] and row["sentence"] in kept
    assert kept_right >= n_right - 6, f"{kept_right}/{n_right} supported sentences kept"
    assert kept_wrong <= 4, f"{kept_wrong} unsupported sentences kept"


# --- the claim a sentence makes in answer to the question -----------------------------------


def test_a_terse_answer_is_judged_as_the_claim_it_makes(verifier, chunks):
    pool = by_file(chunks, "001")
    asked = verifier.verify(
        "Alexander Matsegora [1].", pool, question="Who is Moscow's ambassador to Pyongyang?"
    )
    assert not asked.refused, asked.dropped
    assert any("Alexander Matsegora" in c.quote for c in asked.citations)
    check_citations(asked)
    wrong = verifier.verify(
        "Dorothy Camille Shea [1].", pool, question="Who is Moscow's ambassador to Pyongyang?"
    )
    assert wrong.refused  # a name the passages do not hold


_BUDGET = (
    "Council passes $412 million budget\n\n"
    "The budget is $27 million larger than the current year's. Maria Lopez, the city's finance "
    "director, told council members that rising health insurance costs for city employees "
    "accounted for nearly half of the growth, with most of the rest going to police raises.\n"
)


@pytest.mark.parametrize(
    ("reply", "question", "kept"),
    [
        ("Maria Lopez [1].", "Who is the finance director?", True),
        ("Maria Lopez [1].", "Who is the city's police chief?", False),
        ("Maria Lopez [1].", "Who is the finance director who resigned last year?", False),
    ],
)
def test_a_terse_name_the_span_gives_beside_all_the_question_asks_is_kept(
    verifier, reply, question, kept
):
    """A terse answer is the question's claim said of it: "Maria Lopez" answering "Who is
    the finance director?" from a long sentence about health costs (MiniLM finds the two
    little alike) is kept because "the city's finance director" stands beside the name; a
    question asking more than the span says beside it ("…who resigned", "police chief") is
    not answered by it."""
    result = verify_article(verifier, reply, _BUDGET, question)
    assert result.refused is not kept, (result.verdicts, result.dropped)
    assert all(_BUDGET[c.start : c.end] == c.quote for c in result.citations)


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("Which outlet published Matsegora's interview?", True),
        ("Which airline was fined for keeping passengers waiting on the tarmac?", False),
    ],
)
def test_a_copied_sentence_must_bear_on_the_question(verifier, chunks, question, kept):
    """A model with no answer copies a source sentence: verbatim, so its source backs it,
    but it answers nothing the question asks (``Thresholds.min_asked``)."""
    pool = by_file(chunks, "001")
    n = next(i for i, c in enumerate(pool, 1) if "Rossiyskaya Gazeta published" in c.text)
    reply = (
        "The comment from Alexander Matsegora, Moscow's diplomat to North Korea for over a "
        "decade, was part of a wide-ranging interview about cross-border relations that "
        f"state-run outlet Rossiyskaya Gazeta published on Monday [{n}]."
    )
    result = verifier.verify(reply, pool, question=question)
    assert result.refused is not kept, (result.text, result.dropped)
    check_citations(result)
    if not kept:
        assert "does not bear on the question" in result.dropped[0].reason


def test_a_sentence_answering_one_part_of_a_compound_question_bears_on_it(verifier):
    """Each sentence of an answer to "…X, and …Y?" states one part: it is judged against
    the part it states, not the whole question (``Thresholds.min_asked``)."""
    text = (
        "Harbour works update\n\n"
        "Castell Works is building the Ferrow Bridge over the estuary. "
        "The council's new depot on Carver Street will hold 40 trucks."
    )
    question = (
        "Which firm is building the new Ferrow Bridge across the Lune estuary, and how many "
        "refuse trucks will the city council's planned depot on Carver Street hold?"
    )
    result = verify_article(verifier, "Castell Works is building the bridge [1].", text, question)
    assert not result.refused, result.dropped
    off = verify_article(
        verifier, "Castell Works is building the bridge [1].", text, "Who won the Lune regatta?"
    )
    assert off.refused  # a question it does not bear on at all


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("How many North Korean troops have been killed or wounded fighting for Russia?", True),
        ("How many North Korean soldiers have been taken prisoner by Ukraine?", False),
    ],
)
def test_a_terse_figure_must_be_said_of_what_was_asked(verifier, chunks, question, kept):
    result = verifier.verify("4,000 [1].", by_file(chunks, "003"), question=question)
    assert result.refused is not kept, (result.text, result.dropped)
    if not kept:
        assert "what the question asks" in result.dropped[0].reason


@pytest.mark.parametrize(("year", "kept"), [("2025", True), ("2023", False)])
def test_the_articles_date_is_context_but_the_questions_figures_are_not(
    verifier, chunks, year, kept
):
    # 003 is dated 2025-03-27; its sentence says "in January and February", no year
    result = verifier.verify(
        f"North Korea sent another 3,000 soldiers to Russia in January and February {year} [1].",
        by_file(chunks, "003"),
        question=f"How many soldiers did North Korea send to Russia early in {year}?",
    )
    assert result.refused is not kept, result.dropped


def test_a_figure_hyphenated_to_a_word_is_not_a_count(verifier, chunks):
    # "three-month internships" says nothing about how many professors
    result = verifier.verify(
        "3 North Korean professors will teach in Moscow, Kazan, Novosibirsk and Vladivostok [1].",
        by_file(chunks, "000"),
        question="How many North Korean professors are being sent to teach in Russia?",
    )
    assert result.refused, result.text


SEEN = "Japanese moviegoers finally saw Oppenheimer in theaters this week"
HOW_LONG = "How long after its release did Oppenheimer open in Japan?"
CARTER = "Jimmy Carter turned 100 on Tuesday."
HOW_OLD = "Jimmy Carter celebrated a milestone birthday. How old did he turn?"
HOW_MANY = "How many months late did Japanese moviegoers see Oppenheimer in theaters?"


@pytest.mark.parametrize(
    ("passage", "claim", "question", "kept"),
    [
        # a time measured either way is the same time
        (f"{SEEN}, after an eight-month delay.", f"{SEEN}, eight months late.", HOW_LONG, True),
        (f"{SEEN}, eight months late.", f"{SEEN}, after an 8-month delay.", HOW_LONG, True),
        # a bare figure still finds it in the passage, and a time a bare number
        (f"{SEEN}, eight months late.", "8", HOW_MANY, True),
        (CARTER, "Jimmy Carter turned 100 years old.", "", True),
        (
            f"{CARTER} No president has lived to be so old.",
            "He turned 100 years old.",
            HOW_OLD,
            True,
        ),
        # a scale written onto a figure is that scale
        ("The council will spend £1m on the park.", "The council will spend £1 million.", "", True),
        ("The council will spend £1bn on the park.", "The council will spend £1m.", "", False),
        # "twenty-five" is 25, not 20
        ("Twenty-five people were hurt in the fire.", "25 people were hurt in the fire.", "", True),
        (
            "Twenty-five people were hurt in the fire.",
            "20 people were hurt in the fire.",
            "",
            False,
        ),
    ],
)
def test_figures_are_read_as_the_passage_means_them(verifier, passage, claim, question, kept):
    result = verify_article(verifier, f"{claim} [1]", f"Cinema news\n\n{passage}\n", question)
    assert result.refused is not kept, (result.text, result.dropped)


def test_yes_to_a_yes_no_question_asserts_the_question(verifier, chunks):
    question = "Are North Korean troops still on the front line in Russia's Kursk region?"
    yes = verifier.verify(
        "Yes, North Korean troops had been stationed in Russia's Kursk region since November [1].",
        by_file(chunks, "003"),
        question=question,
    )
    assert yes.refused and "the question's" in yes.dropped[0].reason
    said = verifier.verify(
        "North Korean troops were withdrawn from the front lines in January [1].",
        by_file(chunks, "003"),
        question=question,
    )
    assert not said.refused, said.dropped


def test_yes_needs_no_word_that_only_asks_whether(verifier, chunks):
    """A word that only asks whether ("ever") is settled by a span saying it happened."""
    yes = verifier.verify(
        "Yes, North Korean troops had been stationed in Russia's Kursk region since November [1].",
        by_file(chunks, "003"),
        question="Had North Korean troops ever been stationed in Russia's Kursk region?",
    )
    assert not yes.refused, yes.dropped


def test_a_quoted_source_is_located_and_checked(verifier, chunks):
    pool = by_file(chunks, "001")
    n = next(i for i, c in enumerate(pool, 1) if "Alexander Matsegora, said" in c.text)
    question = "Who is Moscow's ambassador to Pyongyang?"
    quote = "Moscow’s ambassador to Pyongyang,  Alexander Matsegora"  # curly, extra space
    result = verifier.verify(f"Alexander Matsegora [{n}]\n> {quote}\n", pool, question=question)
    assert not result.refused and result.verdicts[0].reason.endswith("the words it quotes")
    check_citations(result)
    lie = verifier.verify(f"Sergei Shoigu [{n}]\n> {quote}\n", pool, question=question)
    assert lie.refused  # the quote is found, but it does not say what the sentence says


def test_locate_is_exact_then_tolerant(chunks):
    chunk = next(c for c in chunks if "Alexander Matsegora, said" in c.text)
    k = next(i for i, s in enumerate(chunk.sentences) if "Alexander Matsegora, said" in s.text)
    assert locate("Alexander Matsegora, said the deal", chunk) == (k, k)
    assert locate("“ALEXANDER   matsegora, said the deal…", chunk) == (k, k)
    assert locate("Alexander Matsegora denied the deal", chunk) is None
    assert locate("Matsegora", chunk) is None  # one word places nothing


@settings(max_examples=60, deadline=None)
@given(
    sentences=st.lists(
        st.sampled_from(
            [
                "Around 150 workers went",
                "He said so",
                "The U.S. official spoke on Jan. 8",
                "Yes",
                "It cost $48.5 million",
                "The articles don't say",
            ]
        ),
        min_size=1,
        max_size=5,
    ),
    markers=st.lists(st.sampled_from(["", " [1]", " [2][3]", "[1, 2]"]), min_size=5, max_size=5),
    ends=st.lists(
        st.sampled_from([". ", ".\n", ". [1] ", "\n> the words quoted\n"]), min_size=5, max_size=5
    ),
    cuts=st.lists(st.integers(1, 7), min_size=1, max_size=40),
)
def test_a_streamed_reply_yields_the_claims_of_the_whole(sentences, markers, ends, cuts):
    reply = "".join(s + m + e for s, m, e in zip(sentences, markers, ends))
    reader, got, pos, k = ClaimReader(3), [], 0, 0
    while pos < len(reply):
        step = cuts[k % len(cuts)]
        got += reader.feed(reply[pos : pos + step])
        pos, k = pos + step, k + 1
    got += reader.close()
    assert got == split_claims(reply, 3)


# --- properties ----------------------------------------------------------------------------

_JUNK = [
    "Paris is the capital of France.",
    "Yes.",
    "The answer is as follows:",
    "About 99,999 soldiers died in 1812.",
    "![x](http://a.example/b.png)",
    "",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_reply_yields_verbatim_citations_numbered_in_order(verifier, chunks, data):
    pool = data.draw(st.lists(st.sampled_from(chunks), min_size=1, max_size=6, unique_by=id))
    parts = []
    for _ in range(data.draw(st.integers(1, 5))):
        if data.draw(st.booleans()):
            chunk = data.draw(st.sampled_from(pool))
            text = data.draw(st.sampled_from(chunk.sentences)).text
        else:
            text = data.draw(st.sampled_from(_JUNK))
        markers = data.draw(st.lists(st.integers(0, len(pool) + 2), max_size=2))
        parts.append(text + "".join(f" [{m}]" for m in markers))
    strict = data.draw(st.booleans())
    result = verifier.verify(" ".join(parts), pool, strict=strict)
    if result.refused:
        assert result.text == REFUSAL and result.citations == []
        return
    check_citations(result)
    assert "http" not in result.text
    if strict:
        assert all(v.supported and v.citations for v in result.verdicts)
    pool_files = {c.file for c in pool}
    assert all(c.file in pool_files for c in result.citations)


# --- the question's week -------------------------------------------------------------------
REGATTA = {  # two weekly reports of a made-up race (written here, not from any eval set)
    "regatta-may.txt": " date 2023-05-06\nThe Harlow Cup regatta was won on Saturday by the "
    "crew of the Tern, who finished four minutes ahead of the Osprey.\n",
    "regatta-june.txt": " date 2023-06-10\nThe Harlow Cup regatta was won on Saturday by the "
    "crew of the Kestrel, after the Osprey lost its mast in the second race.\n",
}


@pytest.fixture(scope="module")
def regatta():
    from bot.ingest.corpus import article_from_text

    return {name: chunk_article(article_from_text(name, text)) for name, text in REGATTA.items()}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who won the Harlow Cup this week?", True),
        ("Which crew won yesterday?", True),
        ("What happened this past weekend?", True),
        ("Who won the Harlow Cup?", False),
        ("Who won the Harlow Cup last year?", False),
    ],
)
def test_a_question_naming_its_own_week_is_told_apart(question, expected):
    from bot.answer.question import asks_about_its_week

    assert asks_about_its_week(question) is expected


def test_a_this_week_question_is_answered_only_from_that_weeks_reports(verifier, regatta):
    from datetime import date

    chunks = regatta["regatta-may.txt"] + regatta["regatta-june.txt"]
    question = "Who won the Harlow Cup regatta this week?"
    reply = "The crew of the Tern won the Harlow Cup regatta. [1]"
    # asked about a day in June: May's report answers another week's race
    june = verifier.verify(reply, chunks, question=question, as_of=date(2023, 6, 12))
    assert june.refused
    assert "another week" in june.dropped[0].reason
    # asked about May's week, or with no day known, May's report supports it
    may = verifier.verify(reply, chunks, question=question, as_of=date(2023, 5, 8))
    assert not may.refused and may.citations[0].file == "regatta-may.txt"
    undated = verifier.verify(reply, chunks, question=question)
    assert not undated.refused
    # a question that does not name its week is not held to it
    anytime = verifier.verify(
        reply, chunks, question="Who won the Harlow Cup regatta?", as_of=date(2023, 6, 12)
    )
    assert not anytime.refused
    # cited to the wrong week, re-cited to the right one
    kestrel = "The crew of the Kestrel won the Harlow Cup regatta. [1]"
    moved = verifier.verify(kestrel, chunks, question=question, as_of=date(2023, 6, 12))
    assert not moved.refused and moved.citations[0].file == "regatta-june.txt"


PRIZES = {  # two yearly reports of a made-up tournament (written here, not from any eval set)
    "open-2018.txt": " date 2018-06-04\nThe prize fund of the Harlow Open was $9,000 this year, "
    "the club said.\n",
    "open-2022.txt": " date 2022-06-06\nThe prize fund of the Harlow Open was $16,000 this year, "
    "the club said.\n",
}


@pytest.mark.parametrize(
    ("sentence", "clauses"),
    [
        ("The fund was $9,000, while the 2022 fund was $16,000.", 2),
        ("Entry was free; the fund was $16,000.", 2),
        ("Soldiers recover while they share combat lessons.", 1),  # no comma: one claim
        ("The fund was $9,000.", 1),
    ],
)
def test_a_compound_sentence_splits_into_its_claims(sentence, clauses):
    from bot.answer.claims import split_clauses

    parts = split_clauses(sentence)
    assert len(parts) == clauses
    assert all(p[0].isupper() and p.endswith(".") for p in parts)


def test_a_compound_sentence_is_backed_clause_by_clause(verifier):
    from bot.ingest.corpus import article_from_text

    chunks = [c for n, t in PRIZES.items() for c in chunk_article(article_from_text(n, t))]
    question = "Compare the prize funds of the 2018 and 2022 Harlow Opens."
    # no one report holds both figures: each clause is backed by its own, both cited
    both = "The 2018 prize fund was $9,000, while the 2022 prize fund was $16,000."
    kept = verifier.verify(both, chunks, question=question)
    assert not kept.refused, kept.dropped
    assert {c.file for c in kept.citations} == set(PRIZES)
    # a clause no report supports sinks the sentence
    wrong = "The 2018 prize fund was $9,000, while the 2022 prize fund was $18,000."
    assert verifier.verify(wrong, chunks, question=question).refused


# --- where a supported sentence stands in the answer ----------------------------------------


def test_a_first_sentence_without_what_was_asked_answers_nothing(verifier, chunks):
    """Backed, but no answer: "What is the range…?" asks for a figure, and
    "intermediate-range" is none; the same sentence answers "What kind of missile…?"."""
    reply = "The range of the hypersonic missile North Korea tested is intermediate-range [1]."
    pool = by_file(chunks, "004")
    ranged = verifier.verify(reply, pool, question="What is the range of the missile tested?")
    assert ranged.refused and ranged.dropped[0].reason.startswith(MISPLACED[1])
    kind = verifier.verify(reply, pool, question="What kind of missile was tested?")
    assert not kind.refused, kind.dropped


def test_a_sentence_pointing_back_to_a_dropped_one_is_dropped(verifier, chunks):
    """The sentence "This brings the total…" is backed by its source, where "this" is the sentence
    before it; after a dropped sentence it points at nothing the reader sees. A pronoun the
    question itself uses ("they") is the question's own, not the dropped sentence's."""
    pool = by_file(chunks, "003")
    question = "How many North Korean troops are in Russia?"
    dangling = verifier.verify(
        "Russia sent 9,000 soldiers to North Korea [1]. This brings the total number of North "
        "Korean troops in Russia to around 11,000, according to South Korea's military [1].",
        pool,
        question=question,
    )
    assert dangling.refused
    assert dangling.dropped[-1].reason.startswith(MISPLACED[0]), dangling.dropped
    alone = verifier.verify(
        "This brings the total number of North Korean troops in Russia to around 11,000, "
        "according to South Korea's military [1].",
        pool,
        question=question,
    )
    assert not alone.refused, alone.dropped
    own = verifier.verify(
        "Yes, they are still fighting in Kursk [1]. However, they were withdrawn from the "
        "front lines in January [1].",
        pool,
        question="Are they still on the front line in Russia's Kursk region?",
    )
    assert not own.refused and own.text.startswith("However"), own.dropped


_CHESS = """Oyelaran takes Northfield title

Marta Oyelaran won the Northfield Chess Open on Sunday, finishing the seven-round tournament
with six and a half points. Oyelaran, a 24-year-old librarian from Eastbrook, drew with
Henrik Dalmose in round six.
"""


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("Who won the Northfield Chess Open?", True),
        ("Who won the Eastbrook Rapid?", False),
    ],
)
def test_a_sentence_giving_the_question_s_verb_another_name_answers_another_question(
    verifier, question, kept
):
    """The sentence "Marta Oyelaran won the Northfield Chess Open" is backed by its source,
    but it says who won another event than the one asked about."""
    result = verify_article(
        verifier, "Marta Oyelaran won the Northfield Chess Open on Sunday [1].", _CHESS, question
    )
    assert result.refused is not kept, (result.verdicts, result.dropped)


@pytest.mark.parametrize(
    ("claim", "question", "other"),
    [
        ("Oyelaran won the Northfield Chess Open.", "Who won the Eastbrook Rapid?", True),
        ("Oyelaran won the Eastbrook Rapid.", "Who won the Eastbrook Rapid?", False),
        ("Biden met Emmanuel Macron in Paris.", "Who did Biden meet in Paris?", False),
        # one word is too often an acronym or a paraphrase ("the Games": the Olympics)
        (
            "Biden asked the FTC to look into it.",
            "Did Biden ask the Federal Trade Commission?",
            False,
        ),
        ("She missed the Games.", "Why did she miss the Tokyo Olympics?", False),
    ],
)
def test_another_question_is_a_name_in_the_place_of_the_question_s(claim, question, other):
    assert bool(other_object(claim, question)) is other


_OUTAGE = """Outage hits carrier

A nationwide AT&T outage left customers without service for hours on Tuesday.
"""


@pytest.mark.parametrize(("network", "kept"), [("AT&T", True), ("Verizon", False)])
def test_an_ampersand_name_is_a_name_the_span_must_hold(verifier, network, kept):
    """The name "AT&T" once read as only "at" and "t" (stopwords): the sentence seemed to restate
    the question, and any network's name would have passed unseen."""
    result = verify_article(
        verifier,
        f"{network} had an outage that left customers without service for hours [1].",
        _OUTAGE,
        "Which network had an outage that left customers without service for hours?",
    )
    assert result.refused is not kept, (result.verdicts, result.dropped)
