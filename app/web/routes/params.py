"""Query parameters shared by list pages and their JSON twins."""

from typing import Annotated, Literal

from fastapi import Query

from app.store.browse import Filters

Kind = Annotated[Literal["official", "commentary"] | None, Query(description="official or commentary")]
Slug = Annotated[str | None, Query(max_length=80, description="a document slug")]
Text = Annotated[str | None, Query(max_length=200)]
Sort = Annotated[Literal["date-desc", "date-asc"], Query(description="order by document date")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="results to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="results per page (at most 100)")]


def filters(kind=None, doc=None, publisher=None, theme=None, sort="date-desc") -> Filters:
    """Empty strings from HTML forms mean 'no filter'."""
    return Filters(kind or None, doc or None, publisher or None, theme or None, sort)
