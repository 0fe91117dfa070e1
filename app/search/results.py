"""Turning ranked candidates into a page: facets over the whole result set, and each hit."""

from __future__ import annotations

from collections import Counter

import numpy as np

from app.search.context import Context
from app.search.facets import theme_counts, year_counts
from app.search.snippets import make_snippet, marks_stems, marks_window
from app.search.types import NUMPY_MIN, Cand, Outcome, Result
from app.text.normalize import normalize


def facets(ctx: Context, docnums: list[int], out: Outcome) -> None:
    """Counts per kind, per document (the 20 largest), per theme and per year over the whole result
    set; titles come later."""
    t = ctx.table
    # Counted by code, then named in first-seen order, which breaks ties below (as a Counter would).
    if len(docnums) < NUMPY_MIN:
        kinds = Counter({t.kinds[code]: n for code, n in Counter(map(t.kind.__getitem__, docnums)).items()})
        docs = Counter({t.docs[code]: n for code, n in Counter(map(t.doc.__getitem__, docnums)).items()})
    else:
        hits = np.asarray(docnums, dtype=np.int64)
        kinds = Counter({t.kinds[code]: n for code, n in code_counts(t.np_kind[hits])})
        docs = Counter({t.docs[code]: n for code, n in code_counts(t.np_doc[hits], top=20)})
    out.kinds = {k: kinds.get(k, 0) for k in ("official", "commentary")} | {
        k: v for k, v in kinds.items() if k not in ("official", "commentary") and k}
    out.documents = [{"slug": s, "title": s, "count": n} for s, n in docs.most_common(20)]
    out.themes = theme_counts(ctx, docnums)
    out.years = year_counts(ctx, docnums)


def code_counts(codes: np.ndarray, top: int | None = None) -> list[tuple[int, int]]:
    """(code, how many times) for each code present, in order of first appearance; with `top`,
    only the `top` most frequent (ties: first seen first), as Counter.most_common gives them."""
    if not len(codes):
        return []
    present, first, counts = np.unique(codes, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable") if top is None else np.lexsort((first, -counts))[:top]
    return list(zip(present[order].tolist(), counts[order].tolist()))


def make_result(ctx: Context, cand: Cand, qn: str, qwords: list[str], qstems: set[str], titles: dict) -> Result:
    f = ctx.stored(cand.docnum)
    docnums = cand.span or [cand.docnum]
    texts = [ctx.stored(d).get("text", "") for d in docnums]
    norms = [ctx.norm(d) for d in docnums]  # normalize(text) of each, kept by the index
    text = " ".join(texts)
    marks: list[tuple[int, int]] = []
    if cand.grade in ("exact", "near", "altered") and cand.window:
        # the window is in words of the joined normalised text; map per sentence
        offset_chars, offset_words = 0, 0
        for t, n in zip(texts, norms):
            nw = len(n.split())
            a, b = cand.window
            la, lb = max(a - offset_words, 0), min(b - offset_words, nw)
            if lb > la:
                qset = None if cand.grade == "exact" else set(qwords)
                marks += [(x + offset_chars, y + offset_chars) for x, y in marks_window(t, n, (la, lb), qset)]
            offset_chars += len(t) + 1
            offset_words += nw
    else:
        marks = marks_stems(text, norms[0] if len(norms) == 1 else normalize(text), qstems)
    doc = f.get("doc", "")
    changes = diff = verdict = None
    if cand.grade == "altered" and cand.comparison is not None:
        changes = [c.as_dict() for c in cand.comparison.changes]
        diff, verdict = cand.comparison.ops, cand.comparison.verdict()
    return Result(
        id=f["id"], document=doc, title=titles.get(doc), kind=f.get("kind", ""), unit=f.get("unit", ""),
        text=text, snippet=make_snippet(text, marks), match=cand.grade,
        score=round(cand.score or 0.0, 3) if cand.grade != "exact" else 1.0,
        bm25=round(cand.bm25, 4) if cand.bm25 is not None else None,
        date=f.get("date") or None, publisher=f.get("publisher") or None, position=f.get("position", 0),
        themes=[t for t in (f.get("themes") or "").split(",") if t],
        span=[ctx.stored(d)["id"] for d in cand.span] if cand.span else None,
        changes=changes, diff=diff, verdict=verdict,
    )
