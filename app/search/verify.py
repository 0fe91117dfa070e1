"""The quote check: each sentence of a pasted passage, its best source and how it differs."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session
from whoosh.searching import Searcher

from app.search.align import align
from app.search.context import Context
from app.search.rank import finish, rank
from app.search.spans import plain_words, word_spans
from app.search.types import GRADES, Cand
from app.store import reads as queries
from app.store.models import Document, Passage
from app.text.normalize import normalize
from app.text.segment import split_sentences


@dataclass
class Source:
    """The sentence a checked one was found in: the web layer shows it as the archive's sentence object."""

    passage: Passage
    document: Document
    themes: list[str] | None


@dataclass
class Checked:
    text: str
    match: str  # exact | near | related | none
    score: float
    source: Source | None
    diff: list[dict]
    span: list[str] | None = None


@dataclass
class Verification:
    verdict: str
    sentences: list[Checked]


def passage_sentences(text: str) -> list[str]:
    """The sentences of a pasted passage (blank lines separate paragraphs)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        if para.strip():
            out.extend(s for s in split_sentences(" ".join(para.split())) if normalize(s))
    return out


def word_diff(quote: str, source: str) -> list[dict]:
    """Word-level differences between a quote and its source's wording (case and punctuation aside).

    Each item: {"op": "equal" | "replace" | "insert" | "delete", "quote": ..., "source": ...};
    "insert" is wording only in the quote, "delete" wording of the source missing from the quote.
    """
    qs, ss = word_spans(quote), word_spans(source)
    qw, sw = normalize(quote).split(), normalize(source).split()
    if qs is None:
        qs = [(0, 0)] * len(qw)
    if ss is None:
        ss = [(0, 0)] * len(sw)

    def piece(text: str, spans, words, a: int, b: int) -> str:
        if a >= b:
            return ""
        s, e = spans[a][0], spans[b - 1][1]
        return text[s:e] if e > s else " ".join(words[a:b])

    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, qw, sw, autojunk=False).get_opcodes():
        out.append({"op": op, "quote": piece(quote, qs, qw, a1, a2), "source": piece(source, ss, sw, b1, b2)})
    return out


def _source_window(ctx: Context, cand: Cand) -> str:
    """The source's wording that the quote was compared with (its matched words, or all of it)."""
    docnums = cand.span or [cand.docnum]
    text = " ".join(ctx.stored(d).get("text", "") for d in docnums)
    if cand.window is None:
        return text
    spans = word_spans(text)
    if not spans:
        return text
    a, b = cand.window
    a, b = max(0, min(a, len(spans) - 1)), max(1, min(b, len(spans)))
    return text[spans[a][0]:spans[b - 1][1]]


def check_sentence(ctx: Context, session: Session, sentence: str) -> Checked:
    qwords = plain_words(ctx.searcher, sentence)
    qn = " ".join(qwords)
    cands, _, _ = rank(ctx, sentence, all_grades=False)
    best = None
    for c in cands[:5]:  # the first, unless confirmation demotes it
        finish(ctx, c, qn)
        if best is None or GRADES.index(c.grade) < GRADES.index(best.grade):
            best = c
        if c.grade == "exact":
            break
    if best is None:
        return Checked(sentence, "none", 0.0, None, [])
    if best.grade == "related" and not best.window:
        al = align(qn, " ".join(ctx.norm(d) for d in (best.span or [best.docnum])))
        if al:
            best.window = (al.start, al.end)
    f = ctx.stored(best.docnum)
    p = session.get(Passage, f["id"])
    source = None
    if p is not None:
        source = Source(p, session.get(Document, p.document_id), queries.themes_for(session, [p.id]).get(p.id))
    score = 1.0 if best.grade == "exact" else round(best.score or 0.0, 3)
    return Checked(sentence, best.grade, score, source, word_diff(sentence, _source_window(ctx, best)),
                   [ctx.stored(d)["id"] for d in best.span] if best.span else None)


def verdict(checked: list[Checked]) -> str:
    n = len(checked)
    if not n:
        return "No sentences to check."
    c = Counter(s.match for s in checked)
    found = c["exact"] + c["near"]
    parts = [f"{found} of {n} sentence{'s' if n != 1 else ''} found verbatim or nearly"]
    if c["exact"] and c["near"]:
        parts[0] += f" ({c['exact']} verbatim, {c['near']} nearly)"
    if c["related"]:
        parts.append(f"{c['related']} only related (reworded or partly matching)")
    if c["none"]:
        parts.append(f"{c['none']} not found in the archive")
    return "; ".join(parts) + "."


def verify(session: Session, searcher: Searcher | None, text: str) -> Verification:
    """Check each sentence of a pasted passage against the archive."""
    sentences = passage_sentences(text)
    if searcher is None:
        checked = [Checked(s, "none", 0.0, None, []) for s in sentences]
        return Verification("The archive has no search index yet; nothing could be checked.", checked)
    ctx = Context(searcher)
    checked = [check_sentence(ctx, session, s) for s in sentences]
    return Verification(verdict(checked), checked)
