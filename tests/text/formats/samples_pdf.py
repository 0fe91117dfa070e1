"""PDFs made with fpdf2 the way reports are laid out: two columns, a running header and a
page-numbered footer, words hyphenated at line ends, footnote markers, a sentence running over
a page break; and the bad ones: an image-only scan, an encrypted file, a corrupt file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

HEADER = "National AI Strategy 2025 | Draft for consultation"
FOOTER = "Ministry of Digital Affairs"
# "|" marks where the word is hyphenated at a line end: "govern|ance" -> "govern-" / "ance".
PARAGRAPHS = [
    ("h", "Purpose of the Strategy"),
    ("p", "This strategy sets out how the government will support the safe development of "
          "artificial intelligence over the next five years. It builds on the work of the "
          "national expert panel and on the responses received to the earlier consultation."),
    ("p", "Strong govern|ance is the condition for public trust. Every public body that deploys "
          "a system which makes or supports decisions about people will publish a register "
          "entry describing the system, its purpose and the safeguards that apply to it."),
    ("h", "Oversight and Accountability"),
    ("p", "The regulator will carry out regular audits[1] of high-risk systems and will publish "
          "its findings. Independent experts will review the decision-|making of automated "
          "systems used in benefits, policing and migration, and the non-|EU suppliers of such "
          "systems will be held to the same standards as domestic ones."),
    ("p", "The ministry will fund a programme of research into the evaluation of advanced "
          "models, with particular attention to their reliability, their security against "
          "misuse and the transparency of the data used to train them. Results will be "
          "shared with partner countries through the international network of safety "
          "institutes, and a summary will be laid before parliament each year."),
    ("p", "Public sector bodies will receive practical guidance on procurement, so that the "
          "contracts they sign for artificial intelligence services include clear terms on "
          "testing, monitoring and the handling of personal data, and so that suppliers can "
          "be asked to explain how their systems reach their outputs."),
    ("h", "Skills and Infrastructure"),
    ("p", "The government will expand access to computing capacity for universities and small "
          "firms, and will create new training places in data science and machine learning. "
          "Regional centres will help businesses adopt the technology responsibly, with "
          "support for workers whose jobs change as a result."),
    ("p", "Progress against each commitment in this strategy will be reported in an annual "
          "statement, which will set out what has been done, what remains to be done and how "
          "the plan has been adjusted in the light of experience and of new evidence about "
          "the risks and benefits of the technology."),
    ("p", "The ministry will consult again before the end of the strategy's second year on "
          "whether further legislation is needed, and will publish the responses it receives "
          "together with its own assessment of the options."),
]
FOOTNOTES = {"audits[1]": "1 The audit framework is described in Annex B."}


@dataclass
class MadePdf:
    data: bytes
    pages: list[list[str]] = field(default_factory=list)  # body lines as laid out, per page


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if "|" in word:
            head, tail = word.split("|", 1)
            head = head if head.endswith("-") else head + "-"
            lines.append((line + " " + head).strip())
            line = tail
            continue
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = (line + " " + word).strip()
    if line:
        lines.append(line)
    return lines


def two_column_report(lines_per_column: int = 17) -> MadePdf:
    from fpdf import FPDF

    units: list[tuple[str, str]] = []  # (kind, line); kind "h", "p", "last" (paragraph end), "gap"
    for kind, text in PARAGRAPHS:
        if kind == "h":
            units += [("h", text), ("gap", "")]
            continue
        wrapped = _wrap(text, 44)
        units += [("p", w) for w in wrapped[:-1]] + [("last", wrapped[-1]), ("gap", "")]
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    made = MadePdf(b"")
    x_cols, top, step = (15, 110), 30, 6.2
    i = 0
    while i < len(units):
        pdf.add_page()
        page_no = pdf.page_no()
        pdf.set_font("Helvetica", "I", 9)
        pdf.text(15, 15, HEADER)
        page_lines: list[str] = []
        notes: list[str] = []
        for x in x_cols:
            row = 0
            while row < lines_per_column and i < len(units):
                kind, line = units[i]
                i += 1
                if kind == "gap":
                    if row:
                        row += 0.6
                    continue
                y = top + row * step
                pdf.set_font("Helvetica", "B" if kind == "h" else "", 12 if kind == "h" else 10)
                if "[1]" in line:
                    before, after = line.split("[1]")
                    pdf.text(x, y, before)
                    w = pdf.get_string_width(before)
                    pdf.set_font("Helvetica", "", 6)
                    pdf.text(x + w + 0.3, y - 2, "1")
                    pdf.set_font("Helvetica", "", 10)
                    pdf.text(x + w + 1.8, y, after)
                    notes.append(FOOTNOTES["audits[1]"])
                    line = before + after
                else:
                    pdf.text(x, y, line)
                page_lines.append(line)
                row += 1
        pdf.set_font("Helvetica", "", 8)
        for n, note in enumerate(notes):
            pdf.text(15, 262 + 4 * n, note)
            page_lines.append(note)
        pdf.set_font("Helvetica", "", 9)
        pdf.text(15, 285, FOOTER)
        pdf.text(180, 285, f"Page {page_no}")
        made.pages.append(page_lines)
    made.data = bytes(pdf.output())
    return made


def scanned_pdf(text_first_page: bool = False) -> bytes:
    """A page that is only a picture of text, as a scanner makes it (after a typed cover page)."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(image).text((40, 40), "A scanned page of a policy document.", fill=0)
    pdf = FPDF()
    if text_first_page:
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        pdf.text(20, 30, "Cover note: the annex that follows was scanned.")
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=190)
    return bytes(pdf.output())


def encrypted_pdf(password: str = "secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(two_column_report().data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nthis is not a PDF object\n%%EO"
