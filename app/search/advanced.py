"""Advanced mode: Whoosh query syntax, checked for mistakes and cost before it runs, then graded."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy.orm import Session
from whoosh import query as wq
from whoosh.qparser import QueryParser
from whoosh.searching import Searcher

from app.search.align import align, grade_for
from app.search.context import Context, with_filter
from app.search.results import facets, make_result
from app.search.snippets import make_snippet, runs
from app.search.spans import word_spans
from app.search.titles import with_titles
from app.search.types import (
    ADVANCED_FIELDS, ADVANCED_POOL, GRADES, MIN_WILDCARD_PREFIX, OPERATORS, RANGE_FIELDS, Cand, Filters, Outcome,
    SearchError,
)
from app.text.normalize import normalize

_FIELD_RE = re.compile(r"(?<![\w:])([A-Za-z_][\w]*):")


def check_syntax(text: str) -> None:
    """Raise SearchError with a plain explanation for malformed Whoosh syntax."""
    depth = 0
    in_quote = False
    bracket: str | None = None
    outside: list[str] = []  # the text outside quotes, for operator and field checks
    for i, c in enumerate(text):
        if c == '"':
            in_quote = not in_quote
            outside.append("\x01" if in_quote else " ")  # a phrase counts as one word
            continue
        if in_quote:
            continue
        outside.append(c)
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                raise SearchError(f"Unbalanced parentheses: a ')' at character {i + 1} has no matching '('.")
        elif c in "[{":
            if bracket:
                raise SearchError("A range cannot contain another range.")
            bracket = c
        elif c in "]}":
            if not bracket:
                raise SearchError(f"A range bracket '{c}' at character {i + 1} was never opened.")
            bracket = None
    if in_quote:
        raise SearchError('A phrase is missing its closing quote (").')
    if depth > 0:
        raise SearchError("Unbalanced parentheses: a '(' is never closed.")
    if bracket:
        raise SearchError("A range is never closed; write it as date:[2024-01-01 TO 2024-12-31].")
    rest = "".join(outside)
    for m in _FIELD_RE.finditer(rest):
        name = m.group(1)
        if name not in ADVANCED_FIELDS:
            raise SearchError(f"Unknown field '{name}'. Fields you can search: {', '.join(ADVANCED_FIELDS)}.")
        after = rest[m.end():m.end() + 1]
        if not after or after.isspace() or after == ")":
            raise SearchError(f"The field '{name}:' needs a value right after the colon, e.g. {name}:something.")
    tokens = re.findall(r"[^\s()]+|[()]", rest)
    prev = None
    for i, tok in enumerate(tokens):
        if tok in OPERATORS:
            if tok != "NOT" and (prev is None or prev in OPERATORS or prev == "("):
                raise SearchError(f"'{tok}' needs something to its left.")
            if i == len(tokens) - 1 or tokens[i + 1] in (")",) or (tokens[i + 1] in OPERATORS and tokens[i + 1] != "NOT"):
                raise SearchError(f"'{tok}' needs something to its right.")
        prev = tok


def _walk(q: wq.Query, negated: bool = False):
    yield q, negated
    if isinstance(q, wq.Not):
        neg = not negated
    else:
        neg = negated
    for child in q.children():
        if isinstance(q, wq.AndNot) and child is q.b:
            yield from _walk(child, not negated)
        else:
            yield from _walk(child, neg)


def _validate_tree(q: wq.Query) -> None:
    for node, _ in _walk(q):
        err = getattr(node, "error", None)
        if err:
            raise SearchError(f"Could not understand the query: {err}.")
        name = getattr(node, "fieldname", None)
        if name is not None and name not in ADVANCED_FIELDS:
            raise SearchError(f"Unknown field '{name}'. Fields you can search: {', '.join(ADVANCED_FIELDS)}.")
        if isinstance(node, wq.Every):
            raise SearchError("A bare * would list the whole archive: add words, or a field such as kind:official.")
        if isinstance(node, (wq.Regex, wq.FuzzyTerm)):
            raise SearchError("Regular expressions and fuzzy terms are not supported.")
        if isinstance(node, wq.Wildcard):
            pattern = node.text
            if pattern[:1] in ("*", "?"):
                raise SearchError(f"'{pattern}' starts with a wildcard, which would scan every word in the "
                                  "archive; put at least two letters before * or ?.")
            head = pattern.rstrip("*")
            if "*" in head or "?" in head:
                raise SearchError(f"'{pattern}' has a wildcard inside the word; only a trailing * is allowed "
                                  "(e.g. regulat*).")
            if len(re.split(r"[*?]", pattern)[0]) < MIN_WILDCARD_PREFIX:
                raise SearchError(f"'{pattern}': put at least {MIN_WILDCARD_PREFIX} letters before the *.")
        if isinstance(node, wq.Prefix) and len(node.text) < MIN_WILDCARD_PREFIX:
            raise SearchError(f"'{node.text}*': put at least {MIN_WILDCARD_PREFIX} letters before the *.")
        if isinstance(node, (wq.TermRange, wq.NumericRange)) and node.fieldname not in RANGE_FIELDS:
            raise SearchError(f"Ranges work on {', '.join(RANGE_FIELDS)} only, not on '{node.fieldname}'.")


def parse_advanced(searcher: Searcher, text: str, fieldname: str = "text") -> wq.Query:
    """Parse Whoosh syntax safely; SearchError on anything malformed or too expensive."""
    check_syntax(text)
    parser = QueryParser(fieldname, searcher.schema)
    try:
        q = parser.parse(text)
    except RecursionError as e:
        raise SearchError("The query is nested too deeply.") from e
    except Exception as e:  # noqa: BLE001 - whoosh raises assorted errors on odd input
        raise SearchError(f"Could not understand the query: {e}") from e
    _validate_tree(q)
    return q


def _literals(q: wq.Query) -> list[list[str]]:
    """Positive words and phrases on the plain field: what a result should hold verbatim."""
    out: list[list[str]] = []
    for node, negated in _walk(q):
        if negated or getattr(node, "fieldname", None) != "plain":
            continue
        if isinstance(node, wq.Phrase):
            out.append([w for w in node.words if w])
        elif type(node) is wq.Term and isinstance(node.text, str):
            out.append([node.text])
    return [w for w in out if w]


def search_advanced(session: Session, searcher: Searcher, text: str, filters: Filters, out: Outcome) -> Outcome:
    q = parse_advanced(searcher, text)
    literal_q = parse_advanced(searcher, text, "plain")
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        out.message = ("Nothing to search for: only stop words or one-letter words, which the stemmed text "
                       "field ignores. Search them with plain:word or plain:\"a phrase\".")
        return out
    ctx = Context(searcher, filters)
    fq = filters.query()
    final = with_filter(q, fq)
    try:
        results = searcher.search(final, limit=ADVANCED_POOL, optimize=fq is None)
        total = len(results)
    except Exception as e:  # noqa: BLE001 - e.g. a phrase on a field without positions
        raise SearchError(f"This query cannot run: {e}") from e
    clauses = _literals(literal_q)
    qn = " ".join(w for c in clauses for w in c)
    cands = []
    for h in results:
        sn = ctx.norm(h.docnum)
        verbatim = bool(clauses) and all(f" {' '.join(c)} " in f" {sn} " for c in clauses)
        if verbatim:
            cands.append(Cand(h.docnum, "exact", 1.0, h.score, None))
            continue
        al = align(qn, sn) if qn else None
        score = al.score if al else 0.0
        cands.append(Cand(h.docnum, grade_for(score, False), score, h.score,
                           (al.start, al.end) if al else None))
    order = {g: i for i, g in enumerate(GRADES)}
    cands.sort(key=lambda c: (order[c.grade], -(c.bm25 or 0)))
    out.total = total
    out.listed = len(cands)
    counted = Counter(c.grade for c in cands)
    out.grades = {g: counted.get(g, 0) for g in GRADES}
    if total > len(cands):  # the grade facet then counts the graded ones only
        out.message = (f"{total} passages match; the best {ADVANCED_POOL} by relevance are graded and "
                       "listed (the grade counts cover those). Narrow the query to see the rest.")
    # facets over every match (columns, so cheap per hit)
    all_docs = list(searcher.docs_for_query(final)) if total > len(cands) else [c.docnum for c in cands]
    facets(ctx, all_docs, out)
    page = cands[out.offset:out.offset + out.limit]
    titles = with_titles(session, out, {ctx.stored(c.docnum).get("doc", "") for c in page}, ctx.table)
    qstems: set[str] = set()
    for node, negated in _walk(q):
        if not negated and getattr(node, "fieldname", None) == "text":
            if isinstance(node, wq.Phrase):
                qstems.update(node.words)
            elif isinstance(node, wq.Term):
                qstems.add(node.text)
    for c in page:
        if c.grade == "exact" and clauses:
            c.window = None  # mark every literal word instead of one window
    out.results = []
    qwords_set = {w for c in clauses for w in c}
    for c in page:
        r = make_result(ctx, c, qn, list(qwords_set), qstems | qwords_set, titles)
        if c.grade == "exact":
            spans = word_spans(r.text)
            if spans:
                words = normalize(r.text).split()
                r.snippet = make_snippet(r.text, runs(spans, [w in qwords_set for w in words]))
        out.results.append(r)
    return out
