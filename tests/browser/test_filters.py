"""Filters in Chromium (#21): a document chosen from the menu, not typed; each label above its own
control at 375 and 1280 px; dates, facets and a bad date's message; axe-core finds nothing serious or
critical in either scheme and no page is wider than the screen. Screenshots go to $FILTER_SHOTS
(default /tmp/filters-screenshots).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import Settings
from app.ingest.pipeline import run
from tests.browser.conftest import DESKTOP, PAGE_BUDGET, PHONE, serve
from tests.browser.test_a11y import BLOCKING, describe, run_axe
from tests.helpers import SEEDS, fresh_database_url
from tests.web.test_filters import EXTRA, THEME

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("FILTER_SHOTS", "/tmp/filters-screenshots"))
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])
CHOSEN = "council-skills-2024"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("filter-browser-docs")
    for slug, text in EXTRA.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("filter-browser"), database_url=fresh_database_url())
    run(settings, [SEEDS, folder])
    with serve(settings) as url:
        yield url


def _open(new_context, site, path: str, viewport, status: int = 200, **options):
    phone = viewport == PHONE
    page = new_context(viewport=viewport, is_mobile=phone, has_touch=phone, bypass_csp=True, **options).new_page()
    response = page.goto(site + path, wait_until="load")
    assert response is not None and response.status == status, path
    assert len(response.body()) < PAGE_BUDGET, path
    return page


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page, viewport) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url}: {width}px wide on a {viewport['width']}px screen"


def _labels_sit_on_their_controls(page) -> None:
    """Every label of the filter form is just above the control it names, left edges aligned."""
    pairs = page.evaluate("""() => [...document.querySelectorAll('.filterform label[for]')].map(l => {
        const c = document.getElementById(l.htmlFor), a = l.getBoundingClientRect(), b = c.getBoundingClientRect();
        return {name: l.htmlFor, gap: b.top - a.bottom, dx: Math.abs(b.left - a.left), visible: a.width > 0};
    })""")
    assert len(pairs) >= 5
    for p in pairs:
        if p["visible"]:
            assert 0 <= p["gap"] <= 12 and p["dx"] <= 2, p


@SCHEMES
@WIDTHS
def test_choose_a_document_from_the_menu(new_context, site, axe_path, viewport, scheme):
    page = _open(new_context, site, f"/themes/{THEME}", viewport, color_scheme=scheme)
    _labels_sit_on_their_controls(page)
    _fits(page, viewport)
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    menu = page.locator("#f-doc")
    assert menu.get_attribute("name") == "doc" and page.get_by_label("Document").count() == 1
    assert CHOSEN in menu.locator("option").evaluate_all("os => os.map(o => o.value)")
    menu.select_option(CHOSEN)
    page.locator("#f-from").fill("2024")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    assert f"doc={CHOSEN}" in page.url and "from=2024" in page.url
    groups = page.locator("h2.group-title a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert groups and all(h.endswith(f"/documents/{CHOSEN}") for h in groups)
    assert page.locator("#f-doc").input_value() == CHOSEN and page.locator("#f-from").input_value() == "2024"
    csv = page.get_by_role("link", name="Download this list as CSV").get_attribute("href")
    assert f"doc={CHOSEN}" in csv and "from=2024" in csv
    _labels_sit_on_their_controls(page)
    _fits(page, viewport)
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    _shoot(page, f"theme-chosen-{viewport['width']}-{scheme}")


@WIDTHS
def test_search_filters_and_facets(new_context, site, axe_path, viewport):
    page = _open(new_context, site, "/search?q=talent", viewport)
    facets = page.locator("aside.facets")
    assert facets.get_by_role("heading", name="Year").count() == 1
    assert facets.get_by_role("heading", name="Theme").count() == 1
    assert "contains these words" in page.locator("#results-h").inner_text()
    with page.expect_navigation():
        facets.get_by_role("link", name="2024", exact=True).click()
    assert "from=2024" in page.url and "to=2024" in page.url
    page.locator("details.more-filters").evaluate("d => d.open = true")
    page.locator("#s-doc").select_option(CHOSEN)
    with page.expect_navigation():
        page.locator(".more-filters").get_by_role("button", name="Apply").click()
    assert f"doc={CHOSEN}" in page.url
    docs = page.locator("ol.results a[href^='/documents/']").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert docs and all(h.startswith(f"/documents/{CHOSEN}") for h in docs)
    _labels_sit_on_their_controls(page)
    _fits(page, viewport)
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    _shoot(page, f"search-filtered-{viewport['width']}")


@WIDTHS
def test_a_bad_date_says_so_beside_the_form(new_context, site, axe_path, viewport):
    page = _open(new_context, site, "/directives?from=2023-02-29", viewport, status=422)
    alert = page.get_by_role("alert")
    assert "2023-02-29" in alert.inner_text() and alert.is_visible()
    assert page.locator("#f-from").input_value() == "2023-02-29"
    _labels_sit_on_their_controls(page)
    _fits(page, viewport)
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    _shoot(page, f"directives-bad-date-{viewport['width']}")
