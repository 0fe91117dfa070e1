"""Ingest work shared with the second core: segmentation by two worker processes, and part of a
large index build written as a segment of its own by a child process.

Both run in processes started by multiprocessing's fork server (see _context), so they never
carry a copy of the ingest process or its lock.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import wait
from pathlib import Path

SEGMENT_MIN_DOCS = 64  # below this, starting workers costs more than it saves
INDEX_MIN_PASSAGES = 5_000
_CHUNK = 16  # documents per segmentation task
_AHEAD = 8  # segmentation tasks in flight
_BATCH = 500  # index records per queue message


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def segmented(jobs: list[tuple]) -> Iterator[Iterator]:
    """`app.text.segment.segment(*job)` for each job, in order; by two worker processes when there are many."""
    from app.text.segment import segment

    if len(jobs) < SEGMENT_MIN_DOCS or cores() < 2:
        yield (segment(*job) for job in jobs)
        return
    pool = ProcessPoolExecutor(2, mp_context=_context())
    try:
        yield _in_order(pool, [jobs[i:i + _CHUNK] for i in range(0, len(jobs), _CHUNK)])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_order(pool: ProcessPoolExecutor, chunks: list[list[tuple]]) -> Iterator:
    """The chunks' results in order, with only a few chunks in flight.

    Executor.map would submit every chunk at once, and when the store falls behind the
    segmented documents would pile up in memory.
    """
    pending: deque = deque()
    todo = iter(chunks)
    for chunk in todo:
        pending.append(pool.submit(_segment_chunk, chunk))
        if len(pending) == _AHEAD:
            break
    while pending:
        done = pending.popleft().result()
        chunk = next(todo, None)
        if chunk is not None:
            pending.append(pool.submit(_segment_chunk, chunk))
        yield from done


def _segment_chunk(chunk: list[tuple]) -> list:
    """Segment a chunk of documents (runs in a worker process)."""
    from app.text.segment import segment

    return [segment(*job) for job in chunk]


class SegmentChild:
    """A child process adding documents to a new segment of an index folder.

    The parent holds the index's write lock; the child writes without it (as Whoosh's own
    multiprocess writer does) and hands back its segment for the parent to commit. The
    queue's feeder thread sends batches, so the parent never waits for the child to keep up.
    """

    def __init__(self, folder: Path, limitmb: int):
        ctx = _context()
        self._inbox = ctx.Queue()
        self._result, child_end = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_write_segment, args=(str(folder), limitmb, self._inbox, child_end),
                                 name="policy-archive index writer", daemon=True)
        self._proc.start()
        child_end.close()
        self._batch: list[dict] = []
        self.closed = False

    def add(self, fields: dict) -> None:
        """Queue one document for the child."""
        if self.closed:
            raise RuntimeError("the index child was told it had every document")
        self._batch.append(fields)
        if len(self._batch) >= _BATCH:
            self._inbox.put(self._batch)
            self._batch = []

    def close(self) -> None:
        """No more documents: the child now writes its segment (safe to call twice)."""
        if self.closed:
            return
        self.closed = True
        self._inbox.put(self._batch)
        self._inbox.put(None)
        self._inbox.close()

    def segment(self):
        """The child's whoosh Segment, once written; raises if the child failed."""
        wait([self._result, self._proc.sentinel])
        if not self._result.poll():
            self._proc.join()
            raise RuntimeError(f"index worker failed (exit code {self._proc.exitcode}); see its error above")
        kind, value = self._result.recv()
        self._proc.join()
        if kind == "error":
            raise RuntimeError(f"index worker failed: {value}")
        return value

    def kill(self) -> None:
        """Stop the child at once (the parent is failing)."""
        self._proc.kill()
        self._proc.join()
        self._inbox.cancel_join_thread()  # its unsent batches are dropped, not flushed to nobody
        self._inbox.close()


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


def _write_segment(folder: str, limitmb: int, inbox, result) -> None:
    """Child process: add the queued batches to a new segment, then send the segment back."""
    from whoosh import index as whoosh_index

    from app.index.build import completed, segment_writer

    # Ctrl-C reaches the whole process group: the parent decides, and stops its children.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    writer = segment_writer(whoosh_index.open_dir(folder), lock=False, limitmb=limitmb)
    try:
        for batch in iter(inbox.get, None):
            for fields in batch:
                writer.add_document(**completed(fields))
        # Not writer.commit(): that writes a table of contents; the parent writes the one.
        result.send(("segment", writer._finalize_segment()))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the ingest
        result.send(("error", f"{type(exc).__name__}: {exc}"))


def _context():
    """Processes forked from a small fresh server process, never from the ingest itself.

    A fork of the ingest would copy its hundreds of megabytes of ORM objects and inherit
    the ingest lock; the fork server holds neither.
    """
    return multiprocessing.get_context("forkserver")
