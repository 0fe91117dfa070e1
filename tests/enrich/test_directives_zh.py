"""Chinese directive detection against hand-labelled gold (one text held out)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.enrich import directive_rules
from app.enrich.directives_zh import detect
from app.ingest.metadata import split_front_matter
from app.text.segment import segment

DATA = Path(__file__).resolve().parent.parent / "data" / "zh"
GOLD = tomllib.loads((DATA / "gold_directives.toml").read_text(encoding="utf-8"))


def units(slug: str):
    path = DATA / f"{slug}.md"
    meta, body, first = split_front_matter(path, path.read_text(encoding="utf-8"))
    return [SimpleNamespace(text=s.text) for s in segment(body, meta["title"], first, 2000, meta["language"]).segments]


@pytest.mark.parametrize("slug", sorted(GOLD))
def test_directive_precision_and_recall(slug):
    found = set(detect(units(slug), "official", "新华社"))
    gold = set(GOLD[slug]["directives"])
    p, r = len(found & gold) / len(found), len(found & gold) / len(gold)
    print(f"\n{slug}: directive precision {p:.3f} recall {r:.3f} "
          f"(missed {sorted(gold - found)}, wrongly flagged {sorted(found - gold)})")
    assert p >= 0.8 and r >= 0.8


def test_speakers_are_the_last_named_and_a_pronoun_keeps_the_previous_one():
    u = [SimpleNamespace(text=t) for t in (
        "国家数据局负责人在会上表示：“我们要加快出台指导意见。”", "他说，要加强数据安全。", "会议强调，要坚持自立自强。")]
    found = detect(u, "official", "新华社")
    assert [found[i][1] for i in range(3)] == ["国家数据局负责人", "国家数据局负责人", "会议"]


def test_traditional_characters_and_commentary():
    u = [SimpleNamespace(text="會議強調，必須把安全放在突出位置。")]
    assert detect(u, "official")[0][0] == "必须"
    assert detect(u, "commentary") == {}


def test_the_general_detector_hands_chinese_text_to_these_rules():
    u = [SimpleNamespace(text="会议指出，我国数据资源丰富。"), SimpleNamespace(text="要加强基础研究。")]
    assert set(directive_rules.detect(u, "official", "新华社")) == {1}
