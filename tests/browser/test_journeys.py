"""The three journeys of issue 21, end to end in Chromium, at phone and desktop widths:

* a journalist with a quote: the official source comes first and its citation is copied in one click
  from the result itself (and, without JavaScript, read from the result's Cite block);
* an analyst asking what the commentary added: the compare view's rows pair each commentary sentence
  with the official sentence it reports, interleaved on a phone, filtered by claim label with and
  without JavaScript, and jumps land below the sticky header;
* an old link into the reader: a corrected sentence lands on its successor with a notice, a removed
  one shows its last text, with and without JavaScript.
"""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.browser.conftest import DESKTOP, PAGE_BUDGET, PHONE, SCREENSHOTS, serve, shoot
from tests.helpers import COMMENTARY, OFFICIAL, SEED_FILE, SEEDS, passage_containing
from tests.web.test_documents import EDITED_FROM, EDITED_TO, REMOVED

pytestmark = pytest.mark.browser

WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])


def _context(new_context, viewport, **options):
    phone = viewport == PHONE
    return new_context(viewport=viewport, is_mobile=phone, has_touch=phone, **options)


def _go(page, url: str, status: int = 200):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == status, f"{url}: HTTP {response and response.status}"
    assert len(response.body()) < PAGE_BUDGET, f"{url}: over the {PAGE_BUDGET}-byte budget"
    return response


def _shoot_screen(page, name: str) -> None:
    """What the reader sees where the page landed (a full-page shot moves the fixed notice away)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _quoted(seed) -> dict:
    """An official sentence the commentary quotes: searching its words finds both texts."""
    row = next(r for r in seed["links"] if r["relation"] == "quotes")
    return row["official"]


# --- 1. a quote: the official source first, its citation in one click ---------------------------

@WIDTHS
def test_quote_finds_the_official_source_first_and_copies_its_citation(new_context, live_server, seed, viewport):
    source = _quoted(seed)
    page = _context(new_context, viewport, permissions=["clipboard-read", "clipboard-write"]).new_page()
    _go(page, f"{live_server}/search?" + urlencode({"q": source["text"]}))
    first = page.locator("li.result").first
    assert first.locator(".kind-official").count() == 1, "the first result is not the official text"
    assert source["id"] in first.locator(".snippet a").get_attribute("href")
    assert page.locator("li.result .kind-commentary").count() >= 1, "the commentary quoting it is not found too"
    # The sentence is named in words a reader understands, not by its hash.
    meta = first.locator(".result-meta").inner_text()
    assert source["id"] not in meta and "Permalink" in meta and "¶" in meta
    button = first.get_by_role("button", name="Copy citation")
    assert button.is_visible()
    button.click()
    page.wait_for_function("() => [...document.querySelectorAll('li.result button.copy')].some(b => b.textContent === 'Copied')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert source["text"] in copied, "the citation does not quote the sentence"
    assert re.search(rf"/(s|d)/{source['id']}\b", copied), "the citation does not carry the permalink"
    first.get_by_role("button", name="Copy link").click()
    page.wait_for_function("(t) => navigator.clipboard.readText().then(x => x !== t)", arg=copied)
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert link.startswith("http") and link.rstrip("/").endswith(source["id"])
    # Only the button just used says "Copied".
    assert first.get_by_role("button", name="Copy citation").is_visible()
    assert first.locator("button.copy", has_text="Copied").count() == 1
    shoot(page, f"journey-quote-{viewport['width']}")
    # The result leads to the sentence in the reader, highlighted and on screen.
    first.locator(".snippet a").click()
    page.wait_for_url(re.compile(rf"/documents/{OFFICIAL}\?at={source['id']}#{source['id']}$"))
    box = page.locator(f"[id='{source['id']}']").bounding_box()
    assert box and 0 <= box["y"] < viewport["height"]


def test_quote_citation_without_javascript(new_context, live_server, seed):
    source = _quoted(seed)
    page = new_context(java_script_enabled=False).new_page()
    _go(page, f"{live_server}/search?" + urlencode({"q": source["text"]}))
    first = page.locator("li.result").first
    assert first.locator("button.copy:visible").count() == 0, "a copy button that cannot work is shown"
    first.locator(".cite-more summary").click()
    text = first.locator(".cite-text")
    assert text.is_visible() and source["text"] in text.inner_text()
    first.get_by_role("link", name="BibTeX and CSL-JSON").click()
    page.wait_for_url(re.compile(rf"/(s|d)/{source['id']}#cite-h$"))
    assert page.locator("#cite-bibtex").is_visible()


# --- 2. the compare view: rows that line up, a filter by label ---------------------------------

COMPARE = f"/compare/{COMMENTARY}"
ROWS = """() => [...document.querySelectorAll('.cmp-row:not(.cmp-head)')].filter(r => !r.hidden).map(r => {
    const o = r.querySelector('.cmp-o .cmp-unit');
    const cs = [...r.querySelectorAll('.cmp-c .cmp-unit')].filter(c => !c.hidden);
    const box = e => { const b = e.getBoundingClientRect(); return {top: b.top + scrollY, left: b.left, bottom: b.bottom + scrollY}; };
    return {official: o && o.id, o: o && box(o), section: r.matches('h2'),
            commentary: cs.map(c => ({id: c.id, claim: c.dataset.claim, first: (c.dataset.links || '').split(' ')[0],
                                      box: box(c)}))};
})"""


@WIDTHS
def test_compare_rows_pair_each_commentary_sentence_with_what_it_reports(new_context, live_server, seed, viewport):
    page = _context(new_context, viewport).new_page()
    _go(page, live_server + COMPARE)
    rows = page.evaluate(ROWS)
    official = [p["id"] for p in seed["official"]["passages"] if p["unit"] != "heading"]
    # The official text in its own order, every sentence once, the uncovered ones in their place.
    assert [r["official"] for r in rows if r["official"]] == official
    commentary = [p for p in seed["commentary"]["passages"] if p["unit"] != "heading"]
    assert sorted(c["id"] for r in rows for c in r["commentary"]) == sorted(p["id"] for p in commentary)
    paired = [(r, c) for r in rows if r["official"] for c in r["commentary"]]
    assert paired, "no commentary sentence sits beside an official one"
    for r, c in paired:  # beside the official sentence of its best link
        assert c["first"] == r["official"], f"{c['id']} is not on the row of the sentence it reports"
    if viewport == DESKTOP:
        for r, c in paired:
            assert c["box"]["left"] > r["o"]["left"]
        for r in rows:
            if r["official"] and r["commentary"]:  # the row's first commentary sentence starts level with it
                assert abs(r["commentary"][0]["box"]["top"] - r["o"]["top"]) < 4
        # Neither column runs on alone: the last official sentence is near the end of the commentary.
        last_c = max(c["box"]["bottom"] for r in rows for c in r["commentary"])
        last_o = max(r["o"]["bottom"] for r in rows if r["o"])
        assert abs(last_c - last_o) < viewport["height"], "the columns do not end together"
    else:  # interleaved: each official sentence, then what the commentary says about it
        for r, c in paired:
            assert c["box"]["top"] > r["o"]["bottom"] - 1
        first_o = min(r["o"]["top"] for r in rows if r["o"])
        assert sum(1 for r in rows for c in r["commentary"] if c["box"]["top"] < first_o) < 3
    shoot(page, f"journey-compare-{viewport['width']}")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_compare_filter_by_claim_label(new_context, live_server, seed, js):
    claim = "interprets"
    expected = {p["id"] for p in seed["commentary"]["passages"] if p.get("claim") == claim}
    assert expected, "the seed commentary has no interpretation"
    page = new_context(java_script_enabled=js).new_page()
    _go(page, live_server + COMPARE)
    counts = page.locator(".claim-filter")
    link = counts.locator(f"a[data-claim='{claim}']")
    assert link.locator(".n").inner_text() == str(len(expected))
    if js:
        page.evaluate("() => { window.samePage = true; }")
    link.click()
    page.wait_for_url(re.compile(rf"\?claim={claim}$"))
    if js:
        assert page.evaluate("() => window.samePage === true"), "the filter reloaded the page"
    assert link.get_attribute("aria-current") == "true"
    rows = page.evaluate(ROWS)
    shown = {c["id"] for r in rows for c in r["commentary"]}
    assert shown == expected
    assert all(r["commentary"] for r in rows), "a row without an interpretation is still shown"
    assert str(len(expected)) in page.locator("#cmp-status").inner_text()
    shoot(page, f"journey-compare-filter-{'js' if js else 'nojs'}")
    counts.locator("a[data-claim='']").click()
    page.wait_for_url(re.compile(rf"{COMPARE}$"))
    rows = page.evaluate(ROWS)
    assert len({c["id"] for r in rows for c in r["commentary"]}) > len(expected)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_compare_filter_by_relation_then_by_label_too(new_context, live_server, seed, js):
    quoting = {r["commentary"]["id"] for r in seed["links"] if r["relation"] == "quotes"}
    claims = {p["id"]: p.get("claim") for p in seed["commentary"]["passages"]}
    assert quoting, "the seed commentary quotes nothing"
    page = new_context(java_script_enabled=js).new_page()
    _go(page, live_server + COMPARE)
    if js:
        page.evaluate("() => { window.samePage = true; }")
    link = page.locator("nav[data-filter='relation'] a[data-relation='quotes']")
    assert link.locator(".n").inner_text() == str(len(quoting))
    link.click()
    page.wait_for_url(re.compile(r"\?relation=quotes$"))
    assert {c["id"] for r in page.evaluate(ROWS) for c in r["commentary"]} == quoting
    page.locator("nav[data-filter='claim'] a[data-claim='reports']").click()
    page.wait_for_url(re.compile(r"\?claim=reports&relation=quotes$"))
    both = {c for c in quoting if claims[c] == "reports"}
    assert {c["id"] for r in page.evaluate(ROWS) for c in r["commentary"]} == both
    status = page.locator("#cmp-status").inner_text()
    assert f"Showing the {len(both)} commentary sentences labelled “reports” with a “quotes” link" in status
    if js:
        assert page.evaluate("() => window.samePage === true"), "the filter reloaded the page"
    shoot(page, f"journey-compare-relation-{'js' if js else 'nojs'}")
    page.locator("nav[data-filter='relation'] a[data-relation='']").click()
    page.wait_for_url(re.compile(r"\?claim=reports$"))


@WIDTHS
def test_compare_jumps_land_below_the_sticky_header(new_context, live_server, seed, viewport):
    page = _context(new_context, viewport).new_page()
    last = [p for p in seed["official"]["passages"] if p["unit"] != "heading"][-1]
    _go(page, f"{live_server}{COMPARE}#{last['id']}")
    page.wait_for_timeout(100)
    top = page.evaluate("(id) => document.getElementById(id).getBoundingClientRect().top", last["id"])
    header = page.evaluate("() => { const h = document.querySelector('.cmp-head');"
                           " const b = h.getBoundingClientRect(); return getComputedStyle(h).display === 'none' ? 0 : b.bottom; }")
    assert top >= header - 1, f"the sentence starts at {top}px, under the sticky header (ends at {header}px)"
    assert page.evaluate("() => scrollY") > 0, "the page did not jump"


# --- 3. old links into the reader ----------------------------------------------------------------

@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """A live server over the seeds ingested twice: one official sentence corrected, one removed
    in between. Yields (base URL, old id of the corrected one, new id, id of the removed one)."""
    from app.config import Settings
    from app.ingest.pipeline import run
    from app.web.app import create_app
    from tests.helpers import fresh_database_url

    settings = Settings(data_dir=tmp_path_factory.mktemp("journeys"), database_url=fresh_database_url())
    run(settings, [SEEDS])
    with TestClient(create_app(settings)) as c:
        before = c.get(f"/api/documents/{OFFICIAL}").json()
    folder = tmp_path_factory.mktemp("journeys-edited") / "seeds"
    shutil.copytree(SEEDS, folder)
    path = folder / SEED_FILE.name
    path.write_text(path.read_text(encoding="utf-8").replace(EDITED_FROM, EDITED_TO).replace(" " + REMOVED, ""),
                    encoding="utf-8")
    run(settings, [folder])
    with TestClient(create_app(settings)) as c:
        after = c.get(f"/api/documents/{OFFICIAL}").json()
    old, new = passage_containing(before, EDITED_FROM)["id"], passage_containing(after, EDITED_TO)["id"]
    gone = passage_containing(before, REMOVED)["id"]
    with serve(settings) as url:
        yield url, old, new, gone


def _assert_landed_on(page, new: str, viewport) -> None:
    page.wait_for_function("""(id) => { const bg = getComputedStyle(document.getElementById(id)).backgroundColor;
        return bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent'; }""", arg=new, timeout=3000)  # it fades in
    box = page.evaluate("""(id) => { const e = document.getElementById(id); const b = e.getBoundingClientRect();
        return {top: b.top, bg: getComputedStyle(e).backgroundColor, target: e.matches(':target')}; }""", new)
    assert box["target"], f"#{new} is not the target"
    assert box["bg"] not in ("rgba(0, 0, 0, 0)", "transparent"), "the successor is not highlighted"
    assert 0 <= box["top"] < viewport["height"], "the successor is not on screen"


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@WIDTHS
def test_a_link_to_a_corrected_sentence_lands_on_its_successor(new_context, corrected, js, viewport):
    base, old, new, _ = corrected
    page = _context(new_context, viewport, java_script_enabled=js).new_page()
    # The form the site links with: the server sees the id.
    _go(page, f"{base}/documents/{OFFICIAL}?at={old}#{old}")
    page.wait_for_url(re.compile(rf"#{new}$"))
    notice = page.locator(".landing-notice")
    assert notice.is_visible() and "This sentence was corrected" in notice.inner_text()
    assert EDITED_FROM in notice.inner_text(), "the notice does not show the wording the link was made for"
    _assert_landed_on(page, new, viewport)
    _shoot_screen(page, f"journey-corrected-{'js' if js else 'nojs'}-{viewport['width']}")
    if js:  # a bare fragment (the JSON's url, an old bookmark): the script resolves it
        page.goto(f"{base}/documents/{OFFICIAL}#{old}")
        page.wait_for_url(re.compile(rf"#{new}$"))
        assert page.locator(".landing-notice").is_visible()
        _assert_landed_on(page, new, viewport)
        page.get_by_role("link", name="Dismiss this notice").click()
        assert not page.locator(".landing-notice").is_visible()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_a_link_to_a_removed_sentence_shows_its_last_text(new_context, corrected, official, js):
    base, _, _, gone = corrected
    page = new_context(java_script_enabled=js).new_page()
    url = f"{base}/documents/{OFFICIAL}" + ("" if js else f"?at={gone}") + f"#{gone}"
    page.goto(url)
    notice = page.locator(".landing-notice")
    notice.wait_for()
    text = notice.inner_text()
    assert "This sentence was removed in version 2" in text and REMOVED in text
    # Its last text stands struck through where it was (after the sentence that came before it),
    # and the page is scrolled to it.
    place = page.locator(f"[id='{gone}']")
    assert REMOVED in place.locator("del").inner_text()
    sentences = [p for p in official["passages"] if p["unit"] != "heading"]
    before = next(sentences[i - 1]["text"] for i, p in enumerate(sentences) if REMOVED in p["text"])
    shown_before = page.evaluate("""(id) => { const all = [...document.querySelectorAll('article.reader .passage')];
        const i = all.findIndex(e => e.id === id); return i > 0 ? all[i - 1].textContent : null; }""", gone)
    assert shown_before and before in shown_before, "the removed sentence is not where it stood"
    top = place.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"], "the page is not scrolled to the removed sentence"
    _shoot_screen(page, f"journey-removed-{'js' if js else 'nojs'}")


def test_an_unknown_id_in_the_link_says_so(new_context, corrected):
    base = corrected[0]
    page = new_context().new_page()
    _go(page, f"{base}/documents/{OFFICIAL}?at=<b>nosuch</b>")
    assert "No sentence in the archive has the id <b>nosuch</b>" in page.locator(".landing-notice").inner_text()
