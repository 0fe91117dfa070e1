"""Documents: the home page, the reader, and their JSON twins."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.store import reads as queries

from app.web import resolve, serialize, urls
from app.web.routes.params import DocumentLimit, DocumentOffset, Kind
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["documents"])
PAGE = 50


@router.get("/", include_in_schema=False)
def home(request: Request, session: PageSessionDep, kind: Kind = None, offset: DocumentOffset = 0):
    """What the archive holds."""
    total, docs = queries.list_documents(session, kind=kind, limit=PAGE, offset=offset)
    return render(request, "home.html", {
        "documents": docs, "total": total, "offset": offset, "page_size": PAGE, "kind": kind,
        "counts": queries.archive_counts(session), "json_url": urls.api_documents(),
        "page_url": lambda o: urls.with_query(urls.home(), kind=kind, offset=o or None),
    })


@router.get("/api/documents", summary="List documents")
def api_documents(session: SessionDep, kind: Kind = None, limit: DocumentLimit = 100, offset: DocumentOffset = 0) -> dict:
    """Active documents, newest first, with their metadata and sentence counts."""
    total, docs = queries.list_documents(session, kind=kind, limit=limit, offset=offset)
    return serialize.document_list(total, offset, docs)


@router.get("/documents/{slug}", include_in_schema=False)
def reader(request: Request, slug: str, session: PageSessionDep):
    """A document to read, every passage addressable by its id."""
    doc = resolve.document(session, slug, moved_to=urls.document, gone=lambda d: render(
        request, "gone.html", {"document": d, "passage": None}, status_code=410))
    view = queries.document_view(session, doc)
    return render(request, "document.html", {
        "view": view, "doc": view.document, "json_url": urls.api_document(slug),
        "canonical": urls.document(slug),
    })


@router.get("/api/documents/{slug}", summary="One document and its passages",
            responses={301: {"description": "Slug is an alias"}, 404: {"description": "Unknown slug"},
                       410: {"description": "Document retired"}})
def api_document(slug: str, session: SessionDep):
    """Metadata and passages in reading order (id, text, section, paragraph, themes...)."""
    doc = resolve.document(session, slug, moved_to=urls.api_document,
                           gone=lambda d: JSONResponse(serialize.document_gone(slug, d), status_code=410))
    return serialize.document_json(queries.document_view(session, doc))
