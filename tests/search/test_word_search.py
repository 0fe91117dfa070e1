"""A few words typed to find sentences are a word search ("contains these words"), not a quote
graded exact; a quote, however short, keeps its grades (#21)."""

from __future__ import annotations

import re

import pytest

from app.search import engine as search
from app.search.meaning import compare

QUOTE = "China still has notable shortcomings in areas such as basic theories and core technologies"


@pytest.mark.parametrize("q, words", [
    ("talent", True), ("data security", True), ("China’s talent pool", True), ("U.S. chips", True),
    ("\"talent\"", False), ("“basic theories”", False), ("China must act.", False),
    ("basic theories and core technologies", False), ("", False),
])
def test_when_a_query_is_a_word_search(q, words):
    assert search.is_word_search(q, len(q.split())) is words


def _hits(client, q):
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200, r.text
    return r.json()["results"]


def test_a_word_search_contains_the_words_and_claims_no_grade(client):
    hits = _hits(client, "talent")
    assert hits and {h["match"] for h in hits} <= {"words", "related"}
    assert any(h["match"] == "words" for h in hits)
    page = client.get("/search", params={"q": "talent"}).text
    assert "contains these words" in page
    grades = re.findall(r'<p class="result-grade">\s*<span class="badge grade-(\w+)"', page)
    assert "words" in grades and "exact" not in grades


def test_the_same_word_quoted_is_graded_exact(client):
    assert any(h["match"] == "exact" for h in _hits(client, "\"talent\""))


def test_a_real_quote_keeps_exact_near_and_altered(client):
    assert _hits(client, QUOTE)[0]["match"] == "exact"
    assert _hits(client, QUOTE.replace("technologies", "technology"))[0]["match"] in ("exact", "near")
    altered = _hits(client, QUOTE.replace("still has", "no longer has"))
    assert altered[0]["match"] == "altered"
    assert altered[0]["verdict"].count("'no longer'") <= 1


def test_each_change_is_described_once():
    cmp = compare("Providers need not label generated content.", "Providers must label generated content.")
    verdict = cmp.verdict()
    assert verdict.count("'need") == 1, verdict
    assert "'need not' where the source says 'must'" in verdict
    assert "negation" in verdict and "obligation" in verdict


def test_separate_changes_stay_separate():
    cmp = compare("Providers cannot label all generated content.", "Providers can label no generated content.")
    verdict = cmp.verdict()
    assert verdict.count("'all' where the source says 'no'") == 1
    assert "'cannot' where the source says 'can'" in verdict
