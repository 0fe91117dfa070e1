"""Ingest work shared with the second core: segmentation by two worker processes, and part of a
large index build written as a segment of its own by a child process.

Workers are fresh interpreters (`python -m app.parallel ...`) fed pickled work on stdin and
answering on stdout, not forks or multiprocessing children: a fork would copy the ingest's
hundreds of megabytes of ORM objects page by page and inherit the ingest lock, and
multiprocessing's spawn re-runs the caller's main script in every child. A worker exits when
its stdin closes, so a killed ingest leaves no process behind.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

SEGMENT_MIN_DOCS = 64  # below this, starting workers costs more than it saves
INDEX_MIN_PASSAGES = 5_000
_CHUNK = 16  # documents per segmentation message
_BATCH = 500  # index records per message
_ROOT = Path(__file__).resolve().parent.parent


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start(*args: str) -> subprocess.Popen:
    """A worker running this module's code, the same copy the caller imported."""
    path = os.pathsep.join(p for p in (str(_ROOT), os.environ.get("PYTHONPATH")) if p)
    return subprocess.Popen([sys.executable, "-m", "app.parallel", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=path))


def _feed(proc: subprocess.Popen, messages) -> None:
    """Write each message (an object, or bytes already pickled) to a worker, then close its stdin."""
    with suppress(BrokenPipeError, OSError, ValueError):  # the worker was stopped: nothing to feed
        for message in messages:
            proc.stdin.write(message if isinstance(message, bytes) else _dumps(message))
        proc.stdin.close()


def _dumps(obj) -> bytes:
    """One protocol message."""
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def _receive(proc: subprocess.Popen, what: str):
    """The worker's next message; a worker that died is an error naming its exit code."""
    try:
        return pickle.load(proc.stdout)
    except EOFError:
        raise RuntimeError(f"{what} worker failed (exit code {proc.wait()}); see its error above") from None


@contextmanager
def segmented(jobs: list[tuple]) -> Iterator[Iterator]:
    """`app.segment.segment(*job)` for each job, in order; by two workers when there are many."""
    from app.segment import segment

    if len(jobs) < SEGMENT_MIN_DOCS or cores() < 2:
        yield (segment(*job) for job in jobs)
        return
    chunks = [jobs[i:i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
    workers = [_start("segment"), _start("segment")]
    # Chunks are dealt alternately and read back alternately: the order never depends on timing.
    feeders = [threading.Thread(target=_feed, args=(w, chunks[k::2]), daemon=True) for k, w in enumerate(workers)]
    for f in feeders:
        f.start()
    try:
        yield (s for n in range(len(chunks)) for s in _receive(workers[n % 2], "segmentation"))
    finally:
        for w in workers:
            w.kill()  # done (it has answered everything) or abandoned after an error
            w.wait()
            w.stdout.close()
        for f in feeders:
            f.join()


class SegmentChild:
    """A child process adding documents to a new segment of an index folder.

    The parent holds the index's write lock; the child writes without it (as Whoosh's own
    multiprocess writer does) and hands back its segment for the parent to commit. Records
    are queued to a feeder thread so that the parent never waits for the child to keep up.
    """

    def __init__(self, folder: Path, limitmb: int):
        self._proc = _start("index", str(folder), str(limitmb))
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._feeder = threading.Thread(target=_feed, args=(self._proc, iter(self._queue.get, None)), daemon=True)
        self._feeder.start()
        self._batch: list[dict] = []

    def add(self, fields: dict) -> None:
        """Queue one document for the child."""
        self._batch.append(fields)
        if len(self._batch) >= _BATCH:
            self._queue.put(_dumps(self._batch))
            self._batch = []

    def close(self) -> None:
        """No more documents: the child now writes its segment."""
        self._queue.put(_dumps(self._batch + [None]))
        self._queue.put(None)

    def segment(self):
        """The child's whoosh Segment, once written; raises if the child failed."""
        kind, value = _receive(self._proc, "index")
        self._proc.wait()
        self._feeder.join()
        if kind == "error":
            raise RuntimeError(f"index worker failed: {value}")
        return value

    def kill(self) -> None:
        """Stop the child at once (the parent is failing)."""
        self._proc.kill()
        self._proc.wait()
        self._queue.put(None)
        self._feeder.join()


def commit_with(writer, child: SegmentChild) -> None:
    """Commit `writer` with the child's segment placed before the writer's own new segment.

    The child wrote the first documents, so with its segment first every document keeps the
    number a single writer would have given it. These are the steps of whoosh's
    SegmentWriter.commit (whoosh3 is pinned exactly, see the README), with this process's
    segment written while the child writes its own.
    """
    child.close()
    try:
        segments = writer._merge_segments(None, None, None)
        own = writer._finalize_segment() if writer._added else writer._close_segment()
        segments.append(child.segment())
        if own is not None:
            segments.append(own)
        writer._commit_toc(segments)
    except Exception:
        writer._cleanup_on_error()
        raise
    writer._finish()


def _serve_segments(inp, out) -> None:
    """Worker loop: a chunk of segmentation jobs in, their results out, until stdin closes."""
    from app.segment import segment

    while True:
        try:
            chunk = pickle.load(inp)
        except EOFError:
            return
        out.write(_dumps([segment(*job) for job in chunk]))
        out.flush()


def _serve_index(inp, out, folder: str, limitmb: int) -> None:
    """Worker loop: batches of index records in until a None record, then the new segment out."""
    from whoosh import index as whoosh_index
    from whoosh.writing import SegmentWriter

    writer = SegmentWriter(whoosh_index.open_dir(folder), _lk=False, limitmb=limitmb, compound=False)
    try:
        while True:
            for fields in pickle.load(inp):
                if fields is None:
                    # Not writer.commit(): that writes a table of contents; the parent writes the one.
                    out.write(_dumps(("segment", writer._finalize_segment())))
                    return
                writer.add_document(**fields)
    except EOFError:  # the parent died; its abandoned index version is removed by the next ingest
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the ingest
        out.write(_dumps(("error", f"{type(exc).__name__}: {exc}")))
    finally:
        out.flush()


if __name__ == "__main__":
    # Ctrl-C reaches the whole process group: the parent decides, and stops its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The protocol owns stdout: anything else printed goes to stderr.
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    role, *rest = sys.argv[1:]
    if role == "segment":
        _serve_segments(sys.stdin.buffer, protocol_out)
    else:
        _serve_index(sys.stdin.buffer, protocol_out, rest[0], int(rest[1]))
