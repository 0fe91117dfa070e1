"""Themes: the taxonomy with counts, and every passage on a theme."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from app.store import browse

from app.web import serialize, urls
from app.web.resolve import Answered
from app.store.models import Document, Theme
from app.web.routes.params import (
    DateFrom, DateTo, Kind, Limit, Offset, PageFrom, PageKind, PageTo, Slug, Sort, Text, dates_problem, filters,
)
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["themes"])
PAGE = 50
DOCUMENT_CHOICES = 100  # documents a list's menu offers at most, newest first (publisher and dates narrow it)


def list_context(session, f, passages, typed: tuple[str, str], problem: str | None) -> dict:
    """What the filter form of a passage list needs: its menus' real values and the dates as typed."""
    return {"f": f, "labels": browse.theme_labels(session), "problem": problem,
            "publishers": browse.facet_values(session, Document.publisher),
            "documents": browse.documents_in(session, passages, f, DOCUMENT_CHOICES), "doc_cap": DOCUMENT_CHOICES,
            "dates": {"from": typed[0], "to": typed[1]}}


def link_params(f) -> dict:
    """A filtered list's state, for its links (pages, JSON, CSV): the same GET parameters."""
    return {"kind": f.kind, "theme": f.theme, "doc": f.doc, "publisher": f.publisher, "date_from": f.date_from,
            "date_to": f.date_to, "sort": None if f.sort == "date-desc" else f.sort}


@router.get("/themes", include_in_schema=False)
def themes_page(request: Request, session: PageSessionDep, date_from: PageFrom = "", date_to: PageTo = ""):
    """All themes with counts of official and commentary sentences (within the dates given)."""
    problem = dates_problem(date_from, date_to)
    f = filters() if problem else filters(date_from=date_from, date_to=date_to)
    query = {"date_from": f.date_from, "date_to": f.date_to}
    return render(request, "themes.html", {
        "themes": [] if problem else browse.themes_with_counts(session, f), "problem": problem, "f": f,
        "dates": {"from": date_from, "to": date_to}, "query": query,
        "json_url": urls.api_themes(**query), "csv_url": urls.export_themes_csv(**query),
    }, status_code=422 if problem else 200)


@router.get("/api/themes", summary="List themes")
def api_themes(session: SessionDep, date_from: DateFrom = None, date_to: DateTo = None) -> dict:
    """Every theme with its label, description, parent and sentence counts per kind (in documents
    dated within `from` and `to`, when given)."""
    return serialize.theme_list(browse.themes_with_counts(session, filters(date_from=date_from, date_to=date_to)))


def replacement(session, slug: str) -> str | None:
    """The live theme whose `replaces` lists the retired `slug`, else None."""
    for new, replaces in session.execute(select(Theme.slug, Theme.replaces).where(Theme.replaces != "")):
        if slug in replaces.split():
            return new
    return None


def moved(request: Request, session, slug: str, url) -> RedirectResponse | None:
    """A 301 to the replacing theme's `url(new_slug)`, query kept, when `slug` was retired."""
    new = replacement(session, slug)
    if new is None:
        return None
    query = request.url.query
    return RedirectResponse(url(new) + (f"?{query}" if query else ""), status_code=301)


def theme_or_404(request: Request, session, slug: str, url):
    """The theme; for a retired slug, the 301 to `url` of the theme replacing it; else a 404."""
    theme = browse.get_theme(session, slug)
    if theme is None:
        if (to := moved(request, session, slug, url)) is not None:
            raise Answered(to)
        raise HTTPException(404, f"No theme '{slug}'. See /themes for the list.")
    return theme


@router.get("/themes/{slug}", include_in_schema=False)
def theme_page(request: Request, slug: str, session: PageSessionDep, kind: PageKind = None, doc: Slug = None,
               publisher: Text = None, sort: Sort = "date-desc", offset: Offset = 0,
               date_from: PageFrom = "", date_to: PageTo = ""):
    """Passages on one theme, grouped by document, directives first."""
    theme = theme_or_404(request, session, slug, urls.theme)
    problem = dates_problem(date_from, date_to)
    f = filters(kind, doc, publisher, None, sort, *((None, None) if problem else (date_from, date_to)))
    page = browse.Page(0, [], offset, PAGE) if problem else browse.theme_passages(session, slug, f, offset, PAGE)
    query = link_params(f)
    return render(request, "theme.html", {
        "theme": theme, "page": page, **list_context(session, f, browse.theme_select(slug), (date_from, date_to), problem),
        "json_url": urls.api_theme(slug, **query, offset=offset or None), "csv_url": urls.export_theme_csv(slug, **query),
        "page_url": lambda o: urls.theme(slug, **query, offset=o or None),
    }, status_code=422 if problem else 200)


@router.get("/api/themes/{slug}", summary="Passages on a theme",
            responses={301: {"description": "Retired theme: moved to the theme that replaces it"},
                       404: {"description": "Unknown theme"}})
def api_theme(request: Request, slug: str, session: SessionDep, kind: Kind = None, doc: Slug = None, publisher: Text = None,
              sort: Sort = "date-desc", date_from: DateFrom = None, date_to: DateTo = None,
              offset: Offset = 0, limit: Limit = PAGE) -> dict:
    """Sentence objects carrying the theme, with the same filters as the page."""
    theme = theme_or_404(request, session, slug, urls.api_theme)
    page = browse.theme_passages(session, slug, filters(kind, doc, publisher, None, sort, date_from, date_to), offset, limit)
    return serialize.theme_passages(theme, page, offset)
