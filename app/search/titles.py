"""Document titles for hits and facets, remembered per index version."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.search.table import Table
from app.search.types import ALL_TITLES_MAX, Outcome
from app.store.models import Document


def titles(session: Session, slugs: set[str], table: Table | None = None) -> dict[str, str]:
    """Document titles by slug, remembered in the index version's table when one is given.

    A title only changes with an ingest, which makes a new version (and table), so an archive
    of up to ALL_TITLES_MAX documents reads them all once; a larger one remembers those asked for.
    """
    if table is None:
        query = select(Document.slug, Document.title).where(Document.slug.in_(slugs))
        return dict(session.execute(query).all()) if slugs else {}
    known = table.titles
    if not table.all_titles:
        if len(table.docs) <= ALL_TITLES_MAX:
            known.update(session.execute(select(Document.slug, Document.title)).all())
            table.all_titles = True
        else:
            missing = {s for s in slugs if s not in known}
            if missing:
                known.update(session.execute(
                    select(Document.slug, Document.title).where(Document.slug.in_(missing))).all())
    return {s: known[s] for s in slugs if s in known}


def with_titles(session: Session, out: Outcome, page_slugs: set[str], table: Table | None = None) -> dict[str, str]:
    """Document titles for the facets and the page, in one query at most."""
    found = titles(session, page_slugs | {d["slug"] for d in out.documents}, table)
    for d in out.documents:
        d["title"] = found.get(d["slug"], d["slug"])
    return found
