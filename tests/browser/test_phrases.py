"""A phrase's history in a real Chromium over the synthetic series (tests/data/phrases): the page and
its SVG chart at phone and desktop widths, axe-core on both, and the way from search and back.

Screenshots land in test-artifacts/screenshots/ under each test's name.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from app.config import Settings
from app.ingest.pipeline import run
from tests.browser.conftest import DESKTOP, PAGE_BUDGET, PHONE
from tests.browser.test_a11y import BLOCKING, describe, run_axe
from tests.data.phrases import series
from tests.helpers import fresh_database_url
from tests.web.live import serve

pytestmark = pytest.mark.browser

PHRASE = "independent and controllable"
PAGES = {
    "history": "/phrases?" + urlencode({"q": PHRASE}),
    "history-monthly": "/phrases?" + urlencode({"q": "new quality productive forces"}),
    "form": "/phrases",
    "nothing": "/phrases?" + urlencode({"q": "never said at all"}),
}
WIDTHS = {"375": PHONE, "1280": DESKTOP}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Base URL of `policy-archive serve` over the series."""
    folder = series.write(tmp_path_factory.mktemp("phrase-series"))
    settings = Settings(data_dir=tmp_path_factory.mktemp("phrase-browser"), database_url=fresh_database_url())
    run(settings, [folder])
    with serve(settings) as served:
        yield served.url


def go(page, url: str, status: int = 200):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == status, url
    if "html" in (response.headers.get("content-type") or ""):
        assert len(response.body()) < PAGE_BUDGET, url
    return response


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_phrase_page_layout(new_context, site, name, width):
    """Nothing wider than the screen; on a history page the chart and its table are both shown."""
    phone = width == "375"
    page = new_context(viewport=WIDTHS[width], is_mobile=phone, has_touch=phone).new_page()
    go(page, site + PAGES[name])
    overflow = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(el => el.tagName + '.' + el.className).slice(0, 5)""")
    scroll = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scroll <= 1 and not overflow, f"{name} at {width}px: {scroll}px too wide: {overflow}"
    if name.startswith("history"):
        chart = page.locator(".chart svg[role=img]")
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100, box
        assert page.locator("table.chart-numbers tbody tr").count() >= 2
        assert page.locator("svg rect[height]").count() > 3  # bars drawn, not an empty frame


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_phrase_page_accessibility(new_context, site, axe_path, name, width):
    page = new_context(bypass_csp=True, viewport=WIDTHS[width]).new_page()
    go(page, site + PAGES[name])
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, f"{PAGES[name]} at {width}px:\n{describe(blocking)}"


def test_the_svg_alone_is_a_titled_image(new_context, site):
    page = new_context(viewport=DESKTOP).new_page()
    response = go(page, site + "/phrases.svg?" + urlencode({"q": PHRASE}))
    assert response.headers["content-type"].startswith("image/svg+xml")
    info = page.evaluate("""() => {
        const svg = document.documentElement, r = svg.getBoundingClientRect();
        return {tag: svg.tagName, role: svg.getAttribute('role'), width: r.width,
                title: svg.querySelector('title').textContent, bars: svg.querySelectorAll('rect title').length};
    }""")
    assert info["tag"] == "svg" and info["role"] == "img" and info["width"] > 300
    assert PHRASE in info["title"] and info["bars"] >= len(series.by_year(PHRASE, "official"))


def test_from_search_to_the_history_and_back(new_context, site):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    go(page, site + "/search?" + urlencode({"q": PHRASE}))
    page.get_by_role("link", name="history of this phrase").first.click()
    page.wait_for_url("**/phrases?q=*")
    assert page.locator("h1").inner_text() == f"History of “{PHRASE}”"
    first = series.planted(PHRASE, "official")[0]
    page.get_by_role("link", name=first.date).first.click()  # the first official use: its sentence's page
    page.wait_for_url("**/s/*")
    assert PHRASE in page.locator("blockquote.focus").inner_text().lower()
    page.go_back()
    page.get_by_role("link", name="Search for these words").click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("#q").input_value() == PHRASE
