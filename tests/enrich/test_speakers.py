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
