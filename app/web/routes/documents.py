"""Documents: the home page, the reader, and their JSON twins."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse

from app.store import blobs, reads as queries

from app.web import landing, resolve, serialize, urls
from app.web.routes.params import DocumentLimit, DocumentOffset, Kind
from app.web.routes import novelty
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
        "examples": queries.quotable(session), "broad_themes": queries.broad_themes(session),
        "page_url": lambda o: urls.with_query(urls.home(), kind=kind, offset=o or None),
    })


@router.get("/api/documents", summary="List documents")
def api_documents(session: SessionDep, kind: Kind = None, limit: DocumentLimit = 100, offset: DocumentOffset = 0) -> dict:
    """Active documents, newest first, with their metadata and sentence counts."""
    total, docs = queries.list_documents(session, kind=kind, limit=limit, offset=offset)
    return serialize.document_list(total, offset, docs)


@router.get("/documents/{slug}", include_in_schema=False)
def reader(request: Request, slug: str, session: PageSessionDep, at: landing.SentenceId = None, was: landing.SentenceId = None):
    """A document to read, every passage addressable by its id; `at` names the sentence a link is for
    (app/web/landing.py: a corrected one redirects to its successor, a removed one is shown)."""
    doc = resolve.document(session, slug, moved_to=urls.document, gone=lambda d: render(
        request, "gone.html", {"document": d, "passage": None}, status_code=410))
    arrived = landing.landing(session, doc, at, was)
    view = queries.document_view(session, doc)
    return render(request, "document.html", {
        "view": view, "doc": view.document, "json_url": urls.api_document(slug), "landing": arrived,
        "canonical": urls.document(slug), "source": source_link(view.document),
        "novelty": novelty.panel(session, view.document),
    })


# Media type of a kept file -> (its name in a link, the suffix of the file downloaded).
SOURCE_KINDS = {
    "application/pdf": ("PDF", ".pdf"), "text/html": ("web page", ".html"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word", ".docx"),
    "text/markdown": ("Markdown", ".md"), "text/plain": ("text", ".txt"),
}


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def source_link(doc) -> dict | None:
    """The document page's link to its source file: "Source file (PDF, 1.2 MB)"."""
    if doc.source_size is None:  # stored before source files were kept
        return None
    kind = SOURCE_KINDS.get(doc.source_media_type or "", ("file", ""))[0]
    return {"url": urls.source_file(doc.slug), "label": f"{kind}, {_size(doc.source_size)}"}


@router.get("/documents/{slug}/source", include_in_schema=False)
def source_file(request: Request, slug: str, session: SessionDep):
    """The file the document was read from, byte for byte. Only a PDF is shown in the browser, and
    sandboxed; every other format is a download, so no page from the sources ever runs on the
    archive's own origin."""
    doc = resolve.document(session, slug, moved_to=urls.source_file)
    path = blobs.kept(request.app.state.settings.data_dir, doc.source_sha256)
    if path is None:
        raise HTTPException(404, f"The source file of '{doc.slug}' is not in this archive's data folder "
                                 "(it was ingested before source files were kept, or data/sources/ was not "
                                 "copied to this server); ingesting it again keeps it.")
    media = doc.source_media_type or "application/octet-stream"
    inline = media == "application/pdf"
    return FileResponse(path, media_type="text/plain" if media == "text/markdown" else media,
                        filename=f"{doc.slug}{SOURCE_KINDS.get(media, ('', ''))[1]}",
                        content_disposition_type="inline" if inline else "attachment",
                        headers={"Content-Security-Policy": "sandbox"})


@router.get("/api/documents/{slug}", summary="One document and its passages",
            responses={301: {"description": "Slug is an alias"}, 404: {"description": "Unknown slug"},
                       410: {"description": "Document retired"}})
def api_document(slug: str, session: SessionDep):
    """Metadata and passages in reading order (id, text, section, paragraph, themes...)."""
    doc = resolve.document(session, slug, moved_to=urls.api_document,
                           gone=lambda d: JSONResponse(serialize.document_gone(slug, d), status_code=410))
    return serialize.document_json(queries.document_view(session, doc))
