"""A server started before any ingest says what to do, creates nothing, and serves the archive
as soon as an ingest has made one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.ingest.pipeline import run
from app.web.app import create_app
from tests.helpers import OFFICIAL, PG_ENV, SEEDS, fresh_database_url

PAGES = ["/", "/themes", "/directives", f"/documents/{OFFICIAL}", "/search?q=talent", "/verify",
         "/d/pztcufnb7mdp", "/export/sentences.csv"]
API = ["/api/documents", f"/api/documents/{OFFICIAL}", "/api/themes", "/api/search?q=talent",
       "/api/directives", "/export/sentences.json"]
MESSAGE = "No archive yet: run `policy-archive ingest`."


def _check_no_archive(c) -> None:
    health = c.get("/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "no archive" and MESSAGE in health.json()["detail"]
    for url in PAGES + API + ["/healthz"]:
        r = c.get(url)
        assert r.status_code == 503, url
        assert int(r.headers["retry-after"]) > 0, url
        assert r.headers["x-content-type-options"] == "nosniff", url
        if url in PAGES:
            assert r.headers["content-type"].startswith("text/html"), url
            assert MESSAGE in r.text, url
        else:
            assert r.json()["detail"] == MESSAGE, url
    r = c.post("/api/verify", json={"text": "Talent matters."})
    assert r.status_code == 503 and r.json()["detail"] == MESSAGE


@pytest.mark.parametrize("exists", [True, False], ids=["empty folder", "missing folder"])
def test_every_address_says_there_is_no_archive_yet_and_nothing_is_created(tmp_path, exists):
    data = tmp_path / "data"
    if exists:
        data.mkdir()
    with TestClient(create_app(Settings(data_dir=data))) as c:
        _check_no_archive(c)
        assert c.get("/static/style.css").status_code == 200  # the page's own style still loads
    assert (sorted(data.iterdir()) == []) if exists else not data.exists()


def test_the_archive_is_served_once_an_ingest_has_made_one_without_a_restart(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as c:
        _check_no_archive(c)
        run(settings, [SEEDS])
        health = c.get("/healthz")
        assert health.status_code == 200 and health.json()["version"] == 1
        assert c.get(f"/documents/{OFFICIAL}").status_code == 200
        assert OFFICIAL in c.get("/api/documents").text


@pytest.mark.pg
@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs PostgreSQL ({PG_ENV})")
def test_an_empty_postgresql_database_is_no_archive_until_an_ingest(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", database_url=fresh_database_url())
    with TestClient(create_app(settings)) as c:
        _check_no_archive(c)
        run(settings, [SEEDS])
        assert c.get("/healthz").json()["version"] == 1
        assert c.get(f"/documents/{OFFICIAL}").status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_policy_archive_serve_on_an_empty_folder_answers_503_without_a_traceback(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POLICY_ARCHIVE_DATA")}
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--data-dir", str(data),
                                   "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        c.get("/healthz")
                        break
                    except httpx.TransportError:
                        assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                        time.sleep(0.1)
                _check_no_archive(c)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(20)
    text = log.read_text()
    assert "Traceback" not in text and " 500 " not in text, text
    assert " 503 " in text  # the access log saw the answers
    assert sorted(data.iterdir()) == []
