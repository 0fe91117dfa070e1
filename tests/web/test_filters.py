"""Filters people can use (#21): menus of real documents and publishers, date ranges with year-only
dates, a clear message for a bad date, theme and year facets on search, and the CSV of any filtered list."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.ingest.pipeline import run
from app.web import urls
from app.web.app import create_app
from tests.helpers import SEEDS, fresh_database_url

# Three documents beside the seeds: one dated by year and month only, and one holding a sentence
# a spreadsheet would run as a formula.
EXTRA = {
    "ministry-talent-2023": """---
title: "Plan for AI Talent and Education"
kind: official
date: 2023-06-01
publisher: Ministry of Science
---
Universities must expand AI education and talent training for students at every level.

The ministry shall fund teacher training and vocational skills courses in AI.
""",
    "council-skills-2024": """---
title: "Opinions on AI Skills in Schools"
kind: official
date: 2024-03
publisher: State Council
---
Schools must strengthen AI literacy and the training of teachers and students.

=HYPERLINK("http://example.invalid") talent and education programmes should be expanded in every school.
""",
    "review-skills-2024": """---
title: "Review: Talent Policy in 2024"
kind: commentary
date: 2024-11-20
publisher: Example Review
---
The review finds that talent and education programmes for students grew quickly in 2024.
""",
}
THEME = "talent-education"

pytestmark = pytest.mark.pg  # run a second time on PostgreSQL (scripts/test.sh selects -m pg)


@pytest.fixture(scope="module")
def c(tmp_path_factory) -> TestClient:
    folder: Path = tmp_path_factory.mktemp("filter-docs")
    for slug, text in EXTRA.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("filter-data"), database_url=fresh_database_url())
    run(settings, [SEEDS, folder])
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


def _tree(r):
    return lxml.html.fromstring(r.text)


def _options(tree, select_id: str) -> list[str]:
    return [o.get("value") for o in tree.get_element_by_id(select_id).iter("option") if o.get("value")]


def _all(c, path: str, **params) -> list[dict]:
    """Every result of a paged JSON list."""
    out, offset = [], 0
    while True:
        body = c.get(path, params={**params, "limit": 100, "offset": offset}).json()
        out += body["results"]
        offset += 100
        if offset >= body["total"]:
            return out


def _documents(c) -> dict[str, dict]:
    return {d["slug"]: d for d in c.get("/api/documents").json()["documents"]}


def _year(slug: str, docs: dict) -> str | None:
    date = docs[slug].get("date")
    return date[:4] if date else None


# --- menus of real values --------------------------------------------------------------------

@pytest.mark.parametrize("path, select_id, source", [
    ("/directives", "f-doc", "/api/directives"), (f"/themes/{THEME}", "f-doc", f"/api/themes/{THEME}"),
])
def test_document_menu_lists_the_documents_the_list_holds(c, path, select_id, source):
    r = c.get(path)
    tree = _tree(r)
    assert not tree.xpath('//input[@name="doc"]')  # no slug to type
    listed = {row["document"] for row in _all(c, source)}
    assert set(_options(tree, select_id)) == listed and len(listed) >= 2
    # each label names its own control
    for control in tree.xpath('//form[contains(@class, "filterform")]//select | //form[contains(@class, "filterform")]//input'):
        assert tree.xpath(f'//label[@for="{control.get("id")}"]'), control.get("name")
    publishers = {d["publisher"] for d in _documents(c).values() if d.get("publisher")}
    assert set(_options(tree, "f-publisher")) == publishers
    # choosing a document from the menu filters the list to it
    slug = _options(tree, select_id)[-1]
    assert {row["document"] for row in _all(c, source, doc=slug)} == {slug}
    chosen = _tree(c.get(path, params={"doc": slug}))
    assert chosen.xpath(f'//select[@id="{select_id}"]/option[@selected]')[0].get("value") == slug


def test_search_form_offers_every_document(c):
    tree = _tree(c.get("/search", params={"q": "talent"}))
    assert not tree.xpath('//input[@name="doc"]')
    assert set(_options(tree, "s-doc")) == set(_documents(c))
    assert tree.xpath('//label[@for="s-doc"]') and tree.xpath('//label[@for="s-from"]')


# --- date ranges -----------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["/api/directives", f"/api/themes/{THEME}"])
def test_year_only_dates_bound_the_lists(c, source):
    docs = _documents(c)
    every = _all(c, source)
    assert {_year(r["document"], docs) for r in every} >= {"2023", "2024", "2025"}
    for params, years in [({"from": "2024"}, {"2024", "2025"}), ({"to": "2023"}, {"2023"}),
                          ({"from": "2024", "to": "2024"}, {"2024"}), ({"from": "2024-04", "to": "2024-12-31"}, {"2024"})]:
        got = _all(c, source, **params)
        want = [r["id"] for r in every if _year(r["document"], docs) in years and
                (params.get("from") != "2024-04" or docs[r["document"]]["date"] >= "2024-04")]
        assert sorted(r["id"] for r in got) == sorted(want), params
        assert {_year(r["document"], docs) for r in got} <= years
        assert got or params.get("from") == "2024-04"  # only the commentary is dated after March 2024
    # the month-only date 2024-03 falls in the year 2024 and in its own month, not after it
    assert "council-skills-2024" in {r["document"] for r in _all(c, source, **{"from": "2024-03", "to": "2024-03"})}
    assert "council-skills-2024" not in {r["document"] for r in _all(c, source, **{"from": "2024-04"})}


def test_pages_show_what_their_json_twin_lists(c):
    for path, api in [("/directives", "/api/directives"), (f"/themes/{THEME}", f"/api/themes/{THEME}")]:
        r = c.get(path, params={"from": "2024", "to": "2024"})
        assert r.status_code == 200
        tree = _tree(r)
        shown = {a.get("href").split("?")[0].rsplit("/", 1)[-1] for a in tree.xpath('//h2[@class="group-title"]/a')}
        assert shown == {row["document"] for row in _all(c, api, **{"from": "2024", "to": "2024"})}
        assert tree.get_element_by_id("f-from").get("value") == "2024"
        # paging and the JSON link keep the dates
        assert 'from=2024' in tree.xpath('//link[@rel="alternate"][@type="application/json"]')[0].get("href")


def test_themes_table_counts_within_the_dates(c):
    counts = {t["slug"]: t for t in c.get("/api/themes", params={"from": "2024"}).json()["themes"]}
    listed = _all(c, f"/api/themes/{THEME}", **{"from": "2024"})
    assert counts[THEME]["official"] == sum(r["kind"] == "official" for r in listed) >= 1
    assert counts[THEME]["commentary"] == sum(r["kind"] == "commentary" for r in listed) >= 1
    page = c.get("/themes", params={"from": "2024"}).text
    assert urls.theme(THEME, kind="official", date_from="2024").replace("&", "&amp;") in page


def test_search_dates_filter_page_and_api(c):
    docs = _documents(c)
    body = c.get("/api/search", params={"q": "talent", "from": "2024", "to": "2024", "limit": 100}).json()
    assert body["results"] and {_year(r["document"], docs) for r in body["results"]} == {"2024"}
    assert c.get("/api/search", params={"q": "talent", "to": "2023"}).json()["total"] == \
        sum(_year(r["document"], docs) == "2023" for r in c.get("/api/search", params={"q": "talent", "limit": 100}).json()["results"])
    page = c.get("/search", params={"q": "talent", "from": "2024", "to": "2024"})
    assert page.status_code == 200 and _tree(page).get_element_by_id("s-from").get("value") == "2024"


@pytest.mark.parametrize("bad", ["yesterday", "2025-13", "2023-02-29", "2024-04-31", "24"])
@pytest.mark.parametrize("path", ["/themes", f"/themes/{THEME}", "/directives", "/search?q=talent"])
def test_a_bad_date_is_a_message_on_the_page(c, path, bad):
    for name in ("from", "to"):
        r = c.get(path, params={name: bad})
        assert r.status_code == 422, (path, bad)
        alert = _tree(r).xpath('//*[@role="alert"]')
        assert alert and bad in alert[0].text_content() and "2025-04-26" in alert[0].text_content()
        assert _tree(r).get_element_by_id({"/search?q=talent": "s-"}.get(path, "t-" if path == "/themes" else "f-") + name).get("value") == bad


@pytest.mark.parametrize("path", ["/api/themes", f"/api/themes/{THEME}", "/api/directives", "/api/search?q=talent",
                                  "/export/directives.csv", f"/export/themes/{THEME}.csv", "/export/search.csv?q=talent"])
def test_a_bad_date_is_4xx_in_the_api_and_exports(c, path):
    for bad in ("2023-02-29", "April"):
        r = c.get(path, params={"from": bad})
        assert 400 <= r.status_code < 500 and r.status_code == 422, (path, bad)
        assert "from" in r.text


# --- facets ----------------------------------------------------------------------------------

def test_search_facets_count_themes_and_years_and_link_to_the_filter(c):
    docs = _documents(c)
    body = c.get("/api/search", params={"q": "talent", "limit": 100}).json()
    hits, facets = body["results"], body["facets"]
    assert len(hits) == body["total"] >= 4
    for slug, n in facets["theme"].items():
        assert n == sum(slug in r["themes"] for r in hits), slug
        assert c.get("/api/search", params={"q": "talent", "theme": slug}).json()["total"] == n
    years = {}
    for r in hits:
        if (y := _year(r["document"], docs)):
            years[y] = years.get(y, 0) + 1
    assert facets["year"] == dict(sorted(years.items(), reverse=True)) and len(years) >= 2
    # on the page, each count is a link that adds its filter
    tree = _tree(c.get("/search", params={"q": "talent"}))
    box = tree.xpath('//aside[contains(@class, "facets")]')[0]
    for year, n in facets["year"].items():
        href = urls.search(q="talent", date_from=year, date_to=year)
        link = box.xpath(f'.//a[@href="{href}"]')
        assert link and link[0].getparent().xpath('./span[@class="score"]')[0].text == str(n)
        followed = c.get(href)
        assert followed.status_code == 200
        assert c.get("/api/search", params={"q": "talent", "from": year, "to": year}).json()["total"] == n
    theme, n = next(iter(facets["theme"].items()))
    assert box.xpath(f'.//a[@href="{urls.search(q="talent", theme=theme)}"]')


def test_a_word_search_is_counted_as_containing_the_words(c):
    body = c.get("/api/search", params={"q": "talent"}).json()
    words = sum(r["match"] == "words" for r in c.get("/api/search", params={"q": "talent", "limit": 100}).json()["results"])
    assert body["facets"]["match"].get("words") == words >= 1 and not body["facets"]["match"].get("exact")
    line = _tree(c.get("/search", params={"q": "talent"})).get_element_by_id("results-h").text_content()
    assert f"contains these words {words}" in " ".join(line.split()) and "exact" not in line
    # a quoted word is a quote again: graded exact
    quoted = c.get("/api/search", params={"q": '"talent"'}).json()["facets"]["match"]
    assert quoted["exact"] >= 1 and "words" not in quoted


# --- CSV of a filtered list ------------------------------------------------------------------

def _csv_rows(c, href: str) -> list[dict]:
    r = c.get(href)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))


@pytest.mark.parametrize("path, api, params", [
    ("/directives", "/api/directives", {"from": "2024"}),
    ("/directives", "/api/directives", {"publisher": "State Council", "sort": "date-asc"}),
    (f"/themes/{THEME}", f"/api/themes/{THEME}", {"from": "2023", "to": "2024", "kind": "official"}),
    (f"/themes/{THEME}", f"/api/themes/{THEME}", {}),
])
def test_the_csv_link_carries_the_filters_and_holds_the_list(c, path, api, params):
    tree = _tree(c.get(path, params=params))
    href = tree.xpath('//a[contains(text(), "as CSV")]')[0].get("href")
    for name, value in params.items():
        assert f"{name}={value.replace(' ', '+')}" in href
    rows = _csv_rows(c, href)
    assert [r["id"] for r in rows] == [r["id"] for r in _all(c, api, **params)] and rows


def test_search_csv_holds_the_filtered_results_in_order(c):
    params = {"q": "talent", "from": "2024"}
    tree = _tree(c.get("/search", params=params))
    href = tree.xpath('//a[contains(text(), "as CSV")]')[0].get("href")
    assert href == urls.export_search_csv(q="talent", date_from="2024")
    rows = _csv_rows(c, href)
    hits = c.get("/api/search", params={**params, "limit": 100}).json()["results"]
    assert [(r["id"], r["match"]) for r in rows] == [(h["id"], h["match"]) for h in hits] and rows


def test_themes_table_csv_has_the_counts_within_the_dates(c):
    rows = {r["theme"]: r for r in _csv_rows(c, urls.export_themes_csv(date_from="2024"))}
    api = {t["slug"]: t for t in c.get("/api/themes", params={"from": "2024"}).json()["themes"]}
    assert {s: (int(r["official"]), int(r["commentary"])) for s, r in rows.items()} == \
        {s: (t["official"], t["commentary"]) for s, t in api.items()}


def test_filtered_csv_never_starts_a_cell_with_a_formula(c):
    rows = _csv_rows(c, urls.export_theme_csv(THEME, doc="council-skills-2024"))
    formula = [r["text"] for r in rows if "HYPERLINK" in r["text"]]
    assert formula and all(t.startswith("'=") for t in formula)
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values() if v)


@pytest.mark.parametrize("path", [f"/themes/{THEME}", "/directives", "/themes", "/search?q=talent"])
def test_the_form_as_a_browser_sends_it_is_understood(c, path):
    """Every field of the form, sent with its 'All' (empty) value: the list as unfiltered."""
    tree = _tree(c.get(path))
    form = tree.xpath('//form[contains(@class, "filterform")] | //form[contains(@class, "search-form")]')[0]
    fields = {el.get("name"): "" for el in form.xpath('.//select | .//input[@type="text"]') if el.get("name")}
    base = path.split("?")[0]
    params = {**fields, **({"q": "talent"} if "q=" in path else {}), **({"sort": "date-desc"} if "sort" in fields else {})}
    assert {"from", "to"} <= set(fields)
    r = c.get(base, params=params)
    assert r.status_code == 200, r.text[:300]


def test_a_long_document_menu_keeps_the_newest_and_says_how_to_reach_the_rest(c, monkeypatch):
    from app.web.routes import themes

    monkeypatch.setattr(themes, "DOCUMENT_CHOICES", 2)
    docs = _documents(c)
    listed = {row["document"] for row in _all(c, "/api/directives")}
    newest = sorted(listed, key=lambda s: docs[s].get("date") or "", reverse=True)
    # (sort given: a URL no other test asked for, so the page cache holds no page with the full menu)
    tree = _tree(c.get("/directives", params={"sort": "date-desc"}))
    assert _options(tree, "f-doc") == newest[:2]
    assert "newest documents" in tree.get_element_by_id("f-doc-hint").text_content()
    # an older document, reached by a link, stays chosen in the menu
    tree = _tree(c.get("/directives", params={"doc": newest[-1], "sort": "date-desc"}))
    assert tree.xpath('//select[@id="f-doc"]/option[@selected]')[0].get("value") == newest[-1]
