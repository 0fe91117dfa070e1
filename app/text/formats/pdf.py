"""PDFs: the text layer, page by page, as paragraphs a reader would recognise.

pypdf gives each page's lines in the order the file draws them, which for columns set by a
layout program is column by column. What a page adds around its text is removed here: running
headers and footers (the lines at a page's top or bottom that repeat on other pages, figures
aside) and bare page numbers. Lines are then joined back into paragraphs: a word hyphenated at a
line end is rejoined, and a paragraph runs on over a page break unless the page ended it.
Each page's first line is recorded, so every passage knows the page it starts on.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from app.text.formats import Extracted, FormatError

MEDIA_TYPE = "application/pdf"
# Bounds on a hostile file: more pages than any policy document has, or a page whose text
# layer is larger than a book, is refused rather than read.
MAX_PAGES = 3000
MAX_PAGE_CHARS = 200_000
_EDGE = 3  # lines at each end of a page that may be running headers or footers
_DIGITS_RE = re.compile(r"\d+")
_PAGE_NUMBER_RE = re.compile(
    r"^\W*(?:(?:page|p\.|seite|página|pagina)\s*)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:/|of|von|de)\s*\d{1,4})?\W*$", re.I)
# A footnote marker drawn raised after a word comes out as a line of its own ("audits\n1\n of"),
# or glued to the word ("audits1 of"); both are taken out of the sentence.
_RAISED_MARKER_RE = re.compile(r"(?<=[^\s\d])\n(\d{1,2})\n(?=[ ,.;:)])")
_GLUED_MARKER_RE = re.compile(r"(?<=[a-z]{3})(?:\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,2})(?=[\s,.;:)]|$)")
_NOTE_RE = re.compile(r"^\d{1,2}\s+[A-Z]\S*\s+\S")
_TERMINAL = ".!?:;\"”’)]"
_ITEM_START_RE = re.compile(r"^(?:[•▪◦●‣∙·*-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")


def extract(data: bytes) -> Extracted:
    if b"%PDF-" not in data[:1024]:
        raise FormatError("not a PDF file (no %PDF- header)")
    pages = [_clean_page(text) for text in _page_texts(data)]
    if not any(line.strip() for page in pages for line in page):
        raise FormatError("no text layer; OCR is not supported")
    blank = [str(n) for n, page in enumerate(pages, start=1) if not any(page)]
    warnings = []
    if blank:
        several = len(blank) > 1
        listed = ", ".join(blank[:20]) + (" …" if len(blank) > 20 else "")
        warnings.append(f"no text layer on page{'s' if several else ''} {listed}; OCR is not supported, "
                        f"so {'their' if several else 'its'} text is missing")
    pages = _drop_running_lines(pages)
    words = _word_counts(pages)
    out: list[str] = []
    page_lines: list[int] = []
    notes: list[str] = []  # footnotes of a page, set after the paragraph that runs past them
    ended = True  # did the text so far end a paragraph?
    typical = _typical_width(pages)

    def end_paragraph() -> None:
        if out and out[-1] != "":
            out.append("")
        if notes:
            out.extend(notes + [""])
            notes.clear()

    for page in pages:
        body, page_notes = _split_notes(page)
        if ended:
            end_paragraph()
        page_lines.append(len(out) + 1)
        for line in body:
            rejoined = False  # a line that ended in a hyphen ends no paragraph, however short
            if out and out[-1].endswith("-") and _continues(out[-1], line):
                out[-1], line = _join_hyphenated(out[-1], line, words)
                rejoined = True
                if not line:
                    continue
            heading = _heading(line, typical)
            short_before = bool(out) and not rejoined and _short(out[-1], typical)
            if not ended and (heading or _ITEM_START_RE.match(line) or short_before):
                end_paragraph()
            out.append(line)
            ended = heading or _ends_paragraph(line, typical)
            if ended:
                end_paragraph()
        notes.extend(page_notes)
    end_paragraph()
    while out and out[-1] == "":
        out.pop()
    text = "\n".join(out) + "\n"
    return Extracted(text=text, media_type=MEDIA_TYPE, page_lines=page_lines, warnings=warnings)


# ------------------------------------------------------------------ reading


def _page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

    # pypdf reports damage it repairs as log warnings; the reader raises what it cannot repair.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (NotImplementedError, DependencyError) as exc:
                raise FormatError(f"encrypted PDF; cannot decrypt it ({exc})") from None
            if not opened:
                raise FormatError("encrypted PDF; a password is required to open it")
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise FormatError(f"PDF has {count} pages, more than the {MAX_PAGES} read")
        texts = []
        for page in reader.pages:
            text = page.extract_text() or ""
            if len(text) > MAX_PAGE_CHARS:
                raise FormatError(f"page {len(texts) + 1} has more text than a page can hold")
            texts.append(text)
        return texts
    except FormatError:
        raise
    except FileNotDecryptedError:
        raise FormatError("encrypted PDF; a password is required to open it") from None
    except LimitReachedError as exc:  # pypdf's own bound on what one stream may unpack to
        raise FormatError(f"PDF refused: a stream unpacks to more than pypdf reads ({exc})") from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, RecursionError, OSError, AssertionError) as exc:
        raise FormatError(f"corrupt PDF: {exc or type(exc).__name__}") from None


def _clean_page(text: str) -> list[str]:
    text = _RAISED_MARKER_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines: list[str] = []
    for raw in text.split("\n"):
        # pypdf starts a line with a space where it continues the previous one on the same baseline.
        if raw.startswith(" ") and lines and raw.strip():
            lines[-1] = lines[-1] + raw.rstrip()
            continue
        lines.append(raw.strip())
    return [re.sub(r"\s+", " ", _GLUED_MARKER_RE.sub("", line)).strip() for line in lines]


# ------------------------------------------------------------------ running headers and footers


def _shape(line: str) -> str:
    return _DIGITS_RE.sub("#", line.lower()).strip()


def _edges(page: list[str]) -> tuple[list[int], list[int]]:
    filled = [i for i, line in enumerate(page) if line]
    return filled[:_EDGE], filled[-_EDGE:][::-1]


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Take off each page's top and bottom lines that repeat across pages, and page numbers."""
    # Counted by where on the page the line is (second from the top, last...), as a running
    # line is printed in the same place on every page it is on.
    counts: Counter[tuple[int, str]] = Counter()
    for page in pages:
        top, bottom = _edges(page)
        counts.update({(n, _shape(page[i])) for n, i in enumerate(top)})
        counts.update({(-1 - n, _shape(page[i])) for n, i in enumerate(bottom)})
    # On a long document a running line need not be on every page (odd and even pages differ),
    # but it is on many; on a short one, twice is enough to tell it from text.
    threshold = max(2, len(pages) // 4)
    result = []
    for page in pages:
        page = list(page)
        top, bottom = _edges(page)
        for side, sign in ((top, 1), (bottom, -1)):
            for n, i in enumerate(side):  # from the edge inwards; stop at the first line of text
                place = n if sign == 1 else -1 - n
                if counts[(place, _shape(page[i]))] >= threshold or _PAGE_NUMBER_RE.match(page[i]):
                    page[i] = ""
                else:
                    break
        result.append(page)
    return result


# ------------------------------------------------------------------ paragraphs


def _typical_width(pages: list[list[str]]) -> int:
    widths = sorted(len(line) for page in pages for line in page if line)
    if not widths:
        return 0
    return widths[int(len(widths) * 0.9)]  # a full line; the longest few may be outliers


def _split_notes(page: list[str]) -> tuple[list[str], list[str]]:
    """A page's text lines, and the footnotes ("1 See Annex B.") at its foot."""
    lines = [line for line in page if line]
    cut = len(lines)
    while cut > 1 and _NOTE_RE.match(lines[cut - 1]):
        cut -= 1
    return lines[:cut], lines[cut:]


def _heading(line: str, typical: int) -> bool:
    from app.text.segment import is_heading

    return len(line) < 0.75 * typical and line[-1] not in _TERMINAL and is_heading(line)


def _short(line: str, typical: int) -> bool:
    return len(line) < 0.6 * typical


def _ends_paragraph(line: str, typical: int) -> bool:
    """A line well short of the column's width ends its paragraph (or is a heading)."""
    if line.endswith("-"):
        return False
    return len(line) < 0.7 * typical and (line[-1] in _TERMINAL or _short(line, typical))


def _word_counts(pages: list[list[str]]) -> Counter[str]:
    return Counter(w.lower() for page in pages for line in page for w in re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", line))


def _continues(previous: str, line: str) -> bool:
    return bool(re.search(r"[A-Za-z]-$", previous)) and line[:1].isalpha()


def _join_hyphenated(previous: str, line: str, words: Counter[str]) -> tuple[str, str]:
    """Rejoin "govern-" + "ance is ..." as "governance"; keep "decision-making" and "non-EU".

    The hyphen stays when the next part starts with a capital or a figure, or when the document
    elsewhere writes the hyphenated form and not the closed one, or when both halves are words
    and the closed form is not. Otherwise it was the layout's hyphen and goes.
    """
    head = re.search(r"([A-Za-z]+)-$", previous).group(1)
    token = re.match(r"\S+", line).group(0)  # the word's second half with what sticks to it
    tail = re.match(r"[A-Za-z]+", token).group(0)
    closed, hyphenated = (head + tail).lower(), f"{head}-{tail}".lower()
    keep = tail[0].isupper()
    if not keep and words[hyphenated] > words[closed]:
        keep = True
    elif not keep and not words[closed]:
        from app.text.lexicon import lexicon

        lex = lexicon()
        keep = lex.known(head.lower()) and lex.known(tail.lower()) and not lex.known(closed)
    joined = previous[: -len(head) - 1] + head + ("-" if keep else "") + token
    return joined, line[len(token):].strip()
