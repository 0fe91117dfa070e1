"""`ingest --add`: the seeds (or any folder) added to an archive without retiring what else it
holds, so starting the server (scripts/serve.sh, the Docker entry point) never retires a user's
document."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.ingest.pipeline import run
from app.web.app import create_app
from tests.helpers import OFFICIAL, ROOT, SEEDS

EXTRA = ROOT / "tests" / "data" / "docs" / "extra-official.txt"
EXTRA_SLUG = "quillfeather-testbeds-statement-2025"
BIN = Path(sys.executable).parent


def _user_folder(tmp_path: Path) -> Path:
    """A folder of the user's own, outside seeds/, holding one document."""
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(EXTRA, folder / EXTRA.name)
    return folder


def _status(settings, slug: str) -> int:
    with TestClient(create_app(settings), follow_redirects=False) as c:
        return c.get(f"/documents/{slug}").status_code


def _cli(*args: str, settings, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("POLICY_ARCHIVE_TEST_PAUSE_AT", None)
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    return subprocess.run([str(BIN / "policy-archive"), *args, "--data-dir", str(settings.data_dir)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_add_seeds_keeps_a_document_ingested_from_another_folder(make_settings, tmp_path):
    settings = make_settings()
    mine = _user_folder(tmp_path)
    run(settings, [SEEDS])
    assert run(settings, [mine], add=True).added == [EXTRA_SLUG]

    done = _cli("ingest", "--add", "--quiet", str(SEEDS), settings=settings)
    assert done.returncode == 0, done.stderr
    assert "0 retired" in done.stdout and "ingested 3 documents" in done.stdout
    # nothing changed, so no statement's novelty was worked out again
    assert "novelty recomputed for 0 official statements" in done.stdout
    assert _status(settings, EXTRA_SLUG) == 200 and _status(settings, OFFICIAL) == 200

    # without --add the same command still syncs to exactly what it is given
    done = _cli("ingest", "--quiet", str(SEEDS), settings=settings)
    assert done.returncode == 0 and "1 retired" in done.stdout
    assert _status(settings, EXTRA_SLUG) == 410


def test_add_replaces_a_changed_document_and_leaves_the_rest(make_settings, tmp_path):
    settings = make_settings()
    mine = _user_folder(tmp_path)
    run(settings, [SEEDS, mine])
    doc = mine / EXTRA.name
    doc.write_text(doc.read_text(encoding="utf-8").replace("next spring", "this winter"), encoding="utf-8")
    summary = run(settings, [mine], add=True)
    assert summary.changed == [EXTRA_SLUG] and summary.retired == [] and summary.documents == 3
    with TestClient(create_app(settings)) as c:
        texts = [p["text"] for p in c.get(f"/api/documents/{EXTRA_SLUG}").json()["passages"]]
        assert any("this winter" in t for t in texts) and not any("next spring" in t for t in texts)
        assert c.get(f"/documents/{OFFICIAL}").status_code == 200


def test_serve_script_ingest_step_run_twice_keeps_a_users_document(make_settings, tmp_path):
    """scripts/serve.sh's ingest step (lib.sh's ingest_seeds), as on two server starts."""
    settings = make_settings()
    mine = _user_folder(tmp_path)
    step = f'. "{ROOT}/scripts/lib.sh" && ingest_seeds "{BIN}/policy-archive" --quiet --data-dir "{settings.data_dir}"'
    env = dict(os.environ, **({"DATABASE_URL": settings.database_url} if settings.database_url else {}))
    for start in range(2):
        done = subprocess.run(["bash", "-c", step], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "0 retired" in done.stdout
        if start == 0:  # between the two starts, the user ingests a folder of their own
            assert _cli("ingest", "--add", "--quiet", str(mine), settings=settings).returncode == 0
    assert _status(settings, EXTRA_SLUG) == 200 and _status(settings, OFFICIAL) == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_docker_entrypoint_started_twice_keeps_a_users_document(make_settings, tmp_path):
    settings = make_settings()
    if settings.database_url:
        pytest.skip("the entry point serves the SQLite archive in its volume")
    mine = _user_folder(tmp_path)
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
               POLICY_ARCHIVE_DATA=str(settings.data_dir), POLICY_ARCHIVE_SEEDS=str(SEEDS))
    for start in range(2):
        port = _free_port()
        server = subprocess.Popen(["sh", str(ROOT / "scripts" / "docker-entrypoint.sh"), "--host", "127.0.0.1",
                                   "--port", str(port), "--log-level", "warning"],
                                  cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, server.stdout.read()
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the entry point never served"
                time.sleep(0.2)
            if start == 1:
                assert httpx.get(f"http://127.0.0.1:{port}/documents/{EXTRA_SLUG}").status_code == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
        if start == 0:
            assert _cli("ingest", "--add", "--quiet", str(mine), settings=settings).returncode == 0
