"""Source formats other than plain text and Markdown: where web pages, PDFs and Word files
become the text the segmenter reads.

Writing (each format's reader) and reading (ingest) meet at `extract` and `Extracted`: ingest
never looks inside a format, and a format never knows about documents, slugs or the archive.
Each reader lives in its own module, imported only when a file of its format is read, so an
archive of text files never pays for loading an HTML or PDF library.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

# Suffix -> (module below, media type of the file as received).
FORMATS: dict[str, tuple[str, str]] = {
    ".html": ("html", "text/html"),
    ".htm": ("html", "text/html"),
    ".pdf": ("pdf", "application/pdf"),
    ".docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
TEXT_MEDIA_TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain"}


class FormatError(Exception):
    """A file its format's reader cannot turn into text, with the reason in words a user can act
    on ("no text layer; OCR is not supported", "encrypted PDF"). Ingest adds the file's name."""


@dataclass
class Extracted:
    """What a reader gives ingest.

    `text` is in the form the segmenter reads in a .md file: paragraphs separated by blank lines,
    headings as "# " lines, list items as "- " lines. `page_lines` holds, for a paged format, the
    1-based line of `text` each page starts on (page n starts on page_lines[n - 1]). `meta` holds
    only what the file's own markup states (title, date as YYYY-MM-DD, author, publisher,
    source_url); nothing is guessed from the text, and `kind` never comes from here.
    """

    text: str
    media_type: str
    page_lines: list[int] | None = None
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def is_format(suffix: str) -> bool:
    return suffix.lower() in FORMATS


def media_type(suffix: str) -> str:
    suffix = suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix][1]
    return TEXT_MEDIA_TYPES.get(suffix, "text/plain")


def extract(suffix: str, data: bytes) -> Extracted:
    """The text of a file of one of FORMATS; FormatError when there is none to take."""
    module, _ = FORMATS[suffix.lower()]
    reader = importlib.import_module(f"{__name__}.{module}")
    return reader.extract(data)
