"""The home page, /docs and the narrow-screen reader in Chromium (#21 items 5, 7, 8).

Swagger UI at /docs renders the API's operations under the real CSP with every request kept on
127.0.0.1; the home page offers quotes to try and ways in; the reader's metadata box is folded on a
phone and open on a desktop; nothing scrolls sideways at 375 px; axe-core finds no serious or
critical violation in either colour scheme. Screenshots go to $DOCS_HOME_SHOTS
(default /tmp/docs-home-screenshots).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PAGE_BUDGET, PHONE
from tests.browser.test_a11y import BLOCKING, describe, run_axe
from tests.browser.test_translations import ORIGINAL, zh_server  # noqa: F401  (a fixture)
from tests.helpers import COMMENTARY, OFFICIAL

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("DOCS_HOME_SHOTS", "/tmp/docs-home-screenshots"))
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])
PAGES = {"home": "/", "docs": "/docs", "reader": f"/documents/{OFFICIAL}"}


def _open(new_context, base: str, path: str, viewport=DESKTOP, **options):
    phone = viewport == PHONE
    page = new_context(viewport=viewport, is_mobile=phone, has_touch=phone, **options).new_page()
    response = page.goto(base + path, wait_until="load")
    assert response is not None and response.status == 200, path
    assert len(response.body()) < PAGE_BUDGET, f"{path}: {len(response.body())} bytes of HTML"
    return page


def _shoot(page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _swagger_ready(page) -> None:
    page.locator("#swagger-ui .opblock").first.wait_for(state="visible")


def _scroll_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_docs_renders_the_operations_without_leaving_the_site(new_context, live_server, requests_made):
    page = new_context().new_page()  # the real CSP: Swagger UI must start from the static script
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto(live_server + "/docs", wait_until="load")
    assert response.status == 200
    _swagger_ready(page)
    paths = page.locator("#swagger-ui .opblock-summary-path").all_inner_texts()
    assert any(p.startswith("/api/search") for p in paths), paths
    assert any(p.startswith("/api/documents/") for p in paths), paths
    assert not [e for e in errors if "Content Security Policy" in e], errors
    # Opening an operation shows its parameters, read from the description.
    page.locator("#swagger-ui .opblock-summary-path", has_text="/api/search").first.click()
    page.locator("#swagger-ui .parameters .parameter__name", has_text="q").first.wait_for()
    _shoot(page, "docs-1280")
    assert requests_made.all and all("//127.0.0.1:" in u for u in requests_made.all if u.startswith("http"))
    assert any(u.endswith("/api/openapi.json") for u in requests_made.all)


def test_the_footer_leads_to_the_docs(page, live_server):
    page.goto(live_server + "/", wait_until="load")
    page.locator("footer.site a", has_text="API documentation").click()
    page.wait_for_url("**/docs")
    _swagger_ready(page)


@WIDTHS
def test_the_home_page_starts_a_visit(new_context, live_server, viewport):
    page = _open(new_context, live_server, "/", viewport)
    quotes = page.locator(".start-quotes li a")
    assert quotes.count() >= 1
    assert _scroll_width(page) <= viewport["width"]
    _shoot(page, f"home-{viewport['width']}")
    quotes.first.click()
    page.wait_for_load_state("load")
    assert "/search?" in page.url
    assert page.locator(".result").count() >= 1, "an example quote finds nothing"


@WIDTHS
def test_the_readers_metadata_is_folded_on_a_phone_and_open_on_a_desktop(new_context, live_server, viewport):
    page = _open(new_context, live_server, PAGES["reader"], viewport)
    box = page.locator("details.meta-box")
    publisher = page.locator("details.meta-box dl.meta")
    if viewport == PHONE:
        assert not box.evaluate("d => d.open")
        assert not publisher.is_visible()
        # The first screen shows the text, not the metadata.
        first = page.locator("article.reader .passage").first.bounding_box()
        assert first["y"] < PHONE["height"], first
        _shoot(page, "reader-375-first-screen", full_page=False)
        box.locator("summary").click()
        assert publisher.is_visible()
    else:
        assert box.evaluate("d => d.open")
        assert publisher.is_visible()
    assert _scroll_width(page) <= viewport["width"]
    _shoot(page, f"reader-{viewport['width']}", full_page=False)


@WIDTHS
def test_the_compare_guide_is_folded_on_a_phone_so_the_filters_are_on_the_first_screen(new_context, live_server, viewport):
    page = _open(new_context, live_server, f"/compare/{COMMENTARY}", viewport)
    guide = page.locator("details.cmp-guide")
    if viewport == PHONE:
        assert not guide.evaluate("d => d.open")
        assert page.locator("nav[data-filter='claim']").bounding_box()["y"] < PHONE["height"]
        guide.locator("summary").click()
    else:
        assert guide.evaluate("d => d.open")
    assert page.locator("details.cmp-guide .legend").first.is_visible()
    assert _scroll_width(page) <= viewport["width"]


@pytest.mark.parametrize("path", ["/", "/themes"], ids=["home", "themes"])
def test_the_document_and_theme_tables_stack_on_a_phone(new_context, live_server, path):
    """Every cell of every row is on screen at 375 px, none hidden in a box that scrolls sideways."""
    page = _open(new_context, live_server, path, PHONE)
    table = page.locator("table.stack")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth"), "the table scrolls sideways"
    cells = page.evaluate("""() => [...document.querySelectorAll('table.stack tbody td')].map(td => {
        const b = td.getBoundingClientRect(); return {left: b.left, right: b.right, label: td.dataset.label || ''}; })""")
    assert cells and all(0 <= c["left"] and c["right"] <= PHONE["width"] for c in cells), cells
    # The column names travel with the values once the header row is out of sight.
    labels = page.evaluate("() => [...document.querySelectorAll('table.stack td[data-label]')].map(td => getComputedStyle(td, '::before').content)")
    assert labels and all(x not in ("none", "normal", '""') for x in labels)
    assert _scroll_width(page) <= PHONE["width"]


def test_without_javascript_the_metadata_still_opens(new_context, live_server):
    page = _open(new_context, live_server, PAGES["reader"], DESKTOP, java_script_enabled=False)
    page.locator("details.meta-box summary").click()
    assert page.locator("details.meta-box dl.meta").is_visible()


def test_translations_fit_a_phone(new_context, zh_server):  # noqa: F811
    page = _open(new_context, zh_server, f"/translations/{ORIGINAL}", PHONE)
    assert _scroll_width(page) <= PHONE["width"]
    # Each cell gets most of the screen, not a sliver of a squeezed table.
    widths = page.locator("table.translations tbody tr").first.locator("th, td") \
        .evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert min(widths) > PHONE["width"] * 0.6, widths
    _shoot(page, "translations-375", full_page=False)


@SCHEMES
@WIDTHS
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(new_context, live_server, axe_path, name, viewport, scheme):
    page = _open(new_context, live_server, PAGES[name], viewport, bypass_csp=True, color_scheme=scheme)
    if name == "docs":  # with one operation open, so its parameters and answers are checked too
        _swagger_ready(page)
        page.locator("#swagger-ui .opblock-summary-path", has_text="/api/search").first.click()
        page.locator("#swagger-ui .parameters .parameter__name").first.wait_for()
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    _shoot(page, f"axe-{name}-{viewport['width']}-{scheme}")
    assert not blocking, f"{PAGES[name]} at {viewport['width']}px, {scheme}:\n{describe(blocking)}"


@SCHEMES
def test_docs_fit_a_phone(new_context, live_server, scheme):
    page = _open(new_context, live_server, "/docs", PHONE, color_scheme=scheme)
    _swagger_ready(page)
    page.locator("#swagger-ui .opblock-summary-path", has_text="/api/search").first.click()
    page.locator("#swagger-ui .parameters .parameter__name").first.wait_for()
    assert _scroll_width(page) <= PHONE["width"]
    page.locator("#swagger-ui .opblock-summary-path", has_text="/api/search").first.scroll_into_view_if_needed()
    _shoot(page, f"docs-375-{scheme}", full_page=False)
