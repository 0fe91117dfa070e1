"""Read source files and manifests into validated document records, collecting every problem.

This module runs the reading and the checks that span documents; the parts live beside it:
discover (which files), decoding (bytes to text), metadata (front matter and its rules),
manifests (manifest.toml entries), known (the record of unchanged files) and records (the results).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from pathlib import Path

# The modules below do the work; every name other code imports from here stays importable here.
from app.ingest.decoding import DEFAULT_MAX_BYTES, decode
from app.ingest.discover import MANIFEST_NAME, TEXT_SUFFIXES, discover, expand, expand_as_strings  # noqa: F401
from app.ingest.known import (
    RACY_NS, READ_RULES, gc_paused, known_document, load_known, remember, same_stat, save_known, stat_key,
)
from app.ingest.manifests import read_manifest
from app.ingest.metadata import (
    DATE_KEYS, KEYS, KINDS, MANIFEST_ONLY_KEYS, SLUG_RE, find_key_line, split_front_matter, translation_problem,
    validate_meta,
)
from app.ingest.reading import check_size, read_stable
from app.ingest.records import LINED_KEYS, Collected, SourceDocument, SourceError, add_document, as_source_error, shown
from app.ingest.sidecars import Formatted, extract, read_format_file, same_sidecar
from app.text.formats import FORMATS, media_type

__all__ = [
    "DATE_KEYS", "DEFAULT_MAX_BYTES", "KEYS", "KINDS", "MANIFEST_NAME", "MANIFEST_ONLY_KEYS", "RACY_NS",
    "READ_RULES", "SLUG_RE", "TEXT_SUFFIXES", "Collected", "SourceDocument", "SourceError", "collect",
    "decode", "expand", "load_known", "remember", "save_known", "split_front_matter", "validate_meta",
]


def collect(paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES,
            known: dict[str, dict] | None = None, follow_outside: bool = False,
            limits: dict[str, int] | None = None) -> Collected:
    """Read every source under `paths` into documents, validating each and all of them together.
    `check` and `ingest` both call this, so they refuse exactly the same sources.

    Every file read must resolve inside the folder it was found through (see discover), unless
    `follow_outside`.

    `known` maps a front-matter file's path to what `remember` recorded of it: while the file's
    size and mtime, or else its bytes' hash, are the same, that record stands in for reading,
    decoding and parsing it again (these take most of the time when one document is added to
    thousands).

    `max_bytes` is the size limit of text files, manifests and sidecars; `limits` maps the
    suffix of another format to its own (Settings.format_limits), max_bytes where it has none.
    """
    with gc_paused():
        return _collect(paths, max_bytes, known, follow_outside, limits or {})


def _collect(paths: Iterable[Path], max_bytes: int, known: dict[str, dict] | None,
             follow_outside: bool, limits: dict[str, int]) -> Collected:
    """`collect`, run with the garbage collector paused."""
    started_ns = time.time_ns()
    result = Collected()
    found = discover(paths, follow_outside)
    manifests, texts = found.manifests, found.texts
    for error in found.errors:
        result.fail(error)
    covered: set[str] = set()
    decoded: dict[Path, tuple[str, str, list[str], Formatted]] = {}

    def read(path: Path) -> tuple[str, str, list[str], Formatted]:
        """A file a manifest names: its text, hash, warnings and the rest (see sidecars)."""
        if path not in decoded:
            suffix = path.suffix.lower()
            data, _ = read_stable(path, limits.get(suffix, max_bytes))
            if suffix in FORMATS:
                text, warnings, got = extract(path, data)
            else:
                text, warnings = decode(path, data, max_bytes)
                got = Formatted(media_type(suffix), data)
            decoded[path] = (text, hashlib.sha256(data).hexdigest(), warnings, got)
        return decoded[path]

    for manifest in manifests:
        read_manifest(manifest, read, covered, result, max_bytes, found.roots.get(str(manifest)))
    sidecars = found.sidecars
    for path in texts:
        sidecar = sidecars.get(path) if sidecars else None
        if path in covered:
            if sidecar is not None:
                result.fail(SourceError(sidecar, f"{shown(os.path.basename(path))} also has a manifest entry; "
                                                 "give its metadata in one place"))
            continue
        entry = known.get(path) if known else None
        suffix = path[path.rfind("."):].lower()  # every path found ends in a source suffix (see discover)
        limit = limits.get(suffix, max_bytes) if limits else max_bytes
        try:
            st = os.stat(path)
            check_size(path, st.st_size, limit)
        except (SourceError, OSError) as exc:
            result.fail(as_source_error(path, exc))
            continue
        if suffix in FORMATS and not (entry is not None and same_stat(entry, st) and same_sidecar(entry, sidecar)):
            read_format_file(path, sidecar, entry, started_ns, limit, max_bytes, result)
        elif entry is not None and same_stat(entry, st):
            # Trusted as `git status` trusts a file: same size and mtime, so not even read. A
            # rewrite that keeps both (mtime set back with os.utime or by a copy) goes unnoticed.
            result.documents.append(known_document(path, entry, (st.st_size, st.st_mtime_ns)))
        else:
            _read_text(Path(path), entry, started_ns, max_bytes, result)
    _check_together(result)
    return result


def _read_text(path: Path, entry: dict | None, started_ns: int, max_bytes: int, result: Collected) -> None:
    """Read one front-matter file into a document, unless its bytes are the ones `entry` records."""
    try:
        data, st = read_stable(path, max_bytes)  # the stat from before reading: a later change shows next time
        file_stat = stat_key(st, started_ns)
        sha = hashlib.sha256(data).hexdigest()
        if entry is not None and entry["sha256"] == sha:
            result.documents.append(known_document(str(path), entry, file_stat))
            return
        text, warnings = decode(path, data, max_bytes)
        meta, body, first_line = split_front_matter(path, text)
    except (SourceError, OSError) as exc:
        result.fail(as_source_error(path, exc))
        return
    if meta is None:
        result.fail(SourceError(
            path, "no front matter and no manifest entry; missing keys: title, kind "
            "(add YAML between '---' lines or TOML between '+++' lines at the top)", 1,
        ))
        return
    fm_lines = text.split("\n")[1:first_line - 2]
    key_line = lambda k, fm_lines=fm_lines: find_key_line(fm_lines, k, 2)  # noqa: E731
    clean, problems = validate_meta(path, meta, key_line, path.stem.lower())
    doc = SourceDocument(clean, body, str(path), first_line, sha, warnings,
                         str(path), {k: key_line(k) for k in LINED_KEYS},
                         file_stat=file_stat, media_type=media_type(path.suffix), raw=data)
    add_document(result, doc, problems)


def _check_together(result: Collected) -> None:
    """Rules that span documents: unique slugs and aliases, commentary targets that exist."""
    refused: set[int] = set()

    def refuse(doc: SourceDocument, key: str, message: str) -> None:
        result.fail(SourceError(doc.meta_path or doc.path, message, doc.key_lines.get(key)))
        result.bad_slugs.add(doc.slug)
        refused.add(id(doc))

    by_slug: dict[str, list[SourceDocument]] = {}
    for doc in result.documents:
        by_slug.setdefault(doc.slug, []).append(doc)
    for slug, docs in by_slug.items():
        if len(docs) > 1:  # which one is meant cannot be known: all of them are refused
            places = [_place(d, "slug") for d in docs]
            for doc, place in zip(docs, places):
                others = ", ".join(p for p in places if p != place)
                refuse(doc, "slug", f"slug '{slug}' is used by more than one document (also {others})")
    claims: dict[str, list[SourceDocument]] = {}
    for doc in result.documents:
        for alias in doc.meta["aliases"]:
            claims.setdefault(alias, []).append(doc)
            if alias in by_slug:
                refuse(doc, "aliases", f"alias '{alias}' is the slug of another document")
    for alias, docs in claims.items():
        if len(docs) > 1:  # the old address would lead to either: refused for all of them
            places = [_place(d, "aliases") for d in docs]
            for doc, place in zip(docs, places):
                others = ", ".join(p for p in places if p != place)
                refuse(doc, "aliases", f"alias '{alias}' is claimed by more than one document (also {others})")
    metas = {slug: docs[0].meta for slug, docs in by_slug.items()}
    for doc in result.documents:
        target = doc.meta["comments_on"]
        if doc.meta["kind"] == "commentary" and target:
            if target not in by_slug:
                refuse(doc, "comments_on", f"comments_on names '{target}', which is not a valid document in the sources")
            elif by_slug[target][0].meta["kind"] != "official":
                refuse(doc, "comments_on", f"comments_on names '{target}', which is not an official document")
        problem = translation_problem(doc.meta, metas)
        if problem:
            refuse(doc, "translation_of", problem)
    _check_ranges(result, refuse)
    result.documents = [d for d in result.documents if id(d) not in refused]
    result.documents.sort(key=lambda d: d.slug)


def _check_ranges(result: Collected, refuse) -> None:
    """Manifest entries over one file must not share lines: a sentence belongs to one document."""
    by_file: dict[str, list[tuple[int, int, SourceDocument]]] = {}
    for doc in result.documents:
        if doc.meta_path != doc.path and doc.body is not None:
            by_file.setdefault(doc.path, []).append((doc.first_line, doc.first_line + doc.body.count("\n"), doc))
    for spans in by_file.values():
        for i, (first, last, doc) in enumerate(spans):
            for other_first, other_last, other in spans[:i] + spans[i + 1:]:  # a few entries per file
                if first <= other_last and other_first <= last:
                    refuse(doc, "lines", f"lines [{first}, {last}] of {shown(doc.path)} overlap those of "
                                         f"'{other.slug}' ({_place(other, 'lines')}); a line belongs to one document")


def _place(doc: SourceDocument, key: str) -> str:
    """`file:line` where a document's key is set (or just the file), escaped for a message."""
    line = doc.key_lines.get(key)
    where = shown(doc.meta_path or doc.path)
    return f"{where}:{line}" if line else where
