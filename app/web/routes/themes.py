"""Themes: the taxonomy with counts, and every passage on a theme."""

from fastapi import APIRouter, HTTPException, Request

from app.store import browse

from app.web import serialize, urls
from app.store.models import Document
from app.web.routes.params import Kind, Limit, Offset, Slug, Sort, Text, filters
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["themes"])
PAGE = 50


@router.get("/themes", include_in_schema=False)
def themes_page(request: Request, session: PageSessionDep):
    """All themes with counts of official and commentary sentences."""
    return render(request, "themes.html", {"themes": browse.themes_with_counts(session), "json_url": urls.api_themes()})


@router.get("/api/themes", summary="List themes")
def api_themes(session: SessionDep) -> dict:
    """Every theme with its label, description, parent and sentence counts per kind."""
    return serialize.theme_list(browse.themes_with_counts(session))


def _theme_or_404(session, slug: str):
    theme = browse.get_theme(session, slug)
    if theme is None:
        raise HTTPException(404, f"No theme '{slug}'. See /themes for the list.")
    return theme


@router.get("/themes/{slug}", include_in_schema=False)
def theme_page(request: Request, slug: str, session: PageSessionDep, kind: Kind = None, doc: Slug = None,
               publisher: Text = None, sort: Sort = "date-desc", offset: Offset = 0):
    """Passages on one theme, grouped by document, directives first."""
    theme = _theme_or_404(session, slug)
    f = filters(kind, doc, publisher, None, sort)
    page = browse.theme_passages(session, slug, f, offset, PAGE)
    return render(request, "theme.html", {
        "theme": theme, "page": page, "f": f, "labels": browse.theme_labels(session),
        "publishers": browse.facet_values(session, Document.publisher),
        "json_url": urls.api_theme(slug, kind=kind, doc=doc, publisher=publisher, sort=sort, offset=offset or None),
        "page_url": lambda o: urls.theme(slug, kind=kind, doc=doc, publisher=publisher, sort=sort, offset=o or None),
    })


@router.get("/api/themes/{slug}", summary="Passages on a theme", responses={404: {"description": "Unknown theme"}})
def api_theme(slug: str, session: SessionDep, kind: Kind = None, doc: Slug = None, publisher: Text = None,
              sort: Sort = "date-desc", offset: Offset = 0, limit: Limit = PAGE) -> dict:
    """Sentence objects carrying the theme, with the same filters as the page."""
    theme = _theme_or_404(session, slug)
    page = browse.theme_passages(session, slug, filters(kind, doc, publisher, None, sort), offset, limit)
    return serialize.theme_passages(theme, page, offset)
