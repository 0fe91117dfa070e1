"""Cached document pages on PostgreSQL against SQLite, measured in the same run.

Every request for a page already in the page cache still asks the database which archive version
is committed; on SQLite that is a read of a local file, on PostgreSQL a round trip. The same small
archive (the cost of a cache hit does not depend on its size) is ingested into each backend, each
is served by `policy-archive serve`, every document page is visited once, and then they are loaded
the same way as the other HTTP measurements.

PostgreSQL comes from BENCH_DATABASE_URL (a server where a database may be created), else a
throwaway cluster started with scripts/pg.sh; with neither, the row is skipped and says why.

    python -m bench.pgcache [--duration 3] [--documents 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from bench import corpus as corpus_mod
from bench import load, procs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DOCUMENTS = 200


def _cluster() -> tuple[str | None, Path | None, str]:
    """(server URL, throwaway cluster folder or None, why there is none)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url, None, ""
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-", dir="/tmp"))  # the postgres user must reach it
    r = subprocess.run([str(ROOT / "scripts" / "pg.sh"), "start", str(folder)], capture_output=True, text=True)
    if r.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        return None, None, "no PostgreSQL: set BENCH_DATABASE_URL or install the server (" + \
            (r.stderr.strip().splitlines() or ["scripts/pg.sh failed"])[-1] + ")"
    return r.stdout.strip(), folder, ""


def _new_database(server_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "pa_bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _serve_and_load(name: str, data_dir: Path, env: dict, duration: float, connections: int, warmup: float) -> dict:
    port = procs.free_port()
    argv = [procs.venv_bin("policy-archive"), "serve", "--data-dir", str(data_dir), "--port", str(port),
            "--log-level", "warning"]
    server = procs.start_server(name, argv, port, OUT / "logs" / f"serve-{name}.log", probe="/healthz", env=env)
    try:
        status, body = procs.get(port, "/api/documents?limit=500")
        slugs = [d["slug"] for d in json.loads(body)["documents"]]
        paths = [f"/documents/{s}" for s in slugs]
        for p in paths:  # every page into the page cache, so the load measures hits alone
            procs.get(port, p)
        load.run_load(port, paths, connections=connections, seconds=warmup)
        r = load.run_load(port, paths, connections=connections, seconds=duration).as_dict()
        r["urls"] = len(paths)
        return r
    finally:
        server.stop()


def measure(duration: float = 10.0, connections: int = 8, warmup: float = 2.0, documents: int = DOCUMENTS,
            seed: int = 1, log=print) -> dict:
    """req/s of cached /documents/{slug} on SQLite and on PostgreSQL, and their ratio."""
    server_url, folder, why = _cluster()
    if server_url is None:
        log(f"  cached pages on PostgreSQL: skipped, {why}")
        return {"skipped": why}
    try:
        source = OUT / f"pgcache-corpus-{documents}"
        if not source.is_dir() or len(list(source.glob("*.txt"))) != documents:
            corpus_mod.generate(source, documents, seed, overwrite=True)
        out: dict = {"documents": documents}
        for backend in ("sqlite", "postgresql"):
            data_dir = OUT / f"pgcache-data-{backend}"
            shutil.rmtree(data_dir, ignore_errors=True)
            env = {"DATABASE_URL": _new_database(server_url)} if backend == "postgresql" else {}
            r = procs.run_measured([procs.python(), "-m", "bench.ingest_child", "--data-dir", str(data_dir), str(source)],
                                   env=env, log=OUT / "logs" / f"pgcache-ingest-{backend}.log")
            if r["returncode"] != 0:
                raise RuntimeError(f"ingest into {backend} failed; see {OUT / 'logs'}")
            out[backend] = _serve_and_load(f"pgcache-{backend}", data_dir, env, duration, connections, warmup)
            log(f"  cached reader on {backend:<10} {out[backend]['rps']:8.1f} req/s  p99 {out[backend]['p99_ms']:.1f} ms"
                f"  errors {out[backend]['errors']}")
        out["ratio"] = out["sqlite"]["rps"] / out["postgresql"]["rps"] if out["postgresql"]["rps"] else float("inf")
        log(f"  cached pages, SQLite / PostgreSQL throughput: {out['ratio']:.2f}×")
        return out
    except Exception as exc:  # noqa: BLE001 - one row failing must not lose the rest of the run
        log(f"  cached pages on PostgreSQL: failed, {exc}")
        return {"error": str(exc)}
    finally:
        if folder is not None:
            subprocess.run([str(ROOT / "scripts" / "pg.sh"), "stop", str(folder)], check=False)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.pgcache", description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=3.0)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--documents", type=int, default=DOCUMENTS)
    args = ap.parse_args(argv)
    if "DATABASE_URL" in os.environ:
        sys.exit("unset DATABASE_URL: the SQLite side must use the data folder's file")
    procs.install_cleanup()
    try:
        r = measure(args.duration, args.connections, warmup=1.0, documents=args.documents)
    finally:
        procs.stop_all()
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
