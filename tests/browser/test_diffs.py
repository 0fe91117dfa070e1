"""In a real Chromium: the quote check's diffs show the user's words and the source's, and an
altered quote is shown as altered, with the changed words marked on both sides."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# The example: the user's "and" and "high-end chips" were dropped from the diff line.
CONDENSED = "…basic research and concentrating resources… bottlenecks in high-end chips."
NEGATED = ("Finally, Xi emphasized that artificial intelligence cannot serve as an international public good "
           "for the benefit of all humanity.")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def check(page, visit, text: str) -> None:
    visit(page, "/verify")
    box = page.locator("main textarea").first
    box.fill(text)
    with page.expect_navigation():
        box.locator("xpath=ancestor::form").locator("button[type=submit]").first.click()


def test_the_quote_check_diff_shows_the_users_words(page, visit):
    check(page, visit, CONDENSED)
    diff = page.locator("main .checked-sentence .diff-text").first
    assert diff.is_visible()
    # What a reader sees of their own text: the unmarked words and the words marked as theirs.
    mine = diff.evaluate("""el => [...el.childNodes].map(n =>
        n.nodeType === 3 ? n.textContent : (n.matches('ins.d-mine') ? n.textContent : '')).join(' ')""")
    assert words(mine) == words(CONDENSED)
    marked_mine = [t.lower() for t in diff.locator("ins.d-mine").all_inner_texts()]
    assert "and" in marked_mine and any("high-end chips" in t for t in marked_mine)
    # Theirs: the unmarked words and the source's own, which the quote left out ("to overcome").
    theirs = diff.evaluate("""el => [...el.childNodes].map(n =>
        n.nodeType === 3 ? n.textContent : (n.matches('del.d-theirs') ? n.textContent : '')).join(' ')""")
    assert "to overcome" in " ".join(words(theirs))
    legend = page.locator("main .legend").inner_text().lower()
    assert "only in your text" in legend and "only in the source" in legend
    # The two colours differ, so "whose words" is visible without reading the titles.
    colours = page.evaluate("""() => [...document.querySelectorAll('main .diff-text ins.d-mine, main .diff-text del.d-theirs')]
        .slice(0, 40).map(e => e.className.split(' ')[0] + ':' + getComputedStyle(e).backgroundColor)""")
    assert len({c for c in colours if c.startswith("d-mine")}) == 1
    assert {c.split(":")[1] for c in colours if c.startswith("d-mine")} != {
        c.split(":")[1] for c in colours if c.startswith("d-theirs")}


def test_an_altered_quote_is_marked_with_its_verdict(page, visit):
    check(page, visit, NEGATED)
    item = page.locator("main .checked-sentence").first
    assert item.locator(".result-grade .badge").first.inner_text().strip().lower() == "altered"
    note = item.locator(".altered-verdict").inner_text()
    assert "meaning differs" in note and "'cannot' where the source says 'can'" in note
    assert item.locator("ins.d-meaning").inner_text().strip() == "cannot"
    assert item.locator("del.d-meaning").inner_text().strip() == "can"
    verdict = page.locator("main .verdict").inner_text()
    assert "altered" in verdict and "found verbatim or nearly" not in verdict


def test_search_shows_an_altered_hit_with_both_sides(page, visit, live_server):
    from urllib.parse import urlencode

    visit(page, "/search?" + urlencode({"q": NEGATED}))
    hit = page.locator("main .result").first
    assert hit.locator(".badge").first.inner_text().strip().lower() == "altered"
    assert "'cannot' where the source says 'can'" in hit.locator(".altered-verdict").inner_text()
    assert hit.locator("ins.d-meaning").inner_text().strip() == "cannot"
    assert hit.locator("del.d-meaning").inner_text().strip() == "can"
    assert "only in your query" in page.locator("main .legend").first.inner_text()
    assert "altered" in page.locator("main .count-line").inner_text().lower()
