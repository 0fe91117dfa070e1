"""Passage permalinks (/s/), directive citation pages (/d/) and the passage API."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from app.web import cite, citing

from app.store import reads as queries

from app.web import resolve, serialize, urls
from app.store.models import Document
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["passages"])


def _gone_page(request: Request, session):
    """The tombstone page of a removed passage, with its last known text."""
    def page(p):
        doc = session.get(Document, p.document_id)
        return render(request, "gone.html", {"passage": p, "document": doc}, status_code=410)
    return page


def _page(request: Request, session, p, template: str, canonical: str):
    view = queries.passage_view(session, p, around=True)
    own = urls.directive(p.id) if p.is_directive else urls.passage(p.id)
    return render(request, template, {
        "p": p, "doc": view.document, "before": view.before, "after": view.after,
        "themes": view.themes, "links": view.links, "history": view.history, "aligned": view.aligned,
        "citations": cite.citations(p, view.document, urls.absolute(request.app.state.base_url, own)),
        "canonical": canonical,
        "json_url": urls.api_passage(p.id),
    })


@router.get("/s/{passage_id}", include_in_schema=False)
def passage_page(request: Request, passage_id: str, session: PageSessionDep):
    """A passage's permanent page: text, context, links and correction history."""
    p = resolve.passage(session, passage_id, moved_to=urls.passage, gone=_gone_page(request, session))
    return _page(request, session, p, "passage.html", urls.passage(p.id))


@router.get("/d/{passage_id}", include_in_schema=False)
def directive_page(request: Request, passage_id: str, session: PageSessionDep):
    """A directive's citable page; other passages redirect to their /s/ page."""
    p = resolve.passage(session, passage_id, moved_to=urls.directive, gone=_gone_page(request, session))
    if not p.is_directive:
        return RedirectResponse(urls.passage(p.id), status_code=301)
    return _page(request, session, p, "directive.html", urls.directive(p.id))


@router.get("/api/passages/{passage_id}", summary="One passage",
            responses={301: {"description": "Corrected: moved to its successor"}, 404: {"description": "Unknown id"},
                       410: {"description": "Removed; the body carries the last known text"}})
def api_passage(passage_id: str, session: SessionDep):
    """The passage with its document's slug and kind, themes, claim label and cross-references."""
    def gone(p):
        return JSONResponse(serialize.passage_gone(passage_id, p, session.get(Document, p.document_id)), status_code=410)

    p = resolve.passage(session, passage_id, moved_to=urls.api_passage, gone=gone)
    return serialize.passage_json(queries.passage_view(session, p))


class Citations(BaseModel):
    id: str = Field(description="The passage's id (its successor's, after a correction: the request is redirected).")
    link: str = Field(description="Its permalink, the URL a citation gives.")
    reference: str = Field(description="Who, when and which paragraph, for display: 'Xinhua, 26 Apr 2025, ¶ 10'.")
    text: str = Field(description="The citation as plain text.")
    bibtex: str = Field(description="The citation as a BibTeX @misc entry.")
    csl_json: str = Field(description="The citation as CSL-JSON (a JSON document in a string).")


@router.get("/api/passages/{passage_id}/cite", summary="Citations of one passage", response_model=Citations,
            responses={301: {"description": "Corrected: moved to its successor"}, 404: {"description": "Unknown id"},
                       410: {"description": "Removed: nothing to cite"}})
def api_passage_cite(request: Request, passage_id: str, session: SessionDep):
    """The passage's citation in plain text, BibTeX and CSL-JSON, its permalink and readable reference;
    the reader's and the quote check's Cite menus fetch it when opened."""
    def gone(p):
        return JSONResponse({"detail": f"Passage '{passage_id}' was removed from the archive."}, status_code=410)

    p = resolve.passage(session, passage_id, moved_to=lambda pid: urls.api_passage(pid) + "/cite", gone=gone)
    return citing.one(session, request.app.state.base_url, p)
