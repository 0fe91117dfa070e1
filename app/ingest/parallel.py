"""Segmentation shared with the second core: documents split into passages by two worker processes.

The workers are fresh interpreters (app.procs.context), so they never carry a copy of the
ingest process or its lock, and they die with the ingest. (The index build's own child
process is app.index.child.)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from app import procs

SEGMENT_MIN_DOCS = 64  # below this, starting workers costs more than it saves
_CHUNK = 16  # documents per segmentation task
_AHEAD = 8  # segmentation tasks in flight


@contextmanager
def segmented(jobs: list[tuple]) -> Iterator[Iterator]:
    """`app.text.segment.segment(*job)` for each job, in order; by two worker processes when there are many."""
    from app.text.segment import segment

    if len(jobs) < SEGMENT_MIN_DOCS or procs.cores() < 2:
        yield (segment(*job) for job in jobs)
        return
    pool = ProcessPoolExecutor(2, mp_context=procs.context())
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
