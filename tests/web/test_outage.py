"""PostgreSQL going down under load: 503s with Retry-After, never a 500 or a dropped connection,
cached pages still served, one log line for the outage, and recovery once it is back.

The test runs its own throwaway cluster (scripts/pg.sh), since it stops and starts it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.ingest.pipeline import run
from tests.helpers import OFFICIAL, PG_ENV, ROOT, SEEDS

pytestmark = [pytest.mark.pg, pytest.mark.slow,
              pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs PostgreSQL ({PG_ENV})")]

CACHED = f"/documents/{OFFICIAL}"  # visited before the outage, so in the page cache
UNCACHED = ["/api/documents", "/healthz", f"/api/documents/{OFFICIAL}", "/api/themes"]


def _bindir() -> Path:
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / "pg_ctl").exists():
            return d
    found = shutil.which("pg_ctl")
    if not found:
        pytest.skip("pg_ctl not found")
    return Path(found).parent


class Cluster:
    """A cluster of scripts/pg.sh that the test can stop and start again."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="pa-outage-", dir="/tmp"))  # the postgres user must reach it
        self.url = subprocess.run([str(ROOT / "scripts" / "pg.sh"), "start", str(self.dir)], check=True,
                                  capture_output=True, text=True).stdout.strip()

    def _ctl(self, *args: str) -> None:
        cmd = [str(_bindir() / "pg_ctl"), "-D", str(self.dir / "data"), "-w", "-t", "60", *args]
        if os.getuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True)

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def start(self) -> None:
        # The options scripts/pg.sh starts it with: a socket in the folder, no TCP.
        self._ctl("-l", str(self.dir / "server.log"), "start", "-o",
                  f"-c listen_addresses='' -k {self.dir}/sock -p 5432 -c fsync=off")

    def remove(self) -> None:
        subprocess.run([str(ROOT / "scripts" / "pg.sh"), "stop", str(self.dir)], check=False)


@pytest.fixture
def cluster():
    c = Cluster()
    yield c
    c.remove()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(c: httpx.Client, server, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if c.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


class Load:
    """Requests in turn, from one thread over one keep-alive client, until stopped."""

    def __init__(self, c: httpx.Client):
        self.c = c
        self.seen: list[tuple[float, str, int, str, object]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        urls = [CACHED, *UNCACHED]
        n = 0
        while not self._stop.is_set():
            url = urls[n % len(urls)]
            n += 1
            try:
                r = self.c.get(url)
            except httpx.HTTPError as exc:
                self.errors.append(f"{url}: {exc!r}")
                continue
            stream = r.extensions.get("network_stream")
            local = stream.get_extra_info("client_addr") if stream is not None else None
            self.seen.append((time.monotonic(), url, r.status_code, r.headers.get("retry-after", ""), local))
            time.sleep(0.005)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(30)

    def since(self, t: float):
        return [s for s in self.seen if s[0] >= t]


def test_a_postgresql_restart_under_load_gives_503s_then_recovers(cluster, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", database_url=cluster.url)
    run(settings, [SEEDS])
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": cluster.url}
    env.pop("POLICY_ARCHIVE_DATA", None)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--data-dir", str(settings.data_dir),
                                   "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as c:
                _wait_up(c, server, log)
                cached = c.get(CACHED)
                assert cached.status_code == 200
                with Load(c) as load:
                    time.sleep(0.5)
                    down = time.monotonic()
                    cluster.stop()
                    stopped = time.monotonic()
                    time.sleep(2)
                    during = load.since(stopped)
                    cluster.start()
                    started = time.monotonic()
                    deadline = started + 20
                    while not [s for s in load.since(started) if s[1] == "/healthz" and s[2] == 200]:
                        assert time.monotonic() < deadline, "no recovery after the restart"
                        time.sleep(0.05)
                    time.sleep(0.5)
                after = load.since(time.monotonic() - 0.4)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(20)
    text = log.read_text()

    assert load.errors == [], text  # no reset, refused or timed-out request
    statuses = {s[2] for s in load.seen}
    assert statuses <= {200, 503}, sorted(statuses)
    assert len({s[4] for s in load.seen}) == 1  # one keep-alive connection throughout
    outage = [s for s in during if s[1] != CACHED]
    assert outage and all(s[2] == 503 and int(s[3]) > 0 for s in outage), outage[:5]
    served = [s for s in during if s[1] == CACHED]
    assert served and all(s[2] == 200 for s in served)  # the page cache went on answering
    assert [s for s in load.since(down) if s[2] == 503]
    assert after and all(s[2] == 200 for s in after), after
    assert text.count("database unavailable") == 1, text
    assert text.count("database reachable again") == 1, text
    assert "Traceback" not in text and " 500 " not in text, text
