"""Theme taxonomy loader, heading mapping and sentence classifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.text.segment import segment
from app.enrich.taxonomy import assign_themes, classify, commentary_themes, heading_theme, words
from app.enrich.taxonomy_file import load_taxonomy
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

OLD_SEED_THEMES = ["strategic-positioning", "gaining-an-edge", "enterprise-innovation", "four-advantages",
                   "policy-support", "talent", "domestic-regulation", "international-governance"]


def test_default_is_the_general_taxonomy(tax):
    assert {"research-compute", "data", "industry-innovation", "talent-education", "safety-risk",
            "security-military", "rights-privacy", "transparency-accountability", "labour-economy",
            "public-sector", "regulation-standards", "international-governance"} <= set(tax.themes)
    assert tax.themes["talent-education"].label == "Talent, skills and education"
    assert tax.themes["funding-incentives"].parent == "industry-innovation"
    assert all(t.description and t.keywords for t in tax)
    assert len(tax.fingerprint) == 64


def test_every_seed_heading_slug_leads_to_a_live_theme(tax):
    """The seed's eight published slugs: each still a theme or replaced by exactly one."""
    for old in OLD_SEED_THEMES:
        assert old in tax.themes or tax.redirects[old] in tax.themes
    assert tax.redirects["talent"] == "talent-education"
    assert tax.redirects["domestic-regulation"] == "regulation-standards"


def test_default_vocabulary_holds_no_seed_phrase(tax):
    """Keywords are general policy English: none is a phrase only the seed texts use."""
    seed_only = ["self-strengthening", "new round", "market space", "facility access", "talent evaluation",
                 "paradigm shift", "four advantages", "gaining an edge", "whampoa"]
    keywords = {k.text.split("^")[0].lower() for t in tax for k in t.keywords}
    assert not keywords & set(seed_only)


def test_example_taxonomy_is_the_seed_headings():
    example = load_taxonomy(ROOT / "seeds" / "examples" / "seed-headings.themes.toml")
    assert list(example.themes) == OLD_SEED_THEMES


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
        ('[[theme]]\nslug = "a"\nlabel = "A"\nreplaces = "old"\nkeywords = ["x"]\n',
         "line 4: a: replaces must be a list of slugs"),
        ('[[theme]]\nslug = "a"\nlabel = "A"\nkeywords = ["x"]\n[[theme]]\nslug = "b"\nlabel = "B"\n'
         'replaces = ["a"]\nkeywords = ["y"]\n', "line 8: b: replaced slug 'a' is a theme of this file"),
        ('[[theme]]\nslug = "a"\nlabel = "A"\nreplaces = ["old"]\nkeywords = ["x"]\n[[theme]]\nslug = "b"\n'
         'label = "B"\nreplaces = ["old"]\nkeywords = ["y"]\n', "replaced slug 'old' is already replaced by 'a'"),
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

def test_seed_commentary_headings_map_to_the_replacing_themes(tax):
    headings = [s.text for s in seed_part(1, 30) if s.kind == "heading"]
    assert [heading_theme(tax, h) for h in headings] == [
        "national-strategy", None, "industry-innovation", None,  # "Gaining an Edge", "Four Advantages": no theme's words
        "funding-incentives", "talent-education", "regulation-standards", "international-governance",
    ]


@pytest.mark.parametrize(
    "heading, slug",
    [
        ("Article 4: AI Literacy", "talent-education"),
        ("Prohibited Practices", "regulation-standards"),
        ("Computing Capacity", "research-compute"),
        ("Skills and Careers", "talent-education"),
        ("Global Cooperation", "international-governance"),
        ("Funding and Tax Incentives", "funding-incentives"),
        ("Privacy and Personal Data", "rights-privacy"),
        ("Jobs and Wages", "labour-economy"),
        ("Introduction", None),
        ("Recommendations", None),
        ("Development of AI", None),  # generic words decide nothing; "AI" is every text's topic
    ],
)
def test_other_headings(tax, heading, slug):
    assert heading_theme(tax, heading) == slug


# --- commentary: classifier first, heading as evidence ---------------------------------------

def test_commentary_sentence_is_classified_without_a_heading(tax):
    got = commentary_themes(tax, "Teachers will get twenty hours of paid training in AI literacy a year.", None)
    assert [(s, src) for s, _, src in got] == [("talent-education", "classifier")]


def test_heading_confirms_one_word_but_never_themes_an_empty_sentence(tax):
    one_word = "The minister also wants a shared catalogue."  # "catalogue": one word of data vocabulary
    assert commentary_themes(tax, one_word, None) == []
    assert [(s, src) for s, _, src in commentary_themes(tax, one_word, "Open Data and Datasets")] == [("data", "heading")]
    assert commentary_themes(tax, "This marks a turn.", "Open Data and Datasets") == []


# --- classifier on the seed ----------------------------------------------------------------

def test_seed_talent_is_exactly_the_two_talent_sentences(tax, official):
    got = with_theme(tax, official, "talent-education")
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


def test_seed_other_themes_are_the_replacements_of_the_old(tax, official):
    first = {u.text[:30]: {s for s, _ in classify(tax, u.text)} for u in official}
    assert "national-strategy" in first["He pointed out that artificial"]
    assert "research-compute" in first["He called for continuously str"]
    assert "industry-innovation" in first["He called for deeply integrati"]
    assert "data" in first["Xi further noted that China po"]
    assert "funding-incentives" in first["Comprehensive use of various p"]
    assert "regulation-standards" in first["It is necessary to grasp the d"]


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
    assert assign_themes(tax, risk, ["safety-risk"]) == [("safety-risk", 0.5, "crossref")]
    # a crossref theme without a single word of evidence is not trusted
    assert assign_themes(tax, risk, ["talent-education"]) == []
    (talent,) = [u.text for u in official if u.text.startswith("He highlighted")]
    assert assign_themes(tax, talent, []) == [("talent-education", classify(tax, talent)[0][1], "classifier")]
    assert assign_themes(tax, talent, ["talent-education", "unknown-slug"])[0][::2] == ("talent-education", "crossref")
    # A commentary talent sentence ("... should be made to create favorable conditions") can
    # link to the policy-tools sentence by shared wording; it has no talent vocabulary.
    (tools,) = [u.text for u in official if u.text.startswith("Comprehensive use of various")]
    assert "talent-education" not in [s for s, _, _ in assign_themes(tax, tools, ["funding-incentives", "talent-education"])]


# --- a document from another issuer, no commentary -----------------------------------------

def test_eu_regulation_themes(tax):
    units = {u.text[:30]: [s for s, _, _ in assign_themes(tax, u.text, [])]
             for u in own_doc("eu_ai_skills_compute_regulation.txt") if u.kind != "heading"}
    assert units["1. Providers and deployers of "] == ["talent-education"]
    assert units["2. Member States shall support"] == ["talent-education"]
    assert units["Providers must establish a ris"] == ["safety-risk"]
    assert units["High-risk AI systems shall not"] == ["regulation-standards"]
    assert "international-governance" in units["The Union shall promote intern"]
    assert "research-compute" in units["The Commission will publish an"]
    # "training data" is data, not talent training
    assert "talent-education" not in units["(b) promote the sharing of pub"]
    assert "data" in units["(b) promote the sharing of pub"]
    assert units["This Regulation shall enter in"] == []


def test_uk_statement_themes(tax):
    units = {u.text[:30]: [s for s, _ in classify(tax, u.text)]
             for u in own_doc("uk_ai_skills_safety_statement.txt")}
    assert units["The Department will fund 1,000"] == ["talent-education"]
    assert units["The Department called on unive"] == ["talent-education"]
    assert "international-governance" in units["Ms Doe added that the UK will "]
    assert units["She said that providers of the"] == ["safety-risk"]
    assert units["The Department received 412 re"] == []
