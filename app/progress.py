"""Progress for long jobs: a bar on a terminal, plain occasional lines otherwise (CI logs)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from tqdm import tqdm


class Progress:
    """Reports stages of a job to a stream; silent when `quiet`."""

    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.timings: dict[str, float] = {}

    def say(self, message: str) -> None:
        """One line of news."""
        if not self.quiet:
            print(message, file=self.stream, flush=True)

    @contextmanager
    def stage(self, name: str, total: int | None = None):
        """Time a stage; yields a callable that advances its count."""
        start = time.perf_counter()
        if self.quiet:
            yield lambda n=1: None
        elif self.tty:
            with tqdm(total=total, desc=name, unit="", file=self.stream, leave=True) as bar:
                yield bar.update
        else:
            yield _PlainCounter(self, name, total)
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
        if not self.tty:
            self.say(f"{name}: done in {time.perf_counter() - start:.2f}s")


class _PlainCounter:
    """Prints a line at every tenth of the total, so logs show movement without flooding."""

    def __init__(self, progress: Progress, name: str, total: int | None):
        self.progress, self.name, self.total, self.count, self.next_mark = progress, name, total, 0, 0.1

    def __call__(self, n: int = 1) -> None:
        self.count += n
        if self.total and self.total >= 50 and self.count / self.total >= self.next_mark:
            self.progress.say(f"{self.name}: {self.count:,}/{self.total:,}")
            self.next_mark += 0.1
