"""Part of a large index build, written as a segment of its own by a child process.

Whoosh's analysis and posting writing are pure Python, so a second process indexing the first
documents keeps a second core busy while the ingest goes on enriching the others. The child's
segment is committed by the parent, placed before its own, through the shortcuts in
whoosh_fast: with the shortcuts off there is no child, and the parent indexes every document.
"""

from __future__ import annotations

import os
import signal
from multiprocessing.connection import wait
from pathlib import Path

from app import procs
from app.index import whoosh_fast

INDEX_MIN_PASSAGES = 5_000  # below this, starting the child costs more than it saves
_BATCH = 500  # index records per queue message


def worthwhile(expected: int) -> bool:
    """Whether a build of `expected` records should give part of them to a child process."""
    return whoosh_fast.enabled() and expected >= INDEX_MIN_PASSAGES and procs.cores() > 1


class SegmentChild:
    """A child process adding documents to a new segment of an index folder.

    The parent holds the index's write lock; the child writes without it (as Whoosh's own
    multiprocess writer does) and hands back its segment for the parent to commit. The
    queue's feeder thread sends batches, so the parent never waits for the child to keep up.
    """

    def __init__(self, folder: Path, limitmb: int):
        ctx = procs.context()
        self._inbox = ctx.Queue()
        self._result, child_end = ctx.Pipe(duplex=False)
        switch = os.environ.get(whoosh_fast.ENV)
        self._proc = ctx.Process(target=_write_segment, args=(str(folder), limitmb, switch, self._inbox, child_end),
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
            raise procs.ChildFailed(f"index worker failed (exit code {self._proc.exitcode}); see its error above")
        kind, value = self._result.recv()
        self._proc.join()
        if kind == "error":
            raise procs.ChildFailed(f"index worker failed: {value}")
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
    number a single writer would have given it. This process's segment is written while the
    child writes its own.
    """
    child.close()
    whoosh_fast.commit_after(writer, child.segment)


def _write_segment(folder: str, limitmb: int, switch: str | None, inbox, result) -> None:
    """Child process: add the queued batches to a new segment, then send the segment back."""
    from whoosh import index as whoosh_index

    from app.index.schema import completed

    # Ctrl-C reaches the whole process group: the parent decides, and stops its children.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The fork server keeps the environment it started with: switch the shortcuts as the parent does.
    if switch is None:
        os.environ.pop(whoosh_fast.ENV, None)
    else:
        os.environ[whoosh_fast.ENV] = switch
    whoosh_fast.reset()
    writer = whoosh_fast.segment_writer(whoosh_index.open_dir(folder), limitmb=limitmb, lock=False)
    try:
        for batch in iter(inbox.get, None):
            for fields in batch:
                writer.add_document(**completed(fields))
        # Not writer.commit(): that writes a table of contents; the parent writes the one.
        result.send(("segment", whoosh_fast.finish_segment(writer)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the ingest
        result.send(("error", f"{type(exc).__name__}: {exc}"))
