"""The source files under the given paths: manifests, text files, files of the other formats
(web pages, PDFs, Word files) and their sidecars, in a stable order, each inside the folder it
was found through (symbolic links included) unless told otherwise."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.ingest.records import SourceError, shown
from app.text.formats import FORMATS

MANIFEST_NAME = "manifest.toml"
TEXT_SUFFIXES = (".txt", ".md")
SOURCE_SUFFIXES = TEXT_SUFFIXES + tuple(FORMATS)
# A file that cannot carry front matter takes its metadata from NAME.EXT.toml or NAME.EXT.yaml.
SIDECAR_SUFFIXES = (".toml", ".yaml")
_TEXT_SIDECARS = tuple(t + s for t in TEXT_SUFFIXES for s in SIDECAR_SUFFIXES)


@dataclass
class Found:
    """What `discover` found. `roots` maps each manifest to the folder its files must stay in
    (absent when sources may reach outside their folders)."""

    manifests: list[Path] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    roots: dict[str, str] = field(default_factory=dict)
    sidecars: dict[str, str] = field(default_factory=dict)  # file -> its sidecar


def sidecar_of(name: str) -> str | None:
    """The file name a sidecar's name gives metadata for ("a.pdf.toml" -> "a.pdf"), else None."""
    lower = name.lower()
    if not lower.endswith(SIDECAR_SUFFIXES):
        return None
    target = name[:name.rfind(".")]
    return target if os.path.splitext(target)[1].lower() in FORMATS else None


def inside(path: str, root: str) -> bool:
    """True when the resolved `path` is `root` or below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[SourceError]]:
    """Split the given files and folders into manifests and text files, sorted for stability."""
    found = discover(paths)
    return found.manifests, [Path(p) for p in found.texts], found.errors


def expand_as_strings(paths: Iterable[Path]) -> tuple[list[Path], list[str], list[SourceError]]:
    """`expand` with the text files as path strings (see `discover`)."""
    found = discover(paths)
    return found.manifests, found.texts, found.errors


def discover(paths: Iterable[Path], follow_outside: bool = False) -> Found:
    """Manifests and text files under `paths`, the text files as path strings: for a large
    archive, making Path objects costs more than the stat that tells `collect` a file is unchanged.

    A folder given is the root of what is found in it; a file given has its own folder as root.
    A symbolic link that resolves outside its root is an error naming the link, unless
    `follow_outside`; a link to a folder that holds the link is a loop, always an error.
    """
    manifests: dict[str, str] = {}
    texts: set[str] = set()
    sidecars: dict[str, list[str]] = {}
    found = Found()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            root = os.path.realpath(path)
            for p, name in _files(root, root, follow_outside, found.errors):
                if name == MANIFEST_NAME:
                    manifests.setdefault(p, root)
                elif name.lower().endswith(SOURCE_SUFFIXES):  # hidden names like ".txt" never get here
                    texts.add(p)
                elif (target := sidecar_of(name)) is not None:
                    sidecars.setdefault(os.path.join(os.path.dirname(p), target), []).append(p)
                elif name.lower().endswith(_TEXT_SIDECARS):
                    found.errors.append(SourceError(p, "a sidecar for a text file, which takes its metadata "
                                                       "from front matter or a manifest entry; move the keys there"))
        elif path.is_file():
            root = os.path.realpath(os.path.dirname(os.path.abspath(path)))
            target = os.path.realpath(path)
            if not follow_outside and not inside(target, root):
                found.errors.append(_outside(str(path), target, root))
            elif (of := sidecar_of(path.name)) is not None:  # the sidecar given stands for its file
                sidecars.setdefault(os.path.join(os.path.dirname(target), of), []).append(target)
                if os.path.isfile(os.path.join(os.path.dirname(target), of)):
                    texts.add(os.path.join(os.path.dirname(target), of))
            elif path.suffix.lower() == ".toml":
                manifests.setdefault(target, root)
            else:
                texts.add(target)
                for suffix in SIDECAR_SUFFIXES if path.suffix.lower() in FORMATS else ():
                    if os.path.isfile(target + suffix):
                        sidecars.setdefault(target, []).append(target + suffix)
        else:
            found.errors.append(SourceError(path, "no such file or folder"))
    for p in [*manifests, *texts]:
        if not _utf8(p):  # the store and every message need the name as text: refused alike by check and ingest
            found.errors.append(SourceError(p, "file name is not valid UTF-8; rename the file"))
            manifests.pop(p, None)
            texts.discard(p)
    found.sidecars = _pair(sidecars, texts, found.errors)
    found.manifests = [Path(p) for p in _sorted(set(manifests))]
    found.texts = _sorted(texts)
    found.roots = {} if follow_outside else {str(Path(p)): root for p, root in manifests.items()}
    return found


def _pair(sidecars: dict[str, list[str]], texts: set[str], errors: list[SourceError]) -> dict[str, str]:
    """Each file's one sidecar; a sidecar whose file is not there, or a second one, is an error."""
    paired = {}
    for target, found in sidecars.items():
        found = sorted(set(found))
        if target not in texts:
            for sidecar in found:
                errors.append(SourceError(sidecar, f"sidecar for {shown(os.path.basename(target))}, "
                                                   "which is not in the sources (rename or remove the sidecar)"))
        elif len(found) > 1:  # reported at the file, so --skip-bad keeps its archived version
            names = ", ".join(shown(os.path.basename(s)) for s in found)
            errors.append(SourceError(target, f"more than one sidecar ({names}); keep one"))
            texts.discard(target)
        else:
            paired[target] = found[0]
    return paired


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def _outside(link: str, target: str, root: str) -> SourceError:
    return SourceError(link, f"symbolic link to {shown(target)}, outside {shown(root)}; not read "
                             "(move the file into the folder, or allow it with --follow-outside)")


def _sorted(paths: set[str]) -> list[str]:
    """Absolute paths in the order Path objects sort in, part by part: the separator made the
    lowest character ("a/b" before "a-b"), which compares as the parts do without splitting."""
    return sorted(paths, key=lambda p: p.replace(os.sep, "\0"))


def _files(top: str, root: str, follow_outside: bool, errors: list[SourceError]):
    """(resolved path, name) of the files below a resolved folder, hidden ones left out.

    os.scandir rather than Path.rglob and resolve() per file: for a large archive those took
    most of the time an ingest that adds one document spends reading sources. Only symbolic
    links need resolving; linked folders are followed, each real folder once. A stack rather
    than recursion, so no depth of folders can exhaust Python's.
    """
    todo, walked = [top], {top}
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError as exc:
            errors.append(SourceError(folder, f"cannot read folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir, is_file, link = entry.is_dir(), entry.is_file(), entry.is_symlink()
            except OSError:  # e.g. a link in a loop of links: neither a file nor a folder
                continue
            target = os.path.realpath(entry.path) if link else entry.path
            if link and (is_dir or is_file) and not follow_outside and not inside(target, root):
                errors.append(_outside(entry.path, target, root))
            elif is_dir:
                if link and inside(folder, target):
                    errors.append(SourceError(entry.path, f"symbolic link loop: points to {shown(target)}, "
                                                          "a folder that holds it; not followed"))
                elif target not in walked:
                    walked.add(target)
                    todo.append(target)
            elif is_file:  # a linked file is named by its target, as Path.resolve() names it
                yield target, os.path.basename(target) if link else entry.name
