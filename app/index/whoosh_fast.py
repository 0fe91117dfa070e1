"""Every use of Whoosh's private internals, behind one version guard.

The archive's speed rests on a few shortcuts through Whoosh's private attributes (decoding
posting blocks and columns directly, spilling postings through a custom pool, committing a
segment written by another process). Private attributes change without notice, and a wrong
guess can return wrong results rather than slower ones. So:

- the shortcuts live here and nowhere else (a test reads every other module's source and
  fails on an underscore attribute of a Whoosh object);
- they run only when the installed whoosh3 is exactly the version they were written for
  (WRITTEN_FOR) and POLICY_ARCHIVE_WHOOSH_FAST is not "0"; otherwise callers take the
  public-API path, slower and correct, and one warning says why;
- each shortcut is wrapped in `@fast`, which counts its calls and refuses to run when the
  shortcuts are off, so a test run with POLICY_ARCHIVE_WHOOSH_FAST=0 proves the public
  path alone answers every request.

Callers ask `enabled()` and then call either a shortcut from here or the public API.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import marshal
import os
from collections import Counter
from heapq import merge

from whoosh.writing import PostingPool, SegmentWriter

log = logging.getLogger("policy_archive")

WRITTEN_FOR = "3.54.0"  # the whoosh3 release these shortcuts were written against and tested with
ENV = "POLICY_ARCHIVE_WHOOSH_FAST"

# Calls of each shortcut in this process (tests read it; a child process keeps its own).
CALLS: Counter[str] = Counter()


def installed_version() -> str | None:
    try:
        return importlib.metadata.version("whoosh3")
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def _decide() -> bool:
    """Whether the shortcuts may run, decided once per process (warning once if not)."""
    if os.environ.get(ENV, "1").strip() == "0":
        return False
    version = installed_version()
    if version != WRITTEN_FOR:
        log.warning(
            "whoosh3 %s is installed, the index shortcuts were written for %s: using Whoosh's "
            "public API (correct, slower). Install whoosh3==%s for full speed.",
            version, WRITTEN_FOR, WRITTEN_FOR,
        )
        return False
    return True


def enabled() -> bool:
    """True when the shortcuts below may be used in this process."""
    return _decide()


def reset() -> None:
    """Decide again (tests change the environment variable), and forget the call counts."""
    _decide.cache_clear()
    CALLS.clear()


def fast(fn):
    """Mark a shortcut: counted when called, and an error if the shortcuts are off."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not enabled():
            raise RuntimeError(f"whoosh_fast.{fn.__name__} called while the Whoosh shortcuts are off")
        CALLS[fn.__name__] += 1
        return fn(*args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------------
# Write side (index building, the index child process).
# ---------------------------------------------------------------------------------------

# Postings per marshal record in a run file written by _RunPool.
_RUN_CHUNK = 4096


class _RunPool(PostingPool):
    """Whoosh's posting pool, with its runs on disk written and read back in large chunks.

    Once a segment's postings outgrow the writer's limitmb, Whoosh pickles every posting to a
    run file one call at a time, then unpickles them all for the final merge, the postings
    still in memory included: much of the time of a large segment. Here a run is a few
    marshal records of _RUN_CHUNK postings, and the postings still in memory are merged from
    memory. The postings come out in the same order (each is unique), so the segment is the same.
    """

    def _write_run(self, f, items) -> None:
        chunk: list = []
        for item in items:
            chunk.append(item)
            if len(chunk) == _RUN_CHUNK:
                f.write(marshal.dumps(chunk))
                chunk = []
        if chunk:
            f.write(marshal.dumps(chunk))
        f.close()

    def _read_run(self, path: str):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)

    def items(self, maxfiles: int = 128):
        if not self.runs:
            return sorted(self.current)
        if len(self.runs) >= maxfiles:  # keep open files bounded, as Whoosh does
            self.reduce_to(maxfiles - 1, maxfiles - 1)
        current, self.current = sorted(self.current), []
        runs, self.runs = self.runs, []
        return merge(current, *[self._read_run(path) for path in runs])


class _LengthsOnce:
    """A new segment's per-document reader whose field lengths are read once per field.

    Writing a segment's postings, Whoosh asks each posting's document for its field length, a
    seek and a read in the lengths column each time, a large share of writing them. Here each
    field's lengths are read in one pass, then looked up in a list.
    """

    def __init__(self, reader):
        self._reader = reader

    def __getattr__(self, name: str):
        return getattr(self._reader, name)

    def doc_field_length_reader(self, fieldname: str, default=0):
        get = self._reader.doc_field_length_reader(fieldname, default)
        return [get(d) for d in range(self._reader.doc_count_all())].__getitem__


class _SegmentWriter(SegmentWriter):
    def per_document_reader(self):
        return _LengthsOnce(super().per_document_reader())


@fast
def segment_writer(ix, *, limitmb: int, lock: bool = True) -> SegmentWriter:
    """A writer of one new uncompounded segment (as `ix.writer(compound=False)`), spilling
    postings through _RunPool and reading field lengths through _LengthsOnce.

    lock=False: the writer of a child process, whose parent holds the index's write lock.
    """
    writer = _SegmentWriter(ix, _lk=lock, limitmb=limitmb, compound=False)
    writer.pool = _RunPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


@fast
def finish_segment(writer):
    """Write the segment of a writer without a table of contents (`writer.commit()` writes one;
    a child's segment is committed by its parent), and return it (a picklable whoosh Segment)."""
    return writer._finalize_segment()


@fast
def commit_after(writer, first_segment) -> None:
    """Commit `writer` with the segment `first_segment()` returns placed before its own.

    The steps of SegmentWriter.commit() (the default merge policy, the TOC, the cleanup),
    with one more segment put in. `first_segment` is called once this writer's own segment is
    written, so another process can write its segment meanwhile.
    """
    try:
        segments = writer._merge_segments(None, None, None)
        own = writer._finalize_segment() if writer._added else writer._close_segment()
        segments.append(first_segment())
        if own is not None:
            segments.append(own)
        writer._commit_toc(segments)
    except Exception:
        writer._cleanup_on_error()
        raise
    writer._finish()


# ---------------------------------------------------------------------------------------
# Read side (postings, columns, per-document readers used by search).
# ---------------------------------------------------------------------------------------
