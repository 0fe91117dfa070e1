"""Translations compared: per sentence of an original, how each translation renders it (#19)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.enrich.alignment import LOW_CONFIDENCE
from app.store import alignments
from app.text.normalize import normalize
from app.web import resolve, urls
from app.web.deps import PageSessionDep, SessionDep, render

router = APIRouter(tags=["translations"])


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
