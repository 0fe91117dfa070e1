"""Quote mode: a quote (or a few words) graded exact, near or related, one page at a time."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session
from whoosh.searching import Searcher

from app.search.context import Context
from app.search.rank import finish, rank
from app.search.reports import add_aligned, add_reports
from app.search.results import facets, make_result
from app.search.scripts import missing_script_message
from app.search.spans import plain_words, stems
from app.search.titles import with_titles
from app.search.types import GRADES, MAX_HITS, VERIFY_MAX, Filters, Outcome, is_word_search
from app.text.stems import word_stem


def search_quote(session: Session, searcher: Searcher, q: str, filters: Filters, out: Outcome) -> Outcome:
    """Fill `out` with one page of a quote-mode search for `q` (not blank), with totals and facets."""
    offset, limit = out.offset, out.limit
    ctx = Context(searcher, filters)
    qwords = plain_words(searcher, q)
    if not qwords:
        out.message = "Nothing to search for: the query has no letters or digits."
        return out
    qn = " ".join(qwords)
    cands, exact_count, complete = rank(ctx, q)
    listed_exact = len(cands.exact) + sum(1 for c in cands.rest if c.grade == "exact")
    extra_exact = max(exact_count - listed_exact, 0)  # beyond MAX_HITS: counted, not listed
    # Confirm and score the page (and everything before it that is still unconfirmed).
    page = cands[offset:offset + limit]
    for c in page:
        finish(ctx, c, qn)
    counted = Counter(c.grade for c in cands.rest)
    counted["exact"] += len(cands.exact)
    for c in page[:max(len(cands.exact) - offset, 0)]:  # made for this page: a demotion counts too
        if c.grade != "exact":
            counted["exact"] -= 1
            counted[c.grade] += 1
    # A demoted exact candidate (never expected with the plain field) must not stay in the exact block.
    order = {g: i for i, g in enumerate(GRADES)}
    page.sort(key=lambda c: order[c.grade])
    out.grades = {g: counted.get(g, 0) for g in GRADES}
    out.grades["exact"] += extra_exact
    out.total = len(cands) + extra_exact
    out.listed = len(cands)
    if extra_exact:
        out.message = (f"{exact_count} sentences hold these words verbatim; the first {MAX_HITS} are listed "
                       "and counted in the facets. Add words or a filter to narrow the search.")
    if not complete:
        out.message = (f"These words are very common together: the first {VERIFY_MAX} sentences holding all of "
                       f"them were checked and {exact_count} hold them verbatim; there may be more. Add words "
                       "or a filter to narrow the search.")
    facets(ctx, cands.first_docnums(), out)
    titles = with_titles(session, out, {ctx.stored(c.docnum).get("doc", "") for c in page}, ctx.table)
    qstems = set(stems(searcher, q))
    out.results = [make_result(ctx, c, qn, qwords, qstems, titles) for c in page]
    if is_word_search(q, len(qwords)):
        for r in out.results:
            if r.match == "exact":
                r.match = "words"
        # counted as what they are too: sentences that contain these words, not exact quotes
        out.grades = {"words": out.grades.pop("exact"), **out.grades}
    add_reports(session, out.results)
    add_aligned(session, out.results)
    if not out.total:
        out.message = why_nothing(ctx, qwords) or out.message
    return out


def why_nothing(ctx: Context, qwords: list[str]) -> str | None:
    """Why a query found nothing, when the reason is in the query rather than the archive's contents."""
    script = missing_script_message(qwords, ctx.table.scripts)
    if script:
        return script
    if all(word_stem(w) is None for w in qwords):
        shown = ", ".join(dict.fromkeys(qwords[:6]))
        return (f"Only very common words ({shown}): they are not searched on their own, and no sentence holds "
                "them in this order. Add a word that carries the meaning, or paste the whole quote.")
    return None
