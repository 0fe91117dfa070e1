"""Processes the ingest starts beside itself: how many cores it may use, and how they start.

Shared by the segmentation workers (app.ingest.parallel) and the index child
(app.index.child), so that neither imports the other.
"""

from __future__ import annotations

import multiprocessing
import os


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def context():
    """Processes forked from a small fresh server process, never from the ingest itself.

    A fork of the ingest would copy its whole heap of ORM objects and inherit
    the ingest lock; the fork server holds neither.
    """
    return multiprocessing.get_context("forkserver")
