"""Word files (.docx): paragraphs in document order, heading styles as headings, list
paragraphs as items, each table row as a paragraph, and the core properties the author set.

Word marks a list by numbering properties on the paragraph (or by its style's); a heading by
its style ("Heading 1", "Title") or an outline level. Both are read from the markup, never
from how a paragraph looks.
"""

from __future__ import annotations

import io
import re
import zipfile

from app.text.formats import Extracted, FormatError

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A .docx is a zip: refuse one whose parts unpack to more than any document needs.
MAX_UNPACKED = 200 * 1024 * 1024
_SPACE_RE = re.compile(r"\s+")
# python-docx's blank template states these; a file saved from it without setting them states
# nothing about its own author or date.
_TEMPLATE_AUTHOR = "python-docx"
_TEMPLATE_CREATED = (2013, 12, 23)
_HEADING_STYLE_RE = re.compile(r"^(?:heading\s*\d|title|subtitle)$", re.I)


def extract(data: bytes) -> Extracted:
    document = _open(data)
    blocks: list[str] = []
    items: list[str] = []

    def flush_items() -> None:
        if items:
            blocks.append("\n".join(items))
            items.clear()

    for kind, text in _walk(document):
        if kind == "item":
            items.append("- " + text)
            continue
        flush_items()
        blocks.append("# " + text if kind == "heading" else text)
    flush_items()
    if not blocks:
        raise FormatError("the Word file has no text")
    return Extracted(text="\n\n".join(blocks) + "\n", media_type=MEDIA_TYPE, meta=_meta(document))


def _open(data: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise FormatError("the Word file unpacks to more than 200 MB")
        return docx.Document(io.BytesIO(data))
    except FormatError:
        raise
    except zipfile.BadZipFile:
        raise FormatError("corrupt Word file: not a zip archive") from None
    except PackageNotFoundError:
        raise FormatError("corrupt Word file: no document part") from None
    except (KeyError, ValueError, OSError, zipfile.LargeZipFile) as exc:
        raise FormatError(f"corrupt Word file: {exc}") from None
    except Exception as exc:  # lxml's XMLSyntaxError and python-docx's own errors have no common base
        raise FormatError(f"corrupt Word file: {type(exc).__name__}: {exc}") from None


def _walk(document):
    """(kind, text) for each paragraph and table row in the body, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = _SPACE_RE.sub(" ", block.text).strip()
            if text:
                yield _kind(block), text
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = _SPACE_RE.sub(" ", cell.text).strip()
                    if text and (not cells or cells[-1] != text):  # a merged cell repeats
                        cells.append(text)
                if cells:
                    yield "paragraph", " | ".join(cells)


def _kind(paragraph) -> str:
    style = paragraph.style
    names = []
    while style is not None:
        names.append(style.name or "")
        style = style.base_style
    if any(_HEADING_STYLE_RE.match(name) for name in names):
        return "heading"
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return "item"
    if any(name.lower().startswith("list") for name in names) or _style_numbered(paragraph):
        return "item"
    return "paragraph"


def _style_numbered(paragraph) -> bool:
    style = paragraph.style
    while style is not None:
        ppr = style.element.pPr
        if ppr is not None and ppr.numPr is not None:
            return True
        style = style.base_style
    return False


def _meta(document) -> dict[str, str]:
    props = document.core_properties
    meta: dict[str, str] = {}
    title = _SPACE_RE.sub(" ", props.title or "").strip()
    if title:
        meta["title"] = title
    author = _SPACE_RE.sub(" ", props.author or "").strip()
    if author and author != _TEMPLATE_AUTHOR:
        meta["author"] = author
    created = props.created
    if created is not None and (created.year, created.month, created.day) != _TEMPLATE_CREATED:
        meta["date"] = created.date().isoformat()
    return meta
