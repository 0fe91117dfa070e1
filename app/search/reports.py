"""Which official sentence a commentary hit reports: its best cross-reference, for one page of hits.

A user asking where a wording comes from, and finding it in commentary, wants the official
sentence the commentary was reporting; the ingest has linked them already (app.enrich.links).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.search.types import Result
from app.store.alignments import aligned_for
from app.store.models import Crossref, Document, Passage

_IDS = bindparam("ids", expanding=True)
# Links from an "interprets" sentence are the commentator's reading, not a report of the text.
_REPORTED = (
    select(Crossref.commentary_id, Passage.id, Passage.text, Document.slug, Crossref.relation)
    .join(Passage, Passage.id == Crossref.official_id)
    .join(Document, Document.id == Passage.document_id)
    .where(Crossref.commentary_id.in_(_IDS), Crossref.relation != "interprets", Passage.active.is_(True))
    .order_by(Crossref.commentary_id, Crossref.score.desc(), Passage.position)
)


def add_reports(session: Session, results: list[Result]) -> None:
    """Set `reports` on each commentary hit whose sentence reports an official one (one query a page)."""
    ids = [r.id for r in results if r.kind == "commentary"]
    if not ids:
        return
    best: dict[str, dict] = {}
    for here, pid, text, slug, relation in session.execute(_REPORTED, {"ids": ids}):
        best.setdefault(here, {"id": pid, "document": slug, "text": text, "relation": relation})
    for r in results:
        if r.kind == "commentary":
            r.reports = best.get(r.id)


def add_aligned(session: Session, results: list[Result]) -> None:
    """Set `aligned` on each hit: its sentence in the original, or in the translations (one page at a time)."""
    found = aligned_for(session, [r.id for r in results])
    for r in results:
        r.aligned = found.get(r.id, [])
