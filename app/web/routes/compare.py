"""Cross-references: the side-by-side compare view and the links API."""

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from typing import Annotated

from app.store import browse

from app.store import reads as queries

from app.web import urls
from app.enrich.links import word_diff
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["cross-references"])


def _document(session, slug: str):
    found = queries.resolve_document(session, slug)
    if found is None or found.status == "gone":
        raise HTTPException(404, f"No document '{slug}' in the archive.")
    return found


@router.get("/compare/{slug}", include_in_schema=False)
def compare_page(request: Request, slug: str, session: PageSessionDep):
    """A commentary and its official text side by side, links and labels on every sentence."""
    found = _document(session, slug)
    if found.status == "moved":
        return RedirectResponse(urls.compare(found.target.slug), status_code=301)
    doc = found.item
    if doc.kind != "commentary":
        raise HTTPException(404, f"'{slug}' is an official text; compare views start from a commentary on it.")
    view = browse.compare_view(session, doc)
    # The word diff of each reported claim against its best-matching official sentence;
    # further links are listed without one to keep the page light.
    diffs = {}
    for c in view.commentary_passages:
        best = next((link for link in view.links.get(c.id, []) if link.relation != "interprets"), None)
        if best is not None and c.claim == "reports":
            diffs[(c.id, best.passage.id)] = word_diff(c.text, best.passage.text)
    return render(request, "compare.html", {"view": view, "doc": doc, "diffs": diffs,
                                            "json_url": urls.api_crossrefs(slug)})


@router.get("/api/crossrefs", summary="Cross-references of a document",
            responses={404: {"description": "Unknown document"}})
def api_crossrefs(session: SessionDep, doc: Annotated[str, Query(max_length=80, description="a commentary or official slug")]) -> list[dict]:
    """Every link touching the document: commentary sentence, official sentence, relation, score, word diff."""
    found = _document(session, doc)
    document = found.target if found.status == "moved" else found.item
    return [
        {"commentary": queries.passage_obj(c, cd), "official": queries.passage_obj(o, od),
         "relation": relation, "score": score,
         "diff": word_diff(c.text, o.text) if relation != "interprets" else None}
        for c, cd, o, od, relation, score in browse.crossref_rows(session, document)
    ]
