"""Who gives a directive, on a press release in which a collective body directs after a named
person has spoken (issue #17: "The agency also requires ..." is the agency's, not the minister's)."""

from __future__ import annotations

from app.enrich.directive_rules import detect
from app.text.segment import segment

PRESS_RELEASE = """\
HARBOURTOWN, 4 March 2026 - The Lorvik Agency for Digital Procurement today published purchasing rules for AI systems bought by public hospitals.

"Patients deserve to know when software helps decide their care," said Health Minister Tomas Eriksen at the launch. Eriksen urged hospital boards to appoint an officer for algorithmic systems.

The agency also requires suppliers to disclose the data used to train each system. It is necessary to test every system on local records before purchase.

In addition, the agency asks vendors to report failures within ten days. Eriksen said the rules should be reviewed after a year.
"""


def _directives(text: str, publisher: str) -> dict[str, str | None]:
    units = [s for s in segment(text, None).segments if s.kind != "heading"]
    found = detect(units, default_speaker=publisher)
    return {units[i].text.split()[0] + " " + units[i].text.split()[1]: d.speaker for i, d in found.items()}


def test_collective_subject_that_requires_is_the_body_not_the_last_person():
    got = _directives(PRESS_RELEASE, "Ministry of Health of Lorvik")
    body = "Lorvik Agency for Digital Procurement"
    assert got == {
        "Eriksen urged": "Tomas Eriksen",
        "The agency": body,  # "also requires suppliers to": the agency directs
        "It is": body,  # impersonal: the last named speaker, the agency
        "In addition,": body,  # an opener before the body ("asks vendors to")
        "Eriksen said": "Tomas Eriksen",
    }


def test_a_body_that_only_acts_does_not_take_over_the_speech():
    text = ("Minister Ada Varga said hospitals must keep logs of every automated decision. "
            "The agency will publish a template in May. "
            "Hospitals should share the logs with patients who ask.")
    got = _directives(text, "Office of the Minister")
    # "will publish" is no verb of requiring: the minister still speaks in the last sentence
    assert got == {"Minister Ada": "Ada Varga", "Hospitals should": "Ada Varga"}


MEMO = """\
This memo sets out how the city's departments shall buy AI tools from 1 September.

Every department must publish an inventory of the algorithmic systems it uses.
The Chief Technology Officer, Amara Okonkwo-Reyes, has instructed departments to run a bias audit before deployment.
Okonkwo-Reyes also said suppliers should disclose their training data.
The council also requires vendors to keep logs for at least three years.
"""


def test_an_office_title_with_the_name_in_apposition_names_the_person():
    got = _directives(MEMO, "Zelbrook City Council")
    assert got["The Chief"] == "Amara Okonkwo-Reyes"  # not "Chief Technology Officer"
    assert got["Okonkwo-Reyes also"] == "Amara Okonkwo-Reyes"


def test_a_body_named_only_by_its_head_noun_takes_the_issuing_bodys_full_name():
    got = _directives(MEMO, "Zelbrook City Council")
    assert got["The council"] == "Zelbrook City Council"  # the text never spells it out
    assert got["Every department"] == "Zelbrook City Council"  # impersonal, before anyone speaks


def test_the_body_the_text_names_wins_over_the_issuing_body():
    text = ("The National Data Agency was set up in 2024. "
            "The agency also requires hospitals to keep logs of automated decisions.")
    got = _directives(text, "Xinhua News Agency")
    assert got == {"The agency": "National Data Agency"}


def test_a_spokesperson_in_apposition_is_named_and_a_name_first_appositive_still_works():
    text = ("The Government Spokesperson, Lina Toivonen, said ministries should publish their AI registers. "
            "Arvo Lind, Minister of Finance, has stressed that budgets must cover audits.")
    got = _directives(text, "Prime Minister's Office")
    assert got == {"The Government": "Lina Toivonen", "Arvo Lind,": "Arvo Lind"}


def test_an_office_with_its_portfolio_in_apposition_names_the_person():
    text = ("The Chair of the Committee, Senator Ilse Marquardt, said police forces must stop using live "
            "facial recognition in public spaces. Marquardt urged forces to publish accuracy rates.")
    got = _directives(text, "Joint Committee on Digital Affairs")
    assert got == {"The Chair": "Ilse Marquardt", "Marquardt urged": "Ilse Marquardt"}
