"""Segmentation: paragraphs, headings, headline and dateline, items and sentence boundaries.

Expectations come from reading the texts, not from running the segmenter: the seed's official
readout, a test document of our own full of abbreviations, initials, decimals and quotations
(tests/data/docs/abbreviations.txt) and a hard-wrapped markdown file
(tests/data/docs/national-ai-strategy.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.text.segment import is_heading, segment, split_sentences
from app.ingest.sources import collect
from tests.helpers import ROOT

SEEDS = ROOT / "seeds"
DOCS = ROOT / "tests" / "data" / "docs"
OFFICIAL = "xinhua-politburo-ai-study-session-2025-04-25"
COMMENTARY = "politburo-ai-study-session-2025-commentary"
HEADLINE = (
    "Xi Jinping Stresses at the 20th Group Study Session of the CPC Central Committee Political Bureau: "
    "Uphold Self-Reliance, Highlight Application-Driven Development, and Promote the Healthy and "
    "Orderly Advancement of Artificial Intelligence"
)
# The official readout's 25 sentences, by their first words, in reading order (read off lines
# 32-40 of the seed file by hand). Five of them follow a full stop with no space in the source:
# "direction.Professor", "governance.Xi", "fields.Xi", "resources.Xi", "potential.Xi".
OFFICIAL_STARTS = [
    "On the afternoon of April 25, the Political Bureau",
    "Xi Jinping, General Secretary of the CPC Central Committee, presided",
    "Professor Zheng Nanning from Xi'an Jiaotong University delivered",
    "Members of the Political Bureau listened carefully",
    "Following the lecture and discussions, Xi Jinping delivered",
    "He pointed out that artificial intelligence, as a strategic technology",
    "The Party Central Committee has attached great importance",
    "At the same time, Xi acknowledged that shortcomings remain",
    "He stressed the need to recognize these gaps",
    "Xi emphasized that in order to seize opportunities",
    "He called for continuously strengthening basic research",
    "Moreover, Xi urged the use of AI",
    "Xi further noted that China possesses abundant data resources",
    "He called for deeply integrating AI technological innovation",
    "Such efforts should help upgrade traditional industries",
    "Xi also emphasized the need to coordinate the construction",
    "Xi stressed that, as a new technology and new field",
    "Comprehensive use of various policy tools",
    "He highlighted the need to promote AI education",
    "Xi also emphasized improving the mechanisms",
    "Xi pointed out that while AI brings unprecedented",
    "It is necessary to grasp the development trends",
    "Finally, Xi emphasized that artificial intelligence can serve",
    "China should actively engage in international cooperation",
    "He also called for promoting the alignment and coordination",
]
OFFICIAL_ENDS = {  # the sentence before each run-together boundary ends exactly here
    "in a safe and equitable direction.", "seize the initiative in AI development and governance.",
    "innovation breakthroughs across various fields.", "open sharing of data resources.",
    "all kinds of talents to fully realize their potential.",
}


@pytest.fixture(scope="module")
def seed_docs():
    collected = collect([SEEDS])
    assert not collected.errors
    return {d.slug: d for d in collected.documents}


def _segment(doc):
    return segment(doc.body, doc.meta["title"], doc.first_line)


# --- the seed ---------------------------------------------------------------------------

def test_official_seed_has_headline_dateline_and_25_sentences(seed_docs):
    seg = _segment(seed_docs[OFFICIAL])
    assert seg.headline == HEADLINE
    assert seg.dateline == "(Xinhua News Agency, Beijing, April 26)"
    texts = [s.text for s in seg.segments]
    assert all(s.kind == "sentence" for s in seg.segments)
    assert len(texts) == len(OFFICIAL_STARTS), texts
    for text, start in zip(texts, OFFICIAL_STARTS):
        assert text.startswith(start), (text, start)
    # the first sentence starts after the dateline and its dash, not with them
    assert not any("Xinhua News Agency, Beijing" in t or t.startswith("—") for t in texts)
    assert HEADLINE not in texts


def test_official_seed_run_together_sentences_are_split_at_the_full_stop(seed_docs):
    texts = [s.text for s in _segment(seed_docs[OFFICIAL]).segments]
    for end in OFFICIAL_ENDS:
        assert any(t.endswith(end) for t in texts), end
    for t in texts:
        assert t[-1] in ".!?", t  # nothing cut mid-sentence
        for glued in ("direction.Professor", "governance.Xi", "fields.Xi", "resources.Xi", "potential.Xi"):
            assert glued not in t


def test_official_seed_paragraphs_follow_the_file_lines(seed_docs):
    segs = _segment(seed_docs[OFFICIAL]).segments
    # no blank lines in the seed: every line is a paragraph; the official text is lines 31-40,
    # line 31 being the headline
    by_line: dict[int, int] = {}
    for s in segs:
        by_line[s.line] = by_line.get(s.line, 0) + 1
    assert by_line == {32: 1, 33: 3, 34: 1, 35: 2, 36: 4, 37: 2, 38: 5, 39: 4, 40: 3}
    assert len({s.paragraph for s in segs}) == 9


def test_commentary_headings_colon_sentences_and_items(seed_docs):
    segs = _segment(seed_docs[COMMENTARY]).segments
    kinds = {s.text: s.kind for s in segs}
    headings = [s.text for s in segs if s.kind == "heading"]
    assert headings == [
        "Strategic Positioning of AI:", "Key to Gaining an Edge in AI:",
        "Building an Enterprise-Led Collaborative Innovation System:",
        "China’s Four Major Advantages in AI Development:", "Policy Support for AI:",
        "Talent Development for AI:", "Domestic AI Regulation:", "International AI Governance:",
    ]
    # a full sentence ending in a colon that introduces a list is a sentence, not a heading
    assert kinds["Xi outlined four strengths:"] == "sentence"
    assert kinds["Xi called for concentrating resources on two fronts:"] == "sentence"
    assert kinds["He outlined two main directions for China's participation in global AI governance:"] == "sentence"
    # enumerated items are units of their own
    for item in ("(1) Rich data resources;", "(2) A complete industrial system;",
                 "(3) Vast application scenarios;", "(4) A huge market space."):
        assert kinds[item] == "item"
    # items and the sentences after a heading belong to that heading's section
    section = {s.text: s.section for s in segs}
    assert section["(4) A huge market space."] == section["China’s Four Major Advantages in AI Development:"]
    assert section["Xi outlined four strengths:"] == section["(1) Rich data resources;"]
    # before the first heading: section 0
    assert segs[0].section == 0 and segs[0].text.startswith("The Political Bureau of the CPC Central Committee")


@pytest.mark.parametrize("line, heading", [
    ("Strategic Positioning of AI:", True),
    ("Key to Gaining an Edge in AI:", True),
    ("Domestic AI Regulation", True),
    ("Xi outlined four strengths:", False),
    ("He stressed the need to coordinate the construction of computing power infrastructure:", False),
    ("Following the lecture and discussions, Xi Jinping delivered an important speech.", False),
    ("(1) Rich data resources;", False),
])
def test_is_heading(line, heading):
    assert is_heading(line) is heading


# --- paragraphs -------------------------------------------------------------------------

def test_blank_lines_separate_paragraphs_and_hard_wrapped_lines_are_joined():
    body = (
        "The first paragraph is wrapped\nacross two lines. It has two sentences.\n\n"
        "The second paragraph\nis wrapped too.\n"
    )
    segs = segment(body).segments
    assert [(s.text, s.paragraph, s.line) for s in segs] == [
        ("The first paragraph is wrapped across two lines.", 1, 1),
        ("It has two sentences.", 1, 1),
        ("The second paragraph is wrapped too.", 2, 4),
    ]


def test_without_blank_lines_every_line_is_a_paragraph():
    body = "One line is one paragraph\nand this is another one.\nA third.\n"
    segs = segment(body).segments
    # with no blank lines a line break is a paragraph break, even mid-sentence
    assert [(s.text, s.paragraph) for s in segs] == [
        ("One line is one paragraph", 1), ("and this is another one.", 2), ("A third.", 3),
    ]


def test_items_in_a_blank_line_file_stay_apart_when_hard_wrapped():
    body = (
        "Xi outlined four strengths:\n\n(1) Rich data\n    resources;\n(2) A complete\n    industrial system;\n"
        "(3) Vast application scenarios;\n(4) A huge market space.\n\nHe stressed the need to act.\n"
    )
    segs = segment(body).segments
    assert [(s.kind, s.text) for s in segs] == [
        ("sentence", "Xi outlined four strengths:"),
        ("item", "(1) Rich data resources;"),
        ("item", "(2) A complete industrial system;"),
        ("item", "(3) Vast application scenarios;"),
        ("item", "(4) A huge market space."),
        ("sentence", "He stressed the need to act."),
    ]


# --- headline and dateline --------------------------------------------------------------

@pytest.mark.parametrize("first, dateline, first_sentence", [
    ("(Xinhua News Agency, Beijing, April 26) — On the afternoon of April 25, the session opened.",
     "(Xinhua News Agency, Beijing, April 26)", "On the afternoon of April 25, the session opened."),
    ("BEIJING, April 26 (Xinhua) -- The session opened on Friday.",
     "BEIJING, April 26 (Xinhua)", "The session opened on Friday."),
    ("WASHINGTON — The agency released its plan.", "WASHINGTON", "The agency released its plan."),
    ("The agency released its plan — and its budget.", None, "The agency released its plan — and its budget."),
    ("AI — and how to govern it — is the subject.", None, "AI — and how to govern it — is the subject."),
])
def test_dateline_is_kept_apart_and_the_first_sentence_starts_after_it(first, dateline, first_sentence):
    seg = segment(f"A Plan for AI\n{first}\nA second paragraph.\n", title="A Plan for AI")
    assert seg.headline == "A Plan for AI"
    assert seg.dateline == dateline
    assert seg.segments[0].text == first_sentence
    assert [s.text for s in seg.segments][-1] == "A second paragraph."


def test_headline_matches_the_title_despite_trivial_differences():
    seg = segment("A PLAN FOR AI:\nThe plan is ready.\n", title="A plan for AI")
    assert seg.headline == "A PLAN FOR AI:"
    assert [s.text for s in seg.segments] == ["The plan is ready."]


def test_first_line_is_not_a_headline_when_it_differs_from_the_title():
    seg = segment("The plan is ready.\nIt was published today.\n", title="A Plan for AI")
    assert seg.headline is None
    assert [s.text for s in seg.segments] == ["The plan is ready.", "It was published today."]


# --- sentence boundaries ----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # run together with no space after the full stop
    ("It reached the goal.Officials were pleased.", ["It reached the goal.", "Officials were pleased."]),
    ("It grew 5.2% in 2023.The target was 5%.", ["It grew 5.2% in 2023.", "The target was 5%."]),
    ('He said it was “final.”Then he left.', ["He said it was “final.”", "Then he left."]),
    # ... but initials and abbreviations glued to a capital are not boundaries
    ("The U.S.Army and J.Smith agreed.", ["The U.S.Army and J.Smith agreed."]),
    # abbreviations and initials
    ("The U.S. Department of Commerce acted. Dr. Jane Smith agreed.",
     ["The U.S. Department of Commerce acted.", "Dr. Jane Smith agreed."]),
    ("He met J. Smith in Room No. 5 at 3 p.m. on Monday. It ran late.",
     ["He met J. Smith in Room No. 5 at 3 p.m. on Monday.", "It ran late."]),
    ("Some tools, e.g. chatbots, are covered. Others are not.", ["Some tools, e.g. chatbots, are covered.", "Others are not."]),
    ("See Art. 5 of the Act. It applies to providers.", ["See Art. 5 of the Act.", "It applies to providers."]),
    ("Under Sec. 3.2 of the Act, providers register. They have 30 days.",
     ["Under Sec. 3.2 of the Act, providers register.", "They have 30 days."]),
    ("It is in Vol. 2, pp. 14-15. Read it.", ["It is in Vol. 2, pp. 14-15.", "Read it."]),
    ("Gov. Newsom signed. Rep. Lee objected. Lt. Gen. Smith abstained.",
     ["Gov. Newsom signed.", "Rep. Lee objected.", "Lt. Gen. Smith abstained."]),
    ("Mr. He Jiankui was sentenced. Dr. He spoke later.", ["Mr. He Jiankui was sentenced.", "Dr. He spoke later."]),
    # an abbreviation that ends the sentence, followed by a pronoun
    ("Meet at 5 p.m. She will call.", ["Meet at 5 p.m.", "She will call."]),
    ("The draft came from the U.S. They want a vote.", ["The draft came from the U.S.", "They want a vote."]),
    ("She works in Washington, D.C. Her office is small.", ["She works in Washington, D.C.", "Her office is small."]),
    # decimals
    ("Growth reached 3.5 percent. It was 2.75% before.", ["Growth reached 3.5 percent.", "It was 2.75% before."]),
    # quotation marks around a sentence's end
    ('She said, "The rules are final." Then she left.', ['She said, "The rules are final."', "Then she left."]),
    ('"Is it final?" he asked. She nodded.', ['"Is it final?" he asked.', "She nodded."]),
    ("He wrote: “It is done.” She replied.", ["He wrote: “It is done.”", "She replied."]),
    ("The vote was close (five to four.) Then came the appeal.",
     ["The vote was close (five to four.)", "Then came the appeal."]),
])
def test_sentence_boundaries(text, expected):
    assert split_sentences(text) == expected


def test_sentences_are_exact_substrings():
    text = "Dr. Smith arrived at 9 a.m. She left.“We are done.”The end came at 3.5 p.m. on Monday."
    for sentence in split_sentences(text):
        assert sentence in text


# --- our own test documents -------------------------------------------------------------

def _own(name: str):
    collected = collect([DOCS / name])
    assert not collected.errors, collected.errors
    (doc,) = collected.documents
    return doc


def test_own_document_with_abbreviations_initials_decimals_and_quotations():
    doc = _own("abbreviations.txt")
    seg = _segment(doc)
    assert seg.headline == "Remarks on the U.S.-EU Dialogue on AI Standards"
    assert seg.dateline == "WASHINGTON, May 2 (Example Wire)"
    assert [(s.paragraph, s.text) for s in seg.segments] == [
        (1, "Dr. Jane A. Smith, head of the U.S. delegation, opened the talks at 9:30 a.m. on Friday."),
        (1, "She was joined by Prof. J. R. Okafor of the E.U. panel."),
        (2, "Spending on compute rose 3.5 percent to $1.2 billion in 2024."),
        (2, "Officials expect growth of about 4.25 percent, i.e. roughly the same pace, next year."),
        (3, '"We will not wait for perfect rules," Dr. Smith said.'),
        (3, '"Standards come first."'),
        (3, "The delegates agreed to review Art. 5 and Sec. 3.2 of the draft, e.g. the rules on audits."),
        (4, "Gov. Newsom's office sent a letter, No. 5 in the series, on pp. 14-15 of the annex."),
        (4, "The meeting ended at 5 p.m."),
        (4, "She thanked the hosts."),
        (5, "The first draft came from the U.S."),
        (5, "They want a vote by Dec. 15, said Mr. Li Wei, who chairs the panel."),
        (5, "Compliance costs fell by 0.8 percent in 2023."),
        (5, "The target was 1 percent."),
        (6, "The ministry asked: “Is the timetable realistic?”"),
        (6, "Nobody answered at once."),
    ]
    # each paragraph points at the file line where it starts (front matter counted)
    assert sorted({(s.paragraph, s.line) for s in seg.segments}) == [(1, 10), (2, 13), (3, 16), (4, 19), (5, 22), (6, 25)]
    lines = Path(doc.path).read_text(encoding="utf-8").split("\n")
    assert lines[18].startswith("Gov. Newsom's office") and lines[24].startswith("The ministry asked")


def test_markdown_document_headings_paragraphs_and_items():
    doc = _own("national-ai-strategy.md")
    seg = _segment(doc)
    assert seg.headline == "National AI Strategy Update"  # the "# " heading equal to the title
    assert [(s.kind, s.section, s.text) for s in seg.segments] == [
        ("sentence", 0, "The Office of Science Policy released an update to the national AI strategy on Tuesday."),
        ("sentence", 0, "It replaces the plan adopted in 2019 and sets targets for 2030."),
        ("heading", 1, "Research Priorities"),
        ("sentence", 1, "The update names three priorities:"),
        ("item", 1, "1. Invest in basic research on trustworthy systems."),
        ("item", 1, "2. Train 50,000 specialists."),
        ("item", 1, "3. Build shared computing facilities."),
        ("sentence", 1, "Funding will rise by 12.5 percent."),
        ("sentence", 1, "Agencies must report progress every year."),
        ("heading", 2, "International Cooperation"),
        ("sentence", 2, "The office will work with partners on common standards."),
        ("sentence", 2, "It will publish a summary by Sept. 30."),
    ]
    assert not any(s.text.startswith("#") for s in seg.segments)


def test_markdown_heading_that_is_not_the_title_opens_a_section():
    body = "# Background\n\nThe plan is\nready.\n\n## Scope\n\nIt covers providers.\n"
    seg = segment(body, title="Another Title")
    assert seg.headline is None
    assert [(s.kind, s.section, s.text) for s in seg.segments] == [
        ("heading", 1, "Background"), ("sentence", 1, "The plan is ready."),
        ("heading", 2, "Scope"), ("sentence", 2, "It covers providers."),
    ]


def test_an_over_long_sentence_is_cut_at_clause_boundaries_first():
    """Semicolons before colons before commas before spaces; every piece within the limit and
    an exact part of the sentence, and together they are the whole of it."""
    from app.text.segment import bounded

    clause = "member states shall report on the testbeds; "
    sentence = (clause * 20).strip()
    pieces = bounded(sentence, 200)
    assert all(len(p) <= 200 and p.endswith(";") for p in pieces[:-1])
    assert " ".join(pieces) == sentence
    commas = ("the council, the agency and the board " * 20).strip()
    assert all(p.endswith(",") for p in bounded(commas, 200)[:-1])
    words = ("oversight " * 100).strip()
    assert bounded(words, 200) == [("oversight " * 20).strip()] * 5  # whole words only
    assert bounded("x" * 450, 200) == ["x" * 200, "x" * 200, "x" * 50]  # no space at all
    assert bounded("A short sentence.", 200) == ["A short sentence."]


def test_segment_keeps_every_unit_within_the_limit():
    body = "# " + "Heading words " * 30 + "\n\n" + ("one, two; three: four " * 100) + "end."
    segments = segment(body, "Title", max_chars=150).segments
    assert segments and all(len(s.text) <= 150 for s in segments)
    assert {s.kind for s in segments} == {"sentence"}  # a heading that long is no heading


@pytest.mark.parametrize("first, dateline, first_sentence", [
    ("BEIJING, Oct. 31 (Xinhua) -- Chinese leaders called for healthy development of AI.",
     "BEIJING, Oct. 31 (Xinhua)", "Chinese leaders called for healthy development of AI."),
    ("WASHINGTON (Reuters) - The White House issued an order on Monday.",
     "WASHINGTON (Reuters)", "The White House issued an order on Monday."),
    ("Brussels, 12 March 2025 — The Commission published the code.",
     "Brussels, 12 March 2025", "The Commission published the code."),
    ("NEW YORK, March 3, 2025 (AP) — Officials said the rules were ready.",
     "NEW YORK, March 3, 2025 (AP)", "Officials said the rules were ready."),
    ("San Francisco, Jan. 5 – The company released a model.", "San Francisco, Jan. 5", "The company released a model."),
    # a lone hyphen after a bare word, or a mixed-case word with no date, is the sentence's own
    ("AI - The future is already here.", None, "AI - The future is already here."),
    ("Paris — The city hosted the summit.", None, "Paris — The city hosted the summit."),
])
def test_news_agency_datelines_in_their_usual_forms(first, dateline, first_sentence):
    seg = segment(f"A Plan for AI\n{first}\nA second paragraph.\n", title="A Plan for AI")
    assert seg.dateline == dateline
    assert seg.segments[0].text == first_sentence
