"""Accessibility: axe-core (from npm, node_modules/axe-core) on every page type, in Chromium.

The site's CSP forbids inline script, and Playwright injects axe as an inline <script>, so the axe
runs use a context with bypass_csp=True (only these tests; the others run under the real CSP).
No `serious` or `critical` violation is allowed.
"""

from __future__ import annotations

import warnings

import pytest

from tests.browser.conftest import DESKTOP, PAGE_NAMES, PHONE, status_of

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# Known violations in files this suite does not own, reported to their owners: (page, rule id) -> fix.
# They warn instead of failing while they last; any other serious/critical violation fails.
KNOWN: dict[tuple[str, str], str] = {}


def run_axe(page, axe_path) -> list[dict]:
    page.add_script_tag(path=str(axe_path))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                      summary: n.failureSummary}))}));
    }""")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for n in v["nodes"][:5]:
            lines.append(f"    {n['target']}  {n['html']}")
            lines.append("      " + (n["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])


@SCHEMES
@pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]], ids=["1280", "375"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_serious_accessibility_violations(new_context, visit, pages, axe_path, name, width, scheme):
    path = pages[name]
    viewport = PHONE if width == PHONE["width"] else DESKTOP
    page = new_context(bypass_csp=True, viewport=viewport, color_scheme=scheme).new_page()
    visit(page, path, status=status_of(name))
    violations = run_axe(page, axe_path)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    for v in [v for v in blocking if (name, v["id"]) in KNOWN]:
        warnings.warn(f"known accessibility bug on {path}: {v['id']}: {KNOWN[(name, v['id'])]}", stacklevel=1)
    blocking = [v for v in blocking if (name, v["id"]) not in KNOWN]
    assert not blocking, f"{path} at {width}px, {scheme} scheme:\n{describe(blocking)}"


def test_reader_with_a_highlighted_sentence(new_context, visit, pages, axe_path, seed):
    """The :target highlight keeps text readable (colour contrast is checked on the marked sentence)."""
    page = new_context(bypass_csp=True).new_page()
    visit(page, f"{pages['reader']}#{seed['sentence']['id']}")
    page.wait_for_timeout(300)  # let the highlight transition finish
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)


@SCHEMES
@pytest.mark.parametrize("path", ["/documents/{official}?at=no-such-sentence", "/compare/{commentary}?claim=interprets",
                                  "/search?q={quote}"], ids=["landing-notice", "compare-filtered", "search-quote"])
def test_the_journeys_pages_are_accessible(new_context, visit, axe_path, seed, path, scheme):
    """The states the journeys pass through: a link's notice, a filtered compare view, a quote's results
    (with a Cite block opened)."""
    from urllib.parse import quote_plus
    from tests.helpers import COMMENTARY, OFFICIAL

    page = new_context(bypass_csp=True, color_scheme=scheme).new_page()
    visit(page, path.format(official=OFFICIAL, commentary=COMMENTARY, quote=quote_plus(seed["directive"]["text"])))
    for summary in page.locator(".cite-more summary").all()[:2]:
        summary.click()
    blocking = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
    assert not blocking, f"{scheme} scheme:\n{describe(blocking)}"
