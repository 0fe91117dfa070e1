"""Bulk export for researchers (CSV, JSON, streamed) and Atom feeds."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from app.store import browse

from app.web import formats as exporter
from app.web.deps import SessionDep

router = APIRouter(tags=["export"])


@router.get("/export/sentences.csv", summary="All sentences as CSV")
def export_csv(request: Request):
    """One row per active sentence: document, kind, themes, directive flag, links. Streamed."""
    return StreamingResponse(exporter.csv_chunks(request.app.state.sessions), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="policy-archive-sentences.csv"'})


@router.get("/export/sentences.json", summary="All sentences as JSON")
def export_json(request: Request):
    """The same records as the CSV, as one JSON array, streamed."""
    return StreamingResponse(exporter.json_chunks(request.app.state.sessions), media_type="application/json",
                             headers={"Content-Disposition": 'attachment; filename="policy-archive-sentences.json"'})


@router.get("/feeds/documents.atom", summary="Atom feed of documents")
def feed_documents(request: Request, session: SessionDep):
    """The newest documents."""
    xml = exporter.documents_feed(session, str(request.base_url))
    return Response(xml, media_type="application/atom+xml")


@router.get("/feeds/themes/{slug}.atom", summary="Atom feed of a theme", responses={404: {"description": "Unknown theme"}})
def feed_theme(slug: str, request: Request, session: SessionDep):
    """The newest passages on one theme."""
    theme = browse.get_theme(session, slug)
    if theme is None:
        raise HTTPException(404, f"No theme '{slug}'.")
    return Response(exporter.theme_feed(session, theme, str(request.base_url)), media_type="application/atom+xml")
