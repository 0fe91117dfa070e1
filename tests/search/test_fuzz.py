"""Arbitrary input never makes search or the quote check fail on our side (no 5xx)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Fragments that mean something to the query parser, the normaliser or HTML.
SPECIAL = ['"', "'", "\u201c", "\u201d", "\u2019", "(", ")", "[", "]", "{", "}", "AND", "OR", "NOT", "ANDNOT",
           "ANDMAYBE", "TO", "*", "?", "~", "~2", "^", "^3", ":", "kind:", "text:", "plain:", "date:[", "doc:",
           "foo:", "\\", "/", "-", "+", "&", "|", "!", "<mark>", "<script>", "&amp;", "%", "\x00", "\x1b", "\t",
           "\n", "\r\n", "\u2028", "\u200b", "\ufeff", "\u0301", "\U0001f600", "\U0001f1e8\U0001f1f3", "ﬁ", "ß",
           "İ", "Global South", "computing power", "governance.Xi", "the", "of", "a", "1", "2025-04-26", " "]

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
fragments = st.lists(st.one_of(st.sampled_from(SPECIAL), text), max_size=12).map("".join)
queries = st.one_of(text, fragments)
# FUZZ_EXAMPLES=2000 for a longer hunt; the suite default stays fast.
fuzz = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 100)), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_no_server_error(r) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:500])
    if r.status_code >= 400 and r.headers["content-type"].startswith("application/json"):
        assert r.json()["detail"]


@fuzz
@given(q=queries)
def test_api_quote_mode(client, q):
    r = client.get("/api/search", params={"q": q})
    assert_no_server_error(r)
    if r.status_code == 200:
        for hit in r.json()["results"]:
            assert 0 <= hit["score"] <= 1 and hit["match"] in ("exact", "near", "altered", "related", "words")


@fuzz
@given(q=queries)
def test_api_advanced_mode(client, q):
    r = client.get("/api/search", params={"q": q, "mode": "advanced"})
    assert_no_server_error(r)
    assert r.status_code in (200, 400, 422)


@fuzz
@given(q=queries, mode=st.sampled_from(["quote", "advanced", "", "bogus"]))
def test_search_page(client, q, mode):
    r = client.get("/search", params={"q": q, "mode": mode})
    assert_no_server_error(r)


@fuzz
@given(q=queries, kind=st.sampled_from(["", "official", "commentary", "x"]), theme=text, doc=text,
       date_from=st.sampled_from(["", "2025", "2025-04", "2025-04-26", "x"]), offset=st.sampled_from(["", "0", "20", "-1", "x"]))
def test_search_page_with_filters(client, q, kind, theme, doc, date_from, offset):
    r = client.get("/search", params={"q": q, "kind": kind, "theme": theme, "doc": doc, "date_from": date_from,
                                      "offset": offset})
    assert_no_server_error(r)


@settings(max_examples=50, deadline=None)
@given(text=st.one_of(queries, st.lists(queries, max_size=6).map(". ".join)))
def test_quote_check(client, text):
    assert_no_server_error(client.post("/api/verify", json={"text": text}))
    assert_no_server_error(client.post("/verify", data={"text": text}))
