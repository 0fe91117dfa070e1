"""Paragraph context for themes: a paragraph keeps to its topic, as a section does under its
heading, so a theme that a neighbour reaches on its own evidence confirms one word of that theme's
vocabulary in a sentence (a sentence about "the register" next to one about public-sector
registers of algorithms), but never themes a sentence that has none."""

from __future__ import annotations

from app.enrich.taxonomy import Taxonomy, _score, evidence


def in_paragraphs(
    taxonomy: Taxonomy, texts: list[str], paragraphs: list[int], themed: list[list[tuple[str, float, str]]]
) -> list[list[tuple[str, float, str]]]:
    """Each sentence's themes (as assign_themes / commentary_themes give them) plus, at the
    heading's weight, those another sentence of its paragraph has on evidence of its own (not
    by this rule) where the sentence has a word of their vocabulary. Linear: one count of
    themes per paragraph, no sentence compared with another."""
    own = [{s for s, _, src in t if src != "paragraph"} for t in themed]
    counts: dict[int, dict[str, int]] = {}
    for para, slugs in zip(paragraphs, own):
        c = counts.setdefault(para, {})
        for s in slugs:
            c[s] = c.get(s, 0) + 1
    out = []
    for text, para, slugs, themes in zip(texts, paragraphs, own, themed):
        have = {s for s, _, _ in themes}
        context = [s for s, n in counts[para].items() if n - (s in slugs) > 0 and s not in have]
        if context:
            ev = evidence(taxonomy, text)
            themes = themes + [(s, _score(taxonomy, ev[s] + taxonomy.threshold / 2), "paragraph")
                               for s in sorted(context) if ev.get(s, 0.0) > 0]
            themes.sort(key=lambda h: (-h[1], taxonomy.themes[h[0]].position))
        out.append(themes)
    return out
