"""Browsing the archive: themes, directives and cross-references, paged and filterable."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import Session

from app.store.models import Crossref, Document, Passage, PassageTheme, Theme
from app.store.reads import crossrefs_for, themes_for


@dataclass
class Filters:
    """Filters shared by the theme and directive lists."""

    kind: str | None = None
    doc: str | None = None
    publisher: str | None = None
    theme: str | None = None
    sort: str = "date-desc"  # or "date-asc"
    # Document dates, inclusive: a start as given ('2024' sorts before every 2024 date), an end padded
    # to the last day it names ('2024' -> '2024-12-31'); undated documents fall outside any range.
    date_from: str | None = None
    date_to: str | None = None


@dataclass
class Row:
    """One passage in a list, with its document and themes."""

    passage: Passage
    document: Document
    themes: list[str]


@dataclass
class Page:
    total: int
    rows: list[Row]
    offset: int
    limit: int


def themes_with_counts(session: Session, f: Filters | None = None) -> list[dict]:
    """Every theme with how many active official and commentary sentences carry it (within `f`'s dates)."""
    # Per kind through a list of document ids rather than a join: the join made SQLite visit every
    # passage of the archive and its document; this reads the theme index once, in theme order.
    dates = _date_conditions(f) if f else []

    def of_kind(kind: str):
        ids = select(Document.id).where(Document.kind == kind, *dates)
        return func.sum(case((Passage.document_id.in_(ids), 1), else_=0))

    rows = session.execute(
        select(PassageTheme.theme, of_kind("official"), of_kind("commentary"))
        .join(Passage, Passage.id == PassageTheme.passage_id)
        .where(Passage.active.is_(True), Passage.kind != "heading")
        .group_by(PassageTheme.theme)
    )
    counts = {theme: {"official": int(official or 0), "commentary": int(commentary or 0)}
              for theme, official, commentary in rows}
    return [
        {"slug": t.slug, "label": t.label, "description": t.description, "parent": t.parent,
         "official": counts.get(t.slug, {}).get("official", 0),
         "commentary": counts.get(t.slug, {}).get("commentary", 0)}
        for t in session.scalars(select(Theme).order_by(Theme.position, Theme.slug))
    ]


def theme_labels(session: Session) -> dict[str, str]:
    """Theme slug -> label."""
    return dict(session.execute(select(Theme.slug, Theme.label)).all())


def get_theme(session: Session, slug: str) -> Theme | None:
    return session.get(Theme, slug)


def _date_conditions(f: Filters) -> list:
    conditions = []
    if f.date_from:
        conditions.append(Document.date >= f.date_from)
    if f.date_to:
        conditions.append(Document.date <= f.date_to + {4: "-12-31", 7: "-31"}.get(len(f.date_to), ""))
    return conditions


def _document_conditions(f: Filters) -> list:
    conditions = _date_conditions(f)
    if f.kind:
        conditions.append(Document.kind == f.kind)
    if f.doc:
        conditions.append(Document.slug == f.doc)
    if f.publisher:
        conditions.append(Document.publisher == f.publisher)
    return conditions


def _page(session: Session, passages: Select, f: Filters, offset: int, limit: int, directives_first: bool) -> Page:
    """One page of `passages` (a select of Passage), grouped by document in date order.

    Instead of counting and sorting every matching passage (tens of thousands on a big theme),
    one statement counts them per document, ranks the documents and keeps the few whose
    passages fall on the requested page; only their passages are then sorted and loaded.
    """
    date_order = Document.date.asc().nulls_last() if f.sort == "date-asc" else Document.date.desc().nulls_last()
    doc_order = [date_order, Document.slug]
    per_doc = (passages.with_only_columns(Passage.document_id.label("doc"), func.count().label("n"))
               .group_by(Passage.document_id).subquery("per_doc"))
    ranked = (select(per_doc.c.doc, per_doc.c.n,
                     func.sum(per_doc.c.n).over(order_by=doc_order, rows=(None, 0)).label("upto"),
                     func.sum(per_doc.c.n).over().label("total"))
              .join(Document, Document.id == per_doc.c.doc).where(*_document_conditions(f)).subquery("ranked"))
    docs = session.execute(select(ranked).where(ranked.c.upto > offset, ranked.c.upto - ranked.c.n < offset + limit)
                           .order_by(ranked.c.upto)).all()
    if not docs:
        total = session.scalar(select(func.coalesce(func.max(ranked.c.total), 0))) if offset else 0
        return Page(int(total), [], offset, limit)
    order = [*doc_order, Passage.is_directive.desc()] if directives_first else list(doc_order)
    order.append(Passage.position)
    rows = session.execute(
        passages.add_columns(Document).join(Document, Document.id == Passage.document_id)
        .where(Passage.document_id.in_([d.doc for d in docs]))
        .order_by(*order).offset(offset - (docs[0].upto - docs[0].n)).limit(limit)
    ).all()
    labels = themes_for(session, [p.id for p, _ in rows])
    return Page(int(docs[0].total), [Row(p, d, labels.get(p.id, [])) for p, d in rows], offset, limit)


def theme_passages(session: Session, theme: str, f: Filters, offset: int, limit: int) -> Page:
    """Passages with a theme, grouped by document (newest first), directives first in each."""
    return _page(session, theme_select(theme), replace(f, theme=None), offset, limit, True)


def theme_select(theme: str) -> Select:
    """The passages a theme's list shows (before the document filters)."""
    return (select(Passage).join(PassageTheme, and_(PassageTheme.passage_id == Passage.id, PassageTheme.theme == theme))
            .where(Passage.active.is_(True), Passage.kind != "heading"))


def directives(session: Session, f: Filters, offset: int, limit: int) -> Page:
    """All active directives, filterable by theme, document and publisher."""
    return _page(session, directive_select(f), f, offset, limit, False)


def directive_select(f: Filters) -> Select:
    """The passages the directives list shows (before the document filters)."""
    q = select(Passage).where(Passage.active.is_(True), Passage.is_directive.is_(True))
    if f.theme:
        q = q.where(exists().where(and_(PassageTheme.passage_id == Passage.id, PassageTheme.theme == f.theme)))
    return q


@dataclass
class DocumentChoice:
    """A document a filter menu offers: its slug, what the menu shows, and its passages in the list."""

    slug: str
    title: str
    date: str | None
    count: int | None = None


def documents_in(session: Session, passages: Select, f: Filters, cap: int) -> list[DocumentChoice]:
    """The documents holding `passages` within `f` (its own document aside, so one can switch), newest
    first, at most `cap`: the menu offers what the list can show, never a slug to type."""
    per_doc = (passages.with_only_columns(Passage.document_id.label("doc"), func.count().label("n"))
               .group_by(Passage.document_id).subquery("per_doc"))
    rows = session.execute(
        select(Document.slug, Document.title, Document.date, per_doc.c.n).join(per_doc, per_doc.c.doc == Document.id)
        .where(*_document_conditions(replace(f, doc=None)))
        .order_by(Document.date.desc().nulls_last(), Document.slug).limit(cap))
    return [DocumentChoice(*row) for row in rows]


def active_documents(session: Session, cap: int) -> list[DocumentChoice]:
    """Active documents, newest first, at most `cap` (the search form's document menu)."""
    rows = session.execute(select(Document.slug, Document.title, Document.date).where(Document.status == "active")
                           .order_by(Document.date.desc().nulls_last(), Document.slug).limit(cap))
    return [DocumentChoice(*row) for row in rows]


def facet_values(session: Session, column) -> list[str]:
    """Distinct non-empty values of a document column among active documents (for filter menus)."""
    rows = session.scalars(select(column).where(Document.status == "active", column.is_not(None)).distinct().order_by(column).limit(500))
    return [r for r in rows if r]


@dataclass
class CompareView:
    """A commentary beside the official text it discusses, with links both ways."""

    commentary: Document
    official: Document | None
    commentary_passages: list[Passage]
    official_passages: list[Passage]
    links: dict
    covered: set[str]


def compare_view(session: Session, commentary: Document) -> CompareView:
    """Both texts' active passages and every cross-reference between them."""
    def active(doc: Document) -> list[Passage]:
        return list(session.scalars(select(Passage).where(Passage.document_id == doc.id, Passage.active.is_(True)).order_by(Passage.position)))

    official = None
    if commentary.comments_on:
        official = session.scalar(select(Document).where(Document.slug == commentary.comments_on, Document.status == "active"))
    cps = active(commentary)
    ops = active(official) if official else []
    links = crossrefs_for(session, [p.id for p in cps] + [p.id for p in ops])
    covered = {p.id for p in ops if links.get(p.id)}
    return CompareView(commentary, official, cps, ops, links, covered)


def crossref_rows(session: Session, doc: Document) -> list[tuple[Passage, Document, Passage, Document, str, float]]:
    """All links touching a document (as commentary or as official), in reading order."""
    side = Crossref.commentary_id if doc.kind == "commentary" else Crossref.official_id
    ids = list(session.scalars(select(Passage.id).where(Passage.document_id == doc.id, Passage.active.is_(True))))
    out = []
    for i in range(0, len(ids), 500):
        for link in session.scalars(select(Crossref).where(side.in_(ids[i:i + 500]))):
            c, o = session.get(Passage, link.commentary_id), session.get(Passage, link.official_id)
            out.append((c, session.get(Document, c.document_id), o, session.get(Document, o.document_id), link.relation, link.score))
    out.sort(key=lambda r: (r[0].position, r[2].position, r[0].id, r[2].id))  # total: rows come in storage order
    return out
