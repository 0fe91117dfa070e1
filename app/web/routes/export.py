"""Bulk export for researchers (CSV, JSON, streamed) and Atom feeds."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from app.store import browse

from app.web import formats as exporter, urls
from app.web.routes import themes
from app.web.deps import SessionDep

router = APIRouter(tags=["export"])


# Response classes named by the routes, so the OpenAPI description declares the real content types.
class CsvResponse(StreamingResponse):
    media_type = "text/csv"
    charset = "utf-8"


class JsonStreamResponse(StreamingResponse):
    media_type = "application/json"


class AtomResponse(Response):
    media_type = "application/atom+xml"


def _base(request: Request) -> str:
    """The public address links are built from (POLICY_ARCHIVE_BASE_URL), never the Host header."""
    return request.app.state.base_url


@router.get("/export/sentences.csv", summary="All sentences as CSV", response_class=CsvResponse,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def export_csv(request: Request):
    """One row per active sentence: document, kind, themes, directive flag, links. Streamed."""
    return CsvResponse(exporter.csv_chunks(request.app.state.sessions), media_type="text/csv; charset=utf-8",
                       headers={"Content-Disposition": 'attachment; filename="policy-archive-sentences.csv"'})


@router.get("/export/sentences.json", summary="All sentences as JSON", response_class=JsonStreamResponse,
            responses={200: {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}})
def export_json(request: Request):
    """The same records as the CSV, as one JSON array, streamed."""
    return JsonStreamResponse(exporter.json_chunks(request.app.state.sessions),
                              headers={"Content-Disposition": 'attachment; filename="policy-archive-sentences.json"'})


_ATOM = {200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}}}


@router.get("/feeds/documents.atom", summary="Atom feed of documents", response_class=AtomResponse, responses=_ATOM)
def feed_documents(request: Request, session: SessionDep):
    """The newest documents."""
    return AtomResponse(exporter.documents_feed(session, _base(request)))


@router.get("/feeds/themes/{slug}.atom", summary="Atom feed of a theme", response_class=AtomResponse,
            responses={**_ATOM, 301: {"description": "Retired theme: moved to the theme that replaces it"},
                       404: {"description": "Unknown theme"}})
def feed_theme(slug: str, request: Request, session: SessionDep):
    """The newest passages on one theme."""
    theme = browse.get_theme(session, slug)
    if theme is None:
        if (to := themes.moved(request, session, slug, urls.feed_theme)) is not None:
            return to  # a retired theme's feed follows it, as its page does
        raise HTTPException(404, f"No theme '{slug}'.")
    return AtomResponse(exporter.theme_feed(session, theme, _base(request)))
