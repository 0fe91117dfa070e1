"""Manifests: documents whose metadata (and line range) another file, manifest.toml, declares."""

from __future__ import annotations

from pathlib import Path

from app.ingest.discover import inside
from app.ingest.metadata import find_key_line, validate_meta
from app.ingest.reading import read_stable
from app.ingest.records import LINED_KEYS, Collected, SourceDocument, SourceError, add_document, as_source_error, shown
from app.ingest.safeparse import ParseError, check_size, load_toml
from app.ingest.schema import ManifestEntry, quoted
from app.ingest.sidecars import merge
from app.text.formats import is_format


def read_manifest(manifest: Path, read, covered: set[str], result: Collected, max_bytes: int,
                  root: str | None = None) -> None:
    """Turn each [[document]] of a manifest into a SourceDocument. With a `root`, each entry's
    file must resolve inside it."""
    try:
        data, _ = read_stable(manifest, max_bytes)
        raw = data.decode("utf-8-sig").replace("\r\n", "\n")
        check_size(raw, max_bytes, "the manifest")
        table = load_toml(raw)
    except ParseError as exc:
        result.fail(SourceError(manifest, exc.message, exc.line))
        return
    except SourceError as exc:
        result.fail(exc)
        return
    except (OSError, UnicodeDecodeError) as exc:
        result.fail(SourceError(manifest, f"cannot read manifest: {exc}"))
        return
    lines = raw.split("\n")
    starts = [i + 1 for i, line in enumerate(lines) if line.strip() == "[[document]]"]
    entries = table.get("document", [])
    if not isinstance(entries, list):
        result.fail(SourceError(manifest, "expected [[document]] tables", find_key_line(lines, "document", 1)))
        return
    for n, entry in enumerate(entries):
        base = starts[n] if n < len(starts) else 1
        nxt = starts[n + 1] if n + 1 < len(starts) else len(lines) + 1
        block = lines[base - 1:nxt - 1]
        key_line = lambda k, block=block, base=base: find_key_line(block, k, base) or base  # noqa: E731
        if not isinstance(entry, dict):
            result.fail(SourceError(manifest, f"document #{n + 1} must be a [[document]] table, "
                                              f"not {quoted(entry)}", find_key_line(lines, "document", 1)))
            continue
        _read_entry(manifest, dict(entry), key_line, read, covered, result, root)


def _read_entry(manifest: Path, entry: dict, key_line, read, covered: set[str], result: Collected,
                root: str | None) -> None:
    """One [[document]]: its metadata checked, its file found inside the root, read and sliced."""
    entry.setdefault("file", None)  # so a missing 'file' is reported with the others, at the entry
    file_value = entry["file"]
    path = (manifest.parent / file_value).resolve() if isinstance(file_value, str) and file_value.strip() else None
    merged, unread = _with_markup(entry, path, read, root)
    clean, problems = validate_meta(manifest, merged, key_line, path.stem.lower() if path else None, ManifestEntry)
    if unread is not None:  # the file named cannot be read: its own error, and the entry's
        result.fail(unread)
        _fail_all(result, problems)
        return
    if clean["slug"]:
        result.bad_slugs.add(clean["slug"])  # until the entry proves good, below
    if path is None:
        _fail_all(result, problems)
        return
    if root is not None and not inside(str(path), root):
        problems.append(SourceError(manifest, f"'file' {shown(repr(file_value))} resolves to {shown(path)}, "
                                              f"outside {shown(root)}; not read (allow it with --follow-outside)",
                                    key_line("file")))
        _fail_all(result, problems)
        return
    if not path.is_file():
        problems.append(SourceError(manifest, f"'file' names a missing file: {shown(file_value)}", key_line("file")))
        _fail_all(result, problems)
        return
    covered.add(str(path))
    try:
        text, sha, warnings, got = read(path)
    except (SourceError, OSError) as exc:
        result.fail(as_source_error(path, exc))
        _fail_all(result, problems)
        return
    body, first_line = "", 1
    if not problems:
        body, first_line, error = _slice(text, entry.get("lines"), manifest, key_line("lines"))
        if error:
            problems.append(error)
    doc = SourceDocument(clean, body, str(path), first_line, sha, warnings,
                         str(manifest), {k: key_line(k) for k in (*LINED_KEYS, "lines")},
                         media_type=got.media_type, page_lines=got.page_lines, raw=got.raw)
    if add_document(result, doc, problems) and clean["slug"]:
        result.bad_slugs.discard(clean["slug"])


def _with_markup(entry: dict, path: Path | None, read, root: str | None) -> tuple[dict, SourceError | None]:
    """The entry with the keys it leaves empty filled from what a web page, PDF or Word file
    states in its markup (see sidecars.merge); and the error of reading it, if any."""
    if path is None or not is_format(path.suffix) or not path.is_file() or (root is not None and not inside(str(path), root)):
        return entry, None  # a text file has no markup, and the other cases are reported below
    try:
        _, _, warnings, got = read(path)
    except (SourceError, OSError) as exc:
        return entry, as_source_error(path, exc)
    return merge(entry, got.meta, path, warnings), None


def _fail_all(result: Collected, problems: list[SourceError]) -> None:
    for p in problems:
        result.fail(p)


def _slice(text: str, lines, manifest: Path, line_no: int | None) -> tuple[str, int, SourceError | None]:
    """Cut the [first, last] line range (1-based, inclusive) a manifest entry points at; its
    type was checked with the entry (see schema.ManifestEntry)."""
    all_lines = text.split("\n")
    if all_lines and all_lines[-1] == "":
        all_lines.pop()
    if lines is None:
        return "\n".join(all_lines), 1, None
    first, last = lines
    if not 1 <= first <= last <= len(all_lines):
        return "", 0, SourceError(
            manifest, f"'lines' [{first}, {last}] is outside the file, which has {len(all_lines)} lines", line_no
        )
    return "\n".join(all_lines[first - 1:last]), first, None
