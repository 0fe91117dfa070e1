"""Which official sentence a commentary hit reports: its best cross-reference, for one page of hits.

A user asking where a wording comes from, and finding it in commentary, wants the official
sentence the commentary was reporting; the ingest has linked them already (app.enrich.links).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.search.types import Result
from app.store.alignments import aligned_for
from app.store.db import driver_rows

# Links from an "interprets" sentence are the commentator's reading, not a report of the text.
# Plain SQL through the driver: every search page with a commentary hit asks, and the ORM's
# expanding IN (...) cost more to build than the database took to answer.
_REPORTED = (
    "SELECT c.commentary_id, p.id, p.text, d.slug, c.relation FROM crossrefs c "
    "JOIN passages p ON p.id = c.official_id JOIN documents d ON d.id = p.document_id "
    "WHERE c.commentary_id IN ({marks}) AND c.relation != 'interprets' AND p.active "
    "ORDER BY c.commentary_id, c.score DESC, p.position"
)


def add_reports(session: Session, results: list[Result]) -> None:
    """Set `reports` on each commentary hit whose sentence reports an official one (one query a page)."""
    ids = [r.id for r in results if r.kind == "commentary"]
    if not ids:
        return
    best: dict[str, dict] = {}
    for here, pid, text, slug, relation in driver_rows(session.connection(), _REPORTED, ids):
        best.setdefault(here, {"id": pid, "document": slug, "text": text, "relation": relation})
    for r in results:
        if r.kind == "commentary":
            r.reports = best.get(r.id)


def add_aligned(session: Session, results: list[Result]) -> None:
    """Set `aligned` on each hit: its sentence in the original, or in the translations (one page at a time)."""
    found = aligned_for(session, [r.id for r in results])
    for r in results:
        r.aligned = found.get(r.id, [])
