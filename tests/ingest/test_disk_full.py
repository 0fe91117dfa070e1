"""A disk that fills during an ingest: one clear line and exit 1, no traceback, the previous
archive still serving, nothing left that the next ingest does not clean, and the next ingest
(with room again) succeeds.

Real write failures, made deterministic without a small filesystem: the ingest runs with
RLIMIT_FSIZE, so the kernel refuses any write past that size (EFBIG, as a full disk refuses
with ENOSPC), or with SQLite's max_page_count, past which SQLite answers "database or disk is
full" exactly as on a full disk."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys

import pytest

from app.ingest.pipeline import run
from tests.helpers import ROOT, SEEDS
from tests.ingest.test_crash import _found, _large_sources
from tests.ingest.test_pipeline import snapshot

pytestmark = pytest.mark.slow

# Runs the command line with every new SQLite connection allowed only a few more pages.
_PAGE_LIMITED = """
import sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

@event.listens_for(Engine, "connect")
def _little_room(dbapi_connection, record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 20}")

from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _limit_file_size(size: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # refuse the write instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


def _ingest(settings, sources, *, file_size: int | None = None, page_limited: bool = False):
    env = {k: v for k, v in os.environ.items() if k != "POLICY_ARCHIVE_TEST_PAUSE_AT"}
    command = [sys.executable, "-c", _PAGE_LIMITED] if page_limited else [sys.executable, "-m", "app.cli"]
    return subprocess.run([*command, "ingest", "--quiet", "--data-dir", str(settings.data_dir), *map(str, sources)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                          preexec_fn=_limit_file_size(file_size) if file_size else None)


@pytest.fixture
def archive(make_settings):
    settings = make_settings()
    if settings.database_url:
        pytest.skip("SQLite's own files; the PostgreSQL server's disk is not this process's")
    run(settings, [SEEDS])
    return settings


def _assert_failed_cleanly(settings, done, before, *reasons: str) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and done.stdout == ""
    assert len(lines) == 1, done.stderr  # one line, no traceback
    assert lines[0].startswith("ingest failed: ") and lines[0].endswith("the archive was not changed")
    assert any(reason in lines[0] for reason in reasons), lines[0]
    assert "Traceback" not in done.stderr
    after = snapshot(settings)
    assert after == before  # the previous archive serves, exactly as before
    left = sorted(p.name for p in settings.data_dir.iterdir())
    # no -wal, -shm or temporary files; sources/ holds the files as received (app/store/blobs.py)
    assert left == ["archive.sqlite3", "index", "ingest.lock", "sources", "sources.json"]
    assert after["index"] == ["v000001"]  # the failed attempt's index version is gone already


@pytest.mark.parametrize("limit", [300_000, 1_000_000])
def test_a_write_refused_by_the_disk_fails_the_ingest_in_one_line(archive, tmp_path, limit):
    """Whichever write fails first (the database's, the index child's, this process's own)."""
    before = snapshot(archive)
    sources = _large_sources(tmp_path / "large")
    done = _ingest(archive, [SEEDS, sources], file_size=limit)
    # SQLite reports the refused write as an I/O error; the index writers as the kernel's EFBIG
    _assert_failed_cleanly(archive, done, before, "database error: disk I/O error",
                           "File too large; free some disk space and run it again")

    done = _ingest(archive, [SEEDS, sources])
    assert done.returncode == 0, done.stderr
    assert _found(archive, "Clause 7 3 2 of the generated charter binds every member state.", "charter-007")


def test_a_full_database_fails_the_ingest_in_one_line(archive, tmp_path):
    before = snapshot(archive)
    sources = _large_sources(tmp_path / "large")
    done = _ingest(archive, [SEEDS, sources], page_limited=True)
    _assert_failed_cleanly(archive, done, before, "database error: database or disk is full; free some disk space")

    done = _ingest(archive, [SEEDS, sources])
    assert done.returncode == 0, done.stderr
    assert snapshot(archive)["health"]["version"] == 2
