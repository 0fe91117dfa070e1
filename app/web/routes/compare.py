"""Cross-references: the side-by-side compare view and the links API."""

from fastapi import APIRouter, HTTPException, Request

from app.store import browse

from app.web import resolve, serialize, urls
from app.enrich.links import word_diff
from app.web.routes.params import AnyDocument
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["cross-references"])


def claim_diffs(view: browse.CompareView) -> dict[tuple[str, str], list[dict]]:
    """The word diff of each reported claim against its best-matching official sentence.

    Further links are listed without one, to keep the page light.
    """
    diffs = {}
    for c in view.commentary_passages:
        best = next((link for link in view.links.get(c.id, []) if link.relation != "interprets"), None)
        if best is not None and c.claim == "reports":
            diffs[(c.id, best.passage.id)] = word_diff(c.text, best.passage.text)
    return diffs


@router.get("/compare/{slug}", include_in_schema=False)
def compare_page(request: Request, slug: str, session: PageSessionDep):
    """A commentary and its official text side by side, links and labels on every sentence."""
    doc = resolve.document(session, slug, moved_to=urls.compare)
    if doc.kind != "commentary":
        raise HTTPException(404, f"'{slug}' is an official text; compare views start from a commentary on it.")
    view = browse.compare_view(session, doc)
    return render(request, "compare.html", {"view": view, "doc": doc, "diffs": claim_diffs(view),
                                            "json_url": urls.api_crossrefs(slug)})


@router.get("/api/crossrefs", summary="Cross-references of a document",
            responses={404: {"description": "Unknown document"}})
def api_crossrefs(session: SessionDep, doc: AnyDocument) -> list[dict]:
    """Every link touching the document: commentary sentence, official sentence, relation, score, word diff."""
    document = resolve.document(session, doc)  # an alias reads as the document it names
    return serialize.crossref_list(browse.crossref_rows(session, document))
