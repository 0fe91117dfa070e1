"""A consultation draft as a Word file, made with python-docx: a title, heading styles, bulleted
and numbered lists, a table, and the core properties the author filled in."""

from __future__ import annotations

import io
from datetime import datetime

TITLE = "Draft Code of Practice on General-Purpose AI"
INTRO = "This draft is published for consultation. Comments are invited by 30 June 2025."
DUTIES = ["Keep technical documentation up to date.", "Publish a summary of the training data.",
          "Put in place a policy to respect copyright."]
STEPS = ["Read the draft.", "Answer the questions in Annex A."]


def consultation_draft(*, with_properties: bool = True) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=0)
    document.add_paragraph(INTRO)
    document.add_heading("Obligations of Providers", level=1)
    document.add_paragraph("Providers of general-purpose models should do the following.")
    for duty in DUTIES:
        document.add_paragraph(duty, style="List Bullet")
    document.add_heading("How to Respond", level=2)
    for step in STEPS:
        document.add_paragraph(step, style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Deadline", "30 June 2025"
    table.cell(1, 0).text, table.cell(1, 1).text = "Contact", "ai-office@example.eu"
    document.add_paragraph("The final code will be published after the consultation closes.")
    props = document.core_properties
    if with_properties:
        props.title = TITLE
        props.author = "AI Office"
        props.created = datetime(2025, 3, 11, 10, 0)
    else:
        props.title = ""
        props.author = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
