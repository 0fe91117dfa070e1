"""Processes the ingest starts beside itself: how many cores it may use, and how they start.

Shared by the segmentation workers (app.ingest.parallel) and the index child
(app.index.child), so that neither imports the other.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.context
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this process when its parent dies, however the parent dies.

    Without it a SIGKILLed ingest left its workers waiting on their queues for good, holding
    the ingest's stdout and stderr open (a supervisor reading them never saw the end). The
    parent may already be gone by the time this runs: then the signal would never come, so
    the process leaves at once. (Linux ties the signal to the thread that started the child,
    so children must be started from the ingest's main thread, as they are.)
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(1)


class _ChildProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that dies with the process that started it."""

    def run(self) -> None:
        die_with_parent(self._parent_pid)
        super().run()


class _Context(multiprocessing.context.SpawnContext):
    Process = _ChildProcess


_CONTEXT = _Context()


def context():
    """Fresh interpreters started by the ingest itself, each dying with it.

    Not fork: a fork of the ingest would copy its whole heap of ORM objects and inherit the
    ingest lock. Not the fork server either: its server and the processes it forked are not
    the ingest's children, so nothing took them down with a killed ingest. Spawned children
    are, and the resource tracker leaves once the last of them has closed its pipe.
    """
    return _CONTEXT


class ChildFailed(RuntimeError):
    """A child process of the ingest failed (its message says how); the ingest fails with it."""
