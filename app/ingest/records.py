"""What reading the sources produces: documents, the problems found, and the rules for keeping one."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path


# Characters a terminal acts on or hides: C0 and C1 controls, line and paragraph separators,
# bidirectional overrides, and the stand-ins Python uses for a file name's undecodable bytes.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


def shown(text: Path | str) -> str:
    """Text as a message may print it: the characters of _UNSAFE escaped as Python writes them
    (a file name with a newline or an escape sequence is printed as `a\\nb`, `\\x1b[31m`)."""
    return _UNSAFE.sub(_escape, str(text))


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    if code >= 0xDC80:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return repr(m.group())[1:-1]


class SourceError(Exception):
    """A problem in one source file, located by file and (where known) line. `path` is the file
    as the system names it; the message shows it escaped (see `shown`)."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path, self.line, self.message = str(path), line, message
        where = f"{shown(self.path)}:{line}" if line else shown(self.path)
        super().__init__(f"{where}: {message}")


def as_source_error(path: Path | str, exc: Exception) -> SourceError:
    """`exc` (a SourceError, or an OSError met reading `path`) as the SourceError naming the file."""
    return exc if isinstance(exc, SourceError) else SourceError(path, getattr(exc, "strerror", None) or str(exc))


# The metadata keys checked across documents (see sources._check_together), whose line a problem
# found there points at: remembered for every document, whichever file its metadata came from.
LINED_KEYS = ("slug", "comments_on", "translation_of", "aliases")


class NamedError(SourceError):
    """A problem whose message already names its file and line (the themes file's)."""

    def __init__(self, message: str):
        Exception.__init__(self, message)
        self.path, self.line, self.message = "", None, message


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
    # What the file's format says beyond its text (app.text.formats): the media type of the file
    # as received, and for paged formats the body line (numbered like first_line) each page
    # starts on, so a passage's page is the last page starting at or before its line.
    media_type: str = "text/plain"
    page_lines: list[int] | None = None
    # The bytes as received, kept in the data folder under file_sha256 when the document is stored
    # (app/store/blobs.py), then dropped. None for an unchanged file taken from `known`.
    raw: bytes | None = field(default=None, repr=False)
    # The sidecar (NAME.EXT.toml/.yaml) the metadata came from: its sha256 and, when it may be
    # trusted, size and mtime, so an unchanged file whose sidecar changed is read again.
    sidecar: dict | None = None

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


def add_document(result: Collected, doc: SourceDocument, problems: list[SourceError]) -> bool:
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
