"""The reader's "New in this statement" panel in Chromium (#20), over the synthetic series of
tests/enrich/test_novelty_series.py: axe-core (no serious or critical violation) in the light and
dark schemes at 375 and 1280 px, nothing wider than the screen, the marks readable on their tint,
and the way from a new formulation to its history and from a sentence said before to its first
statement. Screenshots go to $NOVELTY_SHOTS (default /tmp/novelty-screenshots).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import Settings
from app.ingest.pipeline import run
from tests.browser.conftest import DESKTOP, PAGE_BUDGET, PHONE, serve
from tests.browser.test_a11y import BLOCKING, describe, run_axe
from tests.enrich.test_novelty_series import COPIES, first_of, write
from tests.helpers import fresh_database_url

pytestmark = pytest.mark.browser

PHRASE = "independent and controllable"
SHOTS = Path(os.environ.get("NOVELTY_SHOTS", "/tmp/novelty-screenshots"))
PAGES = {"new": f"/documents/{first_of(PHRASE)}", "said-before": "/documents/statement-2023"}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = write(tmp_path_factory.mktemp("novelty-series"))
    settings = Settings(data_dir=tmp_path_factory.mktemp("novelty-browser"), database_url=fresh_database_url())
    run(settings, [folder])
    with serve(settings) as url:
        yield url


def _open(new_context, site, path: str, viewport=DESKTOP, **options):
    phone = viewport == PHONE
    page = new_context(viewport=viewport, is_mobile=phone, has_touch=phone, **options).new_page()
    response = page.goto(site + path, wait_until="load")
    assert response is not None and response.status == 200, path
    assert len(response.body()) < PAGE_BUDGET, path
    return page


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@SCHEMES
@WIDTHS
@pytest.mark.parametrize("name", list(PAGES))
def test_the_panel_passes_axe(new_context, site, axe_path, name, viewport, scheme):
    page = _open(new_context, site, PAGES[name], viewport, bypass_csp=True, color_scheme=scheme)
    page.locator("details.said-before").evaluate_all("els => els.forEach(e => e.open = true)")
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, f"{PAGES[name]} at {viewport['width']}px, {scheme}:\n{describe(blocking)}"
    _shoot(page, f"novelty-{name}-{viewport['width']}-{scheme}")


@WIDTHS
@pytest.mark.parametrize("name", list(PAGES))
def test_nothing_is_wider_than_the_screen(new_context, site, name, viewport):
    page = _open(new_context, site, PAGES[name], viewport)
    page.locator("details.said-before").evaluate_all("els => els.forEach(e => e.open = true)")
    scroll = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scroll <= 1, f"{PAGES[name]} at {viewport['width']}px: {scroll}px too wide"
    panel = page.locator("section.novelty").bounding_box()
    assert panel and panel["width"] <= viewport["width"]


@SCHEMES
def test_a_mark_keeps_the_texts_colour_on_a_tint_of_its_own(new_context, site, scheme):
    page = _open(new_context, site, PAGES["new"], color_scheme=scheme)
    mark = page.locator(".reader .para mark.novel", has_text=PHRASE).first
    assert mark.is_visible()
    style = mark.evaluate("""m => { const s = getComputedStyle(m), p = getComputedStyle(m.closest('.passage'));
        return {color: s.color, text: p.color, bg: s.backgroundColor, line: s.textDecorationLine}; }""")
    assert style["color"] == style["text"] and style["bg"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert style["line"] == "none"  # a tint, not an underline that would read as a link


def test_from_a_new_formulation_to_its_history(new_context, site):
    page = _open(new_context, site, PAGES["new"], PHONE)
    page.locator("section.novelty").get_by_role("link", name=PHRASE, exact=True).click()
    page.wait_for_url("**/phrases?q=*")
    assert page.locator("h1").inner_text() == f"History of “{PHRASE}”"


def test_from_a_sentence_said_before_to_its_first_statement(new_context, site):
    page = _open(new_context, site, PAGES["said-before"], DESKTOP)
    copy, _ = COPIES["statement-2023"]
    said = page.locator("details.said-before")
    said.evaluate("e => e.open = true")
    item = said.locator("li", has_text=copy[:40])
    item.locator(".said-where a").click()
    page.wait_for_url("**/documents/statement-2016?at=*")
    assert page.locator(".passage:target").inner_text().startswith("The council approved")
