"""Links, claim labels, directives, speakers and themes on the four evaluation sets written in
styles unlike the seed (tests/data/analysis_eval/). Run with -s for the figures and every
disagreement.

TARGET is what issue #17 asks of every set. Where a set is below it today, FLOOR holds the
figure measured when the rules were last changed (so nothing silently gets worse) and the
README says so; raise a floor whenever a figure improves.
"""

from __future__ import annotations

import pytest

from app.enrich.taxonomy_file import load_taxonomy
from tests.enrich.analysis_eval import SETS, score_set
from tests.helpers import ROOT

TARGET = {"link_precision": 0.9, "link_recall": 0.9, "claims": 0.9, "directive_precision": 0.9,
          "directive_recall": 0.9, "speakers": 0.9, "themed": 0.8}
# Below target when last measured (figure, rounded down).
FLOOR: dict[tuple[str, str], float] = {}  # every set meets every target today


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(ROOT / "seeds" / "themes.toml")


def test_there_are_four_sets_in_other_styles():
    assert {"norvale", "kestria", "valmont", "aravia"} <= set(SETS)


@pytest.mark.parametrize("name", SETS)
def test_set_meets_its_floor(name, taxonomy):
    got = score_set(name, taxonomy)
    short = {k: round(v, 3) for k, v in got.items()
             if k in TARGET and v < FLOOR.get((name, k), TARGET[k])}
    assert not short, f"{name}: below floor {short}"
