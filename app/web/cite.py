"""Ready-made citations of a passage: plain text, BibTeX and CSL-JSON."""

from __future__ import annotations

import datetime as dt
import json
import re

from app.store.models import Document, Passage

# LaTeX for the characters BibTeX or LaTeX would read as syntax. BibTeX counts every brace in a
# value, escaped or not, so a brace in the text becomes a command whose own braces balance.
_BIBTEX = {
    "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "%": r"\%", "#": r"\#", "&": r"\&", "$": r"\$", "_": r"\_",
}
_BIBTEX_SPECIAL = re.compile(r"[{}\\~^%#&$_]")


def _date_parts(value: str | None) -> list[int] | None:
    return [int(x) for x in value.split("-")] if value else None


def human_date(value: str | None, style: str = "%-d %B %Y") -> str | None:
    """"2025-04-26" -> "26 April 2025", or in another strftime `style` (partial dates stay as given)."""
    if not value or len(value) != 10:
        return value
    return dt.date.fromisoformat(value).strftime(style)


def _bibtex_escape(text: str) -> str:
    """`text` as a BibTeX value that parses whatever it holds (and reads the same in LaTeX)."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX[m.group()], text)


def _bibtex_url(url: str) -> str:
    """A URL as a BibTeX value: braces and backslashes percent-encoded, so they cannot end the field."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def creator(doc: Document) -> str:
    """Who to cite: the author, else the publisher, else the archive's honest 'Anonymous'."""
    return doc.author or doc.publisher or "Anonymous"


def plain_text(p: Passage, doc: Document, permalink: str, accessed: dt.date | None = None) -> str:
    """The plain-text citation of one passage (what a results page's Copy citation copies)."""
    accessed = accessed or dt.date.today()
    publisher = creator(doc)
    who = p.speaker or publisher  # a directive is cited as its speaker's, reported by the publisher
    date = human_date(doc.date)
    parts = [f"{who}.", f"“{doc.title}.”"]
    if date:
        parts.append(f"{date}.")
    page = p.page  # where the passage starts in a paged source file (a PDF); None for the other formats
    if page:
        parts.append(f"p. {page}.")
    if p.speaker:
        reporter = publisher if publisher not in (p.speaker, "Anonymous") else None
        parts.append(f"Directive of {p.speaker}" + (f", reported by {reporter}:" if reporter else ":"))
    parts.append(f"“{p.text}”")
    if doc.source_url:
        parts.append(f"{doc.source_url}" + (f" (retrieved {human_date(doc.retrieved)})." if doc.retrieved else "."))
    parts.append(f"Policy Archive, {permalink} (accessed {human_date(accessed.isoformat())}).")
    return " ".join(parts)


def citations(p: Passage, doc: Document, permalink: str, accessed: dt.date | None = None) -> dict[str, str]:
    """All three citation formats for one passage."""
    accessed = accessed or dt.date.today()
    plain = plain_text(p, doc, permalink, accessed)
    who = p.speaker or creator(doc)
    page = p.page
    key = re.sub(r"[^a-z0-9]+", "", who.lower())[:20] + (doc.date or "nd")[:4] + p.id
    fields = {
        "author": "{" + _bibtex_escape(who) + "}",
        "title": "{" + _bibtex_escape(doc.title) + "}",
        "date": doc.date,
        "year": (doc.date or "")[:4] or None,
        "publisher": _bibtex_escape(doc.publisher) if doc.publisher else None,
        "pages": str(page) if page else None,
        "url": _bibtex_url(permalink),
        "urldate": accessed.isoformat(),
        "note": _bibtex_escape(f"Passage {p.id}: “{p.text}”" + (f" Source: {doc.source_url}" if doc.source_url else "")
                               + (f", retrieved {doc.retrieved}" if doc.retrieved else "")),
    }
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    bibtex = f"@misc{{{key},\n{body}\n}}"

    csl = {
        "id": p.id,
        "type": "document",
        "title": doc.title,
        "author": [{"literal": who}],
        "publisher": doc.publisher,
        "issued": {"date-parts": [_date_parts(doc.date)]} if doc.date else None,
        "page": str(page) if page else None,
        "URL": permalink,
        "accessed": {"date-parts": [_date_parts(accessed.isoformat())]},
        "source": doc.source_url,
        "note": f"“{p.text}”" + (f" Retrieved {doc.retrieved}." if doc.retrieved else ""),
        "language": doc.language,
    }
    csl = {k: v for k, v in csl.items() if v}
    return {"text": plain, "bibtex": bibtex, "csl_json": json.dumps(csl, ensure_ascii=False, indent=2)}
