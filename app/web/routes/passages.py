"""Passage permalinks (/s/), directive citation pages (/d/) and the passage API."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse

from app.web import cite

from app.store import reads as queries

from app.web import urls
from app.store.models import Document
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["passages"])


def _lookup(session, passage_id: str) -> queries.Resolved:
    found = queries.resolve_passage(session, passage_id)
    if found is None:
        raise HTTPException(404, f"No passage '{passage_id}' in the archive.")
    return found


def _gone(request: Request, session, found: queries.Resolved):
    doc = session.get(Document, found.item.document_id)
    return render(request, "gone.html", {"passage": found.item, "document": doc}, status_code=410)


def _page(request: Request, session, p, template: str, canonical: str):
    doc = session.get(Document, p.document_id)
    before, after = queries.context(session, p)
    base = str(request.base_url).rstrip("/")
    return render(request, template, {
        "p": p, "doc": doc, "before": before, "after": after,
        "themes": queries.themes_for(session, [p.id]).get(p.id, []),
        "links": queries.crossrefs_for(session, [p.id]).get(p.id, []),
        "history": queries.history(session, p.id),
        "citations": cite.citations(p, doc, urls.absolute(base, urls.directive(p.id) if p.is_directive else urls.passage(p.id))),
        "canonical": canonical, "absolute_canonical": urls.absolute(base, canonical),
        "json_url": urls.api_passage(p.id),
    })


@router.get("/s/{passage_id}", include_in_schema=False)
def passage_page(request: Request, passage_id: str, session: PageSessionDep):
    """A passage's permanent page: text, context, links and correction history."""
    found = _lookup(session, passage_id)
    if found.status == "moved":
        return RedirectResponse(urls.passage(found.target.id), status_code=301)
    if found.status == "gone":
        return _gone(request, session, found)
    return _page(request, session, found.item, "passage.html", urls.passage(found.item.id))


@router.get("/d/{passage_id}", include_in_schema=False)
def directive_page(request: Request, passage_id: str, session: PageSessionDep):
    """A directive's citable page; other passages redirect to their /s/ page."""
    found = _lookup(session, passage_id)
    if found.status == "moved":
        return RedirectResponse(urls.directive(found.target.id), status_code=301)
    if found.status == "gone":
        return _gone(request, session, found)
    if not found.item.is_directive:
        return RedirectResponse(urls.passage(found.item.id), status_code=301)
    return _page(request, session, found.item, "directive.html", urls.directive(found.item.id))


@router.get("/api/passages/{passage_id}", summary="One passage",
            responses={301: {"description": "Corrected: moved to its successor"}, 404: {"description": "Unknown id"},
                       410: {"description": "Removed; the body carries the last known text"}})
def api_passage(passage_id: str, session: SessionDep):
    """The passage with its document's slug and kind, themes, claim label and cross-references."""
    found = _lookup(session, passage_id)
    if found.status == "moved":
        return RedirectResponse(urls.api_passage(found.target.id), status_code=301)
    if found.status == "gone":
        doc = session.get(Document, found.item.document_id)
        return JSONResponse({"detail": f"Passage '{passage_id}' was removed from the archive.",
                             "last_known": queries.passage_obj(found.item, doc)}, status_code=410)
    return queries.passage_json(session, found.item)
