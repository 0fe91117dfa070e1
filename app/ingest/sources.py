"""Read source files and manifests into validated document records, collecting every problem."""

from __future__ import annotations

import codecs
import datetime as dt
import gc
import hashlib
import json
import os
import re
import time
import tomllib
import unicodedata
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MANIFEST_NAME = "manifest.toml"
# Bump when reading or validation rules change: records of files read by older rules are dropped.
READ_RULES = "1"
TEXT_SUFFIXES = (".txt", ".md")
KINDS = ("official", "commentary")
KEYS = {
    "title", "kind", "slug", "date", "event_date", "publisher", "author", "translator",
    "language", "source_url", "retrieved", "comments_on", "aliases",
}
MANIFEST_ONLY_KEYS = {"file", "lines"}
DATE_KEYS = ("date", "event_date", "retrieved")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A file whose mtime is this close to the moment it was read could be rewritten within the same
# clock tick, keeping its size and mtime; its stat is not recorded, so it is hashed next time
# (git's "racily clean" entries). Two seconds also covers filesystems with coarse timestamps.
RACY_NS = 2_000_000_000
# Control characters that carry no text; tab and newline are kept, NUL is an error (see _clean).
_STRAY_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ZERO_WIDTH = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen too
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


class _TextDateLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text and are validated like every other
    value, so `date: 2025-13-45` is reported at its line instead of crashing the YAML parser."""


class _FastTextDateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same rules on libyaml's parser, about 20 times faster than the pure-Python one."""


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


class SourceError(Exception):
    """A problem in one source file, located by file and (where known) line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


@dataclass
class SourceDocument:
    """One document to ingest: its metadata, its body text and where it came from."""

    meta: dict
    body: str | None  # None for an unchanged file taken from `known` (see collect): never re-stored
    path: str
    first_line: int
    file_sha256: str
    warnings: list[str] = field(default_factory=list)
    # Where the metadata was written (the manifest, or the file's own front matter) and the
    # line of each key there, so problems found across documents can point at the right line.
    meta_path: str = ""
    key_lines: dict[str, int | None] = field(default_factory=dict)
    known_fingerprint: str | None = None
    # (st_size, st_mtime_ns) taken before the file was read; None when it may not be trusted.
    file_stat: tuple[int, int] | None = None

    @property
    def slug(self) -> str:
        """The document's permanent slug."""
        return self.meta["slug"]

    @property
    def fingerprint(self) -> str:
        """Changes whenever the text or any metadata changes, so unchanged documents are skipped."""
        if self.known_fingerprint:
            return self.known_fingerprint
        payload = json.dumps([self.file_sha256, self.meta, self.body], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Collected:
    """Documents read from the sources, and every problem found on the way."""

    documents: list[SourceDocument] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    bad_files: set[str] = field(default_factory=set)
    # Slugs of documents refused for a problem: with --skip-bad they keep their archived
    # version rather than being retired as if they had left the sources.
    bad_slugs: set[str] = field(default_factory=set)

    def fail(self, error: SourceError) -> None:
        """Record an error and remember its file as bad."""
        self.errors.append(error)
        self.bad_files.add(error.path)


# Readings of non-UTF-8 bytes that are trusted: a wrong guess among these still yields
# letters, while a wrong multi-byte guess yields nonsense silently. cp1252 first: it is what
# "Latin-1" files usually are, and it decodes curly quotes and dashes that Latin-1 cannot.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_MAX_CHAOS = 0.1


def decode(path: Path, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, list[str]]:
    """Bytes to clean text: UTF-8 (BOM allowed), else a confident legacy-encoding guess."""
    warnings: list[str] = []
    if not data.strip():
        raise SourceError(path, "file is empty")
    if len(data) > max_bytes:
        raise SourceError(path, f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError(path, "starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
        warnings.append(f"{path}: decoded as UTF-16 (byte-order mark), not UTF-8")
        return _clean(path, text, warnings), warnings
    if b"\x00" in data:
        if data.count(b"\x00") > 8:  # a line number means nothing in a binary file
            raise SourceError(path, "binary file (NUL bytes); not a text file")
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(path, "NUL character; not a text file", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        encoding = _western_guess(data)
        if encoding is None:
            raise SourceError(
                path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}) and no confident encoding guess; "
                "save the file as UTF-8", line
            ) from None
        text = data.decode(encoding)
        warnings.append(f"{path}: decoded as {encoding}, not UTF-8 (first odd byte on line {line})")
    return _clean(path, text, warnings), warnings


def _western_guess(data: bytes) -> str | None:
    """A Western single-byte encoding that reads `data` as well as any other reading does.

    charset-normalizer groups encodings that decode the bytes alike and, among readings that
    score the same, may name e.g. cp1250 first; a Western reading scoring as well as the best
    one is taken. A text that only reads well in another script (Cyrillic, Polish, Chinese) is
    refused rather than decoded into wrong letters.
    """
    from charset_normalizer import from_bytes  # only for the rare file that is not UTF-8

    matches = list(from_bytes(data))
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    if best > _MAX_CHAOS:
        return None
    for m in matches:
        if m.chaos > best + 0.005:
            continue
        names = {m.encoding, *m.could_be_from_charset}
        for encoding in _WESTERN:
            if encoding in names:
                try:
                    data.decode(encoding)
                except UnicodeDecodeError:
                    continue
                return encoding
    return None


def _clean(path: Path | str, text: str, warnings: list[str] | None = None) -> str:
    """Unify line endings and invisible characters so segmentation and ids see plain text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    controls = len(_STRAY_CONTROLS.findall(text))
    if controls:
        # A vertical tab or form feed separates words; the other controls carry nothing.
        text = _STRAY_CONTROLS.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)
        if warnings is not None:
            warnings.append(f"{path}: removed {controls} control character(s)")
    return unicodedata.normalize("NFC", text)


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
        raise SourceError(path, f"front matter is not valid TOML: {_toml_message(exc)}", _toml_line(exc, 1)) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise SourceError(path, f"front matter is not valid YAML: {exc}", 2) from None
    if not isinstance(meta, dict):
        raise SourceError(path, "front matter must be a mapping of keys to values", 2)
    return meta, "\n".join(lines[end + 1:]), end + 2


def _toml_line(exc: tomllib.TOMLDecodeError, offset: int = 0) -> int | None:
    """The line number tomllib reports inside its message, shifted by `offset`."""
    m = re.search(r"at line (\d+)", str(exc))
    return int(m.group(1)) + offset if m else None


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))


def _key_line(text_lines: list[str], key: str, base: int) -> int | None:
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


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[SourceError]]:
    """Split the given files and folders into manifests and text files, sorted for stability."""
    manifests, texts, errors = _expand(paths)
    return manifests, [Path(p) for p in texts], errors


def _expand(paths: Iterable[Path]) -> tuple[list[Path], list[str], list[SourceError]]:
    """`expand` with the text files as path strings: at 10,000 files, making Path objects costs
    more than the stat that tells `collect` a file is unchanged."""
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


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """A file's bytes; an oversized file is refused before it is read."""
    _check_size(path, path.stat().st_size, max_bytes)
    return path.read_bytes()


def _check_size(path: Path | str, size: int, max_bytes: int) -> None:
    """Refuse a file over the size limit, whether or not it is read."""
    if size > max_bytes:
        raise SourceError(path, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")


def _stat_key(st: os.stat_result, started_ns: int) -> tuple[int, int] | None:
    """What `remember` records of a file's stat; None for a file modified too recently (RACY_NS)."""
    if started_ns - st.st_mtime_ns < RACY_NS:
        return None
    return st.st_size, st.st_mtime_ns


def _same_stat(entry: dict, st: os.stat_result) -> bool:
    """True when a file's size and mtime are what `remember` recorded (an older record has neither)."""
    return entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns


def _files(folder: str):
    """(resolved path, name) of the files below a resolved folder, hidden ones left out.

    os.scandir rather than Path.rglob and resolve() per file: at 10,000 files that was most of
    the time an ingest that adds one document spends reading sources. Only symbolic links need
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


def collect(paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES,
            known: dict[str, dict] | None = None) -> Collected:
    """Read every source under `paths` into documents, validating each and all of them together.

    `known` maps a front-matter file's path to what `remember` recorded of it: while the file's
    size and mtime, or else its bytes' hash, are the same, that record stands in for reading,
    decoding and parsing it again (these take most of the time when one document is added to
    thousands).
    """
    with _gc_paused():
        return _collect(paths, max_bytes, known)


@contextmanager
def _gc_paused():
    """No cyclic garbage collection inside. Reading 10,000 records allocates hundreds of thousands
    of objects, none in cycles; the full collections they set off cost more than all the other
    work done for an unchanged file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _collect(paths: Iterable[Path], max_bytes: int, known: dict[str, dict] | None) -> Collected:
    """`collect`, run with the garbage collector paused."""
    started_ns = time.time_ns()
    result = Collected()
    manifests, texts, errors = _expand(paths)
    for error in errors:
        result.fail(error)
    covered: set[str] = set()
    decoded: dict[Path, tuple[str, str, list[str]]] = {}

    def read(path: Path) -> tuple[str, str, list[str]]:
        if path not in decoded:
            data = _read_bytes(path, max_bytes)
            text, warnings = decode(path, data, max_bytes)
            decoded[path] = (text, hashlib.sha256(data).hexdigest(), warnings)
        return decoded[path]

    for manifest in manifests:
        _read_manifest(manifest, read, covered, result)
    for path in texts:
        if path in covered:
            continue
        entry = known.get(path) if known else None
        try:
            st = os.stat(path)  # before reading: a change made while reading shows next time
            _check_size(path, st.st_size, max_bytes)
        except (SourceError, OSError) as exc:
            result.fail(exc if isinstance(exc, SourceError) else SourceError(path, str(exc)))
            continue
        if entry is not None and _same_stat(entry, st):
            # Trusted as `git status` trusts a file: same size and mtime, so not even read. A
            # rewrite that keeps both (mtime set back with os.utime or by a copy) goes unnoticed.
            result.documents.append(_known_document(path, entry, (st.st_size, st.st_mtime_ns)))
        else:
            _read_text(Path(path), entry, _stat_key(st, started_ns), max_bytes, result)
    _check_together(result)
    return result


def _read_text(path: Path, entry: dict | None, file_stat: tuple[int, int] | None, max_bytes: int,
               result: Collected) -> None:
    """Read one front-matter file into a document, unless its bytes are the ones `entry` records."""
    try:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if entry is not None and entry["sha256"] == sha:
            result.documents.append(_known_document(str(path), entry, file_stat))
            return
        text, warnings = decode(path, data, max_bytes)
        meta, body, first_line = split_front_matter(path, text)
    except (SourceError, OSError) as exc:
        result.fail(exc if isinstance(exc, SourceError) else SourceError(path, str(exc)))
        return
    if meta is None:
        result.fail(SourceError(
            path, "no front matter and no manifest entry; missing keys: title, kind "
            "(add YAML between '---' lines or TOML between '+++' lines at the top)", 1,
        ))
        return
    fm_lines = text.split("\n")[1:first_line - 2]
    key_line = lambda k, fm_lines=fm_lines: _key_line(fm_lines, k, 2)  # noqa: E731
    clean, problems = validate_meta(path, meta, key_line, path.stem.lower())
    doc = SourceDocument(clean, body, str(path), first_line, sha, warnings,
                         str(path), {k: key_line(k) for k in ("slug", "comments_on", "aliases")},
                         file_stat=file_stat)
    _add(result, doc, problems)


def remember(documents: Iterable[SourceDocument]) -> dict[str, dict]:
    """What a later `collect` may reuse: each front-matter file's hash and what was read from it.

    Files declared in a manifest are left out: their metadata live in another file. Size and
    mtime are recorded only where `collect` found them safe to trust next time.
    """
    return {d.path: _record(d) for d in documents if d.meta_path == d.path}


def _record(doc: SourceDocument) -> dict:
    """One file's entry in `remember`'s record."""
    entry = {"sha256": doc.file_sha256, "meta": doc.meta, "first_line": doc.first_line,
             "fingerprint": doc.fingerprint, "warnings": doc.warnings, "key_lines": doc.key_lines}
    if doc.file_stat is not None:
        entry["size"], entry["mtime_ns"] = doc.file_stat
    return entry


def save_known(path: Path, documents: Iterable[SourceDocument], tag: str) -> None:
    """Write `remember`'s record atomically; it is only a shortcut, so failing to write is harmless."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        record = {"tag": f"{READ_RULES}:{tag}", "files": remember(documents)}
        # Compact, unsorted, unindented: at 10,000 files it is rewritten on every ingest.
        tmp.write_text(json.dumps(record, separators=(",", ":"), check_circular=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def load_known(path: Path, tag: str) -> dict[str, dict]:
    """The record `save_known` wrote with the same rules and `tag`, else nothing."""
    try:
        with _gc_paused():
            data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("tag") != f"{READ_RULES}:{tag}":
        return {}
    return data.get("files") or {}


def _known_document(path: str, entry: dict, file_stat: tuple[int, int] | None) -> SourceDocument:
    """An unchanged front-matter file as `remember` recorded it; its body is not read."""
    return SourceDocument(dict(entry["meta"]), None, path, entry["first_line"], entry["sha256"],
                          list(entry["warnings"]), path, dict(entry["key_lines"]), entry["fingerprint"],
                          file_stat)


def _read_manifest(manifest: Path, read, covered: set[str], result: Collected) -> None:
    """Turn each [[document]] of a manifest into a SourceDocument."""
    try:
        raw = manifest.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        result.fail(SourceError(manifest, f"not valid TOML: {_toml_message(exc)}", _toml_line(exc)))
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
        key_line = lambda k, block=block, base=base: _key_line(block, k, base)  # noqa: E731
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
        if _add(result, doc, problems) and isinstance(slug, str):
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


def _add(result: Collected, doc: SourceDocument, problems: list[SourceError]) -> bool:
    """Keep `doc` unless it has problems; True when kept."""
    if problems:
        for p in problems:
            result.fail(p)
        if doc.meta.get("slug"):
            result.bad_slugs.add(doc.meta["slug"])
        return False
    if not doc.body.strip():
        result.fail(SourceError(doc.path, f"document '{doc.slug}' has no text"))
        result.bad_slugs.add(doc.slug)
        return False
    result.documents.append(doc)
    return True


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
    for doc in result.documents:
        for alias in doc.meta["aliases"]:
            if alias in by_slug:
                refuse(doc, "aliases", f"alias '{alias}' is the slug of another document")
        target = doc.meta["comments_on"]
        if doc.meta["kind"] == "commentary" and target:
            if target not in by_slug:
                refuse(doc, "comments_on", f"comments_on names '{target}', which is not a valid document in the sources")
            elif by_slug[target][0].meta["kind"] != "official":
                refuse(doc, "comments_on", f"comments_on names '{target}', which is not an official document")
    result.documents = [d for d in result.documents if id(d) not in refused]
    result.documents.sort(key=lambda d: d.slug)


def _place(doc: SourceDocument, key: str) -> str:
    """`file:line` where a document's key is set (or just the file)."""
    line = doc.key_lines.get(key)
    where = doc.meta_path or doc.path
    return f"{where}:{line}" if line else where
