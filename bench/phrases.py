"""`/api/phrases` over HTTP on a benchmark archive: p50/p95/p99 of first-time phrase histories.

The phrase set: runs of 2–5 consecutive words (normalised) from randomly chosen sentences, at least
two of them of four letters or more (a formulation, not "of the"), all distinct. Each is asked once,
by `--connections` clients at once against `policy-archive serve`, so no answer comes from the page
cache and the counts of every history are computed in full.

    python -m bench.phrases --data-dir bench/out/data-10000 [--phrases 2000] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlencode

from app.text.normalize import normalize
from bench import procs
from bench.run import start_app
from bench.stats import summary_ms


def phrase_set(db: Path, n: int, seed: int) -> list[str]:
    """`n` distinct phrases drawn from the archive's sentences (see the module's docstring)."""
    rng = random.Random(seed)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        texts = [t for (t,) in conn.execute(
            "SELECT text FROM passages WHERE active = 1 AND kind != 'heading' ORDER BY id")]
    rng.shuffle(texts)
    out: dict[str, None] = {}
    for text in texts:
        words = normalize(text).split()
        size = rng.randint(2, 5)
        if len(words) < size:
            continue
        start = rng.randrange(len(words) - size + 1)
        run = words[start:start + size]
        if sum(len(w) >= 4 for w in run) >= 2:
            out.setdefault(" ".join(run))
        if len(out) >= n:
            break
    return list(out)


async def _ask_each_once(port: int, paths: list[str], connections: int) -> tuple[list[float], int, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    queue = list(reversed(paths))
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while queue:
                path = queue.pop()
                t0 = time.perf_counter()
                resp = await client.get(path)
                await resp.aread()
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += resp.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, errors, time.perf_counter() - started


def measure(data_dir: Path, n: int, connections: int, seed: int) -> dict:
    phrases = phrase_set(data_dir / "archive.sqlite3", n, seed)
    paths = [f"/api/phrases?{urlencode({'q': p})}" for p in phrases]
    server = start_app(data_dir, 1, "phrases")
    try:
        status, _ = procs.get(server.port, "/api/phrases?q=warm+up")  # opens the index version once
        latencies, errors, secs = asyncio.run(_ask_each_once(server.port, paths, connections))
    finally:
        server.stop()
    return {"phrases": len(phrases), "connections": connections, "errors": errors, "first_status": status,
            "rps": len(latencies) / secs, "example": paths[0], **summary_ms(latencies)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--phrases", type=int, default=2000)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    procs.install_cleanup()
    r = measure(args.data_dir, args.phrases, args.connections, args.seed)
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
