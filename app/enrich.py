"""Derived data, recomputed only where sources changed: directives, cross-references, themes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app import crossref, directives, store, themes
from app.models import Crossref, Document, Passage, PassageTheme, Theme
from app.progress import Progress


def load_taxonomy_for(paths: Iterable[Path], default: Path | None):
    """The taxonomy: a themes.toml among the sources' folders wins over the configured file."""
    for p in paths:
        candidate = Path(p) / "themes.toml" if Path(p).is_dir() else None
        if candidate and candidate.is_file():
            return themes.load_taxonomy(candidate)
    if default and Path(default).is_file():
        return themes.load_taxonomy(Path(default))
    return None


def store_taxonomy(session: Session, taxonomy) -> None:
    """Replace the themes table with the taxonomy's themes."""
    session.execute(delete(Theme), execution_options=store.BY_KEY)
    for position, t in enumerate(taxonomy):
        session.add(Theme(slug=t.slug, label=t.label, description=t.description, parent=t.parent, position=position))


def _active(session: Session, doc: Document) -> list[Passage]:
    return list(session.scalars(
        select(Passage).where(Passage.document_id == doc.id, Passage.active.is_(True)).order_by(Passage.position)
    ))


def _units(passages: list[Passage]) -> list[crossref.Unit]:
    return [crossref.Unit(p.id, p.text, p.kind, p.section_title, p.position) for p in passages]


@dataclass
class Plan:
    """Which documents an ingest enriches: officials to scan for directives, commentaries to
    align, and every document whose passages' derived data (and so index records) change."""

    officials: list[Document]
    to_align: list[tuple[Document, Document | None]]  # (commentary, the official it comments on)
    touched: list[Document]

    def commentaries(self) -> list[Document]:
        return [d for d in self.touched if d.kind == "commentary"]

    def others(self) -> list[Document]:
        return [d for d in self.touched if d.kind != "commentary"]


def plan(session: Session, changed: list[Document], retired: list[Document], all_themes: bool) -> Plan:
    """What to enrich after `changed` and `retired` (all themes again when the taxonomy or rules changed)."""
    # Which documents are active and what comments on what, as rows: building every document's
    # ORM object cost more than the rest of adding one document to 10,000.
    rows = session.execute(select(Document.id, Document.slug, Document.kind, Document.comments_on)
                           .where(Document.status == "active").order_by(Document.id)).all()
    ids = {r.slug: r.id for r in rows}
    changed_slugs = {d.slug for d in changed} | {d.slug for d in retired}
    commentaries_by_official: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.kind == "commentary" and r.comments_on:
            commentaries_by_official[r.comments_on].append(r.slug)

    def doc(slug: str) -> Document:
        return session.get(Document, ids[slug])  # changed documents are already in the session

    officials = [d for d in changed if d.status == "active" and d.kind == "official"]
    to_align = {d.slug: d for d in changed if d.kind == "commentary" and d.status == "active"}
    for slug in changed_slugs:
        for c in commentaries_by_official.get(slug, []):
            to_align[c] = doc(c)
    pairs = [(c, doc(c.comments_on) if c.comments_on in ids else None) for c in to_align.values()]

    touched = {d.slug: d for d in changed if d.status == "active"}
    for c, official in pairs:
        touched[c.slug] = c
        if official is not None:
            touched[official.slug] = official
    if all_themes:
        touched = {d.slug: d for d in session.scalars(
            select(Document).where(Document.status == "active").order_by(Document.id))}
    return Plan(officials, pairs, list(touched.values()))


def the_rest(session: Session, taxonomy, work: Plan, progress: Progress) -> Iterator[Document]:
    """Cross-references and the themes of the other touched documents, one at a time, yielding
    each as soon as its derived data is final; then directives, which nothing else reads.

    An official text's themes borrow from the commentary linked to it, so its commentaries are
    aligned just before it is themed, rather than all alignments before all themes.
    """
    by_official: dict[str, list[tuple[Document, Document]]] = defaultdict(list)
    loose: list[tuple[Document, None]] = []
    for c, official in work.to_align:
        if official is None:
            loose.append((c, None))
        else:
            by_official[official.slug].append((c, official))
    others = work.others()
    with progress.stage("cross-references + themes", total=len(work.to_align) + len(others)) as tick:
        for c, official in loose:
            _align(session, c, official)
            tick(1)
        for doc in others:
            for c, official in by_official.pop(doc.slug, []):
                _align(session, c, official)
                tick(1)
            if taxonomy is not None:
                theme(session, taxonomy, doc)
            tick(1)
            yield doc
        for pairs in by_official.values():  # officials outside `others` (not expected: plan adds them)
            for c, official in pairs:
                _align(session, c, official)
                tick(1)
    with progress.stage("directives", total=len(work.officials)) as tick:
        for d in work.officials:
            _directives(session, d)
            tick(1)


def _directives(session: Session, doc: Document) -> None:
    """Flag the official document's directives with their verb and speaker."""
    passages = [p for p in _active(session, doc) if p.kind != "heading"]
    found = directives.detect(passages, kind=doc.kind, default_speaker=doc.publisher)
    for i, p in enumerate(passages):
        d = found.get(i)
        p.is_directive = d is not None
        p.directive_verb = d.verb[:80] if d else None  # the column is 80 characters
        p.speaker = d.speaker[:200] if d and d.speaker else None


def _align(session: Session, commentary: Document, official: Document | None) -> None:
    """Label the commentary's claims and link them to the official text they report on."""
    passages = _active(session, commentary)
    ids = [p.id for p in passages]
    session.execute(delete(Crossref).where(Crossref.commentary_id.in_(ids)), execution_options=store.BY_KEY)
    official_units = [u for u in _units(_active(session, official)) if u.kind != "heading"] if official else []
    result = crossref.align(_units(passages), official_units)
    for p in passages:
        p.claim = result.claims.get(p.id) if p.kind != "heading" else None
    rows = [dict(commentary_id=link.commentary_id, official_id=link.official_id, relation=link.relation,
                 score=round(link.score, 4)) for link in result.links]
    if rows:  # one executemany, in link order (so the rows' ids are what one insert each would give)
        session.execute(insert(Crossref), rows)
    session.flush()


def theme(session: Session, taxonomy, doc: Document) -> None:
    """Give every passage of `doc` its themes: headings for commentary, links and vocabulary for official.

    A commentary's depend on its own headings only, so they are final before anything else is
    enriched; an official text's borrow from the commentary aligned with it."""
    passages = _active(session, doc)
    ids = [p.id for p in passages]
    for i in range(0, len(ids), 500):
        session.execute(delete(PassageTheme).where(PassageTheme.passage_id.in_(ids[i:i + 500])),
                        execution_options=store.BY_KEY)
    if doc.kind == "commentary":
        _commentary_themes(session, taxonomy, passages)
    else:
        _official_themes(session, taxonomy, passages)
    session.flush()


def _commentary_themes(session: Session, taxonomy, passages: list[Passage]) -> None:
    """A commentary passage takes its section heading's theme."""
    heading_theme: dict[int, str | None] = {}
    rows = []
    for p in passages:
        if p.kind == "heading":
            heading_theme[p.section] = themes.heading_theme(taxonomy, p.text)
        slug = heading_theme.get(p.section)
        if slug:
            rows.append(dict(passage_id=p.id, theme=slug, score=1.0, source="heading"))
    _insert_themes(session, rows)


def _official_themes(session: Session, taxonomy, passages: list[Passage]) -> None:
    """An official passage takes themes from commentary linked to it and from the classifier."""
    ids = [p.id for p in passages]
    linked: dict[str, set[str]] = defaultdict(set)
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(Crossref.official_id, PassageTheme.theme)
            .join(PassageTheme, PassageTheme.passage_id == Crossref.commentary_id)
            .where(Crossref.official_id.in_(ids[i:i + 500]))
        )
        for official_id, theme in rows:
            linked[official_id].add(theme)
    _insert_themes(session, [
        dict(passage_id=p.id, theme=slug, score=round(score, 4), source=source)
        for p in passages if p.kind != "heading"
        for slug, score, source in themes.assign_themes(taxonomy, p.text, linked.get(p.id, ()))
    ])


def _insert_themes(session: Session, rows: list[dict]) -> None:
    """One executemany rather than an ORM object per row: themes are a large share of all rows."""
    if rows:
        session.execute(insert(PassageTheme), rows)
