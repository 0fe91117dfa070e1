"""Query parameters shared by list pages and their JSON twins, each defined once."""

import re
from typing import Annotated, Literal

from fastapi import Query

from app.store.browse import Filters

SLUG_MAX = 80  # the longest document or theme slug a parameter takes

Kind = Annotated[Literal["official", "commentary"] | None, Query(description="official or commentary")]
# A page's form sends "" for "All".
PageKind = Annotated[Literal["official", "commentary", ""] | None, Query(description="official, commentary or empty")]
Slug = Annotated[str | None, Query(max_length=SLUG_MAX, description="a document slug")]
AnyDocument = Annotated[str, Query(max_length=SLUG_MAX, description="a commentary or official slug")]
ThemeSlug = Annotated[str | None, Query(max_length=SLUG_MAX, description="a theme slug")]
Text = Annotated[str | None, Query(max_length=200)]
Sort = Annotated[Literal["date-desc", "date-asc"], Query(description="order by document date")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="results to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="results per page (at most 100)")]
# A date filter: a year, a month or a day of the calendar (29 February in leap years only), as one
# pattern so the OpenAPI description says exactly what the API accepts.
_DAY = (r"\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)|02-(0[1-9]|1\d|2[0-8]))"
        r"|(\d\d(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29")
DATE_PATTERN = rf"^(\d{{4}}(-(0[1-9]|1[0-2]))?|{_DAY})$"
_DATE_RE = re.compile(DATE_PATTERN)
_DATE_DOC = "YYYY, YYYY-MM or YYYY-MM-DD, inclusive (a year or month stands for all its days); undated documents are left out"
DateFrom = Annotated[str | None, Query(alias="from", pattern=DATE_PATTERN, description="earliest document date: " + _DATE_DOC)]
DateTo = Annotated[str | None, Query(alias="to", pattern=DATE_PATTERN, description="latest document date: " + _DATE_DOC)]
# A page reads the dates as typed and says on the page what is wrong with them (date_problem).
PageFrom = Annotated[str, Query(alias="from", max_length=200)]
PageTo = Annotated[str, Query(alias="to", max_length=200)]

# The document list pages further and longer than the passage lists.
DocumentOffset = Annotated[int, Query(ge=0, le=1_000_000)]
DocumentLimit = Annotated[int, Query(ge=1, le=500)]


def filters(kind=None, doc=None, publisher=None, theme=None, sort="date-desc", date_from=None, date_to=None) -> Filters:
    """Empty strings from HTML forms mean 'no filter'."""
    return Filters(kind or None, doc or None, publisher or None, theme or None, sort, date_from or None, date_to or None)


def date_problem(label: str, value: str | None) -> str | None:
    """What is wrong with a typed date, in words for the page; None for a good date or none."""
    if not value or _DATE_RE.match(value):
        return None
    shown = value if len(value) <= 30 else value[:30] + "…"
    if re.fullmatch(r"\d{4}-\d\d(-\d\d)?", value):
        return (f"The date {label}, '{shown}', is not on the calendar: its month or day is out of range "
                "(write 2025, 2025-04 or 2025-04-26).")
    return f"Dates are written 2025, 2025-04 or 2025-04-26: the date {label} ('{shown}') is not one."


def dates_problem(date_from: str | None, date_to: str | None) -> str | None:
    """The first problem with a page's date range, if any."""
    return date_problem("from", date_from) or date_problem("to", date_to)
