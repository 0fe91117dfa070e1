"""Cross-reference a commentary with the official text it comments on.

The work is split by stage: app.enrich.link_text (tokens and stems), app.enrich.link_scores
(candidates and their scores), app.enrich.link_labels (claim labels and links) and
app.enrich.word_diff; the thresholds named below are in app.enrich.link_params, the result
types in app.enrich.link_types. Every name is importable from here as before.

Every commentary sentence or list item gets a claim label, and links to official sentences:

* ``reports``     it tells what the official text says ("Xi called for ...");
* ``interprets``  the commentator's inference, forecast or judgement ("This suggests ...");
* ``background``  context the official text does not contain (biography, history, other laws).

A link has a relation: ``quotes`` (a verbatim run of several words is shared),
``paraphrases`` (the same content in other words) or ``interprets`` (from an ``interprets``
unit), and a score in 0..1: the pair score below, ranked with the heading and order
terms for ``interprets`` links. ``word_diff`` shows word by word
how a commentary sentence differs from the official sentence it draws on.

Method: lexical, offline and deterministic. No rule names a document, person or place; the
cue vocabularies are general English lists documented in ``app.text.cues``.

1. Tokens. Case-folded words; the usual abbreviations are unified ("artificial intelligence"
   -> "ai"). Content words exclude stopwords and reporting verbs. Each one is crudely stemmed
   (plural, -ing, -ed and adverbial -ly stripped, then cut to ``STEM_LENGTH`` characters).
   A commentary unit's stance phrases (the strong interpretive cues of step 5a: "the right
   call", "arguably", "a step forward") are left out of its content words: they judge, the
   rest says what is judged. Common runs and quotations still use the whole text.
2. Weights. IDF computed over the units of the two documents, each unit counting as one
   document: ``idf = ln((N+1)/df) / ln(N+1)``. A word found in one unit weighs 1; a word found
   everywhere weighs about 0.
3. Pair score ("own" score) of commentary unit c against official sentence o:
   ``W_COVER * coverage + W_FUZZ * fuzz + W_SPAN * span``.
   - coverage: the IDF share of c's content stems found in o. Stems that only share their
     first ``PREFIX_LENGTH`` letters count at ``PARTIAL_WEIGHT``. The share is scaled down
     while the shared weight is below ``MIN_EVIDENCE``, so one shared word is never a perfect
     match.
   - fuzz: rapidfuzz ``token_set_ratio`` of the two stem sets.
   - span: the longest common run of words, full credit at ``SPAN_FULL`` words. A
     quotation-marked span found verbatim in o also gets full credit.
   Coverage is computed for every pair through an inverted index. The fuzzy ratio and the
   span are computed only for the ``SHORTLIST`` best candidates.
4. Context. These terms rank candidates but never decide whether c reports:
   - plus ``HEADING_WEIGHT`` x the IDF share of the section heading's words found in o;
   - plus ``ORDER_BONUS`` for an o that lies between the official positions of the nearest
     confident neighbours ("anchors": own >= ``ANCHOR_MIN``, at least ``ANCHOR_MARGIN``
     ahead of the runner-up). The bonus is scaled by the share of anchor pairs that are in
     order, and is off below ``ORDER_MIN_MONOTONE``, when the commentary reorders freely.
   - Items of one list take the official sentence most of their siblings chose, if it
     scores within ``ITEM_CONSENSUS`` of their own best.
5. Claim label: the first rule that applies wins.
   a. A strong interpretive cue (evidential verb or hedge: "suggests", "likely", "marks the
      first time", "this means") -> interprets.
   a2. A modal perfect ("should also have required", "ought to have", "would have been"):
      the writer's counterfactual -> interprets, unless the sentence attributes it to someone.
      A reporting verb inside such a phrase, or after "should be", is no attribution cue.
      A writer's own "should" / "ought to" -> interprets, unless attributed or carrying on the
      previous unit's reported speech.
   b. Own score >= ``REPORT_STRONG`` -> reports, whatever else the sentence contains.
   b2. An attribution cue ("..., the meeting heard") with own score >= ``REPORT_MIN`` and at
      most ``NOVELTY_MAX`` new words -> reports, even with past-time words in what it reports.
   c. A background cue -> background: a past time frame ("traditionally", "as early as"),
      career or founding vocabulary ("former", "founded", "served as"), or a year that the
      official text does not contain.
   d. An attribution cue ("called for", "the ministry said", "according to", "the document
      requires") and own score >= ``ATTRIB_LINK_MIN`` -> reports.
   e. An anaphoric opening ("This ...", "He ...", "Her ...") after a background or
      interprets unit -> the same label as that unit.
   f. A weak cue (modal hedge or attitude marker: "could", "notable", "the most important")
      -> interprets.
   g. Own score >= ``REPORT_MIN``, with at most ``NOVELTY_MAX`` of the unit's word weight
      absent from the whole official text -> reports. Also reports: own score >=
      ``REPORT_WEAK``, at least ``MARGIN_RATIO`` x the runner-up (or twice that lead in
      shared-word coverage alone, since the fuzzy ratio lifts every runner-up), and novelty <=
      ``NOVELTY_MAX_WEAK``.
   g2. Two candidates, each >= ``REPORT_WEAK``, matching different words of the unit, that
      together cover ``REPORT_MIN`` / 2 more of its word weight than either alone (and at least
      ``REPORT_MIN``), with novelty <= ``NOVELTY_MAX`` -> reports: one sentence, two sources.
   h. An attribution cue, when some candidate ranks >= ``REPORT_LINK_MIN`` -> reports.
   i. Otherwise -> background; but a unit with no background or attribution cue right after
      an ``interprets`` unit whose best candidate (ranked >= ``INTERP_LINK_MIN``) is that
      unit's too goes on with the argument -> interprets.
   Lists: when the lead-in ("Xi outlined four strengths:") reports with an attribution cue,
   or most of the items report, the cue-less items and the lead-in also report.
6. Links.
   - reports: the best-ranked candidate, if it ranks >= ``REPORT_LINK_MIN``. A list's
     lead-in keeps a link of its own only at own score >= ``LEAD_IN_OWN_MIN``, and also
     takes its items' links.
   - Further sources, up to ``MAX_LINKS``: candidates with own score >= ``EXTRA_LINK_MIN``
     that newly cover >= ``EXTRA_GAIN_MIN`` of the unit's word weight in at least
     ``EXTRA_MIN_NEW`` content words. Words the previous unit already used ("this session")
     do not count as new, nor do the words of a source frame (", the framework says").
   - interprets: a sentence that opens with a demonstrative ("This suggests", "Such a move",
     also after a hearsay frame: "Critics say these duties") takes the previous unit's link;
     so does one that opens by naming again, with a definite article, a thing the previous unit
     and its source sentence both name ("The register is likely to ..."). Otherwise it takes its best candidate if that ranks >=
     ``INTERP_LINK_MIN``; failing that, after a possessive or pronoun, the previous unit's
     link.
   - A link taken over from an item or from the previous unit scores the unit's own pair
     score for that sentence, or ``INHERITED_FACTOR`` x the source link's score if that is
     higher.
   - background: no links.
   - Relation ``quotes``: a common run of ``QUOTE_MIN_WORDS`` words, at least
     ``QUOTE_MIN_CONTENT`` of them content words, or a quotation-marked span of
     ``QUOTED_MIN_WORDS`` or more words found verbatim.

Known limits: a paraphrase in wholly different words (for example "list ... online" for
"register ... website") is not found. An attribution to some other source ("the EU AI Act
requires ...") reads as ``reports`` when it shares words with the official text. A sentence
that mixes a report and a forecast gets a single label.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.enrich.link_labels import choose_links, label_claims
from app.enrich.link_params import (
    ANCHOR_MARGIN, ANCHOR_MIN, ATTRIB_LINK_MIN, EXTRA_GAIN_MIN, EXTRA_LINK_MIN, EXTRA_MIN_NEW,
    HEADING_WEIGHT, INHERITED_FACTOR, INTERP_LINK_MIN, ITEM_CONSENSUS, LEAD_IN_OWN_MIN,
    MARGIN_RATIO, MAX_LINKS, MIN_EVIDENCE, NOVELTY_MAX, NOVELTY_MAX_WEAK, ORDER_BONUS,
    ORDER_MIN_MONOTONE, PARTIAL_WEIGHT, PREFIX_LENGTH, QUOTED_MIN_WORDS, QUOTE_MIN_CONTENT,
    QUOTE_MIN_WORDS, REPORT_LINK_MIN, REPORT_MIN, REPORT_STRONG, REPORT_WEAK, SHORTLIST,
    SPAN_FULL, STEM_LENGTH, W_COVER, W_FUZZ, W_SPAN,
)
from app.enrich.link_scores import (
    Context, apply_order, cover_by_heading, features, idf_weights, item_consensus, item_lists,
)
from app.enrich.link_text import analyse as _analyse  # noqa: F401  (tests clear its cache)
from app.enrich.link_text import is_content, prepare, prepare_commentary
from app.enrich.link_types import CLAIMS, RELATIONS, Alignment, Link, Unit
from app.enrich.word_diff import word_diff
from app.text.cues import YEAR_RE

# The thresholds the docstring names are importable from here too.
__all__ = [
    "CLAIMS", "RELATIONS", "Alignment", "Link", "Unit", "align", "word_diff", "ANCHOR_MARGIN",
    "ANCHOR_MIN", "ATTRIB_LINK_MIN", "EXTRA_GAIN_MIN", "EXTRA_LINK_MIN", "EXTRA_MIN_NEW",
    "HEADING_WEIGHT", "INHERITED_FACTOR", "INTERP_LINK_MIN", "ITEM_CONSENSUS", "LEAD_IN_OWN_MIN",
    "MARGIN_RATIO", "MAX_LINKS", "MIN_EVIDENCE", "NOVELTY_MAX", "NOVELTY_MAX_WEAK", "ORDER_BONUS",
    "ORDER_MIN_MONOTONE", "PARTIAL_WEIGHT", "PREFIX_LENGTH", "QUOTED_MIN_WORDS",
    "QUOTE_MIN_CONTENT", "QUOTE_MIN_WORDS", "REPORT_LINK_MIN", "REPORT_MIN", "REPORT_STRONG",
    "REPORT_WEAK", "SHORTLIST", "SPAN_FULL", "STEM_LENGTH", "W_COVER", "W_FUZZ", "W_SPAN",
]


def _word_postings(positions: list[dict[str, list[int]]]) -> dict[str, list[int]]:
    """Official content word -> the official units holding it (for the synonym check)."""
    out: dict[str, list[int]] = {}
    for j, pos in enumerate(positions):
        for w in pos:
            if is_content(w) and w.isalpha() and len(w) > 2:
                out.setdefault(w, []).append(j)
    return out


def align(commentary: Sequence[Unit], official: Sequence[Unit]) -> Alignment:
    """Label every non-heading commentary unit and link it to official sentences."""
    off = [prepare(u) for u in official]
    com = [prepare_commentary(u) for u in commentary if u.kind != "heading"]
    if not com:
        return Alignment({}, [])
    idf = idf_weights([p.stems for p in off] + [p.stems for p in com])
    postings: dict[str, list[int]] = {}
    prefix_postings: dict[str, list[int]] = {}
    for j, p in enumerate(off):
        for stem in p.stems:
            postings.setdefault(stem, []).append(j)
        for prefix in {stem[:PREFIX_LENGTH] for stem in p.stems if len(stem) >= PREFIX_LENGTH}:
            prefix_postings.setdefault(prefix, []).append(j)
    positions = []
    for p in off:
        pos: dict[str, list[int]] = {}
        for k, w in enumerate(p.words):
            pos.setdefault(w, []).append(k)
        positions.append(pos)
    ctx = Context(
        off=off,
        idf=idf,
        postings=postings,
        prefix_postings=prefix_postings,
        official_stems=frozenset(postings),
        official_years=frozenset(y for p in off for y in YEAR_RE.findall(p.unit.text)),
        heading_cover={
            h: cover_by_heading(h, off, idf) for h in {u.section for u in commentary if u.section}
        },
        positions=positions,
        word_postings=_word_postings(positions),
    )
    feats = [features(p, ctx) for p in com]
    apply_order(feats)
    lists = item_lists(feats)
    item_consensus(feats, lists)

    claims = label_claims(feats, lists)
    links = choose_links(feats, lists, claims, off, idf)
    return Alignment({f.prep.unit.id: claims[i] for i, f in enumerate(feats)}, links)
