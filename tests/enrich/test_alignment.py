"""Sentence alignment of translations with their Chinese originals, against hand-made gold."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.enrich.alignment import LOW_CONFIDENCE, align, chinese_number
from app.ingest.metadata import split_front_matter
from app.text.segment import segment

DATA = Path(__file__).resolve().parent.parent / "data" / "zh"
GOLD = tomllib.loads((DATA / "gold_alignments.toml").read_text(encoding="utf-8"))


def sentences(slug: str) -> list[str]:
    path = DATA / f"{slug}.md"
    meta, body, first = split_front_matter(path, path.read_text(encoding="utf-8"))
    return [s.text for s in segment(body, meta["title"], first, 2000, meta.get("language")).segments]


def links(beads) -> set[tuple[int, int | None]]:
    """Each bead as the (original, translation) pairs it makes; a left-out sentence pairs with None."""
    out = set()
    for o, t in beads:
        for i in o:
            out.update((i, j) for j in t) if t else out.add((i, None))
        if not o:
            out.update((None, j) for j in t)
    return out


def gold_beads(slug: str):
    out = []
    for bead in GOLD[slug]["beads"]:
        o, t = bead.split(":")
        out.append((tuple(int(x) for x in o.split(",") if x), tuple(int(x) for x in t.split(",") if x)))
    return out


def evaluate(slug: str):
    original = sentences(GOLD[slug]["original"])
    beads = align(original, sentences(slug))
    got, want = links([(b.original, b.translation) for b in beads]), links(gold_beads(slug))
    p, r = len(got & want) / len(got), len(got & want) / len(want)
    print(f"\n{slug}: alignment precision {p:.3f} recall {r:.3f} ({len(want)} gold links)")
    return beads, p, r


@pytest.mark.parametrize("slug, floor", [
    ("state-council-ai-2025-en-close", 0.95),
    ("state-council-ai-2025-en-free", 0.85),
    ("cac-genai-forum-2025-en", 0.85),  # held out: written before the aligner was tuned
])
def test_alignment_precision_and_recall(slug, floor):
    beads, p, r = evaluate(slug)
    assert p >= floor and r >= floor


@pytest.mark.parametrize("slug", ["state-council-ai-2025-en-free", "cac-genai-forum-2025-en"])
def test_every_omission_is_flagged_as_a_sentence_without_counterpart(slug):
    beads, _, _ = evaluate(slug)
    left_out = {o[0] for o, t in gold_beads(slug) if not t}
    assert left_out and left_out <= {i for b in beads if not b.translation for i in b.original}


def test_merged_and_split_sentences_are_found_as_such():
    beads, _, _ = evaluate("state-council-ai-2025-en-free")
    shapes = {(b.original, b.translation) for b in beads}
    assert ((3, 4), (3,)) in shapes  # two Chinese sentences rendered as one
    assert ((7,), (6, 7)) in shapes  # one rendered as two


def test_confidence_is_high_where_the_alignment_is_clear_and_every_pair_has_one():
    beads, _, _ = evaluate("state-council-ai-2025-en-close")
    assert all(0.0 <= b.confidence <= 1.0 for b in beads)
    assert sum(b.confidence >= LOW_CONFIDENCE for b in beads) >= 0.9 * len(beads)


def test_unrelated_sentences_are_aligned_with_low_confidence_not_forced():
    zh = ["会议要求加强对青少年的人工智能教育。", "2025年将设立100个试点。"]
    en = ["The weather in Paris was mild for the season and the markets were calm all week long, "
          "traders said on Friday afternoon after a quiet session."]
    beads = align(zh, en)
    assert min(b.confidence for b in beads) < LOW_CONFIDENCE


def test_empty_sides():
    assert [(b.original, b.translation) for b in align(["一。"], [])] == [((0,), ())]
    assert align([], []) == []


@pytest.mark.parametrize("text, value", [("二十", 20), ("三百零五", 305), ("一", 1), ("十二", 12), ("两万", 20000)])
def test_chinese_numerals(text, value):
    assert chinese_number(text) == value
