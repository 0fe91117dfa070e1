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
import os
from collections import Counter

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


# ---------------------------------------------------------------------------------------
# Read side (postings, columns, per-document readers used by search).
# ---------------------------------------------------------------------------------------
