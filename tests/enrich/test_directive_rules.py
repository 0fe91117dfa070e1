"""Directive detection and speaker resolution."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from app.enrich.directive_rules import Directive, detect
from app.text.segment import segment
from tests.helpers import ROOT, TEST_DATA

SEED = ROOT / "seeds" / "000_eb440050df25cd3d.txt"
DATA = TEST_DATA / "themes"


def units_of(*texts: str) -> list:
    return [SimpleNamespace(text=t) for t in texts]


@pytest.fixture(scope="module")
def official():
    lines = SEED.read_text(encoding="utf-8").split("\n")
    return [s for s in segment("\n".join(lines[31:40]), None, 32).segments if s.kind != "heading"]


EXPECTED = [  # sentence start -> verb
    ("Xi Jinping, General Secretary of the CPC Central Committee, presided", "must"),
    ("He stressed the need to recognize these gaps", "stressed the need to"),
    ("Xi emphasized that in order to seize opportunities", "must"),
    ("He called for continuously strengthening basic research", "called for"),
    ("Moreover, Xi urged the use of AI", "urged"),
    ("He called for deeply integrating", "called for"),
    ("Xi also emphasized the need to coordinate", "emphasized the need to"),
    ("Comprehensive use of various policy tools", "should"),
    ("He highlighted the need to promote AI education", "highlighted the need to"),
    ("Xi also emphasized improving the mechanisms", "emphasized improving"),
    ("It is necessary to grasp", "it is necessary to"),
    ("China should actively engage", "should"),
    ("He also called for promoting the alignment", "called for"),
]


def test_seed_directives_exactly(official):
    found = detect(official, default_speaker="Xinhua News Agency")
    got = [(official[i].text, d.verb) for i, d in sorted(found.items())]
    assert len(got) == len(EXPECTED)
    for (text, verb), (start, want) in zip(got, EXPECTED):
        assert text.startswith(start)
        assert verb == want
    # every directive in the readout is Xi's, at his fullest name
    assert {d.speaker for d in found.values()} == {"Xi Jinping"}


@pytest.mark.parametrize("start", [
    "On the afternoon of April 25",  # dateline
    "Professor Zheng Nanning from Xi'an Jiaotong University delivered a lecture",
    "Members of the Political Bureau listened",
    "Following the lecture and discussions, Xi Jinping delivered an important speech",
    "He pointed out that artificial intelligence",
    "The Party Central Committee has attached great importance",
    "At the same time, Xi acknowledged that shortcomings remain",
    "Xi further noted that China possesses",
    "Such efforts should help upgrade",  # prediction
    # Debatable; by rule an observation: "stressed that" + evaluative predicate, no modal.
    "Xi stressed that, as a new technology and new field, policy support",
    "Xi pointed out that while AI brings unprecedented",
    "Finally, Xi emphasized that artificial intelligence can serve",
])
def test_seed_non_directives(official, start):
    found = detect(official)
    (i,) = [i for i, u in enumerate(official) if u.text.startswith(start)]
    assert i not in found


def test_commentary_has_no_directives():
    assert detect(units_of("Xi called for more research.", "China must act."), kind="commentary") == {}


@pytest.mark.parametrize("text, verb", [
    ("There have been calls for stricter rules.", None),
    ("The Ministry urged providers to label deepfakes.", "urged"),
    ("Should the provider fail to comply, the authority may impose fines.", None),
    ("This approach should help reduce costs.", None),
    ("Member States should help SMEs access compute.", "should"),
    ("Xi highlighted growing risks in the sector.", None),
    ("Stress testing is used by banks.", None),
    ("The systems required significant computing resources to train.", None),
    ("Investments were directed to universities.", None),
    ("The State Council directed the Ministry of Finance to prepare a plan.",
     "directed the ministry of finance to"),
    ("It is important to note that adoption is uneven.", None),
    ("Providers are required to keep logs.", "are required to"),
    ("This Regulation requires providers to keep logs.", "requires providers to"),
    ("The minister stressed that cooperation is important.", None),
    ("We need to act now.", "need to"),
    ("This Regulation shall apply from 2 August 2026.", None),
    ("'AI system' shall mean a machine-based system.", None),
    ("The Commission shall adopt implementing acts.", "shall"),
    ("AI could transform healthcare.", None),
    ("The plan calls for doubling investment.", "calls for"),
    ("He underscored the importance of strengthening oversight.",
     "underscored the importance of strengthening"),
    ("He underscored the importance of oversight.", None),
    ("Member States are encouraged to set up sandboxes.", "are encouraged to"),
])
def test_rules_on_single_sentences(text, verb):
    got = detect(units_of(text)).get(0)
    assert (got.verb if got else None) == verb


def test_speaker_resolution():
    found = detect(units_of(
        "President Xi Jinping chaired the meeting.",
        "Xi said that all regions must act.",
        "The European Commission said on Monday that member states must act.",
        "Commissioner Maria Rossi, speaking in Brussels, urged providers to comply.",
        "Ms Rossi added that rules should be simple.",
        "It is necessary to review the rules, she said.",
    ), default_speaker="EU")
    assert {i: d.speaker for i, d in found.items()} == {
        1: "Xi Jinping", 2: "European Commission", 3: "Maria Rossi", 4: "Maria Rossi",
        5: "Maria Rossi"}


def _doc(name: str):
    title, body = (DATA / name).read_text(encoding="utf-8").split("\n", 1)
    return [s for s in segment(body, title, 2).segments if s.kind != "heading"]


def test_eu_regulation_directives():
    units = _doc("eu_ai_skills_compute_regulation.txt")
    issuer = "European Parliament and Council of the European Union"
    found = detect(units, default_speaker=issuer)
    got = {units[i].text[:30]: d.verb for i, d in found.items()}
    assert got == {
        "1. Providers and deployers of ": "shall",
        "2. Member States shall support": "shall",
        "The placing on the market of A": "is prohibited",
        "Providers must establish a ris": "must",
        "High-risk AI systems shall not": "shall not",
        "Member States shall:": "shall",
        "(a) provide start-ups and SMEs": "shall",  # items inherit "Member States shall:"
        "(b) promote the sharing of pub": "shall",
        "The Union shall promote intern": "shall",
    }
    # Recitals describe, "such measures should contribute" predicts, "will publish" announces,
    # "shall enter into force" is commencement: none of them directs.
    assert {d.speaker for d in found.values()} == {issuer}


def test_uk_statement_directives():
    units = _doc("uk_ai_skills_safety_statement.txt")
    found = detect(units, default_speaker="Department for Science, Innovation and Technology")
    got = {units[i].text[:30]: d for i, d in found.items()}
    assert got == {
        "She said that providers of the": Directive("must", "Jane Doe"),
        "The Department called on unive": Directive("called on", "Department for Science, Innovation and Technology"),
        "It is essential that regulator": Directive("it is essential that", "Jane Doe"),
    }


# --- speakers fully named (#17) ------------------------------------------------------------

def test_appositive_subject_names_the_person_not_the_publisher():
    found = detect(units_of(
        "Xi Jinping, general secretary of the Communist Party of China Central Committee, has stressed "
        "boosting the development of artificial intelligence.",
        "Anna Berg, Minister of Digital Affairs, Education and Science, has stressed accelerating the "
        "registers of public algorithms.",
    ), default_speaker="Xinhua News Agency")
    assert [d.speaker for d in found.values()] == ["Xi Jinping", "Anna Berg"]


def test_surnames_and_pronouns_take_the_fullest_form_in_the_document():
    found = detect(units_of(
        "Minister of Labour Ingrid Solberg reported on retraining.",
        "Solberg said employers should involve trade unions.",
        "She urged colleges to add courses.",
        "Xi called for more basic research.",  # the full name comes later in the document
        "The readout quoted President Xi Jinping at length.",
    ), default_speaker="Publisher")
    assert {i: d.speaker for i, d in found.items()} == {1: "Ingrid Solberg", 2: "Ingrid Solberg", 3: "Xi Jinping"}


def test_collective_subject_is_the_body_by_its_full_name():
    found = detect(units_of(
        "The State Council of the Republic of Norvale met on Tuesday.",
        "Premier Halvard Lindqvist said agencies must publish statistics.",
        "The council also urged banks to extend credit.",
        "The National Curriculum Board will write a course, and the Board should consult employers.",
    ), default_speaker="Government Information Office")
    assert {i: d.speaker for i, d in found.items()} == {
        1: "Halvard Lindqvist", 2: "State Council of the Republic of Norvale",
        3: "State Council of the Republic of Norvale"}  # "the Board should": addressed, not speaking


def test_impersonal_sentence_takes_the_last_speaker_then_the_issuing_body():
    found = detect(units_of(
        "It is necessary to open data centres.",
        '"Factories must become more productive," said Minister of Industry and Trade Leila Haddad.',
        "Developers should report incidents.",
    ), default_speaker="Ministry of Industry")
    assert [d.speaker for d in found.values()] == ["Ministry of Industry", "Leila Haddad", "Leila Haddad"]


def test_a_directive_is_cited_as_its_speakers_reported_by_the_publisher():
    import json
    from types import SimpleNamespace

    from app.web.cite import citations

    doc = SimpleNamespace(author=None, publisher="Xinhua News Agency", title="Readout", date="2018-10-31",
                          source_url=None, retrieved=None, language="en")
    p = SimpleNamespace(id="pabc", text="He called for boosting AI.", speaker="Xi Jinping", page=None)
    cited = citations(p, doc, "https://example.org/s/pabc")
    assert "Directive of Xi Jinping, reported by Xinhua News Agency:" in cited["text"]
    assert "author = {{Xi Jinping}}" in cited["bibtex"]
    assert json.loads(cited["csl_json"])["author"] == [{"literal": "Xi Jinping"}]
