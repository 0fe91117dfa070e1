"""PDFs: the text a reader sees, without running headers, page numbers or split words, and the
page each line is on."""

from __future__ import annotations

import re

import pytest

from app.text.formats import FormatError, extract
from app.text.segment import segment
from tests.text.formats import samples_pdf as s


def _page_of(got, needle):
    lines = got.text.split("\n")
    (line,) = [i for i, text in enumerate(lines, start=1) if needle in text]
    return max(n for n, start in enumerate(got.page_lines, start=1) if start <= line)


def _sentences(got):
    return [seg.text for seg in segment(got.text).segments]


def test_the_report_has_three_pages_and_reads_column_by_column(report_pdf):
    got = extract(".pdf", report_pdf.data)
    assert got.media_type == "application/pdf" and len(got.page_lines) == len(report_pdf.pages) == 3
    text = " ".join(got.text.split())
    # the left column's last words come before the right column's first ones
    assert text.index("safeguards that apply to it.") < text.index("Oversight and Accountability")


def test_no_running_header_footer_or_page_number_in_any_line(report_pdf):
    got = extract(".pdf", report_pdf.data)
    for line in got.text.splitlines():
        assert s.HEADER not in line and s.FOOTER not in line
        assert not re.search(r"\bPage \d", line), line
        assert not line.strip().isdigit()


def test_hyphenated_line_ends_are_rejoined_but_compounds_keep_their_hyphen(report_pdf):
    got = extract(".pdf", report_pdf.data)
    flat = " ".join(got.text.split())
    assert "govern- ance" not in flat and "govern-ance" not in flat
    assert "Strong governance is the condition for public trust." in _sentences(got)
    assert "decision-making of automated systems" in flat
    assert "the non-EU suppliers" in flat


def test_footnote_markers_are_not_glued_to_words(report_pdf):
    got = extract(".pdf", report_pdf.data)
    flat = " ".join(got.text.split())
    assert "regular audits of high-risk systems" in flat
    assert "audits1" not in flat
    assert "1 The audit framework is described in Annex B." in got.text.split("\n")


def test_a_sentence_across_a_page_break_is_one_sentence_on_the_page_it_starts(report_pdf):
    assert not report_pdf.pages[0][-2].endswith(".")  # the generator broke the page mid-sentence
    got = extract(".pdf", report_pdf.data)
    spanning = [t for t in _sentences(got) if "suppliers of such systems" in t]
    assert len(spanning) == 1 and spanning[0].endswith("the same standards as domestic ones.")
    assert _page_of(got, "suppliers of such systems") == 1
    assert _page_of(got, "the same standards as domestic ones") == 2


def test_every_line_is_on_the_page_the_pdf_shows_it(report_pdf):
    got = extract(".pdf", report_pdf.data)
    for needle, page in [("Purpose of the Strategy", 1), ("Oversight and Accountability", 1),
                         ("Skills and Infrastructure", 2), ("with its own assessment of the options.", 3)]:
        assert _page_of(got, needle) == page, needle
        assert any(needle in line for line in report_pdf.pages[page - 1])


def test_headings_are_paragraphs_of_their_own(report_pdf):
    got = extract(".pdf", report_pdf.data)
    paragraphs = [p.strip() for p in got.text.split("\n\n")]
    assert "Oversight and Accountability" in paragraphs and "Skills and Infrastructure" in paragraphs
    seg = segment(got.text)
    assert "Oversight and Accountability" in [x.text for x in seg.segments if x.kind == "heading"]


@pytest.mark.parametrize("make, message", [
    (s.scanned_pdf, "^no text layer; OCR is not supported$"),
    (s.encrypted_pdf, "encrypted PDF; a password is required"),
    (s.corrupt_pdf, "^corrupt PDF: "),
    (lambda: s.two_column_report().data[:3000], "^corrupt PDF: "),
    (lambda: b"<html>not a pdf</html>", "not a PDF file"),
])
def test_unreadable_pdfs_fail_with_their_reason(make, message):
    with pytest.raises(FormatError, match=message):
        extract(".pdf", make())


def test_too_many_pages_is_refused(monkeypatch, report_pdf):
    from app.text.formats import pdf

    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    with pytest.raises(FormatError, match="3 pages"):
        extract(".pdf", report_pdf.data)


def test_the_benchmarks_long_report_loses_its_running_header_and_page_numbers():
    from bench.pdf import HEADER, make_report

    got = extract(".pdf", make_report(pages=6, words_per_page=200))
    assert len(got.page_lines) == 6 and len(got.text.split()) == 6 * 200
    assert HEADER not in got.text
    assert not any(line.strip().isdigit() for line in got.text.splitlines())


def test_a_scanned_page_among_typed_ones_is_a_warning_naming_the_page():
    got = extract(".pdf", s.scanned_pdf(text_first_page=True))
    assert got.text.strip() == "Cover note: the annex that follows was scanned."
    assert got.warnings == ["no text layer on page 2; OCR is not supported, so its text is missing"]
    assert extract(".pdf", s.two_column_report().data).warnings == []
