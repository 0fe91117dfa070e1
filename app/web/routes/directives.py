"""Directives: every instruction in the official texts, filterable."""

from fastapi import APIRouter, Request

from app.store import browse

from app.web import serialize, urls
from app.web.routes.params import (
    DateFrom, DateTo, Limit, Offset, PageFrom, PageTo, Slug, Sort, Text, dates_problem, filters,
)
from app.web.routes.themes import link_params, list_context
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["directives"])
PAGE = 50


@router.get("/directives", include_in_schema=False)
def directives_page(request: Request, session: PageSessionDep, theme: Text = None, doc: Slug = None,
                    publisher: Text = None, sort: Sort = "date-desc", offset: Offset = 0,
                    date_from: PageFrom = "", date_to: PageTo = ""):
    """All directives, newest documents first."""
    problem = dates_problem(date_from, date_to)
    f = filters(None, doc, publisher, theme, sort, *((None, None) if problem else (date_from, date_to)))
    page = browse.Page(0, [], offset, PAGE) if problem else browse.directives(session, f, offset, PAGE)
    query = link_params(f)
    return render(request, "directives.html", {
        "page": page, **list_context(session, f, browse.directive_select(f), (date_from, date_to), problem),
        "json_url": urls.api_directives(**query, offset=offset or None), "csv_url": urls.export_directives_csv(**query),
        "page_url": lambda o: urls.directives(**query, offset=o or None),
    }, status_code=422 if problem else 200)


@router.get("/api/directives", summary="List directives")
def api_directives(session: SessionDep, theme: Text = None, doc: Slug = None, publisher: Text = None,
                   sort: Sort = "date-desc", date_from: DateFrom = None, date_to: DateTo = None,
                   offset: Offset = 0, limit: Limit = PAGE) -> dict:
    """Directive sentence objects with speaker, directing verb and citation URL."""
    page = browse.directives(session, filters(None, doc, publisher, theme, sort, date_from, date_to), offset, limit)
    return serialize.passage_list(page, offset)
