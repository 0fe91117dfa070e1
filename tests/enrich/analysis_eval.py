"""Scoring of the analysis evaluation sets (tests/data/analysis_eval/): links, claim labels,
directives, speakers and themes, on texts written in styles unlike the seed.

Links are scored on required links only: a predicted link to an `also` sentence is neither
right nor wrong (left out of precision), and recall is over the required links.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from app.enrich.directive_rules import detect
from app.enrich.links import Unit, align
from app.enrich.taxonomy import Taxonomy, assign_themes, commentary_themes
from app.enrich.taxonomy_context import in_paragraphs
from app.store.ids import assign_ids
from app.text.segment import segment
from tests.helpers import TEST_DATA

EVAL = TEST_DATA / "analysis_eval"
SETS = sorted(p.stem for p in EVAL.glob("*.toml"))


@dataclass(frozen=True)
class EvalUnit(Unit):
    paragraph: int = 0


def units_of(slug: str, body: str, *, official: bool) -> list[EvalUnit]:
    """Units as ingest builds them: official sentences only; commentary with headings."""
    segs = segment(body.strip("\n"), None).segments
    if official:
        segs = [s for s in segs if s.kind != "heading"]
    ids = assign_ids(slug, [s.text for s in segs])
    out, heading = [], None
    for pos, (uid, s) in enumerate(zip(ids, segs)):
        if s.kind == "heading":
            heading = s.text
        out.append(EvalUnit(uid, s.text, s.kind, None if official else heading, pos, s.paragraph))
    return out


def find(units, needle: str):
    hits = [u for u in units if needle in u.text and u.kind != "heading"]
    assert len(hits) == 1, f"{needle!r} matches {len(hits)} units"
    return hits[0]


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score_set(name: str, taxonomy: Taxonomy, path: Path | None = None) -> dict[str, float]:
    """Every figure for one set, printed with the disagreements (run pytest with -s)."""
    gold = tomllib.loads((path or EVAL / f"{name}.toml").read_text(encoding="utf-8"))
    off = units_of(f"{name}-o", gold["official_text"], official=True)
    com = units_of(f"{name}-c", gold["commentary_text"], official=False)
    text = {u.id: u.text for u in off + com}
    out: dict[str, float] = {}
    problems: list[str] = []

    # links and claims
    result = align(com, off)
    sure, possible, claims = set(), set(), {}
    for g in gold["unit"]:
        u = find(com, g["match"])
        claims[u.id] = g["claim"]
        sure |= {(u.id, find(off, n).id) for n in g.get("links", [])}
        possible |= {(u.id, find(off, n).id) for n in g.get("also", [])}
    assert set(claims) == {u.id for u in com if u.kind != "heading"}, f"{name}: gold must label every unit"
    predicted = {(l.commentary_id, l.official_id) for l in result.links}
    counted = predicted - (possible - sure)
    out["link_precision"] = ratio(len(counted & sure), len(counted))
    out["link_recall"] = ratio(len(predicted & sure), len(sure))
    out["claims"] = ratio(sum(result.claims[k] == v for k, v in claims.items()), len(claims))
    problems += [f"claim {result.claims[k]} (gold {v}): {text[k][:70]}" for k, v in claims.items()
                 if result.claims[k] != v]
    problems += [f"extra link: {text[c][:45]!r} -> {text[o][:45]!r}" for c, o in sorted(counted - sure)]
    problems += [f"missed link: {text[c][:45]!r} -> {text[o][:45]!r}" for c, o in sorted(sure - predicted)]

    # directives and speakers
    gold_off = {find(off, g["match"]).id: g for g in gold["official"]}
    assert set(gold_off) == {u.id for u in off}, f"{name}: gold must list every official sentence"
    found = detect(off, kind="official", default_speaker=gold.get("official_publisher"))
    got = {off[i].id: d for i, d in found.items()}
    want = {k: g["speaker"] for k, g in gold_off.items() if "speaker" in g}
    out["directive_precision"] = ratio(len(set(got) & set(want)), len(got))
    out["directive_recall"] = ratio(len(set(got) & set(want)), len(want))
    out["speakers"] = ratio(sum(k in got and got[k].speaker == s for k, s in want.items()), len(want))
    problems += [f"extra directive ({d.verb}): {text[k][:70]}" for k, d in got.items() if k not in want]
    problems += [f"missed directive: {text[k][:70]}" for k in want if k not in got]
    problems += [f"speaker {got[k].speaker!r} (gold {s!r}): {text[k][:60]}" for k, s in want.items()
                 if k in got and got[k].speaker != s]

    # themes: a commentary sentence from the classifier and its heading, an official one
    # also from the commentary linked to it
    # (as app.enrich.recompute does, paragraph context included)
    heading, body, found_com = None, [], []
    for u in com:
        if u.kind == "heading":
            heading = u.text
            continue
        body.append(u)
        found_com.append(commentary_themes(taxonomy, u.text, heading))
    found_com = in_paragraphs(taxonomy, [u.text for u in body], [u.paragraph for u in body], found_com)
    com_themes = {u.id: {s for s, _, _ in t} for u, t in zip(body, found_com)}
    linked: dict[str, set[str]] = {}
    for link in result.links:
        linked.setdefault(link.official_id, set()).update(com_themes.get(link.commentary_id, ()))
    found_off = in_paragraphs(taxonomy, [u.text for u in off], [u.paragraph for u in off],
                              [assign_themes(taxonomy, u.text, linked.get(u.id, ())) for u in off])
    themed = {u.id: {s for s, _, _ in t} for u, t in zip(off, found_off)}
    themed.update(com_themes)
    gold_themes = {k: set(g["themes"]) for k, g in gold_off.items()}
    gold_themes.update({find(com, g["match"]).id: set(g["themes"]) for g in gold["unit"]})
    unknown = set().union(*gold_themes.values()) - set(taxonomy.themes)
    assert not unknown, f"{name}: gold themes not in the taxonomy: {unknown}"
    substantive = [k for k, v in gold_themes.items() if v]
    out["themed"] = ratio(sum(bool(themed[k] & gold_themes[k]) for k in substantive), len(substantive))
    assigned = [(k, s) for k in themed for s in themed[k]]
    out["theme_precision"] = ratio(sum(s in gold_themes[k] for k, s in assigned), len(assigned))
    problems += [f"no gold theme (got {sorted(themed[k])}, gold {sorted(gold_themes[k])}): {text[k][:50]}"
                 for k in substantive if not themed[k] & gold_themes[k]]
    problems += [f"themed procedure {sorted(themed[k])}: {text[k][:60]}" for k, v in gold_themes.items()
                 if not v and themed[k]]

    print(f"\n[{name}] official={len(off)} commentary={len(claims)} gold links={len(sure)} "
          f"directives={len(want)}")
    print(f"[{name}] " + " ".join(f"{k}={v:.3f}" for k, v in out.items()))
    for p in problems:
        print("  " + p)
    return out
