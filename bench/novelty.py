"""The reader's first render with and without the "New in this statement" panel (#20).

    python -m bench.corpus --docs 1000 --out /tmp/nov/c
    python -m bench.novelty --corpus /tmp/nov/c --data-dir /tmp/nov/data [--pages 250]

Ingests the corpus into --data-dir (unless it already holds an archive), then renders the reader
of `--pages` official documents in process (FastAPI's TestClient, no network), each once with the
panel and once without it (the panel's builder replaced by one answering None), in two apps so
neither answer comes from the other's page cache; the order alternates from one document to the
next so a warm cache favours neither. Prints one JSON line: per mode p50/p95/mean milliseconds,
and what the panel adds, as a share of the mean and of the median render time; then, for other
documents, the reader's handler alone called on this thread, its CPU time with and without the
panel (which other processes on a busy machine inflate less than wall time). Also times the
ingest's novelty stage.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from pathlib import Path

from bench.stats import summary_ms


def _officials(db: Path, n: int, seed: int) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        slugs = [s for (s,) in conn.execute(
            "SELECT slug FROM documents WHERE status = 'active' AND kind = 'official' ORDER BY slug")]
    random.Random(seed).shuffle(slugs)
    return slugs[:n]


def _handler(app, slug: str) -> float:
    """The reader's handler alone, called directly on this thread: its CPU milliseconds."""
    from starlette.requests import Request

    from app.web.routes import documents

    request = Request({"type": "http", "app": app, "method": "GET", "path": f"/documents/{slug}",
                       "query_string": b"", "headers": [], "state": {}})
    with app.state.sessions() as session:
        c0 = time.thread_time()
        documents.reader(request, slug, session, None, None)
        return (time.thread_time() - c0) * 1000


def measure(corpus: Path, data_dir: Path, pages: int, seed: int) -> dict:
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.ingest.pipeline import run
    from app.web.app import create_app
    from app.web.routes import novelty

    settings = Settings(data_dir=data_dir)
    ingest = None
    if not (data_dir / "archive.sqlite3").exists():
        s = run(settings, [corpus])
        ingest = {"seconds": round(s.seconds, 1), "documents": s.documents, "novelty_documents": s.novelty,
                  "novelty_seconds": round(s.timings.get("novelty", 0.0), 2)}
    every = _officials(data_dir / "archive.sqlite3", 2 * pages, seed)
    slugs, rest = every[:pages], every[pages:]  # the handler's own measure reads documents not rendered yet
    times: dict[str, list[float]] = {"with": [], "without": []}
    cpu: dict[str, list[float]] = {"with": [], "without": []}
    built = novelty.panel
    apps = {"with": create_app(settings), "without": create_app(settings)}
    with TestClient(apps["with"]) as with_panel, TestClient(apps["without"]) as without_panel:
        for c in (with_panel, without_panel):  # open the index and warm the templates once
            c.get("/")
        for i, slug in enumerate(slugs):
            for mode in (("with", "without") if i % 2 == 0 else ("without", "with")):
                client = with_panel if mode == "with" else without_panel
                novelty.panel = built if mode == "with" else (lambda session, doc: None)
                t0 = time.perf_counter()
                r = client.get(f"/documents/{slug}")
                times[mode].append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, (slug, r.status_code)
                assert mode == "with" or 'class="novelty"' not in r.text, slug
        for i, slug in enumerate(rest):
            for mode in (("with", "without") if i % 2 == 0 else ("without", "with")):
                novelty.panel = built if mode == "with" else (lambda session, doc: None)
                cpu[mode].append(_handler(apps[mode], slug))
        novelty.panel = built
    out = {mode: summary_ms(v) for mode, v in times.items()}
    mean = {mode: sum(v) / len(v) for mode, v in times.items()}
    cpu_mean = {mode: sum(v) / len(v) for mode, v in cpu.items()}
    return {"pages": len(slugs), "handler_pages": len(rest), **out,
            "mean_ms": {k: round(v, 2) for k, v in mean.items()},
            "handler_cpu_mean_ms": {k: round(v, 2) for k, v in cpu_mean.items()},
            "panel_share_mean": round(mean["with"] / mean["without"] - 1, 3),
            "panel_share_p50": round(out["with"]["p50_ms"] / out["without"]["p50_ms"] - 1, 3),
            "panel_share_handler_cpu": round(cpu_mean["with"] / cpu_mean["without"] - 1, 3), "ingest": ingest}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--pages", type=int, default=250, help="readers per measure (twice as many officials used)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    print(json.dumps(measure(args.corpus, args.data_dir, args.pages, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
