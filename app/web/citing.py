"""The Cite control of each search result: a ready plain-text citation, its permalink and a
readable reference ("Xinhua, 26 April 2025, ¶ 10") in place of the sentence's id."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import Document, Passage
from app.web import cite, urls

QUOTE_CHARS = 600  # a longer sentence is quoted clipped on a results page; its /s/ page cites it whole


def reference(p: Passage, doc: Document) -> dict:
    """Who, when and which paragraph, for display only (the permalink stays the id): the page shows
    {who}, {when} (a <time> of {date}), {para}. The title is on the line already, so without a
    publisher or author the reference starts at the date."""
    when = cite.human_date(doc.date, "%-d %b %Y")
    return {"who": doc.publisher or doc.author, "when": when, "date": doc.date,
            "para": f"¶ {p.paragraph}" if p.paragraph else None}


def for_results(session: Session, base_url: str, ids: list[str]) -> dict[str, dict]:
    """id -> {text, ref, link} for the sentences of one page of results (two queries, not one per hit)."""
    if not ids:
        return {}
    passages = {p.id: p for p in session.scalars(select(Passage).where(Passage.id.in_(ids)))}
    docs = {d.id: d for d in session.scalars(select(Document).where(
        Document.id.in_({p.document_id for p in passages.values()})))}
    out = {}
    for pid, p in passages.items():
        doc = docs.get(p.document_id)
        if doc is None:
            continue
        link = urls.absolute(base_url, urls.directive(pid) if p.is_directive else urls.passage(pid))
        quoted = p if len(p.text) <= QUOTE_CHARS else SimpleNamespace(
            id=p.id, page=p.page, speaker=p.speaker, text=p.text[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …")
        out[pid] = {"text": cite.plain_text(quoted, doc, link), "ref": reference(p, doc), "link": link}
    return out


def reference_text(ref: dict) -> str:
    """The reference as one line: "Xinhua, 26 Apr 2025, ¶ 10"."""
    return ", ".join(x for x in (ref["who"], ref["when"] or "date not stated", ref["para"]) if x)


def one(session: Session, base_url: str, p: Passage) -> dict:
    """Everything the Cite menu offers for one passage, fetched when a reader opens it (the reader's
    page would outgrow its budget if every sentence carried its citations)."""
    doc = session.get(Document, p.document_id)
    link = urls.absolute(base_url, urls.directive(p.id) if p.is_directive else urls.passage(p.id))
    out = cite.citations(p, doc, link)
    return {"id": p.id, "link": link, "reference": reference_text(reference(p, doc)),
            "text": out["text"], "bibtex": out["bibtex"], "csl_json": out["csl_json"]}
