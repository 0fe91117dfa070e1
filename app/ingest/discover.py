"""The source files under the given paths: manifests and text files, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from app.ingest.records import SourceError

MANIFEST_NAME = "manifest.toml"
TEXT_SUFFIXES = (".txt", ".md")


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[SourceError]]:
    """Split the given files and folders into manifests and text files, sorted for stability."""
    manifests, texts, errors = expand_as_strings(paths)
    return manifests, [Path(p) for p in texts], errors


def expand_as_strings(paths: Iterable[Path]) -> tuple[list[Path], list[str], list[SourceError]]:
    """`expand` with the text files as path strings: for a large archive, making Path objects
    costs more than the stat that tells `collect` a file is unchanged."""
    manifests: set[str] = set()
    texts: set[str] = set()
    errors: list[SourceError] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for p, name in _files(str(path.resolve())):
                if name == MANIFEST_NAME:
                    manifests.add(p)
                elif name.lower().endswith(TEXT_SUFFIXES):  # hidden names like ".txt" never get here
                    texts.add(p)
        elif path.is_file():
            (manifests if path.suffix.lower() == ".toml" else texts).add(str(path.resolve()))
        else:
            errors.append(SourceError(path, "no such file or folder"))
    return [Path(p) for p in _sorted(manifests)], _sorted(texts), errors


def _sorted(paths: set[str]) -> list[str]:
    """Absolute paths in the order Path objects sort in, part by part: the separator made the
    lowest character ("a/b" before "a-b"), which compares as the parts do without splitting."""
    return sorted(paths, key=lambda p: p.replace(os.sep, "\0"))


def _files(folder: str):
    """(resolved path, name) of the files below a resolved folder, hidden ones left out.

    os.scandir rather than Path.rglob and resolve() per file: for a large archive those took
    most of the time an ingest that adds one document spends reading sources. Only symbolic links need
    resolving; like rglob, linked folders are followed.
    """
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                yield from _files(os.path.realpath(entry.path) if entry.is_symlink() else entry.path)
            elif entry.is_file():
                if entry.is_symlink():  # named by its target, as Path.resolve() names it
                    target = os.path.realpath(entry.path)
                    yield target, os.path.basename(target)
                else:
                    yield entry.path, entry.name
