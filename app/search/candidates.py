"""Candidates for a quote: verbatim hits, quotes across sentences, and the pools near ones come from.

Candidates come from the posting lists of the quote's *rarest* words only (intersected as sets,
see app.search.postings), and the stored text decides.
"""

from __future__ import annotations

import numpy as np

from app.search.align import align, grade_for
from app.search.context import Context, order
from app.search.types import (
    EXACT_DIRECT, INTERSECT_BUDGET, MAX_HITS, NEAR_POOL, NEAR_POSTINGS_BUDGET, NEAR_TERMS, VERIFY_MAX, Cand,
)


def verbatim_docs(ctx: Context, words: list[str], cap: int | None = None, *, filtered: bool = False,
                  ranked: bool = False, check_max: int | None = VERIFY_MAX) -> tuple[list[int], bool]:
    """Sentences holding `words` verbatim, checked against their stored text.

    Candidates are the sentences holding the rarest word, narrowed by the next rarest
    (posting lists intersected as sets: Whoosh's own intersection and phrase matchers are
    slow wherever a common word takes part). With `filtered`, only sentences passing the
    filters; with `ranked`, in result order. Returns (docnums, complete): at most
    `check_max` candidates are checked (boilerplate of common words; None: all), and `complete`
    is False when some were left unchecked.
    """
    if not words:
        return [], True
    dfs = {w: ctx.df("plain", w) for w in set(words)}
    if min(dfs.values()) == 0:
        return [], True  # a word the archive never uses: the quote cannot be in it
    rare = sorted(dfs, key=lambda w: (dfs[w], w))
    cands = ctx.postings("plain", rare[0])
    if len(words) > 1 and len(cands) > EXACT_DIRECT:
        read = dfs[rare[0]]
        narrowed = np.frombuffer(cands, dtype=np.int32)
        for w in rare[1:]:  # rarest first, until few enough or the budget is spent
            if len(narrowed) <= EXACT_DIRECT or read + dfs[w] > INTERSECT_BUDGET:
                break
            narrowed = within(narrowed, np.frombuffer(ctx.postings("plain", w), dtype=np.int32))
            read += dfs[w]
        cands = narrowed.tolist()
    if filtered and ctx.filtered:
        cands = [d for d in cands if ctx.accepts(d)]
    if len(words) == 1:  # one word: each posting is verbatim
        cands = order(ctx, cands) if ranked else list(cands)
        return cands[:cap] if cap is not None else cands, True
    complete = check_max is None or len(cands) <= check_max
    if ranked and not complete:
        cands = order(ctx, cands)  # check the first VERIFY_MAX in result order
    needle = f" {' '.join(words)} "
    out = []
    for d in cands[:check_max]:
        if needle in f" {ctx.norm(d)} ":
            out.append(d)
            if cap is not None and len(out) >= cap:
                break
    if ranked and complete:
        out = order(ctx, out)
    return out, complete


def within(ids: np.ndarray, postings: np.ndarray) -> np.ndarray:
    """The docnums of `ids` that are in `postings` (both in docnum order, each docnum once): a
    binary search of each, so a long posting list costs its logarithm, not its length."""
    if not len(ids) or not len(postings):
        return ids[:0]
    at = np.minimum(np.searchsorted(postings, ids), len(postings) - 1)
    return ids[postings[at] == ids]


def exact_hits(ctx: Context, qwords: list[str]) -> tuple[list[int], int, bool]:
    """Sentences holding the quote verbatim (filtered, ranked); how many; whether all were checked."""
    docs, complete = verbatim_docs(ctx, qwords, filtered=True, ranked=True)
    return docs[:MAX_HITS], len(docs), complete


class Ranked:
    """A quote search's candidates in result order: first the verbatim hits as bare docnums
    (a common word has thousands, and only one page of them is ever shown), then spans, near
    and related candidates (a few dozen). Slicing makes Cand objects for the slice only."""

    def __init__(self, exact: list[int], rest: list[Cand]):
        self.exact, self.rest = exact, rest

    def __len__(self) -> int:
        return len(self.exact) + len(self.rest)

    def __getitem__(self, s: slice) -> list[Cand]:
        start, stop, _ = s.indices(len(self))
        n = len(self.exact)
        page = [Cand(d, "exact", 1.0) for d in self.exact[start:stop]]
        return page + self.rest[max(start - n, 0):max(stop - n, 0)]

    def first_docnums(self) -> list[int]:
        """The sentence each candidate is listed under (a span's first), in result order."""
        return self.exact + [(c.span or [c.docnum])[0] for c in self.rest]


def confirm(ctx: Context, cand: Cand, qn: str) -> None:
    """Check an exact candidate against the stored text; demote it when it is not verbatim."""
    if cand.span:
        text = " ".join(ctx.norm(d) for d in cand.span)
    else:
        text = ctx.norm(cand.docnum)
    al = align(qn, text)
    if al is None:
        cand.grade, cand.score = "related", 0.0
        return
    cand.window = (al.start, al.end)
    cand.score = al.score
    cand.grade = grade_for(al.score, al.verbatim)


def span_hits(ctx: Context, qwords: list[str], pool: list[int]) -> list[Cand]:
    """A quote running across consecutive sentences (a boundary, or a run-together one).

    Candidates: sentences holding either half of the quote, plus the near pool. Each is
    aligned with the quote (it ends with a prefix, starts with a suffix or lies inside it)
    and the neighbouring sentences are walked until the quote is used up.
    """
    n = len(qwords)
    if n < 2:
        return []
    half = (n + 1) // 2
    cands = verbatim_docs(ctx, qwords[:half], NEAR_POOL)[0] + verbatim_docs(ctx, qwords[n - half:], NEAR_POOL)[0] + pool
    found: dict[tuple[int, ...], Cand] = {}
    for d in dict.fromkeys(cands):
        chain = span_through(ctx, d, qwords)
        if chain and tuple(chain) not in found and ctx.accepts(chain[0]):
            found[tuple(chain)] = Cand(chain[0], "exact", 1.0, span=chain)
    return [found[k] for k in sorted(found, key=lambda k: order(ctx, [k[0]]))][:MAX_HITS]


def span_through(ctx: Context, d: int, qwords: list[str]) -> list[int] | None:
    """The chain of consecutive sentences through `d` that holds the quote verbatim, if any."""
    sw = ctx.norm(d).split()
    n, m = len(qwords), len(sw)
    if not m:
        return None
    # k = where d's first word would sit in the quote: negative when d ends with a prefix of
    # the quote, k + m > n when it starts with a suffix, otherwise d lies wholly inside.
    options: list[int] = []
    for i in range(1, min(n, m) + 1):
        if sw[m - i:] == qwords[:i]:
            options.append(i - m)
    for k in range(0, n - m + 1):
        if qwords[k:k + m] == sw:
            options.append(k)
    for i in range(1, min(n, m) + 1):
        if sw[:i] == qwords[n - i:]:
            options.append(n - i)
    for k in dict.fromkeys(options):
        if k <= 0 and k + m >= n:
            continue  # the quote inside one sentence: not a span
        chain, ok = [d], True
        need, cur = k, d  # walk back over the quote's first `need` words
        while ok and need > 0:
            prev = ctx.neighbour(cur, -1)
            if prev is None:
                ok = False
                break
            pw = ctx.norm(prev).split()
            if not pw:
                ok = False
                break
            if len(pw) >= need:
                ok, need = pw[len(pw) - need:] == qwords[:need], 0
            else:
                ok, need = pw == qwords[need - len(pw):need], need - len(pw)
            chain.insert(0, prev)
            cur = prev
        rest, cur = k + m, d  # walk forward over the words after d
        while ok and rest < n:
            nxt = ctx.neighbour(cur, +1)
            if nxt is None:
                ok = False
                break
            nw = ctx.norm(nxt).split()
            if not nw:
                ok = False
                break
            left = n - rest
            if len(nw) >= left:
                ok, rest = nw[:left] == qwords[rest:], n
            else:
                ok, rest = nw == qwords[rest:rest + len(nw)], rest + len(nw)
            chain.append(nxt)
            cur = nxt
        if ok and len(chain) > 1:
            return chain
    return None


def count_postings(ctx: Context, fieldname: str, words: list[str], budget: int, limit: int,
                    terms: int = NEAR_TERMS, slack: int = 1) -> list[int]:
    """Sentences holding most of the rarest of `words`, most first (at most `limit`, filtered).

    Reads the posting lists of up to `terms` rarest words while their total length stays
    within `budget`, and keeps sentences missing at most `slack` of them; when even the rarest
    word is commoner than that, the sentences holding both of the two rarest; when those two
    are very common too, nothing (no rare word to go by).
    """
    ranked = sorted((ctx.df(fieldname, w), w) for w in set(words))
    ranked = [(df, w) for df, w in ranked if df > 0]
    if not ranked:
        return []
    if ranked[0][0] > budget:
        if len(ranked) < 2 or ranked[0][0] + ranked[1][0] > 4 * budget:
            return []
        both = set(ctx.postings(fieldname, ranked[0][1])).intersection(ctx.postings(fieldname, ranked[1][1]))
        best = sorted(both)  # each holds both words: docnum order
    else:
        chosen, total = [], 0
        for df, w in ranked[:terms]:
            if chosen and total + df > budget:
                break
            chosen.append(w)
            total += df
        best = most_shared([ctx.postings(fieldname, w) for w in chosen], max(1, len(chosen) - slack))
        if not ctx.filtered:
            return best[:limit].tolist()
        best = best.tolist()
    out = []
    for d in best:
        if len(out) >= limit:
            break
        if ctx.accepts(d):
            out.append(d)
    return out


def most_shared(lists: list, need: int) -> np.ndarray:
    """The docnums in at least `need` of the posting lists, those in the most lists first, ties
    in the order they are first met (list by list): the order Counter.most_common() gives, which
    took most of the time of gathering candidates (thousands of postings, a few dozen kept)."""
    ids = np.concatenate([np.asarray(p, dtype=np.int64) for p in lists]) if lists else np.zeros(0, np.int64)
    docs, first, counts = np.unique(ids, return_index=True, return_counts=True)
    kept = counts >= need
    docs, first, counts = docs[kept], first[kept], counts[kept]
    return docs[np.lexsort((first, -counts))]


def near_pool(ctx: Context, qwords: list[str]) -> list[int]:
    """Up to NEAR_POOL sentences sharing the quote's rarest words (all but one of them)."""
    return count_postings(ctx, "plain", qwords, NEAR_POSTINGS_BUDGET, NEAR_POOL)


def run_pool(ctx: Context, qwords: list[str]) -> list[int]:
    """Near candidates when the quote's words are all common: sentences holding a long verbatim run.

    A typo makes a word the archive does not know; the longest run of known words around it is
    verbatim in the source. Without unknown words (a word changed, added or dropped), one half
    of the quote is intact when there is a single change.
    """
    n = len(qwords)
    if n < 4:
        return []
    runs: list[list[str]] = []
    current: list[str] = []
    for w in qwords:
        if ctx.df("plain", w):
            current.append(w)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    if len(runs) == 1 and len(runs[0]) == n:  # nothing unknown: try both halves
        half = (n + 1) // 2
        runs = [qwords[:half], qwords[n - half:]]
    runs = [r for r in sorted(runs, key=len, reverse=True)[:2] if len(r) >= max(3, n // 3)]
    out: list[int] = []
    for r in runs:
        out.extend(verbatim_docs(ctx, r, NEAR_POOL * 2, filtered=True)[0])
    return list(dict.fromkeys(out))[:NEAR_POOL * 2]
