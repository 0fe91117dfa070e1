"""The parallel reader and the translations compared, in Chromium, over the Chinese test documents.

axe-core (no serious or critical violation) in the light and dark schemes at 375 and 1280 px; no
sideways scroll on a phone; side by side on a desktop and stacked on a phone; the view toggle with
and without JavaScript. Screenshots go to test-artifacts/screenshots/ (Chinese needs a CJK font:
scripts/test.sh installs fonts-noto-cjk).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.config import Settings
from app.ingest.pipeline import run
from tests.browser.conftest import DESKTOP, PHONE, serve, shoot
from tests.browser.test_a11y import BLOCKING, describe, run_axe
from tests.helpers import fresh_database_url

pytestmark = pytest.mark.browser

ZH = Path(__file__).resolve().parent.parent / "data" / "zh"
ORIGINAL = "state-council-ai-2025-zh"
FREE = "state-council-ai-2025-en-free"
OMITTED = "会议还研究了其他事项。"
PAGE_LIMIT = 120_000  # bytes of HTML for the test's bilingual document
PAGES = {"parallel": f"/parallel/{FREE}", "parallel-original": f"/parallel/{FREE}?view=original",
         "translations": f"/translations/{ORIGINAL}"}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])


@pytest.fixture(scope="module")
def zh_server(tmp_path_factory):
    sources = tmp_path_factory.mktemp("zh-browser-sources")
    for f in ZH.glob("*.md"):
        shutil.copy(f, sources / f.name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("zh-browser-data"), database_url=fresh_database_url())
    run(settings, [sources])
    with serve(settings) as url:
        yield url


def _open(new_context, zh_server, path: str, viewport=DESKTOP, **options):
    phone = viewport == PHONE
    page = new_context(viewport=viewport, is_mobile=phone, has_touch=phone, **options).new_page()
    response = page.goto(zh_server + path, wait_until="load")
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    assert len(response.body()) <= PAGE_LIMIT, f"{path}: {len(response.body())} bytes of HTML"
    return page


def _shown(page, selector: str) -> int:
    return page.evaluate("(s) => [...document.querySelectorAll(s)].filter(e => e.offsetParent !== null).length", selector)


@SCHEMES
@WIDTHS
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(new_context, zh_server, axe_path, name, viewport, scheme):
    page = _open(new_context, zh_server, PAGES[name], viewport, bypass_csp=True, color_scheme=scheme)
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, f"{PAGES[name]} at {viewport['width']}px, {scheme}:\n{describe(blocking)}"


@WIDTHS
@pytest.mark.parametrize("name", list(PAGES))
def test_nothing_is_wider_than_the_screen(new_context, zh_server, name, viewport):
    page = _open(new_context, zh_server, PAGES[name], viewport)
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= viewport["width"], f"{PAGES[name]} at {viewport['width']}px scrolls to {scroll}px"
    shoot(page, f"zh-{name}-{viewport['width']}")


def _pair(page):
    """Boxes of the original and the translation sentence of the first 1–1 row."""
    row = page.locator(".par-row:not(.par-head)").filter(has=page.locator(".par-t .par-s")).nth(2)
    return row.locator(".par-o .par-s").first.bounding_box(), row.locator(".par-t .par-s").first.bounding_box()


def test_side_by_side_on_a_desktop_and_stacked_on_a_phone(new_context, zh_server):
    page = _open(new_context, zh_server, PAGES["parallel"], DESKTOP)
    o, t = _pair(page)
    assert t["x"] >= o["x"] + o["width"] and abs(t["y"] - o["y"]) < 2  # beside, on the same line
    langs = page.evaluate("() => [...document.querySelectorAll('.par-s')].map(e => e.closest('.par-o') ? 'o:' + e.lang : 't:' + e.lang)")
    assert set(langs) == {"o:zh", "t:en"}  # screen readers and fonts switch per passage
    page = _open(new_context, zh_server, PAGES["parallel"], PHONE)
    o, t = _pair(page)
    assert t["y"] >= o["y"] + o["height"] - 1  # the translation under its original
    assert o["x"] >= 0 and t["x"] + t["width"] <= PHONE["width"]
    assert page.locator(".par-t .par-who").first.is_visible()  # labelled, since there are no columns
    gap = page.locator(".par-row", has_text=OMITTED)
    assert gap.locator(".par-t").inner_text().strip().lower().startswith("not translated")


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_the_view_toggle_works_with_and_without_javascript(new_context, zh_server, script):
    page = _open(new_context, zh_server, PAGES["parallel"], DESKTOP, java_script_enabled=script)
    both = _shown(page, ".par-o .par-s"), _shown(page, ".par-t .par-s")
    assert all(both)
    if script:
        page.evaluate("() => { window.stayed = true; }")
    page.get_by_role("link", name="Original only").click()
    page.wait_for_url("**/parallel/*?view=original")
    assert _shown(page, ".par-o .par-s") == both[0] and _shown(page, ".par-t .par-s") == 0
    assert page.locator(".par-views a[aria-current]").inner_text() == "Original only"
    if script:  # no reload: the script switched the view in place
        assert page.evaluate("() => window.stayed === true")
        assert page.locator("#par-status").text_content() == "Showing: Original only."
    page.get_by_role("link", name="Translation only").click()
    page.wait_for_url("**/parallel/*?view=translation")
    assert _shown(page, ".par-o .par-s") == 0 and _shown(page, ".par-t .par-s") == both[1]
    # the left-out sentence still shows where it would be
    assert page.locator(".par-row", has_text="not translated").locator(".par-gap").is_visible()
    page.get_by_role("link", name="Side by side").click()
    page.wait_for_url(lambda url: url.endswith(f"/parallel/{FREE}"))
    assert (_shown(page, ".par-o .par-s"), _shown(page, ".par-t .par-s")) == both
    shoot(page, f"zh-parallel-toggle-{'js' if script else 'nojs'}")


def test_a_sentence_link_lands_on_it_in_its_reader(new_context, zh_server):
    page = _open(new_context, zh_server, PAGES["parallel"], DESKTOP)
    first = page.locator(".par-o .par-s").nth(3)
    pid = first.get_attribute("id")
    first.locator("a.pid").click()
    page.wait_for_url(f"**/documents/{ORIGINAL}?at={pid}#{pid}")
    assert page.locator(f"[id='{pid}']").is_visible()


def test_the_readers_lead_to_the_parallel_reader(new_context, zh_server):
    page = _open(new_context, zh_server, f"/documents/{FREE}", DESKTOP)
    page.get_by_role("link", name="Read it beside the original").click()
    page.wait_for_url(f"**/parallel/{FREE}")
    page = _open(new_context, zh_server, f"/documents/{ORIGINAL}", DESKTOP)
    assert page.locator(f"a[href='/parallel/{FREE}']").count() == 1
