"""Serving while ingesting: the running app keeps answering from the old version during an
ingest, and serves the new version as soon as the ingest commits, without a restart."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import app.ingest.pipeline as ingest_module
from app.ingest.pipeline import run
from app.web.app import create_app
from app.store.reads import current_version, list_documents
from tests.helpers import COMMENTARY, OFFICIAL, SEEDS
from tests.helpers import TEST_DATA

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

EXTRA = TEST_DATA / "docs" / "extra-official.txt"
EXTRA_SLUG = "quillfeather-testbeds-statement-2025"


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _view(c: TestClient) -> dict:
    """What a reader sees of the archive, request by request."""
    docs = c.get("/api/documents")
    official = c.get(f"/api/documents/{OFFICIAL}")
    first = official.json()["passages"][0]["id"]
    hits = c.get("/api/search", params={"q": "Quillfeather Council shared AI testbeds"})
    for r in (docs, official, hits):
        assert r.status_code == 200, r.text
    return {
        "version": c.get("/healthz").json()["version"],
        "slugs": sorted(d["slug"] for d in docs.json()["documents"]),
        "official": official.json(),
        "passage": c.get(f"/api/passages/{first}").json(),
        "extra": c.get(f"/api/documents/{EXTRA_SLUG}").status_code,
        "extra_hits": sorted({h["document"] for h in hits.json()["results"]} & {EXTRA_SLUG}),
        "reader": c.get(f"/documents/{OFFICIAL}").status_code,
    }


@pytest.mark.parametrize("point", ["index", "switch"])
def test_requests_during_an_ingest_get_the_old_version_then_the_new_one_at_once(make_settings, monkeypatch, point):
    settings = make_settings()
    run(settings, [SEEDS])
    reached, release = threading.Event(), threading.Event()
    real_pause = ingest_module._pause

    def pause(where, progress):
        if where == point:
            reached.set()
            assert release.wait(60), "test never released the ingest"
        else:
            real_pause(where, progress)

    monkeypatch.setattr(ingest_module, "_pause", pause)
    outcome: dict = {}

    def ingest():
        try:
            outcome["summary"] = run(settings, [SEEDS, EXTRA])
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            outcome["error"] = exc

    with TestClient(create_app(settings)) as c:
        before = _view(c)
        assert before["version"] == 1 and before["extra"] == 404 and before["extra_hits"] == []
        worker = threading.Thread(target=ingest)
        worker.start()
        try:
            assert reached.wait(60), f"ingest never reached {point}: {outcome}"
            # the next version's index is on disk and its rows are written, not committed
            assert (settings.index_root / "v000002").is_dir()
            for _ in range(3):
                assert _view(c) == before
        finally:
            release.set()
            worker.join(60)
        assert "error" not in outcome, outcome.get("error")
        assert outcome["summary"].version == 2

        after = _view(c)  # same app instance, no restart
        assert after["version"] == 2
        assert after["slugs"] == sorted([OFFICIAL, COMMENTARY, EXTRA_SLUG])
        assert after["extra"] == 200 and after["extra_hits"] == [EXTRA_SLUG]
        assert after["official"]["passages"] == before["official"]["passages"]
        assert after["passage"] == before["passage"]


def test_readers_never_fail_or_go_back_in_time_during_ingests(make_settings):
    settings = make_settings()
    run(settings, [SEEDS])
    stop = threading.Event()
    seen: list[tuple[int, int, int]] = []
    failures: list[str] = []

    def reader(c: TestClient):
        while not stop.is_set():
            health = c.get("/healthz")
            docs = c.get("/api/documents")
            if health.status_code != 200 or docs.status_code != 200:
                failures.append(f"{health.status_code} {docs.status_code}")
                continue
            seen.append((health.json()["version"], docs.json()["total"], len(seen)))

    with TestClient(create_app(settings)) as c:
        t = threading.Thread(target=reader, args=(c,))
        t.start()
        try:
            _wait_for(lambda: len(seen) >= 3 or failures)
            run(settings, [SEEDS, EXTRA])  # version 2: adds a document
            run(settings, [SEEDS])  # version 3: retires it
            n = len(seen)
            _wait_for(lambda: len(seen) >= n + 3 or failures)
        finally:
            stop.set()
            t.join(30)
    assert failures == []
    versions = [v for v, _, _ in seen]
    assert versions == sorted(versions)  # never back to an older version
    assert versions[0] == 1 and versions[-1] == 3
    totals = [total for _, total, _ in seen]
    assert totals[0] == 2 and totals[-1] == 2


def _files(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir()) if f.is_file()}


def test_building_the_next_index_version_never_touches_the_one_being_served(make_settings):
    settings = make_settings()
    run(settings, [SEEDS])
    v1 = settings.index_root / "v000001"
    served = _files(v1)
    run(settings, [SEEDS, EXTRA])  # the next version starts as hard links to v1's files
    run(settings, [SEEDS])
    assert _files(v1) == served
    assert (settings.index_root / "v000003").is_dir()


def test_a_request_reads_one_snapshot_even_when_an_ingest_commits_meanwhile(make_settings):
    """Each request reads in one transaction (app.web.deps.get_session): everything it reads is from
    the version it started on, even if an ingest commits between two of its queries."""
    settings = make_settings()
    run(settings, [SEEDS])
    web = create_app(settings)
    with web.state.sessions() as session:  # what a request gets
        assert current_version(session) == 1
        run(settings, [SEEDS, EXTRA])  # commits version 2 while the "request" is open
        assert current_version(session) == 1
        total, docs = list_documents(session)
        assert total == 2 and EXTRA_SLUG not in {d.slug for d in docs}
    with web.state.sessions() as session:  # the next request
        assert current_version(session) == 2
        assert list_documents(session)[0] == 3
