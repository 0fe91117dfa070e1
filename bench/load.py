"""Bounded HTTP load on 127.0.0.1: wrk (Debian's package) when installed, else an httpx client.

Both keep a fixed number of connections busy for a fixed time and stop by themselves; both
rotate through a list of request paths.  Results: requests/s, latency percentiles (ms) and
errors (connection errors, timeouts and any status that is not 2xx/3xx).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.stats import percentiles

LUA = Path(__file__).with_name("rotate.lua")
HOST = "127.0.0.1"  # loopback only, by design


@dataclass
class LoadResult:
    tool: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    non_2xx: int
    error_detail: dict

    def as_dict(self) -> dict:
        return asdict(self)


def tool_name() -> str:
    return "wrk" if shutil.which("wrk") else "httpx"


def run_load(port: int, paths: list[str], *, connections: int = 8, seconds: float = 10.0,
             threads: int = 1, timeout_s: float = 10.0) -> LoadResult:
    """Keep `connections` requests in flight for `seconds`, cycling through `paths`."""
    if not paths:
        raise ValueError("no paths to load")
    if shutil.which("wrk"):
        return _wrk(port, paths, connections, seconds, threads, timeout_s)
    return asyncio.run(_httpx(port, paths, connections, seconds, timeout_s))


def _wrk(port: int, paths: list[str], connections: int, seconds: float, threads: int,
         timeout_s: float) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(paths) + "\n")
        listing = fh.name
    try:
        argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                f"--timeout={max(1, round(timeout_s))}s", "-s", str(LUA), f"http://{HOST}:{port}", "--", listing]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + timeout_s + 30)
    finally:
        Path(listing).unlink(missing_ok=True)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result (exit {out.returncode}): {out.stdout}\n{out.stderr}")
    r = json.loads(line[len("WRKJSON "):])
    secs = r["duration_us"] / 1e6
    socket_errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
    return LoadResult(
        tool="wrk", connections=connections, seconds=secs, requests=r["requests"],
        rps=r["requests"] / secs if secs else 0.0,
        p50_ms=r["p50_us"] / 1000, p95_ms=r["p95_us"] / 1000, p99_ms=r["p99_us"] / 1000,
        max_ms=r["max_us"] / 1000, errors=socket_errors + r["status"], non_2xx=r["status"],
        error_detail={k: r[k] for k in ("connect", "read", "write", "timeout", "status")},
    )


async def _httpx(port: int, paths: list[str], connections: int, seconds: float, timeout_s: float) -> LoadResult:
    import httpx

    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "timeout": 0, "status": 0}
    stop_at = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", limits=limits, timeout=timeout_s) as client:

        async def worker(offset: int) -> None:
            i = offset
            while time.perf_counter() < stop_at:
                path = paths[i % len(paths)]
                i += 1
                t0 = time.perf_counter()
                try:
                    resp = await client.get(path)
                    await resp.aread()
                except httpx.TimeoutException:
                    errors["timeout"] += 1
                    continue
                except httpx.HTTPError:
                    errors["connect"] += 1
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                if resp.status_code >= 400:
                    errors["status"] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(k * 7919) for k in range(connections)))
        secs = time.perf_counter() - started
    pct = percentiles(latencies, (50, 95, 99)) if latencies else {50: 0.0, 95: 0.0, 99: 0.0}
    total = len(latencies) + errors["connect"] + errors["timeout"]
    return LoadResult(
        tool="httpx", connections=connections, seconds=secs, requests=total, rps=len(latencies) / secs,
        p50_ms=pct[50], p95_ms=pct[95], p99_ms=pct[99], max_ms=max(latencies, default=0.0),
        errors=sum(errors.values()), non_2xx=errors["status"], error_detail=errors,
    )
