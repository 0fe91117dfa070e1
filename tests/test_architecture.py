"""The house rules, read from the source: one-way imports, no cycles, small modules, and
Whoosh's private internals used from one module only."""

from __future__ import annotations

import ast
import sys
from functools import lru_cache
from pathlib import Path

import whoosh

from tests.helpers import ROOT

APP = ROOT / "app"
WHOOSH_FAST = "app.index.whoosh_fast"
STAGES = ["text", "ingest", "enrich", "store", "index", "search", "web"]
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=1)
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(APP.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The app modules `name` imports, wherever in the file (function-level imports count)."""
    mods = _modules()
    path = mods[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            if t in mods and t != name:
                found.add(t)
    # Importing a submodule runs its package's __init__ too, but those are empty or trivial.
    return found


def _graph() -> dict[str, set[str]]:
    return {m: _imports(m) for m in _modules()}


def _stage(name: str) -> int | None:
    parts = name.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def test_the_import_reader_sees_real_imports():
    # Guards the rules below against a reader that finds nothing.
    graph = _graph()
    assert "app.index.build" in graph["app.ingest.pipeline"]
    assert any(m.startswith("app.search") for m in graph["app.web.routes.quotes"])


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_data_flows_one_way():
    # The ingest pipeline drives enrich, store and index; what reads the archive (index,
    # search, web) never calls back into ingest; nothing below the web layer knows about it;
    # text helpers depend on no stage; and nothing imports the CLI, which drives everything.
    rules = [
        (lambda m: not m.startswith("app.web"), "app.web", "nothing below the web layer imports it"),
        (lambda m: True, "app.cli", "the CLI drives; nothing imports it"),
        (lambda m: m.startswith(("app.index", "app.search")), "app.ingest", "readers never call ingest"),
        (lambda m: m.startswith(("app.index", "app.search", "app.store")), "app.enrich", "readers never call enrich"),
    ]
    wrong = []
    for mod, targets in _graph().items():
        for t in targets:
            for applies, banned, why in rules:
                if applies(mod) and (t == banned or t.startswith(banned + ".")):
                    wrong.append(f"{mod} imports {t}: {why}")
            if mod.startswith("app.text") and _stage(t) is not None and not t.startswith("app.text"):
                wrong.append(f"{mod} imports {t}: app.text is pure text and depends on no stage")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_every_module_fits_in_one_reading():
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


@lru_cache(maxsize=1)
def _whoosh_private_names() -> frozenset[str]:
    """Every single-underscore name Whoosh defines as an attribute, method or class."""
    names: set[str] = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8", errors="replace"))):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
    return frozenset(n for n in names if n.startswith("_") and not n.startswith("__"))


def _whoosh_bases(tree: ast.AST, whoosh_names: set[str]) -> list[str]:
    return [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id in whoosh_names for b in node.bases)]


def _whoosh_violations(name: str, source: str) -> list[str]:
    """Private Whoosh names that `source` reads: attributes, getattr strings, imports, subclasses."""
    private = _whoosh_private_names()
    tree = ast.parse(source)
    found, whoosh_names = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            whoosh_names |= {a.asname or a.name for a in node.names}
            found += [f"{name}: imports {a.name} from {node.module}" for a in node.names if a.name in private]
        elif isinstance(node, ast.Attribute) and node.attr in private:
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.append(f"{name}:{node.lineno}: .{node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr", "hasattr") and len(node.args) > 1
              and isinstance(node.args[1], ast.Constant) and node.args[1].value in private):
            found.append(f"{name}:{node.lineno}: {node.func.id}(..., {node.args[1].value!r})")
    found += [f"{name}: class {c} subclasses a Whoosh class" for c in _whoosh_bases(tree, whoosh_names)]
    return found


def test_the_whoosh_rule_catches_each_kind_of_private_read():
    assert {"_postfile", "_dataoffset", "_tempstorage", "_finalize_segment"} <= _whoosh_private_names()
    source = (
        "from whoosh.writing import SegmentWriter\n"
        "class W(SegmentWriter):\n    pass\n"
        "def f(m, w):\n"
        "    m._postfile.get(m._dataoffset, 4)\n"
        "    return getattr(w, '_tempstorage')\n"
    )
    found = _whoosh_violations("example", source)
    assert len(found) == 4, found
    assert _whoosh_violations("example", "def f(self):\n    return self._reader, len(self.items)\n") == []


def test_whoosh_internals_are_used_from_one_module_only():
    found = []
    for name, path in _modules().items():
        if name != WHOOSH_FAST:
            found += _whoosh_violations(name, path.read_text(encoding="utf-8"))
    assert not found, "Whoosh internals outside app/index/whoosh_fast.py:\n" + "\n".join(found)
