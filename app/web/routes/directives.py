"""Directives: every instruction in the official texts, filterable."""

from fastapi import APIRouter, Request

from app.store import browse

from app.web import serialize, urls
from app.store.models import Document
from app.web.routes.params import Limit, Offset, Slug, Sort, Text, filters
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["directives"])
PAGE = 50


@router.get("/directives", include_in_schema=False)
def directives_page(request: Request, session: PageSessionDep, theme: Text = None, doc: Slug = None,
                    publisher: Text = None, sort: Sort = "date-desc", offset: Offset = 0):
    """All directives, newest documents first."""
    f = filters(None, doc, publisher, theme, sort)
    page = browse.directives(session, f, offset, PAGE)
    return render(request, "directives.html", {
        "page": page, "f": f, "labels": browse.theme_labels(session),
        "publishers": browse.facet_values(session, Document.publisher),
        "json_url": urls.api_directives(theme=theme, doc=doc, publisher=publisher, sort=sort, offset=offset or None),
        "page_url": lambda o: urls.directives(theme=theme, doc=doc, publisher=publisher, sort=sort, offset=o or None),
    })


@router.get("/api/directives", summary="List directives")
def api_directives(session: SessionDep, theme: Text = None, doc: Slug = None, publisher: Text = None,
                   sort: Sort = "date-desc", offset: Offset = 0, limit: Limit = PAGE) -> dict:
    """Directive sentence objects with speaker, directing verb and citation URL."""
    page = browse.directives(session, filters(None, doc, publisher, theme, sort), offset, limit)
    return serialize.passage_list(page, offset)
