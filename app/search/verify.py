"""The quote check: each sentence of a pasted passage, its best source and how it differs."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session
from whoosh.searching import Searcher

from app.search.align import align
from app.search.context import Context
from app.search.meaning import Comparison, compare, source_window
from app.search.rank import finish, rank
from app.search.spans import plain_words
from app.search.types import GRADES
from app.store import reads as queries
from app.store.models import Document, Passage
from app.text.normalize import normalize
from app.text import zh
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
    match: str  # exact | near | altered | related | none
    score: float
    source: Source | None
    diff: list[dict]
    span: list[str] | None = None
    changes: list[dict] | None = None  # altered: the meaning-bearing differences ({kind, quote, source})
    note: str | None = None  # altered: the plain verdict ("... 'foreign' where the source says 'own'")


@dataclass
class Verification:
    verdict: str
    sentences: list[Checked]


def passage_sentences(text: str) -> list[str]:
    """The sentences of a pasted passage (blank lines separate paragraphs)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        if para.strip():
            # Chinese by its own rules (。！？), whatever language the archive's documents declare.
            lines = para.split()
            split = zh.split_sentences if zh.has_han(para) else split_sentences
            joined = zh.join_lines(lines) if split is zh.split_sentences else " ".join(lines)
            out.extend(s for s in split(joined) if normalize(s))
    return out


def word_diff(quote: str, source: str) -> list[dict]:
    """Word-level differences between a quote and its source's wording (case and punctuation aside).

    Every word of both appears, in order: each item is {"op": "same" | "added" | "removed" |
    "changed", "quote": ..., "source": ..., "change": kind or None}; "added" is wording only in the
    quote, "removed" the source's wording missing from it, "changed" both; "change" names a
    meaning-bearing difference (app.search.meaning.KINDS), None for form only.
    """
    return compare(quote, source).ops


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
    comparison: Comparison = best.comparison or compare(sentence, source_window(ctx, best))
    altered = best.grade == "altered"
    # Only an altered match's differences are called meaning-bearing: a related one is reworded anyway.
    ops = comparison.ops if altered else [{**op, "change": None} for op in comparison.ops]
    return Checked(sentence, best.grade, score, source, ops,
                   [ctx.stored(d)["id"] for d in best.span] if best.span else None,
                   changes=[c.as_dict() for c in comparison.changes] if altered else None,
                   note=comparison.verdict() if altered else None)


def verdict(checked: list[Checked]) -> str:
    """One line for the passage. Altered sentences are counted apart: they are not "found"."""
    n = len(checked)
    if not n:
        return "No sentences to check."
    c = Counter(s.match for s in checked)
    found = c["exact"] + c["near"]
    parts = []
    if found or not c["altered"]:
        parts.append(f"{found} of {n} sentence{'s' if n != 1 else ''} found verbatim or nearly")
        if c["exact"] and c["near"]:
            parts[0] += f" ({c['exact']} verbatim, {c['near']} nearly)"
    if c["altered"]:
        of = "" if parts else f" of {n} sentence{'s' if n != 1 else ''}"
        parts.append(f"{c['altered']}{of} altered: close to a real sentence, but the meaning differs")
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
