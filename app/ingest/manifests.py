"""Manifests: documents whose metadata (and line range) another file, manifest.toml, declares."""

from __future__ import annotations

import tomllib
from pathlib import Path

from app.ingest.metadata import find_key_line, toml_line, toml_message, validate_meta
from app.ingest.records import Collected, SourceDocument, SourceError, add_document


def read_manifest(manifest: Path, read, covered: set[str], result: Collected) -> None:
    """Turn each [[document]] of a manifest into a SourceDocument."""
    try:
        raw = manifest.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        result.fail(SourceError(manifest, f"not valid TOML: {toml_message(exc)}", toml_line(exc)))
        return
    except (OSError, UnicodeDecodeError) as exc:
        result.fail(SourceError(manifest, f"cannot read manifest: {exc}"))
        return
    lines = raw.split("\n")
    starts = [i + 1 for i, line in enumerate(lines) if line.strip() == "[[document]]"]
    entries = data.get("document", [])
    if not isinstance(entries, list):
        result.fail(SourceError(manifest, "expected [[document]] tables"))
        return
    for n, entry in enumerate(entries):
        base = starts[n] if n < len(starts) else 1
        nxt = starts[n + 1] if n + 1 < len(starts) else len(lines) + 1
        block = lines[base - 1:nxt - 1]
        key_line = lambda k, block=block, base=base: find_key_line(block, k, base)  # noqa: E731
        file_value = entry.get("file")
        if not isinstance(file_value, str) or not file_value:
            result.fail(SourceError(manifest, "document entry has no 'file'", base))
            continue
        path = (manifest.parent / file_value).resolve()
        slug = entry.get("slug") or path.stem.lower()
        if isinstance(slug, str):
            result.bad_slugs.add(slug)  # until the entry proves good, below
        if not path.is_file():
            result.fail(SourceError(manifest, f"'file' names a missing file: {file_value}", key_line("file")))
            continue
        covered.add(str(path))
        try:
            text, sha, warnings = read(path)
        except (SourceError, OSError) as exc:
            result.fail(exc if isinstance(exc, SourceError) else SourceError(path, str(exc)))
            continue
        body, first_line, error = _slice(text, entry.get("lines"), manifest, key_line("lines"))
        if error:
            result.fail(error)
            continue
        clean, problems = validate_meta(manifest, entry, key_line, path.stem.lower())
        doc = SourceDocument(clean, body, str(path), first_line, sha, warnings,
                             str(manifest), {k: key_line(k) for k in ("slug", "comments_on", "aliases")})
        if add_document(result, doc, problems) and isinstance(slug, str):
            result.bad_slugs.discard(slug)


def _slice(text: str, lines, manifest: Path, line_no: int | None) -> tuple[str, int, SourceError | None]:
    """Cut the [first, last] line range (1-based, inclusive) a manifest entry points at."""
    all_lines = text.split("\n")
    if all_lines and all_lines[-1] == "":
        all_lines.pop()
    if lines is None:
        return "\n".join(all_lines), 1, None
    if (not isinstance(lines, list) or len(lines) != 2 or not all(isinstance(x, int) for x in lines)):
        return "", 0, SourceError(manifest, "'lines' must be [first, last] line numbers", line_no)
    first, last = lines
    if not 1 <= first <= last <= len(all_lines):
        return "", 0, SourceError(
            manifest, f"'lines' [{first}, {last}] is outside the file, which has {len(all_lines)} lines", line_no
        )
    return "\n".join(all_lines[first - 1:last]), first, None
