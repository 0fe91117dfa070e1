"""Child processes of the harness: servers in their own process groups, always cleaned up.

Every server is started with ``start_new_session=True`` so that it and its uvicorn workers
form one process group whose id is the server's pid; ``stop_all`` signals exactly those
groups (never anything found by name).  ``install_cleanup`` makes SIGTERM/SIGHUP behave
like Ctrl-C and registers ``stop_all`` at exit, so an interrupted or failed run leaves no
server behind.
"""

from __future__ import annotations

import atexit
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_RUNNING: list[subprocess.Popen] = []


def install_cleanup() -> None:
    """Stop our servers on exit, Ctrl-C, SIGTERM or SIGHUP."""
    atexit.register(stop_all)

    def _raise(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise)


def stop(proc: subprocess.Popen, timeout: float = 5.0) -> None:
    """SIGTERM the process group led by `proc`, SIGKILL it if it is still there after `timeout`."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    # Workers may outlive a killed supervisor: the group id is still the leader's pid.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if proc.poll() is None:
        proc.wait(timeout)
    if proc in _RUNNING:
        _RUNNING.remove(proc)


def stop_all() -> None:
    for proc in list(_RUNNING):
        stop(proc)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """One GET on 127.0.0.1 (the only address this harness ever talks to)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@dataclass
class Server:
    """A started server: its command, port, process, and seconds to its first 200."""

    name: str
    port: int
    proc: subprocess.Popen
    log: Path
    first_response_s: float | None = None
    extra: dict = field(default_factory=dict)

    def worker_pids(self) -> list[int]:
        return worker_pids(self.proc.pid)

    def stop(self) -> None:
        stop(self.proc)


def start_server(name: str, argv: list[str], port: int, log: Path, *, probe: str = "/",
                 env: dict | None = None, timeout: float = 60.0) -> Server:
    """Start `argv` in its own session; wait until `probe` answers 200 and time it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    fh = open(log, "wb")
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})}, start_new_session=True)
    fh.close()
    _RUNNING.append(proc)
    server = Server(name, port, proc, log)
    deadline = started + timeout
    while True:
        if proc.poll() is not None:
            stop(proc)
            raise RuntimeError(f"{name} exited with {proc.returncode} before answering; see {log}")
        try:
            status, _ = get(port, probe, timeout=5)
            if status == 200:
                server.first_response_s = time.perf_counter() - started
                return server
        except OSError:
            pass
        if time.perf_counter() > deadline:
            stop(proc)
            raise RuntimeError(f"{name} did not answer {probe} within {timeout:.0f}s; see {log}")
        time.sleep(0.01)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        for task in task_dir.iterdir():
            text = (task / "children").read_text().split()
            out += [int(x) for x in text]
    except OSError:
        pass
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def worker_pids(pid: int) -> list[int]:
    """uvicorn's worker processes under supervisor `pid`, or [pid] when it serves by itself."""
    kids = [k for k in _children(pid) if "resource_tracker" not in _cmdline(k)]
    workers = [k for k in kids if "multiprocessing" in _cmdline(k) or "spawn_main" in _cmdline(k)]
    return workers or [pid]


def rss_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of a process, in MB (10^6 bytes)."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024 / 1e6
    except OSError:
        pass
    return out


def python() -> str:
    return sys.executable


def venv_bin(name: str) -> str:
    """A console script next to this interpreter (the venv's), else the bare name."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def run_measured(argv: list[str], *, env: dict | None = None, timeout: float = 3600.0,
                 log: Path | None = None) -> dict:
    """Run a child to completion: wall seconds, peak RSS (MB, from wait4), exit code, stdout."""
    started = time.perf_counter()
    if log:
        log.parent.mkdir(parents=True, exist_ok=True)
    err = open(log, "wb") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})})
        tree = TreeMemory(proc.pid)
        try:
            out, _ = _communicate_wait4(proc, timeout)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            tree.stop()
    finally:
        if log:
            err.close()
    wall = time.perf_counter() - started
    return {"wall_s": wall, "maxrss_mb": out["maxrss_kb"] * 1024 / 1e6, "tree_peak_mb": tree.peak_kb * 1024 / 1e6,
            "returncode": out["returncode"], "stdout": out["stdout"]}


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants (worker processes included).

    wait4 reports the largest single process; an ingest that starts workers uses their memory
    too. Summing RSS counts shared pages once per process, so the figure errs high.
    """

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.peak_kb = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _tree_rss_kb(root: int) -> int:
    """Summed VmRSS (kB) of `root` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
    return total


def _communicate_wait4(proc: subprocess.Popen, timeout: float) -> tuple[dict, None]:
    """Read stdout to EOF, then reap with os.wait4 to get this child's own rusage."""
    deadline = time.monotonic() + timeout
    chunks = []
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), True)
    # stdout is small (one JSON line): a blocking read to EOF is fine; the timeout is a backstop.
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"{proc.args} ran longer than {timeout:.0f}s")
        if sel.select(min(remaining, 1.0)):
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            chunks.append(data)
    sel.close()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"maxrss_kb": usage.ru_maxrss, "returncode": proc.returncode,
            "stdout": b"".join(chunks).decode(errors="replace")}, None
