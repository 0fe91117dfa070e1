"""Files that cannot carry front matter (web pages, PDFs, Word files): their metadata, from a
sidecar next to the file (NAME.EXT.toml or NAME.EXT.yaml, the keys of front matter) or a
manifest entry, laid over what the file's own markup states; and their text, from the format's
reader (app.text.formats).

The sidecar is checked by the validator front matter and manifests go through
(metadata.validate_meta), so `check` and `ingest` refuse exactly what they refuse elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from app.ingest.known import known_document, stat_key
from app.ingest.metadata import KEYS, find_key_line, validate_meta
from app.ingest.reading import read_stable
from app.ingest.records import LINED_KEYS, Collected, SourceDocument, SourceError, add_document, as_source_error, shown
from app.ingest.safeparse import ParseError, load_toml, load_yaml
from app.text import formats


@dataclass
class Formatted:
    """What the reading of a file gives beyond its text: see SourceDocument."""

    media_type: str
    raw: bytes = field(repr=False)
    page_lines: list[int] | None = None
    meta: dict[str, str] = field(default_factory=dict)


def extract(path: Path | str, data: bytes) -> tuple[str, list[str], Formatted]:
    """The text of a file of one of the formats, its warnings and the rest; SourceError naming
    the file when the reader finds no text to take."""
    suffix = os.path.splitext(str(path))[1]
    try:
        got = formats.extract(suffix, data)
    except formats.FormatError as exc:
        raise SourceError(path, str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a library's own failure on a damaged file: named, never a traceback
        raise SourceError(path, f"cannot be read as a {suffix.lstrip('.').upper()} file "
                                f"({type(exc).__name__}); is it damaged?") from None
    warnings = [f"{shown(path)}: {w}" for w in got.warnings]
    return got.text, warnings, Formatted(got.media_type, data, got.page_lines, dict(got.meta))


def merge(given: dict, markup: dict, path: Path | str, warnings: list[str]) -> dict:
    """`given` (a sidecar or manifest entry) with the keys it leaves empty filled from what the
    file's markup states. `kind` is never taken from the markup; a markup value the validator
    would refuse is left out with a warning, since the user did not write it."""
    merged = dict(given)
    for key, value in markup.items():
        if key not in KEYS or key == "kind" or merged.get(key) not in (None, ""):
            continue
        trial = {"title": "t", "kind": "official", key: value}
        if validate_meta(path, trial)[1]:
            warnings.append(f"{shown(path)}: the file's own {key} {value!r} is not usable; set '{key}' yourself")
            continue
        merged[key] = value
    return merged


def read_sidecar(path: str, max_bytes: int, started_ns: int) -> tuple[dict, object, dict]:
    """A sidecar's keys, where each is set, and what `known` records of the sidecar."""
    data, st = read_stable(path, max_bytes)
    try:
        raw = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceError(path, "sidecar is not valid UTF-8", line) from None
    try:
        meta = (load_yaml(raw) if path.lower().endswith(".yaml") else load_toml(raw)) or {}
    except ParseError as exc:
        message = f"sidecar is {exc.message}" if exc.message.startswith("not valid") else f"sidecar: {exc.message}"
        raise SourceError(path, message, exc.line or 1) from None
    if not isinstance(meta, dict):
        raise SourceError(path, "sidecar must be a mapping of keys to values", 1)
    lines = raw.split("\n")
    record = {"path": path, "sha256": hashlib.sha256(data).hexdigest()}
    if (key := stat_key(st, started_ns)) is not None:
        record["size"], record["mtime_ns"] = key
    return meta, (lambda k: find_key_line(lines, k, 1)), record


def no_metadata(path: str) -> SourceError:
    """The error for a file of a format with neither sidecar nor manifest entry."""
    name = shown(os.path.basename(path))
    return SourceError(path, f"no metadata: a {os.path.splitext(path)[1].lstrip('.').upper()} file cannot carry "
                             f"front matter; write a sidecar {name}.toml (or {name}.yaml) next to it with at least "
                             "title and kind (kind = \"official\" or \"commentary\"), or a manifest.toml entry")


def same_sidecar(entry: dict, sidecar: str | None) -> bool:
    """True when the sidecar's size and mtime are the ones `known` recorded for the file."""
    kept = entry.get("sidecar") or {}
    if sidecar is None:
        return False
    try:
        st = os.stat(sidecar)
    except OSError:
        return False
    return kept.get("path") == sidecar and kept.get("size") == st.st_size and kept.get("mtime_ns") == st.st_mtime_ns


def read_format_file(path: str, sidecar: str | None, entry: dict | None, started_ns: int, limit: int,
                     text_limit: int, result: Collected) -> None:
    """Read one file of a format with its sidecar into a document, unless the bytes of both are
    the ones `entry` records."""
    if sidecar is None:
        result.fail(no_metadata(path))
        return
    try:
        meta, key_line, side = read_sidecar(sidecar, text_limit, started_ns)
        data, st = read_stable(path, limit)
        file_stat = stat_key(st, started_ns)
        sha = hashlib.sha256(data).hexdigest()
        if entry is not None and entry["sha256"] == sha and (entry.get("sidecar") or {}).get("sha256") == side["sha256"]:
            doc = known_document(path, entry, file_stat)
            doc.sidecar = side
            result.documents.append(doc)
            return
        text, warnings, got = extract(path, data)
    except (SourceError, OSError) as exc:
        result.fail(as_source_error(path, exc))
        return
    merged = merge(meta, got.meta, path, warnings)
    clean, problems = validate_meta(sidecar, merged, key_line, Path(path).stem.lower())
    doc = SourceDocument(clean, text, path, 1, sha, warnings, sidecar,
                         {k: key_line(k) for k in LINED_KEYS}, file_stat=file_stat,
                         media_type=got.media_type, page_lines=got.page_lines, raw=data, sidecar=side)
    add_document(result, doc, problems)
