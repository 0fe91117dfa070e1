"""Document metadata: front matter split from the text, then every key and value checked."""

from __future__ import annotations

import re
from pathlib import Path

from app.ingest.records import SourceError
from app.ingest.safeparse import ParseError, check_size, load_toml, load_yaml
from app.ingest.schema import (  # noqa: F401  (the names other modules import from here)
    DATE_KEYS, KEYS, KINDS, MANIFEST_ONLY_KEYS, SLUG_RE, DocumentMeta, parse_date, validate,
)

MAX_FRONT_MATTER_CHARS = 64 * 1024  # metadata only: a longer block is a mistake, not a document


def split_front_matter(path: Path, text: str) -> tuple[dict | None, str, int]:
    """Return (metadata or None, body, line number where the body starts)."""
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++"):
        return None, text, 1
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == fence)
    except StopIteration:
        raise SourceError(path, f"front matter opened with '{fence}' is never closed", 1) from None
    raw = "\n".join(lines[1:end])
    try:
        check_size(raw, MAX_FRONT_MATTER_CHARS, "front matter")
        meta = (load_yaml(raw) if fence == "---" else load_toml(raw)) or {}
    except ParseError as exc:
        message = exc.message if exc.message.startswith("front matter") else (
            f"front matter is {exc.message}" if exc.message.startswith("not valid") else f"front matter: {exc.message}")
        raise SourceError(path, message, exc.line + 1 if exc.line else 2) from None
    if not isinstance(meta, dict):
        raise SourceError(path, "front matter must be a mapping of keys to values", 2)
    return meta, "\n".join(lines[end + 1:]), end + 2


def find_key_line(text_lines: list[str], key: str, base: int) -> int | None:
    """Where `key` is set in a block of front matter or a manifest entry (best effort)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*[:=]")
    for i, line in enumerate(text_lines):
        if pattern.match(line):
            return base + i
    return None


def validate_meta(path: Path | str, meta: dict, key_line=lambda key: None, default_slug: str | None = None,
                  model: type[DocumentMeta] = DocumentMeta) -> tuple[dict, list[SourceError]]:
    """Check keys and values (see schema); return normalised metadata and the list of problems.
    With problems the metadata is a stand-in that holds only the slug, if one can be told."""
    checked, errors = validate(model, path, meta, key_line, default_slug)
    if checked is not None:
        return checked.model_dump(include=KEYS), errors
    slug = meta.get("slug") if isinstance(meta.get("slug"), str) else default_slug
    clean = dict.fromkeys(KEYS)
    clean.update(slug=slug if slug and SLUG_RE.match(slug) else None, aliases=[])
    return clean, errors


def translation_problem(meta: dict, metas: dict[str, dict]) -> str | None:
    """What is wrong with a document's `translation_of`, given every document's metadata by slug:
    the original must be in the sources and must not itself be a translation (a chain would
    leave no one original to align with)."""
    target = meta.get("translation_of")
    if not target:
        return None
    original = metas.get(target)
    if original is None:
        return f"translation_of names '{target}', which is not a valid document in the sources"
    if original.get("translation_of"):
        return (f"translation_of names '{target}', which is itself a translation (of "
                f"'{original['translation_of']}'); name the original")
    return None
