"""The claim cues are general English: each list fires on evaluation texts other than the seed,
and the phrases once copied from the seed commentary are gone."""

from __future__ import annotations

import re
import tomllib

import pytest

from app.text import cues
from tests.enrich.analysis_eval import EVAL
from tests.helpers import SEED_FILE, TEST_DATA

LISTS = {"REPORTING_VERBS": cues.REPORTING_VERBS, "ATTRIBUTION_PHRASES": cues.ATTRIBUTION_PHRASES,
         "STRONG_INTERPRETIVE": cues.STRONG_INTERPRETIVE, "WEAK_INTERPRETIVE": cues.WEAK_INTERPRETIVE,
         "PAST_FRAME": cues.PAST_FRAME, "BIOGRAPHY": cues.BIOGRAPHY}


def _pattern(cue: str) -> re.Pattern:
    return re.compile(r"\b" + r"\s+".join(map(re.escape, cue.split())) + r"\b", re.I)


def _non_seed_commentary() -> str:
    texts = [tomllib.loads(p.read_text(encoding="utf-8"))["commentary_text"] for p in sorted(EVAL.glob("*.toml"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((TEST_DATA / "crossref").glob("*commentary*.txt"))]
    return "\n".join(texts)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_cue_list_fires_outside_the_seed(name):
    text = _non_seed_commentary()
    fired = [c for c in LISTS[name] if _pattern(c).search(text)]
    print(f"\n[{name}] {len(fired)} of {len(LISTS[name])} cues fire in the non-seed commentaries")
    assert len(fired) >= 2, f"{name}: only {fired} fire outside the seed"


def test_cues_that_fire_on_the_seed_fire_elsewhere_too():
    """A cue the seed commentary triggers must also be met in another set, else it was fitted
    to the seed. Reporting verbs are exempt: they are the standard list, and the seed's
    ("stressed", "emphasized") are the commonest verbs of readouts."""
    seed = "\n".join(SEED_FILE.read_text(encoding="utf-8").split("\n")[:30])
    other = _non_seed_commentary()
    only_seed = [c for name, cue_list in LISTS.items() if name != "REPORTING_VERBS" for c in cue_list
                 if _pattern(c).search(seed) and not _pattern(c).search(other)]
    print("\ncues met only in the seed:", only_seed)
    assert only_seed == ["the first time"]  # a general novelty marker the other sets happen not to use


@pytest.mark.parametrize("phrase", ["recent years have", "marks the first time", "traditionally", "as early as",
                                    "has relied", "academician", "pioneering", "initiated the", "dubbed",
                                    "advisor", "served as"])
def test_the_seed_derived_cues_are_gone(phrase):
    assert all(phrase not in cue_list for cue_list in LISTS.values())


@pytest.mark.parametrize("text, frame", [
    ("Firms must keep a register, the framework says.", "the framework says"),
    ("Firms must keep a register, officials said.", "officials said"),
    ("According to the statement, firms must keep a register.", "According to the statement"),
    ("Firms must keep a register, according to the ministry.", "according to the ministry."),
    ("He said firms must keep a register.", ""),  # the frame opens the sentence: its subject is a pronoun
    ("The register, in effect, is public.", ""),
])
def test_source_frame_finds_the_words_naming_the_source(text, frame):
    assert cues.source_frame(text) == frame


def test_source_frames_occur_outside_the_seed():
    frames = [f for line in _non_seed_commentary().split(".") if (f := cues.source_frame(line + "."))]
    assert len(frames) >= 2, frames
