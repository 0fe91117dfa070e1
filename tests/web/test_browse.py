"""Themes, directives, compare view, exports and feeds over the seed archive."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.helpers import COMMENTARY, OFFICIAL, passage_containing
from app.web.app import DEFAULT_BASE_URL

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

PROCEDURAL = (
    "On the afternoon of April 25",
    "delivered a lecture on the topic",
    "Members of the Political Bureau listened",
    "Following the lecture and discussions",
)


def test_themes_list_counts_both_kinds(client):
    themes = {t["slug"]: t for t in client.get("/api/themes").json()["themes"]}
    assert len(themes) >= 8
    assert themes["talent-education"]["official"] >= 1 and themes["talent-education"]["commentary"] >= 1
    page = client.get("/themes")
    assert page.status_code == 200
    assert "Talent, skills and education" in page.text


def test_talent_official_lists_education_and_mechanisms_only(client):
    results = client.get("/api/themes/talent-education", params={"kind": "official"}).json()["results"]
    texts = [r["text"] for r in results]
    assert any(t.startswith("He highlighted the need to promote AI education") for t in texts)
    assert any(t.startswith("Xi also emphasized improving the mechanisms") for t in texts)
    assert len(texts) == 2, texts
    assert all(r["kind"] == "official" and "talent-education" in r["themes"] for r in results)
    page = client.get("/themes/talent-education?kind=official")
    assert "promote AI education" in page.text and "Global South" not in page.text


def test_international_governance_lists_global_south_and_framework(client):
    texts = [r["text"] for r in client.get("/api/themes/international-governance").json()["results"]]
    assert any("Global South" in t and t.startswith("China should") for t in texts)
    assert any("global governance framework and set of standards" in t for t in texts)
    assert not any(t.startswith(PROCEDURAL) for t in texts)


def test_unknown_theme_is_404_everywhere(client):
    assert client.get("/themes/no-such-theme").status_code == 404
    assert client.get("/api/themes/no-such-theme").json()["detail"].startswith("No theme")


def test_directives_exclude_procedure_and_carry_speaker(client, official):
    results = client.get("/api/directives", params={"doc": OFFICIAL}).json()["results"]
    texts = [r["text"] for r in results]
    assert not any(t.startswith(PROCEDURAL) for t in texts)
    assert any(t.startswith("He called for continuously strengthening basic research") for t in texts)
    assert any(t.startswith("It is necessary to grasp") for t in texts)
    assert all(r["is_directive"] and r["speaker"] for r in results)
    # Directives exist only in official documents.
    assert client.get("/api/directives", params={"doc": COMMENTARY}).json()["total"] == 0


def test_every_directive_has_a_citable_page(client):
    for r in client.get("/api/directives").json()["results"]:
        page = client.get(f"/d/{r['id']}")
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert "@misc{" in text and '"date-parts"' in text and r["text"] in text
        assert f'rel="canonical" href="{DEFAULT_BASE_URL}/d/{r["id"]}"' in page.text
        assert 'property="og:title"' in page.text


def test_d_of_a_non_directive_redirects_to_s(client, official):
    lecture = passage_containing(official, "delivered a lecture on the topic")
    r = client.get(f"/d/{lecture['id']}")
    assert r.status_code == 301 and r.headers["location"] == f"/s/{lecture['id']}"


def test_directive_page_shows_context_and_discussing_commentary(client, official):
    d = passage_containing(official, "He called for continuously strengthening basic research")
    page = client.get(f"/d/{d['id']}").text
    before = official["passages"][official["passages"].index(d) - 1]["text"]
    assert before.split(",")[0] in page  # the sentence before it is shown as context
    assert "Commentary that discusses it" in page
    assert "Directive of Xi Jinping" in page  # the plain-text citation names the speaker


def test_compare_view_shows_labels_links_and_uncovered(client, commentary):
    page = client.get(f"/compare/{COMMENTARY}")
    assert page.status_code == 200
    html = page.text
    for label in ("reports", "interprets", "background"):
        assert f"claim-{label}" in html
    assert "not covered" in html
    assert "What changed" in html
    forecast = passage_containing(commentary, "will likely tighten")
    assert forecast["claim"] == "interprets"


def _shown_units(page_html: str) -> set[str]:
    """Ids of the compare page's commentary sentences not hidden by the filters."""
    units = re.findall(r'<div class="cmp-unit cmp-(?:reports|interprets|background|none)" id="([^"]+)"[^>]*?( hidden)?>', page_html)
    return {uid for uid, hidden in units if not hidden}


def test_compare_filters_by_relation_and_by_label_and_relation_together(client):
    rows = client.get("/api/crossrefs", params={"doc": COMMENTARY}).json()
    claims = {p["id"]: p["claim"] for p in client.get(f"/api/documents/{COMMENTARY}").json()["passages"]
              if p["unit"] != "heading"}
    by_relation: dict[str, set[str]] = {}
    for r in rows:
        by_relation.setdefault(r["relation"], set()).add(r["commentary"]["id"])
    assert set(by_relation) >= {"quotes", "paraphrases"}
    assert _shown_units(client.get(f"/compare/{COMMENTARY}").text) == set(claims)
    for relation, expected in by_relation.items():
        page = client.get(f"/compare/{COMMENTARY}", params={"relation": relation}).text
        assert _shown_units(page) == expected, relation
        assert f'data-relation="{relation}" aria-current="true"><span class="label relation-{relation}">{relation}</span> <span class="n">{len(expected)}</span>' in page
        assert f"Showing the {len(expected)} commentary sentences with a “{relation}” link of {len(claims)}" in page
    both = client.get(f"/compare/{COMMENTARY}", params={"claim": "reports", "relation": "quotes"}).text
    expected = {c for c in by_relation["quotes"] if claims[c] == "reports"}
    assert _shown_units(both) == expected
    # Each filter's links keep the other one.
    assert 'href="/compare/' + COMMENTARY + '?claim=interprets&amp;relation=quotes"' in both
    # An unknown relation filters nothing.
    assert _shown_units(client.get(f"/compare/{COMMENTARY}", params={"relation": "x<y"}).text) == set(claims)


def test_crossrefs_api_links_both_ways(client, official):
    rows = client.get("/api/crossrefs", params={"doc": COMMENTARY}).json()
    assert rows and all({"commentary", "official", "relation", "score"} <= set(r) for r in rows)
    assert all(0 <= r["score"] <= 1 for r in rows)
    target = rows[0]["official"]["id"]
    back = client.get(f"/api/passages/{target}").json()["crossrefs"]
    assert any(x["passage"]["id"] == rows[0]["commentary"]["id"] for x in back)


def test_csv_export_has_one_row_per_sentence(client, official, commentary):
    r = client.get("/export/sentences.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    sentences = [p for d in (official, commentary) for p in d["passages"] if p["unit"] != "heading"]
    assert len(rows) == len(sentences)
    assert {row["id"] for row in rows} == {p["id"] for p in sentences}
    directive = next(row for row in rows if row["text"].startswith("It is necessary to grasp"))
    assert directive["is_directive"] == "true" and directive["kind"] == "official"


def test_json_export_matches_csv(client):
    records = json.loads(client.get("/export/sentences.json").content)
    assert len(records) > 50 and all("themes" in r and "links" in r for r in records)
    rows = list(csv.reader(io.StringIO(client.get("/export/sentences.csv").content.decode("utf-8-sig"))))
    header, rows = rows[0], rows[1:]
    assert all(list(r) == header for r in records), "the JSON records have the CSV's columns, in order"
    assert [row[0] for row in rows] == [r["id"] for r in records], "same sentences, same order"

    def as_cell(value) -> str:  # the CSV's spelling: lists joined with |, booleans true/false, null empty
        if isinstance(value, list):
            return "|".join(map(str, value))
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    for record, row in zip(records, rows, strict=True):
        assert row == [as_cell(record[c]) for c in header], record["id"]
    # the rows say something: the text survives quoting, and lists and flags are filled in somewhere
    assert any('"' in r["text"] and "," in r["text"] for r in records)
    assert any(r["links"] for r in records) and any(r["themes"] for r in records) and any(r["is_directive"] for r in records)


def test_atom_feeds_are_valid_xml(client):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    docs = ET.fromstring(client.get("/feeds/documents.atom").content)
    assert len(docs.findall("a:entry", ns)) == 2
    talent = ET.fromstring(client.get("/feeds/themes/talent-education.atom").content)
    assert talent.findall("a:entry", ns)
    assert client.get("/feeds/themes/nope.atom").status_code == 404
