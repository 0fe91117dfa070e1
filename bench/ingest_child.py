"""Run one ingest in this process and print its Summary as JSON on the last line of stdout.

    python -m bench.ingest_child --data-dir DIR PATH [PATH ...]

The harness runs this as a child process so that it can read the child's peak RSS
(os.wait4) and wall time, including interpreter start and imports, the way a user
running `policy-archive ingest` pays for them.  Stage timings come from the ingest's own
Progress object (``Summary.timings``), so they are the stages the app defines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

_T0 = time.perf_counter()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ingest_child")
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("paths", nargs="+", type=Path)
    args = ap.parse_args(argv)
    os.environ["POLICY_ARCHIVE_DATA"] = str(args.data_dir)

    imported = time.perf_counter()
    from app.config import Settings
    from app.ingest.pipeline import run
    from app.progress import Progress

    settings = Settings()
    progress = Progress(quiet=True)  # quiet still records progress.timings
    imports = time.perf_counter() - imported
    summary = run(settings, args.paths, progress=progress)
    out = {
        "version": summary.version,
        "switched": summary.switched,
        "documents": summary.documents,
        "sentences": summary.sentences,
        "added": len(summary.added),
        "changed": len(summary.changed),
        "unchanged": summary.unchanged,
        "retired": len(summary.retired),
        "run_seconds": summary.seconds,
        "import_seconds": imports,
        "process_seconds": time.perf_counter() - _T0,
        "timings": summary.timings,
        "self_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
