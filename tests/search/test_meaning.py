"""The meaning check word by word: which differences are form only, which change the meaning.

The sentences are general English written for these tests, none from the seed."""

from __future__ import annotations

import pytest

from app.search.meaning import compare
from app.text.normalize import normalize

SOURCE = ("The agency must publish all 12 reports on Friday 3 March 2027 and will not charge "
          "foreign researchers for access.")


def kinds(quote: str, source: str = SOURCE) -> list[str]:
    return [c.kind for c in compare(quote, source).changes]


@pytest.mark.parametrize("quote", [
    SOURCE.upper(),
    "The agency must publish all 12 reports, on Friday, 3 March 2027 — and will not charge ‘foreign’ researchers for access",
    "The agency must publish all 12 reports on Friday 3 March 2027 and won't charge foreign researchers for access.",
    "The agency must publish all 12 reports on Friday 3 March 2027 and will not charge foreign researchers for the access.",
    "The agency must publish all 12 reprots on Friday 3 March 2027 and will not charge foreign researchers for access.",
    "Agency must publish all twelve reports on Friday 3 March 2027 and will not charge foreign researchers for access.",
    "The agency must publish all 12 reports on Friday 3 March 2027 and will not charge foreign re-\nsearchers for access.",
    "The agency must publish all 12 reports on Friday 3 March 2027 and will not charge foreign researcher for access.",
])
def test_form_only_differences_keep_the_meaning(quote):
    assert kinds(quote) == []


@pytest.mark.parametrize("quote, kind, said, source_says", [
    ("The agency must publish all 12 reports on Friday 3 March 2027 and will charge foreign researchers for access.",
     "negation", "", "not"),
    ("The agency may publish all 12 reports on Friday 3 March 2027 and will not charge foreign researchers for access.",
     "modality", "may", "must"),
    ("The agency must publish some 12 reports on Friday 3 March 2027 and will not charge foreign researchers for access.",
     "quantifier", "some", "all"),
    ("The agency must publish all 15 reports on Friday 3 March 2027 and will not charge foreign researchers for access.",
     "number", "15", "12"),
    ("The agency must publish all 12 reports on Friday 3 May 2027 and will not charge foreign researchers for access.",
     "date", "May", "March"),
    ("The agency must publish all 12 reports on Friday 3 March 2028 and will not charge foreign researchers for access.",
     "date", "2028", "2027"),
    ("The agency must publish all 12 reports on Friday 3 March 2027 and will not charge domestic researchers for access.",
     "antonym", "domestic", "foreign"),
    ("The agency must withhold all 12 reports on Friday 3 March 2027 and will not charge foreign researchers for access.",
     "content", "withhold", "publish"),
    ("The agency must publish all 12 reports on Friday 3 March 2027 and will not charge foreign researchers.",
     "content", "", "for access"),
])
def test_meaning_bearing_differences_are_named(quote, kind, said, source_says):
    changes = compare(quote, SOURCE).changes
    assert [c.kind for c in changes] == [kind]
    assert (changes[0].quote, changes[0].source) == (said, source_says)


def test_names_negating_prefixes_and_contractions():
    assert kinds("Minister Ana Ruiz said the rule was necessary.", "Minister Ana Lopez said the rule was necessary.") == ["name"]
    assert kinds("The rule was unnecessary.", "The rule was necessary.") == ["negation"]
    assert kinds("They can't stop it.", "They can stop it.") == ["negation"]
    assert kinds("They cannot stop it.", "They can not stop it.") == []
    assert kinds("Progress was little.", "Progress was great.") == ["antonym"]


def test_a_pronoun_for_the_name_is_form_but_another_name_is_not():
    assert kinds("Ruiz said the rule was necessary.", "She said the rule was necessary.") == []
    assert kinds("Ruiz said the rule was necessary.", "Lopez said the rule was necessary.") == ["name"]


def test_words_left_out_at_an_ellipsis_are_form():
    source = "The council, after a long debate in two sessions, approved the budget."
    assert kinds("The council … approved the budget.", source) == []
    assert "content" in kinds("The council approved the budget.", source)


def test_every_word_of_both_sides_is_in_the_diff():
    quote = "The agency will publish 15 reports soon, and charge nothing."
    cmp = compare(quote, SOURCE)
    assert {op["op"] for op in cmp.ops} <= {"same", "added", "removed", "changed"}
    for side, text in (("quote", quote), ("source", SOURCE)):
        assert normalize(" ".join(op[side] for op in cmp.ops)).split() == normalize(text).split()
    for op in cmp.ops:
        assert bool(op["quote"]) == (op["op"] != "removed") and bool(op["source"]) == (op["op"] != "added")


def test_the_verdict_says_what_changed_in_plain_words():
    cmp = compare("Members rejected their foreign partners' plan.", "Members rejected their own partners' plan.")
    assert cmp.verdict() == ("wording close to a real sentence, but the meaning differs: "
                             "'foreign' where the source says 'own'")
