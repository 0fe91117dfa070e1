"""Query parameters shared by list pages and their JSON twins, each defined once."""

from typing import Annotated, Literal

from fastapi import Query

from app.store.browse import Filters

SLUG_MAX = 80  # the longest document or theme slug a parameter takes

Kind = Annotated[Literal["official", "commentary"] | None, Query(description="official or commentary")]
Slug = Annotated[str | None, Query(max_length=SLUG_MAX, description="a document slug")]
AnyDocument = Annotated[str, Query(max_length=SLUG_MAX, description="a commentary or official slug")]
ThemeSlug = Annotated[str | None, Query(max_length=SLUG_MAX, description="a theme slug")]
Text = Annotated[str | None, Query(max_length=200)]
Sort = Annotated[Literal["date-desc", "date-asc"], Query(description="order by document date")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="results to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="results per page (at most 100)")]
# The document list pages further and longer than the passage lists.
DocumentOffset = Annotated[int, Query(ge=0, le=1_000_000)]
DocumentLimit = Annotated[int, Query(ge=1, le=500)]


def filters(kind=None, doc=None, publisher=None, theme=None, sort="date-desc") -> Filters:
    """Empty strings from HTML forms mean 'no filter'."""
    return Filters(kind or None, doc or None, publisher or None, theme or None, sort)
