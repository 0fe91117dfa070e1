"""Search over the seed archive: honest grades, words with stemming, advanced syntax, filters, page."""

from __future__ import annotations

import html
import re
import threading
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from fastapi.testclient import TestClient
from markupsafe import escape

import app.ingest.pipeline as ingest_module
from app.search import context, rank, results, spans
from app.search import engine as search

from app.web import urls
from app.web.app import create_app
from tests.helpers import COMMENTARY, OFFICIAL, SEEDS, TEST_DATA, passage_containing

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

GRADE_ORDER = {"exact": 0, "near": 1, "related": 2}
MARKUP_DOC = TEST_DATA / "markup" / "markup-in-text.txt"  # a sentence holding <script>, <b> and &
EXTRA_DOC = TEST_DATA / "docs" / "extra-official.txt"
EXTRA_SLUG = "quillfeather-testbeds-statement-2025"


def api(client, q: str, **params) -> dict:
    r = client.get("/api/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def official_hits(body: dict) -> list[dict]:
    return [r for r in body["results"] if r["document"] == OFFICIAL]


def test_result_shape_and_score_meaning(client):
    body = api(client, "technological monitoring, risk early warning and emergency response")
    assert set(body) >= {"query", "total", "results", "facets"}
    assert body["results"], body
    for r in body["results"]:
        assert set(r) >= {"id", "document", "kind", "text", "snippet", "match", "score", "url"}
        assert 0 <= r["score"] <= 1
        assert r["url"] == urls.document(r["document"], r["id"])
        if r["match"] == "exact":
            assert r["score"] == 1.0
        elif r["match"] == "near":
            assert search.NEAR_MIN <= r["score"] < 1
        else:
            assert r["score"] < search.NEAR_MIN
    grades = [GRADE_ORDER[r["match"]] for r in body["results"]]
    assert grades == sorted(grades), "ranked exact, then near, then related"


@pytest.mark.parametrize("quote, fragment", [
    ("independent, controllable, and collaboratively operating", "collaboratively operating AI basic hardware"),
    ("\u201cindependent, controllable, and collaboratively operating\u201d", "collaboratively operating AI basic hardware"),
    ('"independent, controllable, and collaboratively operating"', "collaboratively operating AI basic hardware"),
    ("technological monitoring, risk early warning and emergency response", "establish systems for technological monitoring"),
    ("establish systems for technological monitoring, risk early\nwarning, and emergency response",
     "establish systems for technological monitoring"),
    ("INDEPENDENT   controllable \u2013 and collaboratively-operating", "collaboratively operating AI basic hardware"),
])
def test_quotes_found_exact_in_the_official_readout(client, official, quote, fragment):
    expected = passage_containing(official, fragment)["id"]
    body = api(client, quote)
    first = body["results"][0]
    assert first["match"] == "exact"
    hit = next(r for r in official_hits(body) if r["id"] == expected)
    assert hit["match"] == "exact" and hit["score"] == 1.0
    assert "<mark>" in hit["snippet"]


@pytest.mark.parametrize("quote", ["Xi Jinping\u2019s remarks during the session",
                                   "XI JINPING\u02bcS REMARKS, during the session"])
def test_a_quote_with_another_apostrophe_style_is_exact(client, commentary, quote):
    # The stored sentence spells "Xi Jinping's" with an ASCII apostrophe; a pasted quote
    # normalised like the stored text is the same quote, whatever apostrophe it uses.
    expected = passage_containing(commentary, "President Xi Jinping's remarks during the session")["id"]
    hit = api(client, quote)["results"][0]
    assert hit["id"] == expected and hit["match"] == "exact" and hit["score"] == 1.0


def test_quote_across_a_run_together_boundary_is_exact_with_a_span(client, official):
    first = passage_containing(official, "firmly seize the initiative in AI development and governance.")
    second = passage_containing(official, "Xi emphasized that in order to seize opportunities")
    assert first["position"] + 1 == second["position"]
    body = api(client, "governance. Xi emphasized that in order to seize opportunities")
    hit = body["results"][0]
    assert hit["match"] == "exact" and hit["document"] == OFFICIAL
    assert hit["id"] == first["id"]
    assert hit["span"] == [first["id"], second["id"]]
    # the run-together form as printed in the source is the same quote
    again = api(client, "development and governance.Xi emphasized that")["results"][0]
    assert again["match"] == "exact" and again["span"] == [first["id"], second["id"]]


def test_quote_spanning_three_sentences(client, official):
    a = passage_containing(official, "Members of the Political Bureau listened carefully")
    b = passage_containing(official, "Following the lecture and discussions, Xi Jinping delivered")
    c = passage_containing(official, "He pointed out that artificial intelligence, as a strategic")
    quote = "engaged in discussions. Following the lecture and discussions, Xi Jinping delivered an important speech. He pointed out"
    hit = api(client, quote)["results"][0]
    assert hit["match"] == "exact" and hit["span"] == [a["id"], b["id"], c["id"]]


def test_commentary_wording_finds_the_official_sentence_but_not_as_exact(client, official, commentary):
    target = passage_containing(official, "collaboratively operating AI basic hardware")
    body = api(client, "autonomous and collaborative AI hardware and software systems")
    officials = official_hits(body)
    assert officials, body
    assert officials[0]["id"] == target["id"]
    assert officials[0]["match"] in ("near", "related")
    assert all(r["match"] != "exact" for r in officials)
    # the commentary, which has these very words, is the exact hit
    own = passage_containing(commentary, "autonomous and collaborative AI hardware and software systems")
    assert body["results"][0]["id"] == own["id"] and body["results"][0]["match"] == "exact"


def test_stop_word_trap_is_near_not_exact(client, official):
    target = passage_containing(official, "collaboratively operating AI basic hardware")
    body = api(client, "independent, controllable, or collaboratively operating")
    assert all(r["match"] != "exact" for r in body["results"])
    hit = next(r for r in body["results"] if r["id"] == target["id"])
    assert hit["match"] == "near" and search.NEAR_MIN <= hit["score"] < 1
    assert body["results"][0]["id"] == target["id"]


def test_one_letter_typo_in_a_long_quote_is_near(client, official):
    target = passage_containing(official, "establish systems for technological monitoring")
    quote = "establish systems for technological monitoring, risk early warnimg, and emergency response"
    body = api(client, quote)
    assert all(r["match"] != "exact" for r in body["results"])
    hit = body["results"][0]
    assert hit["id"] == target["id"] and hit["match"] == "near" and hit["score"] > 0.95


def test_missing_small_word_is_near_missing_content_word_is_altered(client, official):
    target = passage_containing(official, "collaboratively operating AI basic hardware")
    body = api(client, "building independent, controllable collaboratively operating AI basic hardware and software systems")
    hit = body["results"][0]
    assert hit["id"] == target["id"] and hit["match"] == "near" and hit["changes"] is None
    body = api(client, "building independent, controllable and collaboratively operating AI hardware and software systems")
    hit = body["results"][0]
    assert hit["id"] == target["id"] and hit["match"] == "altered"
    assert hit["changes"] == [{"kind": "content", "quote": "", "source": "basic"}]


def test_made_up_quote_is_never_exact(client):
    for quote in ("China will ban open-source AI models",
                  "China must achieve breakthroughs in fundamental theories and ban tools",
                  "and and and the the of"):
        body = api(client, quote)
        assert all(r["match"] != "exact" for r in body["results"]), quote


def test_a_stemmed_phrase_hit_is_not_exact(client):
    """`text` is stemmed and drops stop words: "regulating the development" would match it there."""
    body = api(client, "development and regulating of artificial intelligence")
    assert all(r["match"] != "exact" for r in body["results"])
    assert body["results"] and body["results"][0]["match"] == "near"


def test_plain_words_find_sentences(client, official, commentary):
    body = api(client, "Global South")
    ids = {r["id"] for r in body["results"] if r["match"] == "words"}
    assert passage_containing(official, "particularly in the Global South")["id"] in ids
    assert passage_containing(commentary, "helping Global South countries")["id"] in ids
    assert all("<mark>Global South</mark>" in r["snippet"] for r in body["results"] if r["match"] == "words")

    body = api(client, "computing power")
    assert {r["document"] for r in body["results"] if r["match"] == "words"} == {OFFICIAL, COMMENTARY}


def test_words_are_stemmed(client, official, commentary):
    """"regulations" also finds sentences that only say "regulation"."""
    body = api(client, "regulations")
    only_singular = passage_containing(official, "strengthening the development and regulation of artificial")
    assert "regulations" not in only_singular["text"]
    hit = next(r for r in body["results"] if r["id"] == only_singular["id"])
    assert hit["match"] in ("near", "related")
    assert "<mark>regulation</mark>" in hit["snippet"]
    assert body["results"][0]["match"] == "words"  # a word search, not a quote (#21)


def test_snippet_escapes_everything_but_mark(client, commentary, ingest):
    body = api(client, "China Intelligent Vehicle Future Challenge")
    hit = body["results"][0]
    assert hit["match"] == "exact"
    assert '"' not in hit["snippet"].replace("<mark>", "").replace("</mark>", "")
    assert html.unescape(re.sub(r"</?mark>", "", hit["snippet"])) == hit["text"]
    # A sentence that itself holds markup: found by a quote (the markup inside <mark>) and by
    # words (the markup around the marks), its snippet shows the markup as text.
    with TestClient(create_app(ingest(MARKUP_DOC))) as c:
        for q in ('page reading <script>alert("x")</script> & <b>bold</b> claims', "script alert bold"):
            hits = api(c, q)["results"]
            assert hits, q
            for r in hits:
                assert "<script>" in r["text"]
                assert set(re.findall(r"<[^>]*>", r["snippet"])) == {"<mark>", "</mark>"}, r["snippet"]
                assert html.unescape(re.sub(r"</?mark>", "", r["snippet"])) == r["text"]
                plain = re.sub(r"</?mark>", "", r["snippet"])
                assert "&lt;script&gt;" in plain and "&amp;" in plain and "&lt;b&gt;" in plain
            page = c.get("/search", params={"q": q}).text
            assert "<script>alert" not in page and "<b>bold" not in page
            assert hits[0]["snippet"] in page


def test_snippet_helper_escapes_and_marks():
    text = 'He said "<b>AI</b>" & more.'
    s = search.make_snippet(text, [(text.index("AI"), text.index("AI") + 2)])
    assert str(s) == 'He said &#34;&lt;b&gt;<mark>AI</mark>&lt;/b&gt;&#34; &amp; more.'
    long = "word " * 200 + "target " + "word " * 200
    s = str(search.make_snippet(long, [(long.index("target"), long.index("target") + 6)]))
    assert "<mark>target</mark>" in s and s.startswith("…") and s.endswith("…") and len(s) < 500


def test_filters(client, official):
    body = api(client, "Global South", kind="commentary")
    assert body["results"] and all(r["kind"] == "commentary" for r in body["results"])
    body = api(client, "Global South", doc=OFFICIAL)
    assert body["results"] and all(r["document"] == OFFICIAL for r in body["results"])
    body = api(client, "computing power", theme="research-compute")
    assert body["results"] and all("research-compute" in r["themes"] for r in body["results"])
    assert api(client, "computing power", theme="talent-education")["total"] == 0
    body = api(client, "Global South", date_from="2025-04-01", date_to="2025-04-30")
    assert body["results"] and all(r["document"] == OFFICIAL for r in body["results"])  # the commentary is undated
    assert api(client, "Global South", date_from="2025")["total"] >= 1
    assert api(client, "Global South", date_to="2024-12-31")["total"] == 0
    # a filter also applies across sentence boundaries
    q = "governance. Xi emphasized that in order to seize opportunities"
    assert api(client, q, kind="commentary")["results"] == [] or all(
        r["kind"] == "commentary" for r in api(client, q, kind="commentary")["results"])


def test_facets_count_the_whole_result_set(client):
    body = api(client, "artificial intelligence", limit=1)
    facets = body["facets"]
    assert len(body["results"]) == 1 and body["total"] > 1
    assert sum(facets["kind"].values()) == body["total"]
    assert sum(facets["match"].values()) == body["total"]
    assert sum(d["count"] for d in facets["document"]) == body["total"]
    assert {d["slug"] for d in facets["document"]} <= {OFFICIAL, COMMENTARY}
    assert all(d["title"] for d in facets["document"])


def test_paging(client):
    full = api(client, "artificial intelligence", limit=100)
    page2 = api(client, "artificial intelligence", limit=2, offset=2)
    assert [r["id"] for r in page2["results"]] == [r["id"] for r in full["results"][2:4]]
    assert api(client, "artificial intelligence", offset=9999)["results"] == []


@pytest.mark.parametrize("params", [
    {"offset": 10_001}, {"limit": 101}, {"limit": 0}, {"offset": -1}, {"mode": "regex"}, {"kind": "blog"},
    {"date_from": "April"}, {"date_from": "2025-13"}, {"date_to": "2025-04-32"}, {"date_to": "2025-00"},
    {"doc": "x" * 81},
])
def test_out_of_range_parameters_are_4xx(client, params):
    r = client.get("/api/search", params={"q": "AI", **params})
    assert r.status_code == 422
    assert r.json()["detail"]


def test_query_length_limit(client, seed_settings):
    limit = seed_settings.max_query_chars
    assert client.get("/api/search", params={"q": "a" * limit}).status_code == 200
    r = client.get("/api/search", params={"q": "a" * (limit + 1)})
    assert r.status_code == 422 and "1000" in str(r.json()["detail"])
    r = client.get("/search", params={"q": "a" * (limit + 1)})
    assert r.status_code == 422 and f"the limit is {limit}" in r.text


def test_literal_mode_takes_every_character_literally(client, commentary):
    for q in ['"', "(", "AND", "kind:official", "*", "a OR", "te?t", "\x00", "🙂 Global South", "[2024 TO"]:
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)
    # Sentences whose own characters are query syntax (a field name and colon, parentheses):
    # found exactly only as text; as advanced syntax the same query cannot even run.
    for q, fragment in [("down into several main themes:", "down into several main themes:"),
                        ("Xi outlined four strengths: (1) Rich data resources;", "Xi outlined four strengths:")]:
        hit = api(client, q)["results"][0]
        assert hit["match"] == "exact" and hit["id"] == passage_containing(commentary, fragment)["id"], (q, hit)
        assert client.get("/api/search", params={"q": q, "mode": "advanced"}).status_code == 400, q
    # OR is the word "or": the sentence says "and", so it is near, where the operator would make it exact.
    q = "independent, controllable, OR collaboratively operating"
    body = api(client, q)
    assert body["results"] and all(r["match"] != "exact" for r in body["results"])
    assert api(client, q, mode="advanced")["results"][0]["match"] == "exact"
    # field:value is two words, not a filter: no sentence says "kind official" or "not kind commentary".
    assert api(client, "kind:official")["total"] == 0
    assert api(client, "kind:official", mode="advanced")["total"] > 0
    body = api(client, "Global South NOT kind:commentary")
    assert all(r["match"] != "exact" for r in body["results"])
    assert "commentary" in {r["kind"] for r in body["results"]}
    assert {r["kind"] for r in api(client, "Global South NOT kind:commentary", mode="advanced")["results"]} == {"official"}


def test_empty_and_punctuation_only_queries(client):
    assert api(client, "")["total"] == 0
    body = api(client, "?!…")
    assert body["total"] == 0 and body["message"]


def test_advanced_mode(client):
    body = api(client, '"global south" AND kind:official', mode="advanced")
    assert body["results"] and all(r["kind"] == "official" for r in body["results"])
    assert body["results"][0]["match"] == "exact"
    body = api(client, "regulat* NOT kind:commentary", mode="advanced")
    assert body["results"] and all(r["kind"] == "official" for r in body["results"])
    body = api(client, "chips OR semiconductors", mode="advanced")
    assert body["total"] >= 2
    body = api(client, 'plain:"or collaboratively"', mode="advanced")
    assert body["total"] == 0
    body = api(client, 'plain:"and collaboratively" kind:"official"', mode="advanced")
    assert body["total"] == 1 and body["results"][0]["match"] == "exact"
    body = api(client, 'themes:talent-education AND "AI education"', mode="advanced")
    assert body["results"] and all("talent-education" in r["themes"] for r in body["results"])
    body = api(client, "date:[2025-01-01 TO 2025-12-31] AND governance", mode="advanced")
    assert body["results"] and all(r["date"] and r["date"].startswith("2025") for r in body["results"])
    assert sum(body["facets"]["kind"].values()) == body["total"]


@pytest.mark.parametrize("q, words", [
    ("(chips OR software", "parenthes"),
    ("chips AND", "right"),
    ("OR chips", "left"),
    ('"global south', "quote"),
    ("*ware", "wildcard"),
    ("?oftware", "wildcard"),
    ("so*ware", "inside"),
    ("s*", "letters"),
    ("foo:bar", "Unknown field"),
    ("kind: official", "needs a value"),
    ("*", "whole archive"),
    ("text:[a TO c]", "Ranges"),
    ("date:[2024 TO", "range"),
])
def test_advanced_syntax_errors_are_400_with_a_message(client, q, words):
    r = client.get("/api/search", params={"q": q, "mode": "advanced"})
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and words.lower() in detail.lower()
    page = client.get("/search", params={"q": q, "mode": "advanced"})
    assert page.status_code == 400
    assert "error-detail" in page.text and str(escape(detail)) in page.text


def test_search_page(client, official):
    r = client.get("/search", params={"q": "Global South"})
    assert r.status_code == 200
    page = r.text
    assert "grade-exact" in page and "<mark>Global South</mark>" in page
    target = passage_containing(official, "particularly in the Global South")
    assert urls.sentence(OFFICIAL, target["id"]) in page  # the link the server resolves if the id changes
    assert 'datetime="2025-04-26"' in page
    # facets are links that add a filter, keeping the query
    assert html.escape(urls.search(q="Global South", kind="official")) in page
    assert html.escape(urls.search(q="Global South", doc=OFFICIAL)) in page
    assert 'href="/api/search?q=Global+South"' in page


def test_search_page_filters_from_a_form(client):
    """An HTML form sends empty fields; they mean "no filter"."""
    r = client.get("/search?q=Global+South&mode=quote&kind=&theme=&doc=&date_from=&date_to=")
    assert r.status_code == 200 and "grade-exact" in r.text
    r = client.get("/search?q=Global+South&kind=commentary")
    assert r.status_code == 200 and "Commentary" in r.text
    for bad in ("yesterday", "2025-13", "2025-02-40"):
        r = client.get(f"/search?q=Global+South&date_from={bad}")
        assert r.status_code == 422 and "date from" in r.text
    r = client.get("/search?q=Global+South&offset=99999999")
    assert r.status_code == 422


def test_search_page_paging(client):
    r = client.get("/search", params={"q": "AI"})
    assert r.status_code == 200
    assert 'rel="next"' in r.text
    r2 = client.get("/search", params={"q": "AI", "offset": 20})
    assert r2.status_code == 200 and 'rel="prev"' in r2.text


def test_search_page_without_query_shows_help(client):
    r = client.get("/search")
    assert r.status_code == 200 and "How search works" in r.text


def test_openapi_declares_the_response_models(client):
    spec = client.get("/api/openapi.json").json()
    get = spec["paths"]["/api/search"]["get"]
    assert "400" in get["responses"] and "200" in get["responses"]
    names = {p["name"] for p in get["parameters"]}
    assert names >= {"q", "mode", "kind", "doc", "theme", "date_from", "date_to", "limit", "offset"}
    limit = next(p for p in get["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 100
    schemas = spec["components"]["schemas"]
    assert {"SearchResponse", "SearchHit", "VerifyResponse", "CheckedSentence"} <= set(schemas)
    assert "/api/verify" in spec["paths"]


def test_search_reads_the_index_of_the_sessions_version(ingest, monkeypatch):
    """A search reads the index of the version its DB snapshot reads, not the newest on disk: while
    an ingest holds the next version's index on disk uncommitted, searches read the old index;
    once it commits, the new one. Every query is asked once, so no cached page answers."""
    settings = ingest(SEEDS)
    reached, release = threading.Event(), threading.Event()

    def pause(where, progress):
        if where == "switch":  # the next index is written, its rows are not committed
            reached.set()
            assert release.wait(60), "the test never released the ingest"

    monkeypatch.setattr(ingest_module, "_pause", pause)
    failed: list[BaseException] = []

    def next_version():
        try:
            ingest(SEEDS, EXTRA_DOC, settings=settings)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            failed.append(exc)

    def extra_hits(c, q: str) -> list[dict]:
        return [r for r in api(c, q)["results"] if r["document"] == EXTRA_SLUG]

    with TestClient(create_app(settings)) as c:
        assert extra_hits(c, "The Quillfeather Council announced shared AI testbeds") == []
        worker = threading.Thread(target=next_version)
        worker.start()
        try:
            assert reached.wait(60), f"the ingest never reached the switch: {failed}"
            assert (settings.index_root / "v000002").is_dir()
            assert extra_hits(c, "Quillfeather Council announced shared AI testbeds for public research") == []
            assert extra_hits(c, "Each testbed will be open to universities and small firms") == []
        finally:
            release.set()
            worker.join(60)
        assert not failed, failed
        assert (settings.index_root / "v000001").is_dir()  # still there: reading it would miss the new sentences
        for q in ("shared AI testbeds for public research", "open to universities and small firms"):
            hits = extra_hits(c, q)
            assert hits and hits[0]["match"] == "exact", (q, hits)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_word_spans_of_ascii_text_match_the_character_walk(text):
    """The one-regex path for ASCII text marks the same words as the general character walk."""
    assert search.word_spans(text) == spans.word_spans_by_char(text)


@pytest.fixture(scope="module")
def seed_ctx(seed_settings):
    """A search context over the seeded archive's index."""
    from app.store.db import make_engine, session_factory
    from app.index.build import Searchers
    from app.store.reads import current_version

    with session_factory(make_engine(seed_settings))() as session:
        version = current_version(session)
    searchers = Searchers(seed_settings.index_root)
    yield context.Context(searchers.get(version))
    searchers.close()


def test_hits_ordered_through_numpy_are_in_the_python_order(seed_ctx, monkeypatch):
    docnums = list(range(seed_ctx.reader.doc_count_all()))[::-1] * 3  # equal keys too: the sort is stable
    assert len(docnums) > context.NUMPY_MIN
    by_numpy = context.order(seed_ctx, docnums)
    monkeypatch.setattr(context, "NUMPY_MIN", len(docnums) + 1)
    assert by_numpy == context.order(seed_ctx, docnums) and by_numpy != docnums


@pytest.mark.parametrize("words", [["talent"], ["artifici", "intellig"], ["develop", "technolog", "ai"]])
def test_bm25_over_whole_posting_lists_is_the_one_sentence_formula(seed_ctx, words):
    """The pool for a few words: every sentence holding all of them, best first, scored as bm25() scores one."""
    best = rank.words_bm25(seed_ctx, words)
    assert best and len(best) <= search.RELATED_POOL
    holding = set.intersection(*(set(seed_ctx.postings("text", w)) for w in words))
    assert {d for d, _ in best} <= holding and len(best) == min(len(holding), search.RELATED_POOL)
    scores = [score for _, score in best]
    assert scores == sorted(scores, reverse=True)
    for d, score in best:
        tfs = rank.stem_counts(seed_ctx, d)
        assert score == pytest.approx(rank.bm25(seed_ctx, d, tfs, words), rel=1e-12)


@pytest.mark.parametrize("numpy_from", [1, 10**9])  # counted by numpy, or by Counter for a few hits
def test_document_facets_keep_the_twenty_largest_first_seen_first(seed_ctx, monkeypatch, numpy_from):
    monkeypatch.setattr(results, "NUMPY_MIN", numpy_from)
    out = search.Outcome(query="", mode="quote", filters=search.Filters(), offset=0, limit=20)
    docnums = list(range(seed_ctx.reader.doc_count_all()))
    results.facets(seed_ctx, docnums + docnums[-3:], out)
    counts = Counter(seed_ctx.table.doc_of(d) for d in docnums + docnums[-3:])
    assert [(d["slug"], d["count"]) for d in out.documents] == counts.most_common(20)
    assert sum(out.kinds.values()) == len(docnums) + 3
