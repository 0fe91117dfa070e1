"""Candidates for each commentary unit among the official sentences, and their scores.

Coverage through an inverted index, then fuzzy and common-run scores for a shortlist, then the
heading, reading-order and list-consensus terms that rank candidates (steps 2-4 in
app.enrich.links).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from app.enrich.link_params import (
    ANCHOR_MARGIN, ANCHOR_MIN, HEADING_WEIGHT, ITEM_CONSENSUS, MIN_EVIDENCE, ORDER_BONUS,
    ORDER_MIN_MONOTONE, PARTIAL_WEIGHT, PREFIX_LENGTH, QUOTE_MIN_CONTENT, QUOTE_MIN_WORDS,
    SHORTLIST, SPAN_FULL, SYNONYM_WEIGHT, W_COVER, W_FUZZ, W_SPAN,
)
from app.enrich.link_text import ITEM_MARK_RE, Prep, _stem, analyse, is_content
from app.text.lexicon import lexicon
from app.text.cues import (
    ANAPHOR_RE,
    BACKGROUND_RE,
    COUNTERFACTUAL_RE,
    DEMONSTRATIVE_RE,
    PRESCRIPTIVE_RE,
    STRONG_INTERPRETIVE_RE,
    WEAK_INTERPRETIVE_RE,
    YEAR_RE,
    attributes,
)


@dataclass
class Cand:
    index: int  # index into the official list
    cover: float  # evidence-scaled IDF coverage
    own: float = 0.0  # lexical pair score
    rank: float = 0.0  # own + heading + order
    quote: bool = False


@dataclass
class Feat:
    prep: Prep
    weight: float  # total IDF weight of the unit's content stems
    novelty: float  # share of that weight absent from the official document
    cands: list[Cand]  # shortlisted, best rank first
    official_years: frozenset[str]
    ctx: Context | None = None

    @property
    def idf(self) -> dict[str, float]:
        return self.ctx.idf if self.ctx else {}

    def off_stems(self, index: int) -> frozenset[str]:
        """Content stems of official unit `index`."""
        return self.ctx.off[index].stems if self.ctx else frozenset()

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
    def prescriptive(self) -> bool:
        return bool(PRESCRIPTIVE_RE.search(self.prep.unit.text))

    @functools.cached_property
    def attribution(self) -> bool:
        return attributes(self.prep.unit.text)

    @functools.cached_property
    def counterfactual(self) -> bool:
        return bool(COUNTERFACTUAL_RE.search(self.prep.unit.text))

    @functools.cached_property
    def background(self) -> bool:
        text = self.prep.unit.text
        years = YEAR_RE.findall(text)
        return any(y not in self.official_years for y in years) or bool(BACKGROUND_RE.search(text))

    @functools.cached_property
    def anaphor(self) -> bool:
        return bool(ANAPHOR_RE.match(ITEM_MARK_RE.sub("", self.prep.unit.text, count=1)))

    @functools.cached_property
    def demonstrative(self) -> bool:
        return bool(DEMONSTRATIVE_RE.match(ITEM_MARK_RE.sub("", self.prep.unit.text, count=1)))


@dataclass
class Context:
    """Per-pair tables shared by all commentary units."""

    off: list[Prep]
    idf: dict[str, float]
    postings: dict[str, list[int]]  # stem -> official indices
    prefix_postings: dict[str, list[int]]  # stem prefix -> official indices
    official_stems: frozenset[str]
    official_years: frozenset[str]
    heading_cover: dict[str, list[float]]
    positions: list[dict[str, list[int]]]  # per official unit: word -> positions
    word_postings: dict[str, list[int]] = field(default_factory=dict)  # official word -> units


def idf_weights(stem_sets: list[frozenset[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for s in stem_sets:
        df.update(s)
    n = len(stem_sets)
    norm = math.log(n + 1)
    return {s: math.log((n + 1) / d) / norm for s, d in df.items()}


def cover_by_heading(heading: str, off: list[Prep], idf: dict[str, float]) -> list[float]:
    stems = analyse(heading)[1]
    total = math.fsum(idf.get(s, 1.0) for s in stems)
    if not total:
        return [0.0] * len(off)
    return [math.fsum(idf.get(s, 1.0) for s in stems & p.stems) / total for p in off]


@functools.lru_cache(maxsize=1)
def _derived_partners() -> dict[str, frozenset[str]]:
    """Each base form's derivations, both ways ("strong" <-> "strength")."""
    out: dict[str, set[str]] = {}
    for x, y in lexicon().derived:
        out.setdefault(x, set()).add(y)
        out.setdefault(y, set()).add(x)
    return {k: frozenset(v) for k, v in out.items()}


@functools.lru_cache(maxsize=200_000)
def _keys(word: str) -> frozenset[tuple[str, object]]:
    """What two related words share: a WordNet synset of their base forms, or a base form, where a
    derivation's partner counts as the word's own base form (see Lexicon.synonyms/related_forms)."""
    lex = lexicon()
    lemmas = lex.lemmas(word)
    keys: set[tuple[str, object]] = {("l", x) for x in lemmas}
    keys.update(("s", i) for x in lemmas for i in lex.synsets.get(x, ()))
    return frozenset(keys)


@functools.lru_cache(maxsize=200_000)
def _probe_keys(word: str) -> frozenset[tuple[str, object]]:
    """_keys of `word` plus its base forms' derivations, looked up against official words' _keys."""
    partners = _derived_partners()
    extra = {("l", y) for x in lexicon().lemmas(word) for y in partners.get(x, ())}
    return _keys(word) | extra


def _related_index(ctx: Context) -> dict[tuple[str, object], list[str]]:
    """Official words by the keys they share with related words, built once per context, so each
    commentary word is looked up rather than compared with the whole official vocabulary."""
    index = ctx.__dict__.get("_related_index")
    if index is None:
        index = {}
        for ow in ctx.word_postings:  # the lookups answer sets: no order to keep
            for key in _keys(ow):
                index.setdefault(key, []).append(ow)
        ctx.__dict__["_related_index"] = index
    return index


def _related_words(w: str, ctx: Context) -> set[str]:
    """Official words that are WordNet synonyms or forms of `w` (a maintained lexical resource)."""
    index = _related_index(ctx)
    return {ow for key in _probe_keys(w) for ow in index.get(key, ()) if ow != w}


def features(p: Prep, ctx: Context) -> Feat:
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
    # A word the official text lacks may be its synonym or another form of its word (WordNet:
    # "tell"/"inform", "grading"/"grade"): partial credit, so a paraphrase is found past wording.
    if SYNONYM_WEIGHT and ctx.word_postings:
        novel = sorted({w for w in p.words if is_content(w) and w.isalpha() and len(w) > 2
                        and _stem(w) not in ctx.official_stems})
        for w in novel:
            hits = {j for ow in _related_words(w, ctx) for j in ctx.word_postings[ow]}
            for j in sorted(hits):
                shared[j] = shared.get(j, 0.0) + SYNONYM_WEIGHT * idf.get(_stem(w), 1.0)
    cands = [Cand(j, w / weight * min(1.0, w / MIN_EVIDENCE)) for j, w in shared.items()]
    hcov = ctx.heading_cover.get(p.unit.section) if p.unit.section else None
    if hcov:
        # Candidates the heading points to are scored even when the unit shares no word.
        cands += [Cand(j, 0.0) for j, h in enumerate(hcov) if h > 0 and j not in shared]
        cands.sort(key=lambda c: (c.cover + HEADING_WEIGHT * hcov[c.index], -c.index), reverse=True)
    else:
        cands.sort(key=lambda c: (c.cover, -c.index), reverse=True)
    cands = cands[:SHORTLIST]
    for c in cands:
        o = off[c.index]
        fz = fuzz.token_set_ratio(p.stem_str, o.stem_str) / 100 if c.cover else 0.0
        a, size = _longest_run(p.words, ctx.positions[c.index])
        content = sum(1 for w in p.words[a : a + size] if is_content(w))
        quoted = any(q in o.padded for q in p.quotes)
        c.quote = quoted or (size >= QUOTE_MIN_WORDS and content >= QUOTE_MIN_CONTENT)
        if quoted:
            span = 1.0
        else:
            span = min(1.0, max(0, size - 1) / (SPAN_FULL - 1)) if content else 0.0
        c.own = W_COVER * c.cover + W_FUZZ * fz + W_SPAN * span
        c.rank = c.own + (HEADING_WEIGHT * hcov[c.index] if hcov else 0.0)
    cands.sort(key=lambda c: (c.rank, -c.index), reverse=True)
    return Feat(p, weight, novelty, cands, ctx.official_years, ctx)


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


def _anchor(f: Feat) -> int | None:
    """Official position of a confidently placed unit, else None."""
    by_own = sorted(f.cands, key=lambda c: c.own, reverse=True)
    if not by_own or by_own[0].own < ANCHOR_MIN:
        return None
    if len(by_own) > 1 and by_own[0].own - by_own[1].own < ANCHOR_MARGIN:
        return None
    return by_own[0].index


def apply_order(feats: list[Feat]) -> None:
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


def item_lists(feats: list[Feat]) -> list[tuple[int | None, list[int]]]:
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


def item_consensus(feats: list[Feat], lists) -> None:
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
