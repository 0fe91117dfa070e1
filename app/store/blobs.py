"""Source files as received, kept in the data folder under their SHA-256.

The bytes are never altered: a reader downloads exactly the file the archive was built from and
can check any sentence against it. The name is the content's hash, so a file already kept is not
written again, two documents with the same bytes share one copy, and the folder can be copied to
another web worker alongside the index versions.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def blob_root(data_dir: Path) -> Path:
    return Path(data_dir) / "sources"


def blob_path(data_dir: Path, sha256: str) -> Path:
    """Where the file with this hash is kept (two levels, so no folder holds thousands of files)."""
    if not SHA256_RE.match(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return blob_root(data_dir) / sha256[:2] / sha256


def keep(data_dir: Path, data: bytes, sha256: str | None = None) -> str:
    """Keep `data` under its hash (checked when given) and return the hash.

    Written to a temporary file, flushed to disk and renamed into place, so a crash leaves either
    the whole file or none: a half-written copy is never served as the original.
    """
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and sha256 != digest:
        raise ValueError(f"the bytes' hash is {digest}, not {sha256}")
    target = blob_path(data_dir, digest)
    if target.exists() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def kept(data_dir: Path, sha256: str) -> Path | None:
    """The kept file for this hash, or None when it is not (yet) in the data folder."""
    try:
        path = blob_path(data_dir, sha256)
    except ValueError:
        return None
    return path if path.is_file() else None
