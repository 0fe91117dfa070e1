"""JSON shapes of everything the API returns: one place for each."""

from __future__ import annotations

from app.enrich.links import word_diff
from app.store.browse import Page
from app.store.models import Document, Passage, Theme
from app.store.reads import DocumentView, PassageView
from app.web import urls


def document_obj(d: Document, sentences: int | None = None) -> dict:
    """The JSON form of a document's metadata."""
    return {
        "slug": d.slug, "title": d.title, "kind": d.kind, "date": d.date, "event_date": d.event_date,
        "publisher": d.publisher, "author": d.author, "translator": d.translator, "language": d.language,
        "source_url": d.source_url, "retrieved": d.retrieved, "comments_on": d.comments_on,
        "translation_of": d.translation_of, "aliases": list(d.aliases or []), "headline": d.headline, "dateline": d.dateline,
        "sha256": d.source_sha256, "status": d.status,
        "sentences": d.sentence_count if sentences is None else sentences,
        "url": urls.document(d.slug), "api_url": urls.api_document(d.slug),
        # The file as received (sha256 above is its hash); None for documents stored before files were kept.
        "source_file": {"url": urls.source_file(d.slug), "media_type": d.source_media_type, "size": d.source_size}
        if d.source_size is not None else None,
    }


def passage_obj(p: Passage, d: Document, themes: list[str] | None = None) -> dict:
    """The JSON form of one passage (the archive's "sentence object")."""
    obj = {
        "id": p.id, "document": d.slug, "kind": d.kind, "unit": p.kind, "text": p.text,
        "section": p.section_title, "paragraph": p.paragraph, "position": p.position, "page": p.page,
        "date": d.date, "publisher": d.publisher, "language": d.language,
        "themes": themes or [], "is_directive": bool(p.is_directive), "active": bool(p.active),
        "url": urls.document(d.slug, p.id), "permalink": urls.passage(p.id),
    }
    if p.is_directive:
        obj.update(speaker=p.speaker, directive_verb=p.directive_verb, citation_url=urls.directive(p.id))
    if d.kind == "commentary" and p.kind != "heading":
        obj["claim"] = p.claim
    return obj


def document_list(total: int, offset: int, docs: list[Document]) -> dict:
    """A page of /api/documents."""
    return {"total": total, "offset": offset, "documents": [document_obj(d) for d in docs]}


def document_json(view: DocumentView) -> dict:
    """The JSON twin of the reader."""
    obj = document_obj(view.document)
    obj["passages"] = [
        {**passage_obj(p, view.document, view.themes.get(p.id)), "aligned": view.aligned.get(p.id, [])}
        for p in view.passages
    ]
    obj["original"] = {"slug": view.original.slug, "language": view.original.language,
                       "url": urls.document(view.original.slug)} if view.original else None
    obj["translations"] = [{"slug": t.slug, "language": t.language, "translator": t.translator,
                            "url": urls.document(t.slug)} for t in view.translations]
    obj["commentaries"] = [c.slug for c in view.commentaries]
    themed, sentences = view.theme_share
    obj["theme_share"] = {"themed": themed, "sentences": sentences,
                          "share": round(themed / sentences, 3) if sentences else None}
    return obj


def document_gone(slug: str, d: Document) -> dict:
    """The body of a retired document's 410."""
    return {"detail": f"Document '{slug}' was retired from the archive.", "document": document_obj(d)}


def passage_json(view: PassageView) -> dict:
    """One passage with its document's slug and kind, themes and cross-references."""
    obj = passage_obj(view.passage, view.document, view.themes)
    obj["crossrefs"] = [
        {"passage": passage_obj(link.passage, link.document), "relation": link.relation, "score": link.score}
        for link in view.links
    ]
    obj["aligned"] = view.aligned
    return obj


def passage_gone(passage_id: str, p: Passage, d: Document) -> dict:
    """The body of a removed passage's 410: its last known text."""
    return {"detail": f"Passage '{passage_id}' was removed from the archive.", "last_known": passage_obj(p, d)}


def passage_list(page: Page, offset: int) -> dict:
    """A page of passages (directives, a theme's passages)."""
    return {"total": page.total, "offset": offset,
            "results": [passage_obj(r.passage, r.document, r.themes) for r in page.rows]}


def theme_list(themes: list[dict]) -> dict:
    """/api/themes: the taxonomy with counts (see browse.themes_with_counts)."""
    return {"themes": themes}


def theme_passages(theme: Theme, page: Page, offset: int) -> dict:
    """/api/themes/{slug}: the theme and a page of its passages."""
    return {
        "theme": {"slug": theme.slug, "label": theme.label, "description": theme.description, "parent": theme.parent},
        **passage_list(page, offset),
    }


def crossref_list(rows) -> list[dict]:
    """/api/crossrefs: each link as both sentences, the relation, its score and the word diff.

    An `interprets` link reads the official text without quoting it, so no diff is shown for it.
    """
    return [
        {"commentary": passage_obj(c, cd), "official": passage_obj(o, od),
         "relation": relation, "score": score,
         "diff": word_diff(c.text, o.text) if relation != "interprets" else None}
        for c, cd, o, od, relation, score in rows
    ]


def health(version: int) -> dict:
    """/healthz."""
    return {"status": "ok", "version": version}


# --- search hits
#
# The search engine answers with dataclasses naming sentences and documents; their JSON (and
# every link in it) is built here. The pydantic models in app/web/routes/quotes.py document
# these shapes for OpenAPI; tests/search/test_hits_json.py keeps the two in step.

from app.search.snippets import clip  # noqa: E402 - this section's own imports
from app.search.types import Outcome, Result  # noqa: E402
from app.search.verify import Checked, Verification  # noqa: E402


def hit_json(r: Result) -> dict:
    """One search hit (SearchHit), with the links to its sentence; an over-long text is cut (`truncated`)."""
    text, truncated = clip(r.text)
    return {
        "id": r.id, "document": r.document, "title": r.title, "kind": r.kind, "unit": r.unit, "text": text,
        "truncated": truncated, "match": r.match, "score": r.score, "bm25": r.bm25,
        "url": urls.document(r.document, r.id), "permalink": urls.passage(r.id),
        "date": r.date, "publisher": r.publisher, "position": r.position, "themes": r.themes,
        "snippet": str(r.snippet), "span": r.span, "reports": reported_json(r.reports),
        "changes": r.changes, "diff": r.diff, "verdict": r.verdict, "aligned": r.aligned,
    }


def reported_json(reported: dict | None) -> dict | None:
    """The official sentence a commentary hit reports (ReportedSentence), with its links."""
    if reported is None:
        return None
    return {**reported, "text": clip(reported["text"])[0], "url": urls.document(reported["document"], reported["id"]),
            "permalink": urls.passage(reported["id"])}


def search_json(out: Outcome) -> dict:
    """/api/search: one page of hits with totals and facets (SearchResponse)."""
    return {
        "query": out.query, "mode": out.mode, "total": out.total, "offset": out.offset, "limit": out.limit,
        "message": out.message, "results": [hit_json(r) for r in out.results], "facets": out.facets(),
    }


def checked_json(c: Checked) -> dict:
    """One sentence of the quote check (CheckedSentence): its grade, its source and the word diff."""
    source = None
    if c.source is not None:
        source = passage_obj(c.source.passage, c.source.document, c.source.themes)
        source["document_title"] = c.source.document.title
        source["text"], source["truncated"] = clip(source["text"])
    diff = [{**op, "quote": clip(op["quote"])[0], "source": clip(op["source"])[0]} for op in c.diff]
    return {"text": c.text, "match": c.match, "score": c.score, "source": source, "diff": diff, "span": c.span, "changes": c.changes, "note": c.note}


def verification_json(v: Verification) -> dict:
    """/api/verify (VerifyResponse); the quote check page shows the same."""
    return {"verdict": v.verdict, "sentences": [checked_json(s) for s in v.sentences]}
