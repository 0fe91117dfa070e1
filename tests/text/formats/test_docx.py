"""Word files: headings, items and tables as the segmenter reads them, properties as metadata."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.text.formats import FormatError, extract
from app.text.segment import segment
from tests.text.formats import samples_docx as s


@pytest.fixture(scope="module")
def draft():
    return extract(".docx", s.consultation_draft())


def test_heading_styles_become_headings_and_lists_items(draft):
    lines = draft.text.splitlines()
    assert lines[0] == "# " + s.TITLE
    assert "# Obligations of Providers" in lines and "# How to Respond" in lines
    for item in s.DUTIES + s.STEPS:
        assert "- " + item in lines
    assert s.INTRO in lines
    seg = segment(draft.text, title=draft.meta["title"])
    assert seg.headline == s.TITLE
    assert "Obligations of Providers" in [x.text for x in seg.segments if x.kind == "heading"]


def test_table_rows_are_paragraphs(draft):
    paragraphs = [p.strip() for p in draft.text.split("\n\n")]
    assert "Deadline | 30 June 2025" in paragraphs and "Contact | ai-office@example.eu" in paragraphs
    assert paragraphs[-1] == "The final code will be published after the consultation closes."


def test_core_properties_are_the_metadata(draft):
    assert draft.meta == {"title": s.TITLE, "author": "AI Office", "date": "2025-03-11"}
    assert draft.page_lines is None


def test_empty_properties_give_no_metadata_keys():
    meta = extract(".docx", s.consultation_draft(with_properties=False)).meta
    assert meta == {}  # not even the date python-docx's blank template carries


def _zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"not a zip at all", "corrupt Word file: not a zip archive"),
    (s.consultation_draft()[:2000], "corrupt Word file"),
    (_zip({"hello.txt": "hi"}), "corrupt Word file"),
])
def test_corrupt_word_files_fail_with_the_reason(data, message):
    with pytest.raises(FormatError, match=message):
        extract(".docx", data)
