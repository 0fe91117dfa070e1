"""Themes: the taxonomy with counts, and every passage on a theme."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from app.store import browse

from app.web import serialize, urls
from app.web.resolve import Answered
from app.store.models import Document, Theme
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


def _theme_or_404(request: Request, session, slug: str, url):
    """The theme; for a retired slug, the 301 to `url` of the theme replacing it; else a 404."""
    theme = browse.get_theme(session, slug)
    if theme is None:
        if (to := moved(request, session, slug, url)) is not None:
            raise Answered(to)
        raise HTTPException(404, f"No theme '{slug}'. See /themes for the list.")
    return theme


@router.get("/themes/{slug}", include_in_schema=False)
def theme_page(request: Request, slug: str, session: PageSessionDep, kind: Kind = None, doc: Slug = None,
               publisher: Text = None, sort: Sort = "date-desc", offset: Offset = 0):
    """Passages on one theme, grouped by document, directives first."""
    theme = _theme_or_404(request, session, slug, urls.theme)
    f = filters(kind, doc, publisher, None, sort)
    page = browse.theme_passages(session, slug, f, offset, PAGE)
    return render(request, "theme.html", {
        "theme": theme, "page": page, "f": f, "labels": browse.theme_labels(session),
        "publishers": browse.facet_values(session, Document.publisher),
        "json_url": urls.api_theme(slug, kind=kind, doc=doc, publisher=publisher, sort=sort, offset=offset or None),
        "page_url": lambda o: urls.theme(slug, kind=kind, doc=doc, publisher=publisher, sort=sort, offset=o or None),
    })


@router.get("/api/themes/{slug}", summary="Passages on a theme",
            responses={301: {"description": "Retired theme: moved to the theme that replaces it"},
                       404: {"description": "Unknown theme"}})
def api_theme(request: Request, slug: str, session: SessionDep, kind: Kind = None, doc: Slug = None, publisher: Text = None,
              sort: Sort = "date-desc", offset: Offset = 0, limit: Limit = PAGE) -> dict:
    """Sentence objects carrying the theme, with the same filters as the page."""
    theme = _theme_or_404(request, session, slug, urls.api_theme)
    page = browse.theme_passages(session, slug, filters(kind, doc, publisher, None, sort), offset, limit)
    return serialize.theme_passages(theme, page, offset)
