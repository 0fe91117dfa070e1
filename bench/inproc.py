"""In-process measurements, run by the harness in a child process (prints one JSON line).

    python -m bench.inproc measure --data-dir D --fts F --workload W.json [--repeat N]
    python -m bench.inproc profile --data-dir D --workload W.json --paths P.txt --seconds S --out DIR

measure: quote search through app.search.engine (the function the /api/search route calls), per
query kind; the raw Whoosh phrase query underneath it and the SQLite FTS5 phrase query as
floors; the cost of reopening a Whoosh searcher.
profile: pyinstrument over app.search.engine for exact quotes, and over the hottest page (paths
given) driven through the ASGI app in-process (see bench/profiling.py).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
from pathlib import Path

from bench.stats import summary_ms


def _settings(data_dir: Path):
    os.environ["POLICY_ARCHIVE_DATA"] = str(data_dir)
    from app.config import Settings

    return Settings()


class QuoteSearch:
    """Calls the app's quote search the way its route does, with a session and the searchers.

    app/search.py is written separately; this adapter reads its public function's signature
    and passes what it asks for by name, so small signature changes do not break the harness.
    """

    def __init__(self, settings):
        import importlib

        from app.store.db import make_engine, session_factory
        from app.index.build import Searchers

        self.module = importlib.import_module("app.search.engine")
        self.settings = settings
        self.engine = make_engine(settings)
        self.sessions = session_factory(self.engine)
        self.searchers = Searchers(settings.index_root)
        self.fn = _find_search_function(self.module)
        self.params = inspect.signature(self.fn).parameters

    def __call__(self, q: str, mode: str = "quote"):
        from app.store.reads import current_version

        with self.sessions() as session:
            available = {
                "session": session, "db": session, "settings": self.settings, "searchers": self.searchers,
                "q": q, "query": q, "text": q, "mode": mode,
            }
            if "searcher" in self.params:  # what the route does: this request's archive version's searcher
                available["searcher"] = self.searchers.get(current_version(session))
            kwargs = {name: available[name] for name in self.params if name in available}
            return self.fn(**kwargs)

    def close(self) -> None:
        self.engine.dispose()


def _find_search_function(module):
    for name in ("search", "quote_search", "run_search", "find"):
        fn = getattr(module, name, None)
        if callable(fn) and not inspect.isclass(fn):
            return fn
    raise RuntimeError(f"no search function found in {module.__file__}")


def count_results(res) -> int:
    """Best-effort result count of whatever the search returns (object, dict or list)."""
    for attr in ("results", "hits", "items", "rows"):
        value = getattr(res, attr, None)
        if value is None and isinstance(res, dict):
            value = res.get(attr)
        if isinstance(value, list):
            return len(value)
    return len(res) if isinstance(res, list) else -1


def _time_calls(fn, items: list, warmup: int = 10) -> tuple[dict, list]:
    for x in items[:warmup]:
        fn(x)
    samples, outs = [], []
    for x in items:
        t0 = time.perf_counter()
        out = fn(x)
        samples.append((time.perf_counter() - t0) * 1000)
        outs.append(out)
    return summary_ms(samples), outs


def measure(args) -> dict:
    from whoosh import index as whoosh_index
    from whoosh.query import Phrase

    from app.index.build import version_dir
    from app.text.normalize import words
    from bench import fts

    settings = _settings(args.data_dir)
    wl = json.loads(Path(args.workload).read_text())
    queries: dict[str, list[str]] = wl["queries"]
    version = _current_version(settings)
    folder = version_dir(settings.index_root, version)
    out: dict = {"version": version}

    # Reopening a searcher: what a process pays on its first search of a new archive version.
    opens = []
    for _ in range(5 if args.quick else 10):
        t0 = time.perf_counter()
        ix = whoosh_index.open_dir(str(folder))
        s = ix.searcher()
        opens.append((time.perf_counter() - t0) * 1000)
        s.close()
        ix.close()
    out["searcher_open"] = summary_ms(opens)

    # Raw Whoosh phrase query on the unstemmed field: the floor under the app's exact search.
    ix = whoosh_index.open_dir(str(folder))
    with ix.searcher() as searcher:
        def whoosh_phrase(q: str):
            terms = words(q)
            query = Phrase("plain", terms) if len(terms) > 1 else None
            return searcher.search(query, limit=20) if query is not None else []

        stats, results = _time_calls(whoosh_phrase, queries["exact"])
        stats["found"] = sum(1 for r in results if len(r))
        out["whoosh_phrase"] = stats
    ix.close()

    out["fts5_phrase"] = fts.time_phrases(args.fts, queries["exact"])

    try:
        search = QuoteSearch(settings)
    except ModuleNotFoundError as exc:
        out["search"] = {"error": f"app.search.engine is not there yet ({exc})"}
        return out
    except Exception as exc:  # noqa: BLE001 - report, don't die: the rest of the run is still useful
        out["search"] = {"error": f"{type(exc).__name__}: {exc}"}
        return out
    out["search_function"] = f"app.search.engine.{search.fn.__name__}{inspect.signature(search.fn)}"
    per_kind = {}
    for kind, qs in queries.items():
        try:
            stats, results = _time_calls(search, qs)
        except Exception as exc:  # noqa: BLE001
            per_kind[kind] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        stats["with_results"] = sum(1 for r in results if count_results(r) > 0)
        per_kind[kind] = stats
    out["search"] = per_kind
    search.close()
    return out


def _current_version(settings) -> int:
    from app.store.db import make_engine, session_factory
    from app.store.reads import current_version

    engine = make_engine(settings)
    try:
        with session_factory(engine)() as session:
            return current_version(session)
    finally:
        engine.dispose()


def profile(args) -> dict:
    from bench import profiling

    settings = _settings(args.data_dir)
    out_dir = Path(args.out)
    result: dict = {}
    wl = json.loads(Path(args.workload).read_text())
    try:
        search = QuoteSearch(settings)
        exact = [(q,) for q in wl["queries"]["exact"]]
        for q in exact[:5]:
            search(*q)
        result["search_exact"] = profiling.profile_callable(search, exact, args.seconds, out_dir / "search-exact")
        search.close()
    except Exception as exc:  # noqa: BLE001
        result["search_exact"] = {"error": f"{type(exc).__name__}: {exc}"}
    if args.page:
        from app.web.app import create_app

        app = create_app(settings)
        result["pages"] = {}
        for spec in args.page:
            name, _, file = spec.partition("=")
            paths = [p for p in Path(file).read_text().splitlines() if p]
            res = profiling.profile_asgi(app, paths, args.seconds, out_dir / f"page-{name}")
            res["path_example"] = paths[0]
            result["pages"][name] = res
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.inproc")
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--data-dir", type=Path, required=True)
    m.add_argument("--fts", type=Path, required=True)
    m.add_argument("--workload", type=Path, required=True)
    m.add_argument("--quick", action="store_true")
    p = sub.add_parser("profile")
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--workload", type=Path, required=True)
    p.add_argument("--page", action="append", default=[], help="NAME=FILE of request paths (repeatable)")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    result = measure(args) if args.cmd == "measure" else profile(args)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
