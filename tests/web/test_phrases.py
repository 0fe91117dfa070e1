"""/phrases, /api/phrases, /phrases.svg and /phrases.csv over the synthetic series (tests/data/phrases),
plus one undated official text whose title and sentences hold markup and a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.ingest.pipeline import run
from app.web.app import create_app
from app.web.routes import phrases as routes
from tests.data.phrases import series
from tests.helpers import fresh_database_url

PHRASE = "independent and controllable"
HOSTILE = """---
title: "<i>Undated</i> notes & <script>alert('t')</script>"
kind: official
slug: undated-notes
language: en
---
<script>alert('x')</script> Systems must be independent and controllable.

=SUM(A1) measures how independent and controllable supply chains are.
"""
EXTRA = 2  # sentences of the undated text holding PHRASE
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = series.write(tmp_path_factory.mktemp("phrase-series"))
    (folder / "undated-notes.md").write_text(HOSTILE, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("phrase-web"), database_url=fresh_database_url())
    run(settings, [folder])
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


def api(client, q: str, **params) -> dict:
    r = client.get("/api/phrases", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_json_has_the_documented_fields_and_the_plan(client):
    body = api(client, PHRASE)
    assert set(body) == set(routes.PhraseHistory.model_fields)
    first = series.planted(PHRASE, "official")[0]
    assert {k: body["first"][k] for k in ("document", "date")} == {"document": first.slug, "date": first.date}
    assert body["by_year"] == series.by_year(PHRASE)  # the undated text is in no year
    assert body["undated"] == EXTRA and body["total"] == sum(series.by_year(PHRASE).values()) + EXTRA
    assert body["official"]["by_year"] == series.by_year(PHRASE, "official")
    # the last official use is the last *dated* one, not the undated text sorted after it
    assert body["last"]["document"] == series.planted(PHRASE, "official")[-1].slug
    for o in body["occurrences"]:
        assert {"document", "date", "kind", "id", "text"} <= set(o) and PHRASE in o["text"].lower()
        assert o["permalink"] == f"/s/{o['id']}"
    assert client.get(body["first"]["permalink"]).status_code == 200


def test_paging_and_counts_of_every_occurrence(client):
    everything = api(client, PHRASE, limit=100)
    page = api(client, PHRASE, limit=3, offset=3)
    assert [o["id"] for o in page["occurrences"]] == [o["id"] for o in everything["occurrences"][3:6]]
    assert page["total"] == everything["total"] and page["by_year"] == everything["by_year"]
    assert page["first"] == everything["first"]
    # a document's count is all its sentences, though the page shows fewer
    undated = next(d for d in everything["documents"] if d["document"] == "undated-notes")
    assert undated["count"] == EXTRA
    at = max(i for i, o in enumerate(everything["occurrences"]) if o["document"] == "undated-notes")
    assert api(client, PHRASE, limit=1, offset=at)["documents"] == [undated]  # one sentence shown, both counted


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": PHRASE, "limit": 0}, {"q": PHRASE, "limit": 101},
                                    {"q": PHRASE, "offset": -1}, {"q": PHRASE, "offset": "x"},
                                    {"q": "a" * 1001}])
def test_bad_input_is_a_422_with_a_message(client, params):
    for path in ("/api/phrases", "/phrases.svg", "/phrases.csv"):
        if path != "/api/phrases" and set(params) - {"q"}:
            continue
        r = client.get(path, params=params)
        assert r.status_code == 422, (path, params, r.status_code)
        # JSON under /api/, the error page elsewhere (as the OpenAPI description says)
        detail = r.json()["detail"] if path.startswith("/api/") else re.search(r'class="error-detail[^>]*>([^<]+)<', r.text)[1]
        assert detail


def test_the_page_refuses_bad_input_with_a_message(client):
    r = client.get("/phrases", params={"q": "a" * 1001})
    assert r.status_code == 422 and "limit is 1000" in r.text
    r = client.get("/phrases", params={"q": PHRASE, "offset": "ten"})
    assert r.status_code == 422 and "offset" in r.text


def test_a_phrase_without_words_is_an_empty_history_with_a_message(client):
    body = api(client, "?!")
    assert body["total"] == 0 and body["first"] is None and "no letters or digits" in body["message"]
    r = client.get("/phrases", params={"q": "?!"})
    assert r.status_code == 200 and "no letters or digits" in r.text


def test_page_shows_first_use_table_and_groups(client):
    r = client.get("/phrases", params={"q": PHRASE})
    assert r.status_code == 200
    html = r.text
    first = series.planted(PHRASE, "official")[0]
    assert re.search(rf"First official use: <a href=\"/s/\w+\">{first.date}</a>", html)
    rows = dict(re.findall(r'<tr><th scope="row">(\d{4})</th><td>\d+</td><td>\d+</td><td>(\d+)</td>', html))
    expected = {str(y): series.by_year(PHRASE).get(str(y), 0) for y in range(2018, 2026)}
    assert {y: int(n) for y, n in rows.items()} == expected  # the chart's numbers, empty years too
    assert html.index("Official texts") < html.index("Commentary texts")
    assert 'href="/search?q=independent+and+controllable"' in html  # back to search
    assert '<svg viewBox' in html and 'role="img"' in html and '<title id="chart-title">' in html


def test_every_page_escapes_what_it_shows(client):
    q = PHRASE + ' </textarea>"<b>'  # markup is punctuation to the phrase: "b" is a word
    for path in ("/phrases", "/phrases.svg"):
        r = client.get(path, params={"q": q})
        assert r.status_code == 200
        assert "<b>" not in r.text and "<script>" not in r.text and "<i>Undated" not in r.text
    html = client.get("/phrases", params={"q": PHRASE + " </>"}).text
    assert "&lt;i&gt;Undated&lt;/i&gt;" in html and "&lt;script&gt;alert(&#39;x&#39;)" in html
    assert 'value="independent and controllable &lt;/&gt;"' in html


def test_svg_is_an_accessible_image_of_the_counts(client):
    r = client.get("/phrases.svg", params={"q": PHRASE})
    assert r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.text)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title").text, root.find(f"{SVG}desc").text
    assert PHRASE in title and "per year" in title
    for year, n in series.by_year(PHRASE, "official").items():
        assert f"{year}: {n} official" in desc
    bars = [t.text for t in root.iter(f"{SVG}title") if t.text and re.match(r"\d{4}: \d+ (official|commentary)$", t.text)]
    planned = {(y, n, "official") for y, n in series.by_year(PHRASE, "official").items()}
    planned |= {(y, n, "commentary") for y, n in series.by_year(PHRASE, "commentary").items()}
    assert {tuple(b.replace(":", "").split()) for b in bars} == {(y, str(n), k) for y, n, k in planned}


def test_svg_of_a_short_span_is_per_month(client):
    root = ET.fromstring(client.get("/phrases.svg", params={"q": "new quality productive forces"}).text)
    assert "per month" in root.find(f"{SVG}title").text
    assert ET.fromstring(client.get("/phrases.svg", params={"q": "zzz unknown"}).text).find(f"{SVG}desc").text


def test_csv_lists_every_occurrence_and_no_formula(client):
    r = client.get("/phrases.csv", params={"q": PHRASE})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert len(rows) == api(client, PHRASE)["total"]
    assert [r["date"] for r in rows if r["kind"] == "official" and r["date"]] == sorted(
        r["date"] for r in rows if r["kind"] == "official" and r["date"])
    formula = [r for r in rows if "SUM(A1)" in r["text"]]
    assert formula and all(r["text"].startswith("'=") for r in formula)
    assert all(r["permalink"].endswith(f"/s/{r['id']}") for r in rows)


def test_openapi_declares_the_three_answers(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "application/json" in paths["/api/phrases"]["get"]["responses"]["200"]["content"]
    assert "image/svg+xml" in paths["/phrases.svg"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in paths["/phrases.csv"]["get"]["responses"]["200"]["content"]
    assert "/phrases" not in paths  # the page is not API


def test_search_results_link_to_the_phrase_history(client):
    html = client.get("/search", params={"q": PHRASE}).text
    assert 'href="/phrases?q=independent+and+controllable">history of this phrase</a>' in html
