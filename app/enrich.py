"""Derived data, recomputed only where sources changed: directives, cross-references, themes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import crossref, directives, themes
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
    session.execute(delete(Theme))
    for position, t in enumerate(taxonomy):
        session.add(Theme(slug=t.slug, label=t.label, description=t.description, parent=t.parent, position=position))


def _active(session: Session, doc: Document) -> list[Passage]:
    return list(session.scalars(
        select(Passage).where(Passage.document_id == doc.id, Passage.active.is_(True)).order_by(Passage.position)
    ))


def _units(passages: list[Passage]) -> list[crossref.Unit]:
    return [crossref.Unit(p.id, p.text, p.kind, p.section_title, p.position) for p in passages]


def run(session: Session, taxonomy, changed: list[Document], retired: list[Document],
        all_themes: bool, progress: Progress) -> list[Document]:
    """Enrich what changed; returns every document whose passages' derived data changed."""
    docs = {d.slug: d for d in session.scalars(select(Document).where(Document.status == "active"))}
    changed_slugs = {d.slug for d in changed} | {d.slug for d in retired}
    commentaries_by_official: dict[str, list[Document]] = defaultdict(list)
    for d in docs.values():
        if d.kind == "commentary" and d.comments_on:
            commentaries_by_official[d.comments_on].append(d)

    with progress.stage("directives", total=len(changed)) as tick:
        for doc in changed:
            if doc.status == "active" and doc.kind == "official":
                _directives(session, doc)
            tick(1)

    to_align = {d.slug: d for d in changed if d.kind == "commentary" and d.status == "active"}
    for slug in changed_slugs:
        for c in commentaries_by_official.get(slug, []):
            to_align[c.slug] = c
    with progress.stage("cross-references", total=len(to_align)) as tick:
        for c in to_align.values():
            official = docs.get(c.comments_on or "")
            _align(session, c, official)
            tick(1)

    touched = {d.slug: d for d in changed if d.status == "active"}
    for c in to_align.values():
        touched[c.slug] = c
        if c.comments_on in docs:
            touched[c.comments_on] = docs[c.comments_on]
    if all_themes:
        touched = dict(docs)
    if taxonomy is not None:
        _themes(session, taxonomy, list(touched.values()), progress)
    return list(touched.values())


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
    session.execute(delete(Crossref).where(Crossref.commentary_id.in_(ids)))
    official_units = [u for u in _units(_active(session, official)) if u.kind != "heading"] if official else []
    result = crossref.align(_units(passages), official_units)
    for p in passages:
        p.claim = result.claims.get(p.id) if p.kind != "heading" else None
    for link in result.links:
        session.add(Crossref(commentary_id=link.commentary_id, official_id=link.official_id,
                             relation=link.relation, score=round(link.score, 4)))
    session.flush()


def _themes(session: Session, taxonomy, docs: list[Document], progress: Progress) -> None:
    """Give every passage of `docs` its themes: headings for commentary, links and vocabulary for official."""
    by_kind = sorted(docs, key=lambda d: d.kind != "commentary")  # commentary first: officials borrow from it
    with progress.stage("themes", total=len(by_kind)) as tick:
        for doc in by_kind:
            passages = _active(session, doc)
            ids = [p.id for p in passages]
            for i in range(0, len(ids), 500):
                session.execute(delete(PassageTheme).where(PassageTheme.passage_id.in_(ids[i:i + 500])))
            if doc.kind == "commentary":
                _commentary_themes(session, taxonomy, passages)
            else:
                _official_themes(session, taxonomy, passages)
            session.flush()
            tick(1)


def _commentary_themes(session: Session, taxonomy, passages: list[Passage]) -> None:
    """A commentary passage takes its section heading's theme."""
    heading_theme: dict[int, str | None] = {}
    for p in passages:
        if p.kind == "heading":
            heading_theme[p.section] = themes.heading_theme(taxonomy, p.text)
        slug = heading_theme.get(p.section)
        if slug:
            session.add(PassageTheme(passage_id=p.id, theme=slug, score=1.0, source="heading"))


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
    for p in passages:
        if p.kind == "heading":
            continue
        for slug, score, source in themes.assign_themes(taxonomy, p.text, linked.get(p.id, ())):
            session.add(PassageTheme(passage_id=p.id, theme=slug, score=round(score, 4), source=source))
