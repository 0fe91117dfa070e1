"""The index is used by ingest (which builds it) and by search and the web (which read it): it imports none of them."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.helpers import ROOT

ABOVE = ("app.ingest", "app.search", "app.web", "app.cli")


def test_no_index_module_imports_its_users():
    for path in sorted((ROOT / "app" / "index").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(ABOVE), f"{path.name} imports {name}"


def test_importing_the_index_loads_no_ingest_module():
    code = ("import sys, app.index.build, app.index.child, app.index.schema, app.index.whoosh_fast; "
            "print(sorted(m for m in sys.modules if m.startswith('app.ingest')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
