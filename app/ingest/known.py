"""The record of files already read, so an unchanged file is neither read nor parsed again."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from app.ingest.records import SourceDocument

# Bump when reading or validation rules change, a format reader's (app/text/formats) included:
# records of files read by older rules are dropped, so an unchanged PDF is extracted again.
READ_RULES = "2"
# A file whose mtime is this close to the moment it was read could be rewritten within the same
# clock tick, keeping its size and mtime; its stat is not recorded, so it is hashed next time
# (git's "racily clean" entries). Two seconds also covers filesystems with coarse timestamps.
RACY_NS = 2_000_000_000


def stat_key(st: os.stat_result, started_ns: int) -> tuple[int, int] | None:
    """What `remember` records of a file's stat; None for a file modified too recently (RACY_NS)."""
    if started_ns - st.st_mtime_ns < RACY_NS:
        return None
    return st.st_size, st.st_mtime_ns


def same_stat(entry: dict, st: os.stat_result) -> bool:
    """True when a file's size and mtime are what `remember` recorded (an older record has neither)."""
    return entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns


@contextmanager
def gc_paused():
    """No cyclic garbage collection inside. Reading a large archive's records allocates a great
    many objects, none in cycles; the full collections they set off cost more than all the other
    work done for an unchanged file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def remember(documents: Iterable[SourceDocument]) -> dict[str, dict]:
    """What a later `collect` may reuse: each front-matter file's hash and what was read from it,
    and each file with a sidecar, with the sidecar's hash (a changed sidecar means reading again).

    Files declared in a manifest are left out: their metadata live in another file. Size and
    mtime are recorded only where `collect` found them safe to trust next time.
    """
    return {d.path: _record(d) for d in documents if d.meta_path == d.path or d.sidecar is not None}


def _record(doc: SourceDocument) -> dict:
    """One file's entry in `remember`'s record."""
    entry = {"sha256": doc.file_sha256, "meta": doc.meta, "first_line": doc.first_line,
             "fingerprint": doc.fingerprint, "warnings": doc.warnings, "key_lines": doc.key_lines}
    if doc.file_stat is not None:
        entry["size"], entry["mtime_ns"] = doc.file_stat
    if doc.sidecar is not None:
        entry["sidecar"] = doc.sidecar
    return entry


def save_known(path: Path, documents: Iterable[SourceDocument], tag: str) -> None:
    """Write `remember`'s record atomically; it is only a shortcut, so failing to write is harmless."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        record = {"tag": f"{READ_RULES}:{tag}", "files": remember(documents)}
        # Compact, unsorted, unindented: it covers every file and is rewritten on every ingest.
        tmp.write_text(json.dumps(record, separators=(",", ":"), check_circular=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def load_known(path: Path, tag: str) -> dict[str, dict]:
    """The record `save_known` wrote with the same rules and `tag`, else nothing."""
    try:
        with gc_paused():
            data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("tag") != f"{READ_RULES}:{tag}":
        return {}
    return data.get("files") or {}


def known_document(path: str, entry: dict, file_stat: tuple[int, int] | None) -> SourceDocument:
    """An unchanged front-matter file (or file with a sidecar) as `remember` recorded it; its body
    is not read."""
    doc = SourceDocument(dict(entry["meta"]), None, path, entry["first_line"], entry["sha256"],
                         list(entry["warnings"]), path, dict(entry["key_lines"]), entry["fingerprint"], file_stat)
    if "sidecar" in entry:
        doc.sidecar = entry["sidecar"]
        doc.meta_path = doc.sidecar["path"]
    return doc
