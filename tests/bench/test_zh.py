"""The benchmark's Chinese originals and translations: deterministic, valid, and aligned as written."""

from __future__ import annotations

import re
from pathlib import Path

from app.enrich.alignment import align
from app.ingest.metadata import split_front_matter
from app.ingest.sources import collect
from app.text.segment import segment
from bench import zh


def _sentences(path: Path) -> list[str]:
    meta, body, first = split_front_matter(path, path.read_text(encoding="utf-8"))
    return [s.text for s in segment(body, meta["title"], first, 2000, meta["language"]).segments]


def test_pairs_are_deterministic_and_valid_sources(tmp_path):
    assert zh.make_pair(3, seed=1) == zh.make_pair(3, seed=1) != zh.make_pair(4, seed=1)
    assert zh.generate(tmp_path, 6) == 12
    got = collect([tmp_path])
    assert not got.errors and len(got.documents) == 12
    assert {d.meta["translation_of"] for d in got.documents if d.meta["language"] == "en"} == {
        f"bench-zh-{i:06d}" for i in range(6)}
    assert zh.generate(tmp_path, 4) == 0 and len(list(tmp_path.glob("*.md"))) == 8  # shrunk: extra pairs removed


def test_the_aligner_recovers_the_generated_sentence_pairs(tmp_path):
    zh.generate(tmp_path, 20)
    right = total = 0
    for original in sorted(tmp_path.glob("bench-zh-??????.md")):
        o, t = _sentences(original), _sentences(original.with_name(original.stem + "-en.md"))
        beads = align(o, t)
        pairs = [(b.original, b.translation) for b in beads]
        assert all(len(a) <= 2 and len(b) <= 2 for a, b in pairs) and sum(len(a) for a, _ in pairs) == len(o)
        ones = [b for b in beads if len(b.original) == 1 and len(b.translation) == 1]
        right += sum(1 for b in ones if _same_template(o[b.original[0]], t[b.translation[0]]))
        total += len(o)
    assert right / total >= 0.9


def _same_template(zh_text: str, en_text: str) -> bool:
    """Whether the English sentence renders the Chinese one: the same template (its fixed words on
    both sides) with the same numbers."""
    for zt, et in zh.TEMPLATES:
        if all(piece in zh_text for piece in re.split(r"\{\w\}", zt)):
            return (all(piece in en_text for piece in re.split(r"\{\w\}", et))
                    and re.findall(r"\d+", zh_text) == re.findall(r"\d+", en_text))
    return False
