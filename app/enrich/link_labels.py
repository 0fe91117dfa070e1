"""Claim labels of the scored commentary units and the links they get (steps 5-6 in app.enrich.links)."""

from __future__ import annotations

import math
import re

from app.enrich.link_params import (
    ATTRIB_LINK_MIN, EXTRA_GAIN_MIN, EXTRA_LINK_MIN, EXTRA_MIN_NEW, INHERITED_FACTOR,
    INTERP_LINK_MIN, LEAD_IN_OWN_MIN, MARGIN_RATIO, MAX_LINKS, NOVELTY_MAX, NOVELTY_MAX_WEAK,
    REPORT_LINK_MIN, REPORT_MIN, REPORT_STRONG, REPORT_WEAK,
)
from app.enrich.link_scores import Cand, Feat
from app.enrich.link_text import Prep, analyse
from app.enrich.link_types import Link
from app.text.cues import source_frame


def _claim(f: Feat, previous: str | None, reported_speech: bool = False) -> str:
    """`reported_speech`: the previous unit reports what a named source said, so an unattributed
    "should" here may carry on that speech rather than give the writer's own view."""
    best = f.best_own
    if f.strong:
        return "interprets"
    if f.counterfactual and not f.attribution:
        return "interprets"  # "should have required": what the text did not do, the writer's claim
    if f.prescriptive and not f.attribution and not reported_speech:
        return "interprets"  # the writer's own "should": a recommendation, not a report
    if best >= REPORT_STRONG:
        return "reports"
    if f.attribution and best >= REPORT_MIN and f.novelty <= NOVELTY_MAX:
        return "reports"  # "..., two years ago, the meeting heard": the time words are its content
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
        # the fuzzy ratio lifts every runner-up alike: a clear lead in shared words also counts
        top = max(f.cands, key=lambda c: c.own)
        cover_up = max((c.cover for c in f.cands if c is not top), default=0.0)
        if best >= MARGIN_RATIO * runner_up[0] or top.cover >= MARGIN_RATIO * 2 * cover_up:
            return "reports"
    if f.novelty <= NOVELTY_MAX and _complementary(f):
        return "reports"  # "Owners must tell crews, and makers have to prove ...": two sources
    if f.attribution and f.cands and f.cands[0].rank >= REPORT_LINK_MIN:
        return "reports"  # attributed, and the official text has something it can draw on
    return "background"


def _complementary(f: Feat) -> bool:
    """The two best candidates, each a fair match, share different words of the unit, together
    covering at least ``REPORT_MIN`` more than either alone: a sentence that reports two."""
    two = sorted(f.cands, key=lambda c: c.own, reverse=True)[:2]
    if len(two) < 2 or two[1].own < REPORT_WEAK:
        return False
    a, b = (f.prep.stems & f.off_stems(c.index) for c in two)
    weight = lambda stems: math.fsum(f.idf[s] for s in stems) / f.weight  # noqa: E731
    return weight(a | b) >= max(weight(a), weight(b)) + REPORT_MIN / 2 and weight(a | b) >= REPORT_MIN


def _same_topic(f: Feat, previous: Feat) -> bool:
    """`f` has no cue of background and its best official candidate, a fair one, is also the
    previous unit's."""
    if f.background or f.attribution or not f.cands or not previous.cands:
        return False
    return f.cands[0].index == previous.cands[0].index and f.cands[0].rank >= INTERP_LINK_MIN


def label_claims(feats: list[Feat], lists) -> list[str]:
    claims: list[str] = []
    for i, f in enumerate(feats):
        speech = i > 0 and claims[-1] == "reports" and feats[i - 1].attribution
        claim = _claim(f, claims[-1] if claims else None, speech)
        if claim == "background" and i and claims[-1] == "interprets" and _same_topic(f, feats[i - 1]):
            claim = "interprets"  # the argument goes on about the provision the last sentence judged
        claims.append(claim)
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


_DEFINITE_RE = re.compile(r"^\s*the\s+([a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}?)\s+(?:is|are|was|were|will|would|may|might|could|can|should|has|have|looks|seems|remains)\b", re.I)


def _names_again(f: Feat, previous: Feat, source: Prep) -> bool:
    """`f` opens with a definite noun phrase ("The register is ...") whose head word the previous
    unit and the official sentence it drew on both have: the same thing, named again."""
    m = _DEFINITE_RE.match(f.prep.unit.text)
    if not m:
        return False
    head = analyse(m.group(1).split()[-1])[1]
    return bool(head) and head <= previous.prep.stems and head <= source.stems


def _inherit(f: Feat, source: Cand) -> Cand:
    """`f`'s own candidate for the official sentence `source` points to, else a weaker copy."""
    mine = next((m for m in f.cands if m.index == source.index), None)
    if mine is not None and mine.own >= INHERITED_FACTOR * source.own:
        return mine
    weak = INHERITED_FACTOR * source.own
    return Cand(source.index, 0.0, weak, weak, False)


def choose_links(feats, lists, claims, off, idf) -> list[Link]:
    chosen: list[list[Cand]] = [[] for _ in feats]
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
        # Nor are the words naming the source (", the framework says"): they are who says it.
        covered |= analyse(source_frame(f.prep.unit.text))[1]
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
        if f.demonstrative or (inherited and _names_again(f, feats[i - 1], off[inherited[0].index])):
            # "This suggests ...", "The register is likely ...": about what the previous unit said
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
