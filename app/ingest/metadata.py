"""Document metadata: front matter split from the text, then every key and value checked."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import yaml

from app.ingest.records import SourceError

KINDS = ("official", "commentary")
KEYS = {
    "title", "kind", "slug", "date", "event_date", "publisher", "author", "translator",
    "language", "source_url", "retrieved", "comments_on", "aliases",
}
MANIFEST_ONLY_KEYS = {"file", "lines"}
DATE_KEYS = ("date", "event_date", "retrieved")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")


class _TextDateLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text and are validated like every other
    value, so `date: 2025-13-45` is reported at its line instead of crashing the YAML parser."""


class _FastTextDateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same rules on libyaml's parser, much faster than the pure-Python one."""


_TextDateLoader.yaml_implicit_resolvers = _FastTextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(raw: str):
    """Parse with libyaml; on any problem parse again with the pure loader, whose error
    messages and marks are the ones users are shown (libyaml words and places some differently)."""
    try:
        return yaml.load(raw, Loader=_FastTextDateLoader)
    except yaml.YAMLError:
        return yaml.load(raw, Loader=_TextDateLoader)


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
        if fence == "---":
            meta = _load_yaml(raw) or {}
        else:
            meta = tomllib.loads(raw)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        raise SourceError(path, f"front matter is not valid YAML: {exc.problem or exc}", line) from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(path, f"front matter is not valid TOML: {toml_message(exc)}", toml_line(exc, 1)) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise SourceError(path, f"front matter is not valid YAML: {exc}", 2) from None
    if not isinstance(meta, dict):
        raise SourceError(path, "front matter must be a mapping of keys to values", 2)
    return meta, "\n".join(lines[end + 1:]), end + 2


def toml_line(exc: tomllib.TOMLDecodeError, offset: int = 0) -> int | None:
    """The line number tomllib reports inside its message, shifted by `offset`."""
    m = re.search(r"at line (\d+)", str(exc))
    return int(m.group(1)) + offset if m else None


def toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))


def find_key_line(text_lines: list[str], key: str, base: int) -> int | None:
    """Where `key` is set in a block of front matter or a manifest entry (best effort)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*[:=]")
    for i, line in enumerate(text_lines):
        if pattern.match(line):
            return base + i
    return None


def validate_meta(path: Path | str, meta: dict, key_line=lambda key: None, default_slug: str | None = None) -> tuple[dict, list[SourceError]]:
    """Check keys and values; return normalised metadata and the list of problems."""
    errors: list[SourceError] = []
    clean: dict = {}
    unknown = sorted(set(meta) - KEYS - MANIFEST_ONLY_KEYS)
    if unknown:
        errors.append(SourceError(path, f"unknown key(s): {', '.join(unknown)}", key_line(unknown[0])))
    missing = [k for k in ("title", "kind") if not meta.get(k)]
    if missing:
        errors.append(SourceError(path, f"missing required key(s): {', '.join(missing)}"))
    for key in KEYS - {"aliases"} - set(DATE_KEYS):
        value = meta.get(key)
        if value is None or value == "":
            clean[key] = None
        elif isinstance(value, (str, int, float)):
            clean[key] = " ".join(str(value).split())
        else:
            errors.append(SourceError(path, f"'{key}' must be text", key_line(key)))
    for key in DATE_KEYS:
        value = meta.get(key)
        try:
            clean[key] = _parse_date(value)
        except ValueError:
            errors.append(SourceError(path, f"'{key}' is not a date (use YYYY-MM-DD): {value!r}", key_line(key)))
    clean["slug"] = clean["slug"] or default_slug
    if clean["slug"] and not SLUG_RE.match(clean["slug"]):
        errors.append(SourceError(
            path, f"slug {clean['slug']!r} must be lower-case letters, digits and hyphens", key_line("slug")
        ))
    if clean["kind"] and clean["kind"] not in KINDS:
        errors.append(SourceError(path, f"kind must be one of {', '.join(KINDS)}, not {clean['kind']!r}", key_line("kind")))
    if clean["kind"] == "official" and clean["comments_on"]:
        errors.append(SourceError(path, "'comments_on' is only for commentary", key_line("comments_on")))
    if clean["source_url"] and not re.match(r"(?i)https?://[^\s/]", clean["source_url"]):
        # rendered as a link: a "javascript:" or other scheme must never get that far
        errors.append(SourceError(path, f"'source_url' must be an http:// or https:// address, not {clean['source_url']!r}",
                                  key_line("source_url")))
    clean["language"] = clean["language"] or "en"
    aliases = meta.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(isinstance(a, str) and SLUG_RE.match(a) for a in aliases):
        errors.append(SourceError(path, "'aliases' must be a list of slugs", key_line("aliases")))
        aliases = []
    clean["aliases"] = sorted(set(aliases))
    return clean, errors


def _parse_date(value) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (text or TOML/YAML date); return ISO text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt, width in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(text) == width:
            try:
                dt.datetime.strptime(text, fmt)
                return text
            except ValueError:
                pass
    raise ValueError(text)
