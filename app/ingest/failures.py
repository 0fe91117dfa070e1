"""An ingest stopped by the disk or the database (full, read-only, gone): one line saying what
failed, and the space the failed attempt took given back at once."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from sqlalchemy import make_url, select
from sqlalchemy.exc import SQLAlchemyError

from app.config import Settings
from app.ingest.records import shown
from app.procs import ChildFailed
from app.store.models import ArchiveState

# What the disk or the database can throw mid-ingest, as opposed to a fault in the sources.
IO_ERRORS = (OSError, SQLAlchemyError, ChildFailed)
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}  # a full disk, a file size limit, a quota


def describe(exc: BaseException) -> str:
    """One line for the user: what could not be done, and why."""
    if isinstance(exc, SQLAlchemyError):
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        full = "full" in detail.lower()
        return f"database error: {detail}" + ("; free some disk space and run it again" if full else "")
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        where = f" on {shown(exc.filename)}" if exc.filename else ""
        hint = "; free some disk space and run it again" if exc.errno in _NO_ROOM else ""
        return f"I/O error{where}: {reason}{hint}"
    # the child sends its error as text, OSError's "[Errno N] ..." included
    hint = "; free some disk space and run it again" if any(f"[Errno {n}]" in str(exc) for n in _NO_ROOM) else ""
    return f"the index could not be written: {exc}{hint}"


def drop_uncommitted(settings: Settings, engine) -> None:
    """Delete the index versions newer than the one the database has committed.

    Readers only ever open the committed version, so these are the failed attempt's. The
    next ingest would remove them too, but on a full disk the space is wanted now.
    """
    url = settings.url
    if url.startswith("sqlite") and not Path(make_url(url).database or "").is_file():
        return  # never create a database here
    try:
        with engine.connect() as conn:
            committed = conn.scalar(select(ArchiveState.version).where(ArchiveState.id == 1)) or 0
    except SQLAlchemyError:
        return
    if not settings.index_root.is_dir():
        return
    for folder in settings.index_root.iterdir():
        name = folder.name
        if folder.is_dir() and name.startswith("v") and name[1:].isdigit() and int(name[1:]) > committed:
            shutil.rmtree(folder, ignore_errors=True)
