"""Search: a quote graded exact / near / related, plain words with stemming, or Whoosh syntax.

Grades mean the same thing in every query, because they come from one similarity:

* ``score`` is a 0–1 similarity between the quote and the words it matched in a sentence:
  the best word-aligned window of the sentence compared character by character (rapidfuzz
  ``ratio`` on normalised text). It is 1.0 only when the quote occurs verbatim.
* ``exact``: the normalised quote occurs verbatim (word for word, punctuation and case aside)
  in a sentence, or across consecutive sentences of one document (the result then has a
  ``span``). Confirmed against the stored text, never taken from the index's word for it.
* ``near``: not verbatim, but ``score >= NEAR_MIN`` and every difference is form only (a typo, a
  spelling variant, hyphenation, a function word or article dropped, added or swapped, a known
  synonym or another form of a word); see app.search.meaning.
* ``altered``: ``score >= NEAR_MIN`` but at least one difference changes the meaning (negation,
  antonym, number, date, name, modality, quantifier, a content word replaced, dropped or added):
  the result lists its ``changes`` ({kind, quote, source}), a word ``diff`` and a ``verdict``.
* ``related``: below ``NEAR_MIN`` but relevant: the sentence holds at least ``RELATED_MIN`` of
  the quote's distinct content words (stemmed, stop words aside). Ranked by BM25, given as ``bm25``.

Search lists the grades in that order: exact, near, altered, related. A short query (at most
``WORDS_QUERY_MAX`` words) is also searched as words: sentences holding every one of them, stemmed ("regulations" finds
"regulation"). A word search (``is_word_search``: at most ``WORD_SEARCH_MAX`` words, no quotation
marks or sentence punctuation) is not a quote: its verbatim hits are ``words`` ("contains these
words"), not ``exact``; the grade facet counts them as ``words`` too. The quote check looks for related sources only when nothing is exact or near.

Speed: Whoosh's phrase and intersection matchers are slow in Python whenever a common word takes
part, so candidates come from the posting lists of the quote's rarest words (intersected as
sets, cached across requests) and the stored text decides; Whoosh is not asked to match
phrases in quote mode. Thresholds and budgets are the constants in app.search.types.

This module is the entry point (search, verify) and names what the rest of the app uses; the
work is done by the modules beside it:

- types: thresholds, limits, filters, results;  spans: words and where they sit in the text;
- align: the similarity behind every grade;  postings, table: reading the index (posting
  lists, columns), through app.index.whoosh_fast's shortcuts or Whoosh's public API;
- context: one query's view of a searcher;  candidates, rank: finding and ranking hits;
- snippets, titles, results: one page of hits;  quote, advanced: the two search modes;
- meaning: the meaning check that tells near from altered;  verify: the quote check.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from whoosh.searching import Searcher

from app.search.advanced import check_syntax, parse_advanced, search_advanced
from app.search.align import Alignment, align, grade_for
from app.search.postings import read_postings
from app.search.quote import search_quote
from app.search.snippets import make_snippet
from app.search.spans import plain_words, stems, word_spans
from app.search.table import Blob
from app.search.types import (
    ADVANCED_FIELDS, ADVANCED_POOL, GRADES, MAX_HITS, MAX_OFFSET, NEAR_MIN, RELATED_MIN, RELATED_POOL, VERIFY_MAX,
    WORD_SEARCH_MAX, WORDS_QUERY_MAX, Filters, Outcome, Result, SearchError, is_word_search,
)
from app.search.verify import Checked, Verification, passage_sentences, verify, word_diff
from app.text.normalize import normalize

_Blob = Blob  # the name tests/index/test_build.py knows it by

__all__ = [
    "ADVANCED_FIELDS", "ADVANCED_POOL", "GRADES", "MAX_HITS", "MAX_OFFSET", "NEAR_MIN", "RELATED_MIN", "RELATED_POOL",
    "VERIFY_MAX", "WORD_SEARCH_MAX", "WORDS_QUERY_MAX", "Alignment", "Blob", "Checked", "Filters", "Outcome", "Result", "SearchError",
    "Verification", "align", "check_syntax", "grade_for", "is_word_search", "make_snippet", "normalize", "parse_advanced",
    "passage_sentences", "plain_words", "read_postings", "search", "stems", "verify", "word_diff", "word_spans",
]


def search(session: Session, searcher: Searcher | None, q: str, *, mode: str = "quote",
           filters: Filters | None = None, offset: int = 0, limit: int = 20) -> Outcome:
    """Run one search and return one page of results with totals and facets.

    Raises SearchError for advanced queries that cannot run (syntax, fields, wildcards).
    """
    filters = filters or Filters()
    out = Outcome(query=q, mode=mode, filters=filters, offset=offset, limit=limit)
    if searcher is None:
        out.message = "The archive has no search index yet."
        return out
    if not q.strip():
        return out
    if mode == "advanced":
        return search_advanced(session, searcher, q, filters, out)
    return search_quote(session, searcher, q, filters, out)
