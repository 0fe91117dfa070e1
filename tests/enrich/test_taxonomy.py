"""Theme taxonomy loader, heading mapping and sentence classifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.text.segment import segment
from app.enrich.taxonomy import assign_themes, classify, heading_theme, load_taxonomy, words
from tests.helpers import ROOT, TEST_DATA

SEED = ROOT / "seeds" / "000_eb440050df25cd3d.txt"
DATA = TEST_DATA / "themes"


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(ROOT / "seeds" / "themes.toml")


def seed_part(first: int, last: int) -> list:
    """Segments of the seed's inclusive line range (1-based), as ingest would cut it."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    return segment("\n".join(lines[first - 1:last]), None, first).segments


@pytest.fixture(scope="module")
def official():
    return [s for s in seed_part(32, 40) if s.kind != "heading"]


def with_theme(tax, units, slug):
    return [u.text for u in units if slug in {s for s, _ in classify(tax, u.text)}]


def own_doc(name: str) -> list:
    title, body = (DATA / name).read_text(encoding="utf-8").split("\n", 1)
    return segment(body, title, 2).segments


# --- taxonomy file -------------------------------------------------------------------------

def test_taxonomy_has_the_eight_seed_themes(tax):
    assert list(tax.themes)[:8] == [
        "strategic-positioning", "gaining-an-edge", "enterprise-innovation", "four-advantages",
        "policy-support", "talent", "domestic-regulation", "international-governance",
    ]
    assert tax.themes["talent"].label == "Talent and AI education"
    assert all(t.description and t.keywords for t in tax)
    assert len(tax.fingerprint) == 64


def test_fingerprint_follows_file_bytes(tmp_path, tax):
    copy = tmp_path / "themes.toml"
    copy.write_bytes((ROOT / "seeds" / "themes.toml").read_bytes())
    assert load_taxonomy(copy).fingerprint == tax.fingerprint
    copy.write_bytes(copy.read_bytes() + b"\n# edited\n")
    assert load_taxonomy(copy).fingerprint != tax.fingerprint


def test_new_theme_with_parent_defined_later(tmp_path):
    f = tmp_path / "themes.toml"
    f.write_text(
        '[[theme]]\nslug = "ai-act"\nlabel = "EU AI Act"\nparent = "regulation"\n'
        'keywords = ["ai act^3", "high-risk^2"]\n\n'
        '[[theme]]\nslug = "regulation"\nlabel = "Regulation"\nkeywords = ["regulat*^2"]\n',
        encoding="utf-8",
    )
    t = load_taxonomy(f)
    assert t.themes["ai-act"].parent == "regulation"
    assert t.descendants("regulation") == ["regulation", "ai-act"]
    assert classify(t, "Obligations under the AI Act apply to high-risk systems.")[0][0] == "ai-act"


@pytest.mark.parametrize(
    "text, message",
    [
        # TOML syntax: tomllib's position becomes "file, line N, column M"
        ('[[theme]]\nslug = "a"\nlabel = A\nkeywords = ["x"]\n', "line 3, column 9"),
        ('[[theme]]\nslug = "a"\nlabel = "A"\nkeywords = ["x"\n', "line 4 (end of file): Unclosed array"),
        ('[[theme]]\nslug = "a"\nlabel = "A"\nkeywords = ["x"]\n\n'
         '[[theme]]\nslug = "b"\nlabel = "B"\nparent = "nope"\nkeywords = ["y"]\n',
         "line 9: b: unknown parent 'nope'"),
        ('[[theme]]\nslug = "a"\nlabel = "A"\nkeywords = ["x"]\n[[theme]]\nslug = "a"\nlabel = "B"\n'
         'keywords = ["y"]\n', "line 6: duplicate slug 'a'"),
        ('[[theme]]\nslug = "a"\nkeywords = ["x"]\n', "line 1: theme #1 needs a non-empty 'label'"),
        ('[[theme]]\nslug = "a"\nlabel = "A"\nkeywords = ["x^big"]\n', "line 4: a: keyword 'x^big'"),
        ('[[theme]]\nslug = "A b"\nlabel = "A"\nkeywords = ["x"]\n', "line 2: slug 'A b'"),
        ('[[theme]]\nslug = "a"\nlabel = "A"\nparent = "b"\nkeywords = ["x"]\n'
         '[[theme]]\nslug = "b"\nlabel = "B"\nparent = "a"\nkeywords = ["y"]\n', "parent cycle"),
    ],
)
def test_loader_errors_name_file_and_line(tmp_path, text, message):
    f = tmp_path / "bad-themes.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        load_taxonomy(f)
    assert str(exc.value).startswith(str(f))
    assert message in str(exc.value)


def test_words_fold_plurals_and_possessives():
    assert words("China’s universities and policies, R&D chips") == [
        "china", "university", "policy", "r&d", "chip"]


# --- headings ------------------------------------------------------------------------------

def test_seed_commentary_headings_map_to_their_themes(tax):
    headings = [s.text for s in seed_part(1, 30) if s.kind == "heading"]
    assert [heading_theme(tax, h) for h in headings] == [
        "strategic-positioning", "gaining-an-edge", "enterprise-innovation", "four-advantages",
        "policy-support", "talent", "domestic-regulation", "international-governance",
    ]


@pytest.mark.parametrize(
    "heading, slug",
    [
        ("Article 4: AI Literacy", "talent"),
        ("Prohibited Practices", "domestic-regulation"),
        ("Computing Capacity", "four-advantages"),
        ("Skills and Careers", "talent"),
        ("Global Cooperation", "international-governance"),
        ("Funding and Tax Incentives", "policy-support"),
        ("Introduction", None),
        ("Development of AI", None),  # generic words decide nothing
    ],
)
def test_other_headings(tax, heading, slug):
    assert heading_theme(tax, heading) == slug


# --- classifier on the seed ----------------------------------------------------------------

def test_seed_talent_is_exactly_the_two_talent_sentences(tax, official):
    got = with_theme(tax, official, "talent")
    assert len(got) == 2
    assert got[0].startswith("He highlighted the need to promote AI education")
    assert got[1].startswith("Xi also emphasized improving the mechanisms")


def test_seed_international_governance(tax, official):
    got = with_theme(tax, official, "international-governance")
    assert [g[:40] for g in got] == [
        "Finally, Xi emphasized that artificial i",  # the "international public good" one
        "China should actively engage in internat",
        "He also called for promoting the alignme",
    ]


def test_seed_other_themes_are_plausible(tax, official):
    first = {u.text[:30]: (classify(tax, u.text) or [("", 0)])[0][0] for u in official}
    assert first["He pointed out that artificial"] == "strategic-positioning"
    assert first["He called for continuously str"] == "gaining-an-edge"
    assert first["He called for deeply integrati"] == "enterprise-innovation"
    assert first["Xi further noted that China po"] == "four-advantages"
    assert first["Comprehensive use of various p"] == "policy-support"
    assert first["It is necessary to grasp the d"] == "domestic-regulation"


@pytest.mark.parametrize("start", ["Professor Zheng Nanning", "Members of the Political", "Following the lecture"])
def test_procedural_sentences_get_no_theme(tax, official, start):
    (unit,) = [u for u in official if u.text.startswith(start)]
    assert classify(tax, unit.text) == []


def test_scores_are_between_0_and_1_best_first(tax, official):
    for u in official:
        scores = [s for _, s in classify(tax, u.text)]
        assert all(0.5 <= s <= 1 for s in scores)
        assert scores == sorted(scores, reverse=True)


# --- assign_themes -------------------------------------------------------------------------

def test_assign_merges_crossref_and_classifier(tax, official):
    (risk,) = [u.text for u in official if u.text.startswith("Xi pointed out that while AI")]
    assert classify(tax, risk) == []  # one risk word: below the threshold alone
    assert assign_themes(tax, risk, ["domestic-regulation"]) == [("domestic-regulation", 0.5, "crossref")]
    # a crossref theme without a single word of evidence is not trusted
    assert assign_themes(tax, risk, ["talent"]) == []
    (talent,) = [u.text for u in official if u.text.startswith("He highlighted")]
    assert assign_themes(tax, talent, []) == [("talent", classify(tax, talent)[0][1], "classifier")]
    assert assign_themes(tax, talent, ["talent", "unknown-slug"])[0][::2] == ("talent", "crossref")
    # A commentary talent sentence ("... should be made to create favorable conditions") can
    # link to the policy-tools sentence by shared wording; it has no talent vocabulary.
    (tools,) = [u.text for u in official if u.text.startswith("Comprehensive use of various")]
    assert [s for s, _, _ in assign_themes(tax, tools, ["policy-support", "talent"])] == ["policy-support"]


# --- a document from another issuer, no commentary -----------------------------------------

def test_eu_regulation_themes(tax):
    units = {u.text[:30]: [s for s, _, _ in assign_themes(tax, u.text, [])]
             for u in own_doc("eu_ai_skills_compute_regulation.txt") if u.kind != "heading"}
    assert units["1. Providers and deployers of "] == ["talent"]
    assert units["2. Member States shall support"] == ["talent"]
    assert units["Providers must establish a ris"] == ["domestic-regulation"]
    assert units["High-risk AI systems shall not"] == ["domestic-regulation"]
    assert units["The Union shall promote intern"] == ["international-governance"]
    assert units["The Commission will publish an"] == ["four-advantages"]
    # "training data" is data, not talent training
    assert "talent" not in units["(b) promote the sharing of pub"]
    assert units["This Regulation shall enter in"] == []


def test_uk_statement_themes(tax):
    units = {u.text[:30]: [s for s, _ in classify(tax, u.text)]
             for u in own_doc("uk_ai_skills_safety_statement.txt")}
    assert units["The Department will fund 1,000"] == ["talent"]
    assert units["The Department called on unive"] == ["talent"]
    assert units["Ms Doe added that the UK will "] == ["international-governance"]
    assert units["She said that providers of the"] == ["domestic-regulation"]
    assert units["The Department received 412 re"] == []
