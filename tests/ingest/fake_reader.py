"""A stand-in reader for a paged format, registered over `.pdf` for tests of ingest's side of
app.text.formats (sidecars, pages, kept files) that must not depend on a real PDF library.

The fake "PDF" is UTF-8 text whose pages are separated by form feeds; a file starting with
ENCRYPTED is refused as the real reader refuses an encrypted PDF; a `Title:` first line is the
title the file's markup states.
"""

from __future__ import annotations

import sys
import types

import pytest

from app.text import formats

MODULE = "fakepdf"


def extract(data: bytes) -> formats.Extracted:
    text = data.decode("utf-8")
    if text.startswith("ENCRYPTED"):
        raise formats.FormatError("encrypted PDF; give the archive a copy without a password")
    meta = {}
    if text.startswith("Title: "):
        first, _, text = text.partition("\n")
        meta["title"] = first[len("Title: "):]
    lines: list[str] = []
    page_lines = []
    for page in text.split("\f"):
        page_lines.append(len(lines) + 1)
        lines.extend(page.strip("\n").split("\n"))
    return formats.Extracted("\n".join(lines), "application/pdf", page_lines, meta)


def fake_pdf(*pages: str, title: str | None = None) -> bytes:
    return ((f"Title: {title}\n" if title else "") + "\f".join(pages)).encode()


@pytest.fixture
def fake_pdf_reader(monkeypatch):
    """`.pdf` files read by `extract` above for the length of a test."""
    module = types.ModuleType(f"{formats.__name__}.{MODULE}")
    module.extract = extract
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(formats.FORMATS, ".pdf", (MODULE, "application/pdf"))


def extract_html(data: bytes) -> formats.Extracted:
    """A stand-in web page reader: the text of each <p>, the <title> as the title."""
    import re

    page = data.decode("utf-8")
    title = re.search(r"<title>(.*?)</title>", page)
    paras = re.findall(r"<p>(.*?)</p>", page, re.S)
    return formats.Extracted("\n\n".join(paras), "text/html", None, {"title": title.group(1)} if title else {})


@pytest.fixture
def fake_html_reader(monkeypatch):
    """`.html` files read by `extract_html` above for the length of a test."""
    module = types.ModuleType(f"{formats.__name__}.fakehtml")
    module.extract = extract_html
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(formats.FORMATS, ".html", ("fakehtml", "text/html"))
