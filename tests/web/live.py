"""A real `policy-archive serve` process on a free port, for tests of what only a server shows."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from app.config import Settings
from tests.helpers import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    url: str
    port: int
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)  # stdout and stderr, filled when it stops


@contextmanager
def serve(settings: Settings, base_url: str | None = None, timeout: float = 60) -> Iterator[Served]:
    """`policy-archive serve` over `settings`' archive, POLICY_ARCHIVE_BASE_URL set to `base_url` (or unset)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("POLICY_ARCHIVE_BASE_URL", "DATABASE_URL")}
    if base_url:
        env["POLICY_ARCHIVE_BASE_URL"] = base_url
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--data-dir", str(settings.data_dir), "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{port}", port, process)
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                if httpx.get(f"{served.url}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server never answered /healthz"
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        try:
            out, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
        served.output.append(out or "")
