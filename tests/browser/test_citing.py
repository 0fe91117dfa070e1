"""Cite in one step from a quote-check result and from a reader sentence (#21): the citation lands
on the clipboard, other formats come from a menu, and the reader stays within its page budget."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.browser.conftest import DESKTOP, PAGE_BUDGET, PHONE, SCREENSHOTS
from tests.helpers import COMMENTARY, OFFICIAL

pytestmark = pytest.mark.browser

WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])


def _page(new_context, viewport):
    phone = viewport == PHONE
    return new_context(viewport=viewport, is_mobile=phone, has_touch=phone,
                       permissions=["clipboard-read", "clipboard-write"]).new_page()


def _go(page, url):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    assert len(response.body()) < PAGE_BUDGET, f"{url}: over the {PAGE_BUDGET}-byte budget"


def _clipboard(page, not_equal: str | None = None) -> str:
    if not_equal is not None:
        page.wait_for_function("(t) => navigator.clipboard.readText().then(x => x !== t)", arg=not_equal)
    return page.evaluate("() => navigator.clipboard.readText()")


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@WIDTHS
def test_copy_citation_from_a_quote_check_result(new_context, live_server, seed, viewport):
    source = seed["sentence"]
    page = _page(new_context, viewport)
    _go(page, f"{live_server}/verify?" + urlencode({"text": source["text"]}))
    result = page.locator("li.checked-sentence").first
    line = result.locator(".source-line").inner_text()
    assert source["id"] not in line and "¶" in line, line  # a readable reference, not the hash
    result.get_by_role("button", name="Copy citation").click()
    copied = _clipboard(page)
    assert source["text"] in copied and source["id"] in copied
    result.get_by_role("button", name="Copy link").click()
    link = _clipboard(page, copied)
    assert link.startswith("http") and link.endswith(source["id"])
    # BibTeX from the menu, fetched when chosen; Copy citation then copies it
    result.locator("summary").click()
    result.locator("select.cite-format").select_option("bibtex")
    page.wait_for_function("(el) => el.textContent.startsWith('@misc{')", arg=result.locator("pre.cite-text").element_handle())
    result.get_by_role("button", name="Copy citation").click()
    assert _clipboard(page, link).startswith("@misc{")
    _shot(page, f"citing-verify-{viewport['width']}")


@WIDTHS
def test_copy_citation_from_a_reader_sentence(new_context, live_server, seed, viewport):
    source = seed["sentence"]
    page = _page(new_context, viewport)
    _go(page, f"{live_server}/documents/{OFFICIAL}")
    sentence = page.locator(f"[id='{source['id']}']")
    sentence.locator("a.pid").click()  # the ¶ opens the Cite panel (a modified click follows the permalink)
    panel = page.locator(".cite-panel")
    panel.locator("pre.cite-text", has_text="Policy Archive").wait_for()
    assert "¶" in panel.locator(".cite-ref").inner_text()
    panel.get_by_role("button", name="Copy citation").click()
    copied = _clipboard(page)
    assert source["text"] in copied and f"/s/{source['id']}" in copied
    panel.locator("select.cite-format").select_option("csl_json")
    panel.locator("pre.cite-text", has_text='"URL"').wait_for()
    panel.get_by_role("button", name="Copy citation").click()
    assert json.loads(_clipboard(page, copied))["id"] == source["id"]
    _shot(page, f"citing-reader-{viewport['width']}")
    assert panel.get_by_role("link", name="Sentence page").get_attribute("href").endswith(f"/s/{source['id']}")
    page.keyboard.press("Escape")
    assert page.locator(".cite-panel").count() == 0
    assert page.evaluate("() => document.activeElement.classList.contains('pid')")  # focus back on the ¶


def test_hovering_a_sentence_lights_up_its_margin_notes(new_context, live_server):
    page = _page(new_context, DESKTOP)
    _go(page, f"{live_server}/documents/{COMMENTARY}")
    sentence = page.locator(".passage[data-links]").first
    target = sentence.get_attribute("data-links").split()[0]
    sentence.hover()
    assert "highlight" in page.locator(f"details.margin li[data-pid='{target}']").first.get_attribute("class")
    _shot(page, "citing-commentary-1280")
