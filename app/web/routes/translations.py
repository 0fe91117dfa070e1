"""Translations compared: per sentence of an original, how each translation renders it (#19)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from app.enrich.alignment import LOW_CONFIDENCE
from app.store import alignments, reads
from app.text.normalize import normalize
from app.web import resolve, urls
from app.web.deps import PageSessionDep, SessionDep, render
from app.web.resolve import Answered

router = APIRouter(tags=["translations"])
VIEWS = {"both": "Side by side", "original": "Original only", "translation": "Translation only"}


def _marked(text: str, others: list[str]) -> list[dict]:
    """`text` as word pieces, each marked when no other translation of the same sentence uses
    that word (case and punctuation aside), so what the translators agree on stays plain."""
    theirs = {w for other in others for w in normalize(other).split()}
    return [{"text": w, "differs": bool(others) and bool(normalize(w)) and not set(normalize(w).split()) <= theirs}
            for w in text.split()]


def comparison(session, slug: str, moved_to) -> dict:
    original = resolve.document(session, slug, moved_to=moved_to)
    passages, translations, found = alignments.renderings(session, original)
    rows = []
    for p in passages:
        cells = []
        entries = {t.id: found.get((p.id, t.id)) for t in translations}
        texts = {tid: " ".join(x.text for x in entry[0]) if entry else "" for tid, entry in entries.items()}
        for t in translations:
            entry = entries[t.id]
            sentences, confidence = entry if entry else ([], None)
            text = texts[t.id]
            cells.append({
                "document": t.slug, "language": t.language, "ids": [x.id for x in sentences],
                "text": text or None, "confidence": confidence,
                "missing": entry is not None and not sentences,  # a 1-0 bead: left out
                "uncertain": confidence is not None and confidence < LOW_CONFIDENCE,
                "words": _marked(text, [v for k, v in texts.items() if k != t.id and v]) if text else [],
            })
        rows.append({"id": p.id, "unit": p.kind, "text": p.text, "translations": cells})
    return {"original": {"slug": original.slug, "title": original.title, "language": original.language,
                         "url": urls.document(original.slug)},
            "translations": [{"slug": t.slug, "title": t.title, "language": t.language, "translator": t.translator,
                              "url": urls.document(t.slug)} for t in translations],
            "sentences": rows}


@router.get("/api/translations/{slug}", summary="An original beside its translations, sentence by sentence",
            responses={301: {"description": "Slug is an alias"}, 404: {"description": "Unknown slug"}})
def api_translations(slug: str, session: SessionDep) -> dict:
    """Per sentence of the original: each translation's rendering (sentence ids, text, the
    alignment's confidence), `missing` where the translation leaves it out, `uncertain` where the
    alignment is weak, and its words marked where they differ from the other translations."""
    return comparison(session, slug, urls.api_translations)


@router.get("/translations/{slug}", include_in_schema=False)
def translations_page(request: Request, slug: str, session: PageSessionDep):
    data = comparison(session, slug, urls.translations)
    return render(request, "translations.html", {
        "data": data, "canonical": urls.translations(data["original"]["slug"]),
        "json_url": urls.api_translations(data["original"]["slug"]),
    })


def _sentence(p, doc) -> dict:
    return {"id": p.id, "unit": p.kind, "text": p.text, "language": doc.language, "url": urls.sentence(doc.slug, p.id)}


def _about(d) -> dict:
    return {"slug": d.slug, "title": d.title, "language": d.language, "translator": d.translator,
            "url": urls.document(d.slug)}


def parallel(session, slug: str, moved_to) -> dict:
    """A translation and its original bead by bead. The slug of an original with translations
    redirects to its first translation's pair; for a document with no counterpart in the archive
    `message` says so and there are no rows."""
    doc = resolve.document(session, slug, moved_to=moved_to)
    if not doc.translation_of:
        translations = alignments.translations_of(session, [doc.slug])
        if translations:
            raise Answered(RedirectResponse(moved_to(translations[0].slug), status_code=302))
        return {"original": _about(doc), "translation": None, "other_translations": [], "rows": [],
                "message": "No translation of this document is in the archive."}
    found = reads.resolve_document(session, doc.translation_of)  # a renamed original is found by its old slug
    original = None if found is None or found.status == "gone" else found.target if found.status == "moved" else found.item
    if original is None:
        return {"original": None, "translation": _about(doc), "other_translations": [], "rows": [],
                "message": f"The original this translates ('{doc.translation_of}') is not in the archive."}
    rows = []
    for left, right, confidence in alignments.beads(session, original, doc):
        rows.append({"original": [_sentence(p, original) for p in left], "translation": [_sentence(p, doc) for p in right],
                     "confidence": confidence, "aligned": confidence is not None,
                     "uncertain": confidence is not None and confidence < LOW_CONFIDENCE})
    others = [t for t in alignments.translations_of(session, [original.slug]) if t.id != doc.id]
    return {"original": _about(original), "translation": _about(doc), "other_translations": [
        {**_about(t), "parallel": urls.parallel(t.slug)} for t in others], "rows": rows, "message": None}


@router.get("/api/parallel/{slug}", summary="A translation beside its original, bead by bead",
            responses={301: {"description": "Slug is an alias"}, 302: {"description": "Slug is an original: its first translation"},
                       404: {"description": "Unknown slug"}})
def api_parallel(slug: str, session: SessionDep) -> dict:
    """The aligned beads in reading order: each with the original's sentences and the
    translation's (either side empty for a sentence without counterpart), the alignment's
    confidence, and `uncertain` where it is weak; `aligned` is false for a sentence no bead names.
    A document with no translation (or a translation whose original is not in the archive) has
    no rows and a `message` saying so."""
    return parallel(session, slug, urls.api_parallel)


@router.get("/parallel/{slug}", include_in_schema=False)
def parallel_page(request: Request, slug: str, session: PageSessionDep,
                  view: str | None = Query(None, max_length=20, description="both, original or translation")):
    chosen = view if view in VIEWS else "both"  # an unknown view shows both rather than failing
    data = parallel(session, slug, lambda s: urls.parallel(s, chosen))
    slug = (data["translation"] or data["original"])["slug"]
    return render(request, "parallel.html", {
        "data": data, "view": chosen, "views": {v: (label, urls.parallel(slug, v)) for v, label in VIEWS.items()},
        "canonical": urls.parallel(slug), "json_url": urls.api_parallel(slug),
    })
