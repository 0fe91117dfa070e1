"""Cross-references: the compare view (official and commentary on shared rows) and the links API."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, HTTPException, Query, Request

from app.store import browse
from app.store.models import Passage

from app.web import resolve, serialize, urls
from app.enrich.link_types import RELATIONS
from app.enrich.links import word_diff
from app.web.routes.params import AnyDocument
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["cross-references"])
CLAIMS = ("reports", "interprets", "background")


@dataclass
class Row:
    """One line of the compare grid: an official sentence (None for commentary that reports none)
    and the commentary sentences whose best link is to it."""

    official: Passage | None
    commentary: list[Passage] = field(default_factory=list)


def rows(view: browse.CompareView) -> list[Row]:
    """The official text in its own order, each sentence beside the commentary that reports it.

    A commentary sentence linked to no official sentence gets a row of its own right after the row
    of the linked commentary sentence before it, so it stays next to what the commentator was
    discussing; the official column of that row is left empty rather than pairing it falsely.
    """
    official = view.official_passages  # headings too: they get full-width rows of their own
    where = {p.id: i for i, p in enumerate(official)}
    paired: dict[int, list[Passage]] = {}
    loose: dict[int, list[Passage]] = {}  # official index after whose row they go; -1 before any
    last = -1
    for c in view.commentary_passages:
        if c.kind == "heading":
            continue
        anchor = next((where[link.passage.id] for link in view.links.get(c.id, []) if link.passage.id in where), None)
        if anchor is None:
            loose.setdefault(last, []).append(c)
        else:
            paired.setdefault(anchor, []).append(c)
            last = anchor
    out = [Row(None, loose[-1])] if -1 in loose else []
    for i, o in enumerate(official):
        out.append(Row(o, paired.get(i, [])))
        if i in loose:
            out.append(Row(None, loose[i]))
    return out


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


def claim_counts(view: browse.CompareView) -> dict[str, int]:
    counts = dict.fromkeys(CLAIMS, 0)
    for c in view.commentary_passages:
        if c.claim in counts:
            counts[c.claim] += 1
    return counts


def relations_of(view: browse.CompareView, c: Passage) -> set[str]:
    return {link.relation for link in view.links.get(c.id, [])}


def relation_counts(view: browse.CompareView) -> dict[str, int]:
    """How many commentary sentences have at least one link of each relation."""
    counts = dict.fromkeys(RELATIONS, 0)
    for c in view.commentary_passages:
        for r in relations_of(view, c) & counts.keys():
            counts[r] += 1
    return counts


def status(shown: int, total: int, claim: str | None, relation: str | None) -> str:
    """The sentence under the filters; static/app.js words it the same way."""
    if not claim and not relation:
        return f"Showing all {total} commentary sentences beside the official text."
    what = (f" labelled “{claim}”" if claim else "") + (f" with a “{relation}” link" if relation else "")
    return f"Showing the {shown} commentary sentences{what} of {total}, beside the official sentences they report."


@router.get("/compare/{slug}", include_in_schema=False)
def compare_page(request: Request, slug: str, session: PageSessionDep,
                 claim: str | None = Query(None, max_length=20, description="Show only commentary sentences with this label"),
                 relation: str | None = Query(None, max_length=20, description="Show only commentary sentences with a link of this relation")):
    """A commentary and its official text on shared rows, links and labels on every sentence."""
    doc = resolve.document(session, slug, moved_to=urls.compare)
    if doc.kind != "commentary":
        raise HTTPException(404, f"'{slug}' is an official text; compare views start from a commentary on it.")
    view = browse.compare_view(session, doc)
    # An unknown label or relation filters nothing rather than everything.
    claim = claim if claim in CLAIMS else None
    relation = relation if relation in RELATIONS else None
    units = [c for c in view.commentary_passages if c.kind != "heading"]
    shown = {c.id for c in units if (not claim or c.claim == claim)
             and (not relation or relation in relations_of(view, c))}
    return render(request, "compare.html", {
        "view": view, "doc": doc, "diffs": claim_diffs(view), "rows": rows(view), "claim": claim,
        "relation": relation, "filtered": bool(claim or relation), "shown": shown,
        "counts": claim_counts(view), "claims": CLAIMS, "relation_counts": relation_counts(view),
        "relations": RELATIONS, "status": status(len(shown), len(units), claim, relation),
        "filter_url": lambda **kw: urls.with_query(urls.compare(slug), **({"claim": claim, "relation": relation} | kw)),
        "json_url": urls.api_crossrefs(slug), "canonical": urls.compare(slug),
    })


@router.get("/api/crossrefs", summary="Cross-references of a document",
            responses={404: {"description": "Unknown document"}})
def api_crossrefs(session: SessionDep, doc: AnyDocument) -> list[dict]:
    """Every link touching the document: commentary sentence, official sentence, relation, score, word diff."""
    document = resolve.document(session, doc)  # an alias reads as the document it names
    return serialize.crossref_list(browse.crossref_rows(session, document))
