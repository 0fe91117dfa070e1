"""Crash safety: `policy-archive ingest` killed with SIGKILL at each stage leaves the previous
archive serving, and the next ingest succeeds without any manual clean-up."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.ingest.pipeline import PAUSE_ENV, IngestError, run
from app.index.build import version_dir
from tests.helpers import OFFICIAL, SEEDS
from tests.ingest.test_pipeline import snapshot
from tests.helpers import ROOT

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

EXTRA = ROOT / "tests" / "data" / "docs" / "extra-official.txt"
EXTRA_SLUG = "quillfeather-testbeds-statement-2025"
PAUSE_TIMEOUT = 60


def _command() -> list[str]:
    script = Path(sys.executable).parent / "policy-archive"
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


def _start_paused_ingest(settings, point: str) -> subprocess.Popen:
    """Start `policy-archive ingest seeds extra` and return once it says it is paused at `point`."""
    env = dict(os.environ, **{PAUSE_ENV: point})
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    proc = subprocess.Popen(
        [*_command(), "ingest", "--quiet", "--data-dir", str(settings.data_dir), str(SEEDS), str(EXTRA)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def reader():
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=PAUSE_TIMEOUT)
        except queue.Empty:
            proc.kill()
            pytest.fail(f"ingest never paused at {point}; stderr so far: {''.join(seen)}")
        if line is None:
            proc.wait()
            pytest.fail(f"ingest ended (exit {proc.returncode}) before pausing at {point}: {''.join(seen)}")
        seen.append(line)
        if line.strip() == f"PAUSED AT {point}":
            return proc


@pytest.mark.parametrize("point", ["parse", "store", "index", "switch"])
def test_sigkill_during_ingest_leaves_the_previous_archive_serving(make_settings, point):
    settings = make_settings()
    run(settings, [SEEDS])
    before = snapshot(settings)
    assert before["health"]["version"] == 1

    proc = _start_paused_ingest(settings, point)
    try:
        # while it runs, it holds the ingest lock: a second ingest is refused, not interleaved
        with pytest.raises(IngestError, match="another ingest is running"):
            run(settings, [SEEDS])
        if point in ("index", "switch"):
            assert version_dir(settings.index_root, 2).is_dir()  # the next version, half made
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # a fresh app (as after a restart) serves exactly what was served before
    after = snapshot(settings)
    abandoned = "v000002" in after.pop("index")
    assert abandoned is (point in ("index", "switch"))
    before.pop("index")
    assert after == before
    assert (settings.data_dir / "ingest.lock").exists()  # left behind, and harmless:

    summary = run(settings, [SEEDS, EXTRA])
    assert summary.switched and summary.version == 2 and summary.added == [EXTRA_SLUG]
    final = snapshot(settings)
    assert final["health"]["version"] == 2
    assert final["index"] == ["v000001", "v000002"]
    assert final[EXTRA_SLUG]["sentences"] == 3
    assert final[OFFICIAL] == before[OFFICIAL]  # same sentences, same ids

    # the rebuilt index version holds the new document, and only once
    from whoosh import index as whoosh_index
    from whoosh.query import Term

    with whoosh_index.open_dir(str(version_dir(settings.index_root, 2))).searcher() as s:
        hits = s.search(Term("doc", EXTRA_SLUG), limit=None)
        assert len(hits) == 3
        assert len({h["id"] for h in hits}) == 3
        assert len(s.search(Term("doc", OFFICIAL), limit=None)) == 25
