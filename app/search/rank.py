"""Ranking a quote's candidates: exact first, then near by similarity, then related by BM25."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from app.search.align import align, grade_for
from app.search.candidates import Ranked, confirm, count_postings, exact_hits, near_pool, run_pool, span_hits
from app.search.context import Context, source_rank
from app.search.meaning import judge
from app.search.spans import plain_words, stems
from app.search.types import (
    BM25_B, BM25_K1, NEAR_MIN, RELATED_MIN, RELATED_POOL, RELATED_POSTINGS_BUDGET, RELATED_SCAN, RELATED_TERMS,
    WORDS_POSTINGS_BUDGET, WORDS_QUERY_MAX, Cand,
)
from app.text.stems import word_stem

# Scores this close count as equal when choosing between an official text and commentary
# quoting it, or between an earlier and a later publication: the user asking where a wording
# comes from wants its source, and one word more or less in a paraphrase is no evidence either way.
SOURCE_TIE = 0.02  # similarity (near hits)
SOURCE_TIE_BM25 = 0.02  # share of the best BM25 (related hits)
RELATED_EVIDENCE = 1.0  # shared weight a loose translation needs, in rarest-word units (see related_pool)


def stem_counts(ctx: Context, docnum: int) -> Counter:
    return Counter(s for w in ctx.norm(docnum).split() if (s := word_stem(w)))


def stem_set(ctx: Context, docnum: int) -> set[str]:
    return set(stem_counts(ctx, docnum))


def wanted_counts(ctx: Context, docnum: int, wanted: set[str], memo: dict[str, str | None]) -> Counter:
    """How often each of the `wanted` stems occurs in a sentence.

    From the index's stems column when it has one; otherwise each word is stemmed here, only
    those that can stem to a wanted stem: Porter stemming rewrites suffixes only, so a stem
    starts with its word's first letter. `memo` (one per query) keeps each word's stem.
    """
    if ctx.stems_column is not None:
        return Counter(s for s in ctx.stems_column[docnum].decode("utf-8").split() if s in wanted)
    firsts = {s[:1] for s in wanted}
    found = []
    for w in ctx.norm(docnum).split():
        s = memo.get(w, "")
        if s == "":
            s = memo[w] = word_stem(w) if (w[:1] in firsts or w[:1] != w[:1].lower()) else None
        if s in wanted:
            found.append(s)
    return Counter(found)


def bm25(ctx: Context, docnum: int, tfs: Counter, wanted: list[str]) -> float:
    """Okapi BM25 of a sentence for the quote's stems (k1=1.2, b=0.75), each weighted by ctx.weight()."""
    avgdl = ctx.avgdl
    dl = ctx.table.text_length[docnum] or sum(tfs.values()) or 1
    score = 0.0
    for s in wanted:
        tf = tfs.get(s, 0)
        if tf:
            score += ctx.weight(s) * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * dl / avgdl))
    return score


def related_pool(ctx: Context, quote: str, qwords: list[str], words_query: bool) -> list[tuple[int, float]]:
    """Sentences ranked by BM25 over the quote's stems, holding RELATED_MIN of its content words,
    or RELATED_MIN of the weight of those the archive holds when they are rare (a loose translation)."""
    wanted = list(dict.fromkeys(s for w in qwords if (s := word_stem(w))))  # compared like for like
    if not wanted:
        return []
    indexed = list(dict.fromkeys(stems(ctx.searcher, quote)))  # as the index spells them, for the query
    if words_query:
        # A few words: sentences holding every one of them, by BM25 over the posting lists
        # (term frequencies from the index, so no stored text is read).
        if not indexed or any(ctx.df("text", s) == 0 for s in indexed):
            return []
        order = sorted(indexed, key=lambda s: ctx.df("text", s))
        if sum(ctx.df("text", s) for s in order) > WORDS_POSTINGS_BUDGET and ctx.df("text", order[0]) > RELATED_POSTINGS_BUDGET:
            return []  # only very common words: the exact and near grades are all there is to say
        return words_bm25(ctx, order)
    pool = count_postings(ctx, "text", indexed, RELATED_POSTINGS_BUDGET, RELATED_SCAN,
                           terms=RELATED_TERMS, slack=RELATED_TERMS)
    out = []
    wanted_set = set(wanted)
    # A loose translation's other words may be in no sentence at all: then the rare words it
    # shares point to the source. So a sentence is related by its share of the quote's stems, or by
    # its share of the weight of those the archive holds when the shared ones are rare enough:
    # RELATED_EVIDENCE in units of the weight of a word said once in the whole archive.
    weights = {s: ctx.weight(s) for s in wanted if ctx.df("text", s)}
    total = math.fsum(weights.values()) or 1.0
    rarest = math.log(ctx.doc_count) + 1
    memo: dict[str, str | None] = {}
    for d in pool:
        # bm25() needs every stem only for a sentence the index gives no length for
        tfs = wanted_counts(ctx, d, wanted_set, memo) if ctx.table.text_length[d] else stem_counts(ctx, d)
        shared = math.fsum(weights[s] for s in weights if s in tfs)
        if (sum(1 for s in wanted if s in tfs) / len(wanted) >= RELATED_MIN
                or (shared / total >= RELATED_MIN and shared >= RELATED_EVIDENCE * rarest)):
            out.append((d, bm25(ctx, d, tfs, wanted)))
    out.sort(key=lambda x: -x[1])
    return out[:RELATED_POOL]


def words_bm25(ctx: Context, order: list[str]) -> list[tuple[int, float]]:
    """The RELATED_POOL best sentences holding every stem of `order` (rarest first) by BM25, best
    first, ties by docnum; computed over whole posting lists at once, as bm25() would one by one."""
    avgdl = ctx.avgdl
    lists = [ctx.weighted_arrays("text", s) for s in order]
    docs = np.frombuffer(lists[0][0], dtype=np.int32)
    tfs = [np.frombuffer(lists[0][1], dtype=np.float32)]
    for ids, weights in lists[1:]:  # posting lists are in docnum order, each docnum once
        docs, here, there = np.intersect1d(docs, np.frombuffer(ids, dtype=np.int32),
                                           assume_unique=True, return_indices=True)
        tfs = [tf[here] for tf in tfs] + [np.frombuffer(weights, dtype=np.float32)[there]]
    if ctx.filtered and len(docs):
        keep = np.fromiter((ctx.accepts(d) for d in docs.tolist()), dtype=bool, count=len(docs))
        docs, tfs = docs[keep], [tf[keep] for tf in tfs]
    if not len(docs):
        return []
    dl = ctx.table.np_length[docs].astype(np.float64)
    dl[dl == 0] = 1.0
    norm = BM25_K1 * (1 - BM25_B + BM25_B * dl / avgdl)
    scores = np.zeros(len(docs))
    for s, tf in zip(order, tfs):  # the same operations in the same order as bm25(), so equal floats
        tf = tf.astype(np.float64)
        scores += ctx.weight(s) * tf * (BM25_K1 + 1) / (tf + norm)
    if len(docs) > RELATED_POOL:  # only those reaching the RELATED_POOL-th best score are sorted
        floor = np.partition(scores, len(scores) - RELATED_POOL)[len(scores) - RELATED_POOL]
        kept = scores >= floor
        docs, scores = docs[kept], scores[kept]
    best = np.lexsort((docs, -scores))[:RELATED_POOL]
    return list(zip(docs[best].tolist(), scores[best].tolist()))


def rank(ctx: Context, quote: str, *, all_grades: bool = True) -> tuple[Ranked, int, bool]:
    """All candidates of a quote-mode search, ranked exact, near, related; the exact count; and
    whether every exact candidate could be checked (False for boilerplate of common words).

    With all_grades=False (the quote check wants only the best source) related passages are
    looked for only when nothing is exact or near.
    """
    qwords = plain_words(ctx.searcher, quote)
    if not qwords:
        return Ranked([], []), 0, True
    qn = " ".join(qwords)
    exact, exact_count, complete = exact_hits(ctx, qwords)
    seen = set(exact)
    pool = near_pool(ctx, qwords)
    spans: list[Cand] = []
    if not exact:
        pool = list(dict.fromkeys(pool + run_pool(ctx, qwords)))
        spans = span_hits(ctx, qwords, pool)
        exact_count += len(spans)
        for c in spans:
            seen.update(c.span or [])
    near: list[Cand] = []
    for d in pool:
        if d in seen:
            continue
        al = align(qn, ctx.norm(d), cutoff=NEAR_MIN)
        if al is not None:
            seen.add(d)
            near.append(judge(ctx, Cand(d, grade_for(al.score, al.verbatim), al.score, None, (al.start, al.end)), quote))
    related: list[Cand] = []
    if all_grades or not (exact or spans or near):
        for d, bm in related_pool(ctx, quote, qwords, len(qwords) <= WORDS_QUERY_MAX):
            if d in seen:
                continue
            seen.add(d)
            al = align(qn, ctx.norm(d), cutoff=NEAR_MIN)
            if al is not None:  # close after all: it is near, not related
                near.append(judge(ctx, Cand(d, grade_for(al.score, al.verbatim), al.score, bm, (al.start, al.end)), quote))
            else:
                related.append(Cand(d, "related", None, bm))
    near.sort(key=lambda c: -(c.score or 0))
    near = source_first(ctx, near, lambda c: c.score or 0.0, lambda top: SOURCE_TIE)
    related = source_first(ctx, related, lambda c: c.bm25 or 0.0, lambda top: top * SOURCE_TIE_BM25)
    near.sort(key=lambda c: c.grade == "altered")  # near before altered (meaning check), each in its order
    return Ranked(exact, spans + near + related), exact_count, complete


def source_first(ctx: Context, cands: list[Cand], value, tie) -> list[Cand]:
    """`cands` (best `value` first) with each run of similar values put source first: official
    before commentary, earlier before later, then by value. A run starts at its best candidate and
    holds those within `tie(best)` of it, so a clearly better hit is never passed over."""
    out: list[Cand] = []
    i = 0
    while i < len(cands):
        top, j = value(cands[i]), i + 1
        while j < len(cands) and top - value(cands[j]) <= tie(top):
            j += 1
        out += sorted(cands[i:j], key=lambda c: (source_rank(ctx, c.docnum), -value(c)))
        i = j
    return out


def finish(ctx: Context, cand: Cand, qn: str) -> None:
    """Compute what was left lazy: the similarity of related hits, confirmation of exact ones."""
    if cand.grade == "exact":
        confirm(ctx, cand, qn)
    elif cand.score is None:
        al = align(qn, " ".join(ctx.norm(d) for d in (cand.span or [cand.docnum])))
        cand.score = al.score if al else 0.0
        if al is not None and al.score >= NEAR_MIN:  # cannot happen (cut off before), kept honest
            cand.grade = grade_for(al.score, al.verbatim)
