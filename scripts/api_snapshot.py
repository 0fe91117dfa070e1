"""Record what every JSON API route answers, so a refactoring can prove it changed nothing.

    python scripts/api_snapshot.py --out before-seeds.jsonl                 # the seeds
    python scripts/api_snapshot.py --synthetic 1000 --out before-1k.jsonl   # bench's corpus
    diff before-seeds.jsonl after-seeds.jsonl                               # must print nothing

It ingests the sources into a fresh data folder with the `policy-archive` command (so it
depends on nothing inside the package), then asks the app in-process for a fixed list:
every /api/ route except the OpenAPI description, with every document slug, passage id and
theme of the archive (a deterministic sample of them for a synthetic archive) and the
benchmark's 200 queries of each kind in quote mode (plus a plain-word sample in advanced
mode), and writes one JSON line per request: method, path, status and the parsed body.
Nothing in the answers depends on the clock, so two runs on the same code are identical.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _create_app():
    """The app factory, wherever the package keeps it (it moved in the house redesign)."""
    for name in ("app.web.app", "app.main"):
        try:
            return importlib.import_module(name).create_app
        except (ImportError, AttributeError):
            continue
    raise SystemExit("api_snapshot: no create_app in app.web.app or app.main")


def _ingest(sources: Path, data: Path) -> None:
    cmd = [sys.executable, "-m", "app.cli", "ingest", "--quiet", "--data-dir", str(data), str(sources)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"api_snapshot: ingest failed:\n{done.stderr}")


def _requests(db: Path, sample: int | None) -> list[tuple[str, str, dict | None]]:
    """The fixed list, drawn from the archive's own rows in a stable order."""
    import sqlite3

    from bench import workload

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    docs = [r[0] for r in conn.execute("SELECT slug, kind FROM documents ORDER BY slug")]
    commentaries = [r[0] for r in conn.execute(
        "SELECT slug FROM documents WHERE kind = 'commentary' ORDER BY slug")]
    passages = [r[0] for r in conn.execute("SELECT id FROM passages ORDER BY id")]
    sentences = [r[0] for r in conn.execute(
        "SELECT text FROM passages WHERE kind = 'sentence' AND active = 1 ORDER BY id")]
    themes = [r[0] for r in conn.execute("SELECT slug FROM themes ORDER BY slug")]
    conn.close()
    rng = random.Random("api-snapshot")
    if sample is not None:
        docs = sorted(rng.sample(docs, min(sample, len(docs))))
        commentaries = sorted(rng.sample(commentaries, min(sample // 2, len(commentaries))))
        passages = sorted(rng.sample(passages, min(3 * sample, len(passages))))
    wl = workload.build(db, n_queries=200, n_pages=10, n_unvisited=0, n_fresh=0)

    reqs: list[tuple[str, str, dict | None]] = [("GET", "/healthz", None), ("GET", "/api/documents", None)]
    from urllib.parse import urlencode
    for params in ({"limit": 5}, {"offset": 1, "limit": 3}):
        reqs.append(("GET", f"/api/documents?{urlencode(params)}", None))
    reqs += [("GET", f"/api/documents/{s}", None) for s in docs]
    reqs += [("GET", f"/api/passages/{p}", None) for p in passages]
    reqs += [("GET", f"/api/crossrefs?doc={s}", None) for s in commentaries]
    reqs += [("GET", "/api/themes", None)]
    reqs += [("GET", f"/api/themes/{t}", None) for t in themes]
    reqs += [("GET", f"/api/themes/{t}?kind=official&limit=5", None) for t in themes]
    for params in ({}, {"limit": 5, "offset": 2}, {"sort": "date-asc"}, {"q": "develop"}):
        reqs.append(("GET", f"/api/directives?{urlencode(params)}", None))
    for kind in workload.KINDS:
        reqs += [("GET", p, None) for p in wl.api_search_paths(kind)]
    reqs += [("GET", p, None) for p in wl.api_search_paths("plain", mode="advanced")[:50]]
    for params in ({"q": "artificial intelligence", "kind": "official"},
                   {"q": "artificial intelligence", "limit": 5, "offset": 5},
                   {"q": "development", "date_from": "2025", "date_to": "2025-12"},
                   {"q": "kind:official AND develop*", "mode": "advanced"},
                   {"q": "<script>"}, {"q": ""}):
        reqs.append(("GET", f"/api/search?{urlencode(params)}", None))
    texts = [s for s in rng.sample(sentences, min(20, len(sentences)))]
    for i in range(0, len(texts), 2):
        reqs.append(("POST", "/api/verify", {"text": " ".join(texts[i:i + 2])}))
    return reqs


def snapshot(sources: Path, out: Path, sample: int | None) -> int:
    from fastapi.testclient import TestClient

    from app.config import Settings

    with tempfile.TemporaryDirectory(prefix="api-snapshot-") as tmp:
        data = Path(tmp) / "data"
        _ingest(sources, data)
        reqs = _requests(data / "archive.sqlite3", sample)
        client = TestClient(_create_app()(Settings(data_dir=data)))
        with client, out.open("w", encoding="utf-8") as fh:
            for method, path, body in reqs:
                r = client.request(method, path, json=body)
                try:
                    payload = r.json()
                except ValueError:
                    payload = r.text
                fh.write(json.dumps({"method": method, "path": path, "body": body, "status": r.status_code,
                                     "answer": payload}, sort_keys=True, ensure_ascii=False) + "\n")
    return len(reqs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", type=Path, default=ROOT / "seeds", help="folder to ingest (default seeds/)")
    ap.add_argument("--synthetic", type=int, metavar="N",
                    help="ingest bench's synthetic corpus of N documents instead (generated if missing)")
    ap.add_argument("--out", type=Path, required=True, help="JSON-lines file to write")
    args = ap.parse_args(argv)
    sources, sample = args.sources, None
    if args.synthetic:
        from bench import corpus
        sources = ROOT / "bench" / "out" / f"corpus-{args.synthetic}"
        if not any(sources.glob("*.txt")):
            corpus.generate(sources, args.synthetic)
        sample = 100
    n = snapshot(sources.resolve(), args.out, sample)
    print(f"{n} requests written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
