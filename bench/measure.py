"""One load measurement of a running server (wrk or httpx through bench.load), with its
pre-check, warm-up and CPU watch, and the harness's log line; used by bench.run."""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench import cpu, load, procs


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def check_paths(server: procs.Server, paths: list[str], k: int = 3) -> dict:
    statuses: dict[str, int] = {}
    for p in paths[:k]:
        try:
            statuses[p] = procs.get(server.port, p)[0]
        except OSError as exc:
            statuses[p] = -1
            log(f"  {p}: {exc}")
    return statuses


def warm_every(server: procs.Server, paths: list[str], connections: int) -> None:
    """GET each distinct path once, `connections` at a time."""
    with ThreadPoolExecutor(connections) as pool:
        for _ in pool.map(lambda p: procs.get(server.port, p, timeout=120), dict.fromkeys(paths)):
            pass


def measure_load(server: procs.Server, name: str, paths: list[str], cfg, warm: bool = True) -> dict:
    """Load `paths` in turn for cfg.duration seconds; warm=False skips the warm-up (first visits)."""
    statuses = check_paths(server, paths)
    bad = {p: s for p, s in statuses.items() if s != 200}
    if bad:
        log(f"  {name}: warning, non-200 answers before load: {bad}")
    quiet = cpu.wait_quiet(cfg.quiet_wait, cfg.quiet_threshold, log)
    if warm:
        # Every distinct path once, then the timed warm-up: a repeated measurement is one of the
        # page cache, and a first visit in its window would stall the worker for everyone.
        warm_every(server, paths, cfg.connections)
        load.run_load(server.port, paths, connections=cfg.connections, seconds=cfg.warmup)
    else:
        paths = paths[len(statuses):]  # the pre-check visited these
    with cpu.Watch(server.worker_pids() + [server.proc.pid]) as watch:
        r = load.run_load(server.port, paths, connections=cfg.connections, seconds=cfg.duration).as_dict()
    r["cpu"] = {**watch.as_dict(), "before": quiet}
    r["urls"] = len(paths)
    r["example"] = paths[0]
    r["precheck"] = statuses
    log(f"  {name:<16} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f}  "
        f"p99 {r['p99_ms']:7.1f}  errors {r['errors']}  (CPU: ours {r['cpu']['ours_pct']:.0f}%, others "
        f"{r['cpu']['others_pct']:.0f}%; per server process, % of a core: {r['cpu'].get('per_process_core_pct')})")
    return r


def worker_memory(server: procs.Server) -> list[dict]:
    return [{"pid": pid, **procs.rss_mb(pid)} for pid in server.worker_pids()]
