"""Documents: the home page, the reader, and their JSON twins."""

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse

from app.store import reads as queries

from app.web import urls
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["documents"])
PAGE = 50
KindParam = Annotated[Literal["official", "commentary"] | None, Query(description="official or commentary")]
OffsetParam = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/", include_in_schema=False)
def home(request: Request, session: PageSessionDep, kind: KindParam = None, offset: OffsetParam = 0):
    """What the archive holds."""
    total, docs = queries.list_documents(session, kind=kind, limit=PAGE, offset=offset)
    return render(request, "home.html", {
        "documents": docs, "total": total, "offset": offset, "page_size": PAGE, "kind": kind,
        "counts": queries.archive_counts(session), "json_url": urls.api_documents(),
        "page_url": lambda o: urls.with_query(urls.home(), kind=kind, offset=o or None),
    })


@router.get("/api/documents", summary="List documents")
def api_documents(session: SessionDep, kind: KindParam = None,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: OffsetParam = 0) -> dict:
    """Active documents, newest first, with their metadata and sentence counts."""
    total, docs = queries.list_documents(session, kind=kind, limit=limit, offset=offset)
    return {"total": total, "offset": offset, "documents": [queries.document_obj(d) for d in docs]}


@router.get("/documents/{slug}", include_in_schema=False)
def reader(request: Request, slug: str, session: PageSessionDep):
    """A document to read, every passage addressable by its id."""
    found = queries.resolve_document(session, slug)
    if found is None:
        raise HTTPException(404, f"No document '{slug}' in the archive.")
    if found.status == "moved":
        return RedirectResponse(urls.document(found.target.slug), status_code=301)
    if found.status == "gone":
        return render(request, "gone.html", {"document": found.item, "passage": None}, status_code=410)
    view = queries.document_view(session, found.item)
    return render(request, "document.html", {
        "view": view, "doc": view.document, "json_url": urls.api_document(slug),
        "canonical": urls.document(slug),
    })


@router.get("/api/documents/{slug}", summary="One document and its passages",
            responses={301: {"description": "Slug is an alias"}, 404: {"description": "Unknown slug"},
                       410: {"description": "Document retired"}})
def api_document(slug: str, session: SessionDep):
    """Metadata and passages in reading order (id, text, section, paragraph, themes...)."""
    found = queries.resolve_document(session, slug)
    if found is None:
        raise HTTPException(404, f"No document '{slug}' in the archive.")
    if found.status == "moved":
        return RedirectResponse(urls.api_document(found.target.slug), status_code=301)
    if found.status == "gone":
        return JSONResponse({"detail": f"Document '{slug}' was retired from the archive.",
                             "document": queries.document_obj(found.item)}, status_code=410)
    return queries.document_json(queries.document_view(session, found.item))
