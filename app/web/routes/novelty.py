"""What is new in a statement (#20): its JSON, and the reader's panel and marks.

The formulations are stored by the ingest (app.enrich.novelty); "Said before" is looked up when
asked (app.store.novelty.said_before). A commentary, the earliest official document and an undated
one have nothing to compare with: their answer is empty and says why (`reason`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from markupsafe import Markup, escape
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.enrich.novelty_runs import merged, phrase_spans
from app.store import novelty as stored
from app.store.models import Document
from app.text.normalize import normalize
from app.web import resolve, serialize, urls
from app.web.deps import SessionDep

router = APIRouter(tags=["documents"])
SAID_SHOWN = 30  # "Said before" entries the reader lists; the JSON has all
REASONS = {
    "first": "the earliest official document in the archive: nothing earlier to compare with",
    "undated": "an undated document: it cannot be placed after any other",
    "commentary": "commentary: only official documents are compared",
    "pending": "not computed yet: the next ingest computes it",
}


class NewFormulation(BaseModel):
    phrase: str = Field(description="The formulation, normalised as the phrase history (/phrases) matches it.")
    ids: list[str] = Field(description="The document's sentences holding it, in reading order.")
    history: str = Field(description="The phrase's history page.")


class Earlier(BaseModel):
    document: str = Field(description="Slug of the earliest official document saying the sentence.")
    title: str
    date: str = Field(description="Its publication date (YYYY, YYYY-MM or YYYY-MM-DD).")
    id: str = Field(description="Its sentence's stable id.")
    url: str = Field(description="That sentence in its document.")
    match: str = Field(description="exact: the same wording; near: the same words once normalised "
                                   "(case, punctuation, quote and dash styles aside).")


class SaidBefore(BaseModel):
    id: str = Field(description="The sentence of this document.")
    text: str
    earlier: list[Earlier]


class Novelty(BaseModel):
    document: str
    reason: str | None = Field(description="Why `new` is empty by rule (first, undated, commentary, pending), "
                                           "else null.")
    explanation: str | None
    new: list[NewFormulation] = Field(description=(
        "Formulations no earlier official document uses, most distinctive first (at most 30): 2–5 word runs "
        "starting and ending with a content word."))
    said_before: list[SaidBefore] = Field(description="Sentences an earlier official document says too, "
                                                      "in reading order.")


@dataclass
class Panel:
    """One document's novelty, for its JSON and its reader."""

    document: Document
    reason: str | None
    new: list[dict] = field(default_factory=list)
    said_before: list[dict] = field(default_factory=list)
    _marks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # passage id -> where its new phrases are
    _needs: dict[str, list[str]] = field(default_factory=dict)  # passage id -> phrases to find (rows without marks)

    @property
    def explanation(self) -> str | None:
        return REASONS.get(self.reason) if self.reason else None

    @property
    def said_shown(self) -> list[dict]:
        return self.said_before[:SAID_SHOWN]

    def text(self, passage) -> str | Markup:
        """The passage's text, escaped, with its new formulations in <mark class="novel">."""
        ranges = self._marks.get(passage.id)
        if ranges:
            return cut(passage.text, merged(ranges) if len(ranges) > 1 else ranges)
        phrases = self._needs.get(passage.id)
        return marked(passage.text, phrases) if phrases else passage.text


def cut(text: str, ranges: list[tuple[int, int]]) -> str | Markup:
    """`text` escaped, the character `ranges` (sorted, apart) in <mark class="novel">."""
    if not ranges:
        return text
    parts, pos = [], 0
    for a, b in ranges:
        parts += [str(escape(text[pos:a])), f'<mark class="novel">{escape(text[a:b])}</mark>']
        pos = b
    return Markup("".join(parts) + str(escape(text[pos:])))


def marked(text: str, phrases: list[str]) -> str | Markup:
    """`text` escaped, each place one of `phrases` (normalised) runs marked."""
    return cut(text, phrase_spans(text, phrases))


def panel(session: Session, doc: Document) -> Panel:
    """The document's new formulations and its sentences said before."""
    if doc.kind != "official":
        return Panel(doc, "commentary")
    row = stored.of_document(session, doc.id)
    if row is None:
        return Panel(doc, "pending")
    out = Panel(doc, row.reason)
    if row.reason:
        return out
    out.new = [{"phrase": n["phrase"], "ids": n["ids"], "history": urls.phrase(n["phrase"]),
                "at": urls.anchor(n["ids"][0]) if n["ids"] else None} for n in row.new]
    for n in row.new:
        if "marks" in n:  # found at ingest
            for pid, a, b in n["marks"]:
                out._marks.setdefault(pid, []).append((a, b))
        else:
            for pid in n["ids"]:
                out._needs.setdefault(pid, []).append(normalize(n["phrase"]))
    out.said_before = [{"id": s["id"], "text": s["text"], "url": urls.anchor(s["id"]), "earlier": [
        {"document": e["document"].slug, "title": e["document"].title, "date": e["document"].date or "",
         "id": e["id"], "url": urls.sentence(e["document"].slug, e["id"]), "match": e["match"]}
        for e in s["earlier"]]} for s in stored.said_before(session, doc.id, row.sentences)]
    return out


def panel_json(p: Panel) -> dict:
    return {"document": p.document.slug, "reason": p.reason, "explanation": p.explanation,
            "new": [{k: v for k, v in n.items() if k != "at"} for n in p.new],
            "said_before": [{k: v for k, v in s.items() if k != "url"} for s in p.said_before]}


@router.get("/api/documents/{slug}/novelty", summary="What is new in a statement", response_model=Novelty,
            responses={301: {"description": "Slug is an alias"}, 404: {"description": "Unknown slug"},
                       410: {"description": "Document retired"}})
def api_novelty(slug: str, session: SessionDep) -> JSONResponse:
    """The formulations this official document is the first in the archive to use (publication date
    orders documents; a year-only date counts as the start of its year), and its sentences that an
    earlier official document says too, each with the earliest one saying it."""
    doc = resolve.document(session, slug, moved_to=urls.api_novelty,
                           gone=lambda d: JSONResponse(serialize.document_gone(slug, d), status_code=410))
    return JSONResponse(panel_json(panel(session, doc)))
