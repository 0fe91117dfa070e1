"""The web layer's boundaries: templates link only through the urls builder (so a route that moves
changes in one place), and only the web layer builds URLs."""

from __future__ import annotations

import re

from app.config import Settings
from app.web import urls

# An attribute whose value starts with a literal address (a path or an in-page anchor) rather
# than with a template expression; `action=""` (the current page) is allowed.
_BY_HAND = re.compile(r'\b(?:href|src|action)="(?:/|#(?!main")|https?:)')
_LITERAL_PATH = re.compile(r"""["'](?:/api/|/static/|/export/|/feeds/|/documents/|/s/|/d/|/themes|/compare/)""")


def test_no_template_writes_an_address_by_hand():
    found = []
    for path in sorted(Settings().templates_dir.glob("*.html")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _BY_HAND.search(line) or _LITERAL_PATH.search(line):
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert not found, "build these with urls.*:\n" + "\n".join(found)


def test_builders_escape_what_they_are_given():
    assert urls.feed_theme("a b/c") == "/feeds/themes/a%20b%2Fc.atom"
    assert urls.anchor("p1 2") == "#p1%202"
    assert urls.document("x/y", "p#1") == "/documents/x%2Fy#p%231"


def test_nothing_below_the_web_layer_imports_it():
    """Data flows one way: the store and search return records, the web layer gives them URLs."""
    import ast
    from pathlib import Path

    import app

    root = Path(app.__file__).parent
    found = []
    for package in ("text", "ingest", "enrich", "store", "index", "search"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                found += [f"{path.relative_to(root)}: {n}" for n in names if n == "app.web" or n.startswith("app.web.")]
    assert not found, found
