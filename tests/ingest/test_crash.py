"""Crash safety: `policy-archive ingest` killed with SIGKILL at each stage leaves the previous
archive serving, and the next ingest succeeds without any manual clean-up."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.ingest.pipeline import PAUSE_ENV, IngestError, run
from app.index.build import version_dir
from tests.helpers import OFFICIAL, SEEDS
from tests.ingest.test_pipeline import snapshot
from tests.helpers import ROOT
from app.web.app import create_app

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

EXTRA = ROOT / "tests" / "data" / "docs" / "extra-official.txt"
EXTRA_SLUG = "quillfeather-testbeds-statement-2025"
EXTRA_SENTENCE = "The Quillfeather Council announced shared AI testbeds for public research."
PAUSE_TIMEOUT = 60


def _command() -> list[str]:
    script = Path(sys.executable).parent / "policy-archive"
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


class PausedIngest:
    """`policy-archive ingest` in a session of its own, paused at a kill point."""

    def __init__(self, proc: subprocess.Popen, closed: list[threading.Event]):
        self.proc = proc
        self._closed = closed  # set when stdout, then stderr, reach end of file

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL

    def assert_nothing_left(self, within: float = 5.0) -> None:
        """No process of the killed ingest remains, and its output pipes are closed, soon."""
        deadline = time.monotonic() + within
        while (left := _session_members(self.proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not left, f"processes of the killed ingest still running: {left}"
        for name, closed in zip(("stdout", "stderr"), self._closed):
            assert closed.wait(max(0.0, deadline - time.monotonic())), f"the killed ingest's {name} never closed"


def _session_members(sid: int) -> list[str]:
    """Command lines of the live processes in session `sid` (the ingest started it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != sid:
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z":  # a zombie is only an exit status waiting for its parent
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, IndexError):
            continue  # gone meanwhile
    return found


def _start_paused_ingest(settings, point: str, paths: tuple[Path, ...] = (SEEDS, EXTRA)) -> PausedIngest:
    """Start `policy-archive ingest PATHS` and return once it says it is paused at `point`."""
    env = dict(os.environ, **{PAUSE_ENV: point})
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    proc = subprocess.Popen(
        [*_command(), "ingest", "--quiet", "--data-dir", str(settings.data_dir), *map(str, paths)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    closed = [threading.Event(), threading.Event()]

    def drain():
        proc.stdout.read()
        closed[0].set()

    def reader():
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)
        closed[1].set()

    threading.Thread(target=drain, daemon=True).start()
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
            return PausedIngest(proc, closed)


def _found(settings, query: str, slug: str) -> bool:
    """Whether a search through the web API, as a restarted server answers it, lists `slug`."""
    with TestClient(create_app(settings)) as c:
        hits = []
        for mode in ("quote", "advanced"):
            answer = c.get("/api/search", params={"q": query, "mode": mode})
            assert answer.status_code == 200
            hits += [r["document"] for r in answer.json()["results"]]
    return slug in hits


@pytest.mark.parametrize("point", ["parse", "store", "index", "switch"])
def test_sigkill_during_ingest_leaves_the_previous_archive_serving(make_settings, point):
    settings = make_settings()
    run(settings, [SEEDS])
    before = snapshot(settings)
    assert before["health"]["version"] == 1

    ingest = _start_paused_ingest(settings, point)
    try:
        # while it runs, it holds the ingest lock: a second ingest is refused, not interleaved
        with pytest.raises(IngestError, match="another ingest is running"):
            run(settings, [SEEDS])
        if point in ("index", "switch"):
            assert version_dir(settings.index_root, 2).is_dir()  # the next version, half made
    finally:
        ingest.kill()
    ingest.assert_nothing_left()
    # what only the killed ingest added cannot be found, even where its index version was written
    assert not _found(settings, EXTRA_SENTENCE, EXTRA_SLUG)

    # a fresh app (as after a restart) serves exactly what was served before
    after = snapshot(settings)
    abandoned = "v000002" in after.pop("index")
    assert abandoned is (point in ("index", "switch"))
    before.pop("index")
    assert after == before
    assert (settings.data_dir / "ingest.lock").exists()  # left behind, and harmless:

    summary = run(settings, [SEEDS, EXTRA])
    assert summary.switched and summary.version == 2 and summary.added == [EXTRA_SLUG]
    assert _found(settings, EXTRA_SENTENCE, EXTRA_SLUG)
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


def _large_sources(folder: Path, documents: int = 64, sentences: int = 80) -> Path:
    """Enough documents for the segmentation workers, and passages for the index child."""
    folder.mkdir()
    for n in range(documents):
        body = "\n\n".join(" ".join(f"Clause {n} {p} {s} of the generated charter binds every member state."
                                     for s in range(4)) for p in range(sentences // 4))
        (folder / f"doc{n:03d}.txt").write_text(
            f"---\ntitle: Generated Charter {n}\nkind: official\nslug: charter-{n:03d}\n---\n{body}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("point", ["parse", "store", "enrich", "index", "switch"])
def test_sigkill_leaves_no_process_of_the_ingest_behind(make_settings, tmp_path, point):
    """Workers, the index child and multiprocessing's helpers die with a SIGKILLed ingest, and
    the pipes it was given close, so a supervisor waiting on them is not left hanging."""
    from app.index.child import INDEX_MIN_PASSAGES
    from app.ingest.parallel import SEGMENT_MIN_DOCS

    sources = _large_sources(tmp_path / "large")
    assert len(list(sources.iterdir())) >= SEGMENT_MIN_DOCS and 64 * 80 >= INDEX_MIN_PASSAGES
    settings = make_settings()
    ingest = _start_paused_ingest(settings, point, (sources,))
    time.sleep(0.3)  # let the children it has started get going
    ingest.kill()
    ingest.assert_nothing_left()
    summary = run(settings, [sources])
    assert summary.switched and summary.documents == 64
    assert _found(settings, "Clause 7 3 2 of the generated charter binds every member state.", "charter-007")
