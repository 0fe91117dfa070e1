"""Paragraph context for themes (app.enrich.taxonomy_context): a theme a neighbour reaches on its
own confirms one word of its vocabulary, and never themes a sentence that has none."""

from __future__ import annotations

from app.enrich.taxonomy import classify, commentary_themes, evidence
from app.enrich.taxonomy_file import load_taxonomy
from app.enrich.taxonomy_context import in_paragraphs
from tests.helpers import ROOT

TAX = load_taxonomy(ROOT / "seeds" / "themes.toml")


def _run(sentences: list[tuple[int, str]]):
    texts, paras = [t for _, t in sentences], [p for p, _ in sentences]
    found = in_paragraphs(TAX, texts, paras, [commentary_themes(TAX, t, None) for t in texts])
    return [{s: src for s, _, src in t} for t in found]


def test_a_neighbour_confirms_one_word_and_only_in_its_own_paragraph():
    strong = "Public agencies and civil servants will use AI to decide on welfare claims."
    weak = "Each agency will name a coordinator by June."  # one word of that theme only
    slug = next(s for s, _ in classify(TAX, strong) if evidence(TAX, weak).get(s, 0) > 0)
    assert slug not in {s for s, _ in classify(TAX, weak)}  # below the threshold on its own
    got = _run([(1, strong), (1, weak), (2, weak)])
    assert got[1].get(slug) == "paragraph"
    assert slug not in got[2]  # another paragraph: no context


def test_no_vocabulary_no_theme_and_no_chain():
    strong = "Public agencies and civil servants will use AI to decide on welfare claims."
    got = _run([(1, strong), (1, "The meeting ended at noon.")])
    assert got[1] == {}  # procedure stays unthemed whatever its paragraph is about
    # a theme given by this rule does not count as a neighbour's own evidence
    alone = _run([(1, "Each agency will name a coordinator."), (1, "The agency will meet in June.")])
    assert all(src != "paragraph" for t in alone for src in t.values())
