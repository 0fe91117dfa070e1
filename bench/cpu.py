"""Is anything else using the CPU while we measure?  (This machine may be shared.)

`Watch` measures, over one measurement, the share of both cores used by processes that are
not ours: total busy time from /proc/stat minus the harness and its reaped children
(getrusage; wrk and ingest children are reaped by the harness) minus the server processes
being measured (/proc/<pid>/stat; they stay alive for the whole measurement).
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import time
from pathlib import Path

_HZ = os.sysconf("SC_CLK_TCK")


def _system() -> tuple[float, float]:
    """(busy seconds, total seconds) summed over all cores since boot."""
    vals = list(map(int, Path("/proc/stat").read_text().splitlines()[0].split()[1:]))
    total = sum(vals[:8])  # guest time is already included in user/nice
    idle = vals[3] + vals[4]
    return (total - idle) / _HZ, total / _HZ


def _pid_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _HZ  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0.0


def _ours() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


class Watch:
    def __init__(self, pids: list[int] | None = None):
        self.pids = list(dict.fromkeys(pids or []))

    def __enter__(self) -> Watch:
        self.b0, self.t0 = _system()
        self.p0 = {p: _pid_seconds(p) for p in self.pids}
        self.o0 = _ours() + sum(self.p0.values())
        self.w0 = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        b1, t1 = _system()
        p1 = {p: _pid_seconds(p) for p in self.pids}
        o1 = _ours() + sum(p1.values())
        total = max(t1 - self.t0, 1e-9)
        wall = max(time.perf_counter() - self.w0, 1e-9)
        # Per process, % of one core: shows whether the load reached every uvicorn worker.
        self.per_pid = {p: round(100 * (p1[p] - self.p0[p]) / wall, 1) for p in self.pids}
        self.busy_pct = 100 * (b1 - self.b0) / total
        self.ours_pct = 100 * (o1 - self.o0) / total
        self.others_pct = max(0.0, self.busy_pct - self.ours_pct)

    def as_dict(self) -> dict:
        return {"busy_pct": round(self.busy_pct, 1), "ours_pct": round(self.ours_pct, 1),
                "others_pct": round(self.others_pct, 1),
                "per_process_core_pct": [self.per_pid[p] for p in self.pids]}


def others_now(seconds: float = 1.0) -> float:
    """Share of both cores (%) used by other processes over the next `seconds` (we are idle)."""
    with Watch() as w:
        time.sleep(seconds)
    return w.others_pct


def wait_quiet(max_wait: float, threshold: float, log=None) -> dict:
    """Wait (at most `max_wait` s) until others use under `threshold`% of the CPU; say what was seen."""
    started = time.perf_counter()
    seen = others_now(1.0)
    while seen > threshold and time.perf_counter() - started < max_wait:
        if log:
            log(f"  machine busy ({seen:.0f}% of CPU used by other processes); waiting")
        time.sleep(4)
        seen = others_now(1.0)
    return {"others_pct": round(seen, 1), "waited_s": round(time.perf_counter() - started - 1.0, 1)}


def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    import sqlite3

    versions = {}
    for pkg in ("fastapi", "starlette", "uvicorn", "sqlalchemy", "whoosh3", "jinja2", "datasette", "pyinstrument"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            versions[pkg] = None
    wrk = shutil.which("wrk")
    wrk_version = None
    if wrk:
        import subprocess

        out = subprocess.run([wrk, "--version"], capture_output=True, text=True)
        wrk_version = (out.stdout + out.stderr).split("\n")[0].strip()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(), "kernel": platform.release(), "sqlite": sqlite3.sqlite_version,
        "packages": versions, "load_tool": wrk_version or "httpx (wrk not installed)",
    }


def cpu_busy(seconds: float = 1.0) -> dict:
    """Share of CPU time used by anything during `seconds`, and the load average: is the machine quiet?"""
    b1, t1 = _system()
    time.sleep(seconds)
    b2, t2 = _system()
    busy = (b2 - b1) / max(t2 - t1, 1e-9)
    return {"busy_pct": round(100 * busy, 1), "loadavg": Path("/proc/loadavg").read_text().split()[:3]}
