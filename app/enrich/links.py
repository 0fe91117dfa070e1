"""Cross-reference a commentary with the official text it comments on.

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
   b. Own score >= ``REPORT_STRONG`` -> reports, whatever else the sentence contains.
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
      ``REPORT_WEAK``, at least ``MARGIN_RATIO`` x the runner-up, and novelty <=
      ``NOVELTY_MAX_WEAK``.
   h. An attribution cue, when some candidate ranks >= ``REPORT_LINK_MIN`` -> reports.
   i. Otherwise -> background.
   Lists: when the lead-in ("Xi outlined four strengths:") reports with an attribution cue,
   or most of the items report, the cue-less items and the lead-in also report.
6. Links.
   - reports: the best-ranked candidate, if it ranks >= ``REPORT_LINK_MIN``. A list's
     lead-in keeps a link of its own only at own score >= ``LEAD_IN_OWN_MIN``, and also
     takes its items' links.
   - Further sources, up to ``MAX_LINKS``: candidates with own score >= ``EXTRA_LINK_MIN``
     that newly cover >= ``EXTRA_GAIN_MIN`` of the unit's word weight in at least
     ``EXTRA_MIN_NEW`` content words. Words the previous unit already used ("this session")
     do not count as new.
   - interprets: a sentence that opens with a demonstrative ("This suggests", "Such a move")
     takes the previous unit's link. Otherwise it takes its best candidate if that ranks >=
     ``INTERP_LINK_MIN``; failing that, after a possessive or pronoun, the previous unit's
     link.
   - A link taken over from an item or from the previous unit scores the unit's own pair
     score for that sentence, or ``INHERITED_FACTOR`` x the source link's score if that is
     higher.
   - background: no links.
   - Relation ``quotes``: a common run of ``QUOTE_MIN_WORDS`` words, at least
     ``QUOTE_MIN_CONTENT`` of them content words, or a quotation-marked span of
     ``QUOTED_MIN_WORDS`` or more words found verbatim.

Cost: about 3-5 ms for a pair of 35 x 25 units on one core.

Known limits: a paraphrase in wholly different words (for example "list ... online" for
"register ... website") is not found. An attribution to some other source ("the EU AI Act
requires ...") reads as ``reports`` when it shares words with the official text. A sentence
that mixes a report and a forecast gets a single label.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from app.text.cues import (
    ABBREVIATION_RE,
    ABBREVIATIONS,
    ANAPHOR_RE,
    ATTRIBUTION_RE,
    BACKGROUND_RE,
    DEMONSTRATIVE_RE,
    REPORTING_VERBS,
    STOPWORDS,
    STRONG_INTERPRETIVE_RE,
    WEAK_INTERPRETIVE_RE,
    YEAR_RE,
)

# --- Thresholds and weights (see the module docstring) -------------------------------------
STEM_LENGTH = 7  # characters kept of a stem: "regulation"/"regulatory" -> "regulat"
SHORTLIST = 4  # official candidates per commentary unit that get fuzzy and span scoring
PREFIX_LENGTH = 5  # stems sharing this many first characters match partially ("audit"/"auditor")
PARTIAL_WEIGHT = 0.5  # ... counting for this share of the commentary stem's weight
MIN_EVIDENCE = 1.5  # shared IDF weight (about two rare words) needed for full coverage credit
W_COVER, W_FUZZ, W_SPAN = 0.6, 0.2, 0.2  # weights of the three lexical signals
SPAN_FULL = 6  # a common run of this many words gets full span credit
HEADING_WEIGHT = 0.25  # weight of the section heading's coverage in ranking
ORDER_BONUS = 0.08  # bonus for a candidate between its neighbours' anchors (x monotonicity)
ANCHOR_MIN, ANCHOR_MARGIN = 0.5, 0.1  # a confident unit: own score and lead over the runner-up
ORDER_MIN_MONOTONE = 0.6  # below this share of in-order anchor pairs, order is not used
ITEM_CONSENSUS = 0.75  # an item takes its list's majority target if within this of its best
REPORT_STRONG = 0.6  # own score at which a unit reports whatever its cues
REPORT_MIN = 0.4  # own score at which a cue-less unit reports ...
NOVELTY_MAX = 0.5  # ... if at most this share of its word weight is new to the official text
REPORT_WEAK = 0.25  # a lower own score suffices for a cue-less unit whose best candidate ...
MARGIN_RATIO = 2.0  # ... scores this many times the runner-up ...
NOVELTY_MAX_WEAK = 0.75  # ... and whose words are not mostly new
ATTRIB_LINK_MIN = 0.2  # own score with which an attribution cue makes a unit report
REPORT_LINK_MIN = 0.2  # ranked score the first link of a reports unit (or list item) needs
LEAD_IN_OWN_MIN = 0.35  # own score a list's lead-in needs for a link of its own
EXTRA_LINK_MIN = 0.2  # own score a second or third link needs ...
EXTRA_GAIN_MIN = 0.1  # ... and the share of the unit's word weight it must newly cover ...
EXTRA_MIN_NEW = 2  # ... in at least this many content words (one shared word is a coincidence)
MAX_LINKS = 3
INHERITED_FACTOR = 0.5  # a link taken over from an item or the previous unit: this x its score
INTERP_LINK_MIN = 0.2  # ranked score an interprets unit's link needs
QUOTE_MIN_WORDS, QUOTE_MIN_CONTENT = 5, 2  # a common run that makes the relation "quotes"
QUOTED_MIN_WORDS = 3  # a quotation-marked span found verbatim makes it "quotes"

CLAIMS = ("reports", "interprets", "background")
RELATIONS = ("quotes", "paraphrases", "interprets")


@dataclass(frozen=True)
class Unit:
    """One addressable passage as the aligner sees it."""

    id: str
    text: str
    kind: str  # "heading" | "sentence" | "item"
    section: str | None  # text of the heading of the section the unit is in
    position: int  # 0-based reading order within its document


@dataclass(frozen=True)
class Link:
    """A commentary unit drawing on (or interpreting) an official sentence."""

    commentary_id: str
    official_id: str
    relation: str  # "quotes" | "paraphrases" | "interprets"
    score: float  # 0..1


@dataclass
class Alignment:
    """Claim labels of every non-heading commentary unit and their links."""

    claims: dict[str, str]
    links: list[Link]


# --- Tokens ----------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_ITEM_MARK_RE = re.compile(
    r"^\s*(?:\(\d{1,3}\)|\([a-zA-Z]\)|\d{1,3}[.)](?=\s)|[a-zA-Z]\)|[-*•·])\s*"
)  # the list markers app.text.segment recognises
_QUOTED_RE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")
_NOT_CONTENT = STOPWORDS | {v for v in REPORTING_VERBS if " " not in v}


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("‘", "'")
    return _WORD_RE.findall(text)


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    # Keep at least 3 letters ("asked" -> "ask"); "-eed" words ("need", "speed") are not
    # "-ed" forms; "-ly" is cut from adverbs only ("actively", not "supply", "apply").
    for suffix, keep in (("ing", 3), ("ed", 3), ("ly", 5)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("eed"):
            word = word[: -len(suffix)]
            break
    return word[:STEM_LENGTH]


def _is_content(word: str) -> bool:
    return word not in _NOT_CONTENT and not (word.isdigit() and len(word) < 3)


@dataclass
class _Prep:
    unit: Unit
    words: list[str]  # all words, case-folded (for common runs)
    stems: frozenset[str]  # content stems
    stem_str: str  # the stems sorted and joined (for rapidfuzz)
    padded: str  # " w1 w2 ... " (for finding quoted spans)
    quotes: list[str]  # quotation-marked spans, as " w1 w2 ... " strings


def _prepare(unit: Unit) -> _Prep:
    return _Prep(unit, *_analyse(unit.text))


@functools.lru_cache(maxsize=1 << 14)
def _analyse(text: str) -> tuple[list[str], frozenset[str], str, str, list[str]]:
    """Words, content stems and quotation-marked spans of one unit's text."""
    text = _ITEM_MARK_RE.sub("", text, count=1)
    text = ABBREVIATION_RE.sub(lambda m: ABBREVIATIONS[" ".join(m.group().lower().split())], text)
    words = _words(text)
    stems = frozenset(_stem(w) for w in words if _is_content(w))
    quotes = []
    for m in _QUOTED_RE.finditer(text):
        q = _words(m.group(1))
        if len(q) >= QUOTED_MIN_WORDS:
            quotes.append(" " + " ".join(q) + " ")
    return words, stems, " ".join(sorted(stems)), " " + " ".join(words) + " ", quotes


# --- Alignment -------------------------------------------------------------------------------


@dataclass
class _Cand:
    index: int  # index into the official list
    cover: float  # evidence-scaled IDF coverage
    own: float = 0.0  # lexical pair score
    rank: float = 0.0  # own + heading + order
    quote: bool = False


@dataclass
class _Feat:
    prep: _Prep
    weight: float  # total IDF weight of the unit's content stems
    novelty: float  # share of that weight absent from the official document
    cands: list[_Cand]  # shortlisted, best rank first
    official_years: frozenset[str]

    @property
    def best_own(self) -> float:
        return max((c.own for c in self.cands), default=0.0)

    # Cue flags are computed on first use: most units are decided by the first one or two.
    @functools.cached_property
    def strong(self) -> bool:
        return bool(STRONG_INTERPRETIVE_RE.search(self.prep.unit.text))

    @functools.cached_property
    def weak(self) -> bool:
        return bool(WEAK_INTERPRETIVE_RE.search(self.prep.unit.text))

    @functools.cached_property
    def attribution(self) -> bool:
        return bool(ATTRIBUTION_RE.search(self.prep.unit.text))

    @functools.cached_property
    def background(self) -> bool:
        text = self.prep.unit.text
        years = YEAR_RE.findall(text)
        return any(y not in self.official_years for y in years) or bool(BACKGROUND_RE.search(text))

    @functools.cached_property
    def anaphor(self) -> bool:
        return bool(ANAPHOR_RE.match(_ITEM_MARK_RE.sub("", self.prep.unit.text, count=1)))

    @functools.cached_property
    def demonstrative(self) -> bool:
        return bool(DEMONSTRATIVE_RE.match(_ITEM_MARK_RE.sub("", self.prep.unit.text, count=1)))


@dataclass
class _Context:
    """Per-pair tables shared by all commentary units."""

    off: list[_Prep]
    idf: dict[str, float]
    postings: dict[str, list[int]]  # stem -> official indices
    prefix_postings: dict[str, list[int]]  # stem prefix -> official indices
    official_stems: frozenset[str]
    official_years: frozenset[str]
    heading_cover: dict[str, list[float]]
    positions: list[dict[str, list[int]]]  # per official unit: word -> positions


def align(commentary: Sequence[Unit], official: Sequence[Unit]) -> Alignment:
    """Label every non-heading commentary unit and link it to official sentences."""
    off = [_prepare(u) for u in official]
    com = [_prepare(u) for u in commentary if u.kind != "heading"]
    if not com:
        return Alignment({}, [])
    idf = _idf([p.stems for p in off] + [p.stems for p in com])
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
    ctx = _Context(
        off=off,
        idf=idf,
        postings=postings,
        prefix_postings=prefix_postings,
        official_stems=frozenset(postings),
        official_years=frozenset(y for p in off for y in YEAR_RE.findall(p.unit.text)),
        heading_cover={
            h: _heading_cover(h, off, idf) for h in {u.section for u in commentary if u.section}
        },
        positions=positions,
    )
    feats = [_features(p, ctx) for p in com]
    _apply_order(feats)
    lists = _lists(feats)
    _item_consensus(feats, lists)

    claims = _claims(feats, lists)
    links = _links(feats, lists, claims, off, idf)
    return Alignment({f.prep.unit.id: claims[i] for i, f in enumerate(feats)}, links)


def _idf(stem_sets: list[frozenset[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for s in stem_sets:
        df.update(s)
    n = len(stem_sets)
    norm = math.log(n + 1)
    return {s: math.log((n + 1) / d) / norm for s, d in df.items()}


def _heading_cover(heading: str, off: list[_Prep], idf: dict[str, float]) -> list[float]:
    stems = _analyse(heading)[1]
    total = math.fsum(idf.get(s, 1.0) for s in stems)
    if not total:
        return [0.0] * len(off)
    return [math.fsum(idf.get(s, 1.0) for s in stems & p.stems) / total for p in off]


def _features(p: _Prep, ctx: _Context) -> _Feat:
    idf, off = ctx.idf, ctx.off
    # fsum and sorted(): sets iterate in an order that changes with Python's hash seed, and the
    # same archive must get the same links on every run, ties included.
    weight = math.fsum(idf[s] for s in p.stems) or 1e-9
    novelty = math.fsum(idf[s] for s in p.stems - ctx.official_stems) / weight
    # Shared IDF weight with every official unit, through the inverted index: exact stems,
    # then (at PARTIAL_WEIGHT) stems that only share their first PREFIX_LENGTH characters.
    shared: dict[int, float] = {}
    for stem in sorted(p.stems):
        w = idf[stem]
        for j in ctx.postings.get(stem, ()):
            shared[j] = shared.get(j, 0.0) + w
        if PARTIAL_WEIGHT and len(stem) >= PREFIX_LENGTH:
            for j in ctx.prefix_postings.get(stem[:PREFIX_LENGTH], ()):
                if stem not in off[j].stems:
                    shared[j] = shared.get(j, 0.0) + PARTIAL_WEIGHT * w
    cands = [_Cand(j, w / weight * min(1.0, w / MIN_EVIDENCE)) for j, w in shared.items()]
    hcov = ctx.heading_cover.get(p.unit.section) if p.unit.section else None
    if hcov:
        # Candidates the heading points to are scored even when the unit shares no word.
        cands += [_Cand(j, 0.0) for j, h in enumerate(hcov) if h > 0 and j not in shared]
        cands.sort(key=lambda c: (c.cover + HEADING_WEIGHT * hcov[c.index], -c.index), reverse=True)
    else:
        cands.sort(key=lambda c: (c.cover, -c.index), reverse=True)
    cands = cands[:SHORTLIST]
    for c in cands:
        o = off[c.index]
        fz = fuzz.token_set_ratio(p.stem_str, o.stem_str) / 100 if c.cover else 0.0
        a, size = _longest_run(p.words, ctx.positions[c.index])
        content = sum(1 for w in p.words[a : a + size] if _is_content(w))
        quoted = any(q in o.padded for q in p.quotes)
        c.quote = quoted or (size >= QUOTE_MIN_WORDS and content >= QUOTE_MIN_CONTENT)
        if quoted:
            span = 1.0
        else:
            span = min(1.0, max(0, size - 1) / (SPAN_FULL - 1)) if content else 0.0
        c.own = W_COVER * c.cover + W_FUZZ * fz + W_SPAN * span
        c.rank = c.own + (HEADING_WEIGHT * hcov[c.index] if hcov else 0.0)
    cands.sort(key=lambda c: (c.rank, -c.index), reverse=True)
    return _Feat(p, weight, novelty, cands, ctx.official_years)


def _longest_run(words: list[str], positions: dict[str, list[int]]) -> tuple[int, int]:
    """Start and length of the longest run of `words` that also occurs in the other text."""
    best_end = best = 0
    previous: dict[int, int] = {}
    for i, w in enumerate(words):
        current = {}
        for j in positions.get(w, ()):
            n = previous.get(j - 1, 0) + 1
            current[j] = n
            if n > best:
                best, best_end = n, i + 1
        previous = current
    return best_end - best, best


def _anchor(f: _Feat) -> int | None:
    """Official position of a confidently placed unit, else None."""
    by_own = sorted(f.cands, key=lambda c: c.own, reverse=True)
    if not by_own or by_own[0].own < ANCHOR_MIN:
        return None
    if len(by_own) > 1 and by_own[0].own - by_own[1].own < ANCHOR_MARGIN:
        return None
    return by_own[0].index


def _apply_order(feats: list[_Feat]) -> None:
    """Favour candidates between the neighbours' anchors when the commentary follows order."""
    anchors = [_anchor(f) for f in feats]
    placed = [a for a in anchors if a is not None]
    if len(placed) < 3:
        return
    monotone = sum(1 for x, y in zip(placed, placed[1:]) if x <= y) / (len(placed) - 1)
    if monotone < ORDER_MIN_MONOTONE:
        return
    bonus = ORDER_BONUS * monotone
    for i, f in enumerate(feats):
        before = next((a for a in reversed(anchors[:i]) if a is not None), None)
        after = next((a for a in anchors[i + 1 :] if a is not None), None)
        lo = before if before is not None else -1
        hi = after if after is not None else 10**9
        if lo > hi:
            continue
        for c in f.cands:
            if lo <= c.index <= hi:
                c.rank += bonus
        f.cands.sort(key=lambda c: c.rank, reverse=True)


def _lists(feats: list[_Feat]) -> list[tuple[int | None, list[int]]]:
    """Runs of consecutive items, each with the index of its lead-in (if any)."""
    out: list[tuple[int | None, list[int]]] = []
    i = 0
    while i < len(feats):
        if feats[i].prep.unit.kind != "item":
            i += 1
            continue
        start = i
        while i < len(feats) and feats[i].prep.unit.kind == "item":
            i += 1
        colon = start > 0 and feats[start - 1].prep.unit.text.rstrip().endswith(":")
        lead = start - 1 if colon else None
        out.append((lead, list(range(start, i))))
    return out


def _item_consensus(feats: list[_Feat], lists) -> None:
    for _, items in lists:
        tops = Counter(feats[i].cands[0].index for i in items if feats[i].cands)
        if not tops:
            continue
        target, count = tops.most_common(1)[0]
        if count < 2 or count * 2 <= len(items):
            continue
        for i in items:
            f = feats[i]
            c = next((c for c in f.cands if c.index == target), None)
            if c and f.cands[0].index != target and c.rank >= ITEM_CONSENSUS * f.cands[0].rank:
                f.cands.remove(c)
                f.cands.insert(0, c)


def _claim(f: _Feat, previous: str | None) -> str:
    best = f.best_own
    if f.strong:
        return "interprets"
    if best >= REPORT_STRONG:
        return "reports"
    if f.background:
        return "background"
    if f.attribution and best >= ATTRIB_LINK_MIN:
        return "reports"
    if f.anaphor and previous in ("background", "interprets"):
        return previous
    if f.weak:
        return "interprets"
    if best >= REPORT_MIN and f.novelty <= NOVELTY_MAX:
        return "reports"
    if best >= REPORT_WEAK and f.novelty <= NOVELTY_MAX_WEAK:
        runner_up = sorted((c.own for c in f.cands), reverse=True)[1:2] or [0.0]
        if best >= MARGIN_RATIO * runner_up[0]:
            return "reports"
    if f.attribution and f.cands and f.cands[0].rank >= REPORT_LINK_MIN:
        return "reports"  # attributed, and the official text has something it can draw on
    return "background"


def _claims(feats: list[_Feat], lists) -> list[str]:
    claims: list[str] = []
    for f in feats:
        claims.append(_claim(f, claims[-1] if claims else None))
    for lead, items in lists:
        cueless = [
            i for i in items if not (feats[i].strong or feats[i].background or feats[i].weak)
        ]
        reporting = lead is not None and feats[lead].attribution and claims[lead] == "reports"
        if not reporting:
            reporting = sum(claims[i] == "reports" for i in items) * 2 > len(items)
        if reporting:
            for i in cueless:
                if feats[i].cands and feats[i].cands[0].rank >= REPORT_LINK_MIN:
                    claims[i] = "reports"
            if lead is not None and not (feats[lead].strong or feats[lead].background):
                claims[lead] = "reports"
    return claims


def _inherit(f: _Feat, source: _Cand) -> _Cand:
    """`f`'s own candidate for the official sentence `source` points to, else a weaker copy."""
    mine = next((m for m in f.cands if m.index == source.index), None)
    if mine is not None and mine.own >= INHERITED_FACTOR * source.own:
        return mine
    weak = INHERITED_FACTOR * source.own
    return _Cand(source.index, 0.0, weak, weak, False)


def _links(feats, lists, claims, off, idf) -> list[Link]:
    chosen: list[list[_Cand]] = [[] for _ in feats]
    lead_ins = {lead for lead, _ in lists if lead is not None}
    for i, f in enumerate(feats):
        if claims[i] != "reports" or not f.cands:
            continue
        first = f.cands[0]
        if first.rank < REPORT_LINK_MIN or (i in lead_ins and first.own < LEAD_IN_OWN_MIN):
            continue  # a lead-in's weak guess gives way to what its items link to
        picked = [first]
        # Words the previous unit already had are given information ("this session"),
        # not evidence for a further source.
        covered = set(f.prep.stems & off[first.index].stems)
        if i > 0:
            covered |= feats[i - 1].prep.stems
        for c in f.cands[1:]:
            if len(picked) >= MAX_LINKS:
                break
            new = (f.prep.stems & off[c.index].stems) - covered
            gain = math.fsum(idf[s] for s in new) / f.weight
            if c.own >= EXTRA_LINK_MIN and gain >= EXTRA_GAIN_MIN and len(new) >= EXTRA_MIN_NEW:
                picked.append(c)
                covered |= new
        chosen[i] = picked
    # A lead-in links to what its items link to.
    for lead, items in lists:
        if lead is None or claims[lead] != "reports":
            continue
        have = {c.index for c in chosen[lead]}
        for i in items:
            for c in chosen[i][:1]:
                if c.index not in have and len(chosen[lead]) < MAX_LINKS:
                    chosen[lead].append(_inherit(feats[lead], c))
                    have.add(c.index)
    # Interpretations: the previous unit's links after an anaphor, else the best candidate.
    for i, f in enumerate(feats):
        if claims[i] != "interprets":
            continue
        inherited = [_inherit(f, c) for c in chosen[i - 1][:1]] if i else []
        own = [f.cands[0]] if f.cands and f.cands[0].rank >= INTERP_LINK_MIN else []
        if f.demonstrative:  # "This suggests ...": about what the previous unit said
            chosen[i] = inherited or own
        else:  # "Her emphasis on ...": own evidence first
            chosen[i] = own or (inherited if f.anaphor else [])
    links = []
    for i, f in enumerate(feats):
        for c in chosen[i]:
            if claims[i] == "interprets":
                relation = "interprets"
            else:
                relation = "quotes" if c.quote else "paraphrases"
            # reports: the lexical pair score; interprets: the ranked score (heading, order)
            score = c.rank if relation == "interprets" else c.own
            score = round(max(0.0, min(1.0, score)), 3)
            links.append(Link(f.prep.unit.id, off[c.index].unit.id, relation, score))
    return links


# --- Word diff -------------------------------------------------------------------------------

_DIFF_TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]", re.UNICODE)


def word_diff(commentary_text: str, official_text: str) -> list[dict]:
    """Word-level edit script from a commentary sentence to an official sentence.

    Tokens are words and punctuation marks; comparison ignores case (and Unicode form),
    the returned pieces are the original text spans, spacing included.
    """
    a = list(_DIFF_TOKEN_RE.finditer(commentary_text))
    b = list(_DIFF_TOKEN_RE.finditer(official_text))
    def key(m: re.Match) -> str:
        return unicodedata.normalize("NFKC", m.group()).casefold().replace("’", "'")

    matcher = difflib.SequenceMatcher(
        None, [key(m) for m in a], [key(m) for m in b], autojunk=False
    )

    def piece(tokens, text, lo, hi) -> str:
        return text[tokens[lo].start() : tokens[hi - 1].end()] if hi > lo else ""

    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ops.append(
            {
                "op": tag,
                "commentary": piece(a, commentary_text, i1, i2),
                "official": piece(b, official_text, j1, j2),
            }
        )
    return ops
