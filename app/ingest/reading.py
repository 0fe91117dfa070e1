"""Reading a source file's bytes so that what is read is one state of the file, never a file
caught half-rewritten: its stat is compared before and after, and a read that may have raced
a writer is repeated."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.ingest.known import RACY_NS
from app.ingest.records import SourceError

ATTEMPTS = 2  # a file that changes under two reads in a row is reported, not read a third time
# A file modified this recently may be in the middle of being written, between two of its
# writer's chunks: its stat is taken again this long after the modification before it is
# trusted. Longer than the coarse clock tick that stamps mtimes, so a write made meanwhile shows.
SETTLE_NS = 50_000_000


def _fingerprint(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def read_stable(path: Path | str, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """A file's bytes and its stat from before they were read, the same before and after.

    A write during the read changes the file's mtime, unless the mtime was already within the
    clock's coarse granularity of now; for such a recently written file the bytes are read a
    second time, once the file has been still for SETTLE_NS, and must be the same. A writer
    that pauses longer than that between its writes cannot be told from one that has finished.
    An oversized file is refused before it is read.
    """
    for _ in range(ATTEMPTS):
        before = os.stat(path)
        check_size(path, before.st_size, max_bytes)
        data = _read(path)
        after = os.stat(path)
        if _fingerprint(before) != _fingerprint(after) or len(data) != after.st_size:
            continue
        age = time.time_ns() - after.st_mtime_ns
        if age >= RACY_NS:
            return data, before
        if 0 <= age < SETTLE_NS:  # (an mtime in the future is not waited for)
            time.sleep((SETTLE_NS - age) / 1e9)
        again = _read(path)
        if again == data and _fingerprint(os.stat(path)) == _fingerprint(before):
            return data, before
    raise SourceError(path, "changed while it was being read, twice; left as it was "
                            "(run the ingest again once the file is written)")


def _read(path: Path | str) -> bytes:
    """One read of the whole file (the seam tests use to change a file while it is read)."""
    with open(path, "rb") as fh:
        return fh.read()


def check_size(path: Path | str, size: int, max_bytes: int) -> None:
    """Refuse a file over the size limit, whether or not it is read."""
    if size > max_bytes:
        raise SourceError(path, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
