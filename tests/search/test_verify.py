"""The quote check: each sentence of a pasted passage graded against its best source."""

from __future__ import annotations

import pytest

from app.search import engine as search
from app.text.normalize import normalize
from tests.helpers import OFFICIAL, passage_containing

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

REAL = ("Xi emphasized that in order to seize opportunities and gain an advantage in the AI field, "
        "China must achieve breakthroughs in fundamental theories, methods, and tools.")
PARAPHRASE = "He said China should help poorer nations in the Global South build up their technology."
INVENTED = "China will ban open-source AI models by 2027."


def check(client, text: str) -> dict:
    r = client.post("/api/verify", json={"text": text})
    assert r.status_code == 200, r.text
    return r.json()


def test_mixed_paragraph_is_graded_sentence_by_sentence(client, official):
    body = check(client, f"{REAL} {PARAPHRASE} {INVENTED}")
    real, para, invented = body["sentences"]
    assert [s["text"] for s in body["sentences"]] == [REAL, PARAPHRASE, INVENTED]

    assert real["match"] == "exact" and real["score"] == 1.0
    source = passage_containing(official, "Xi emphasized that in order to seize opportunities")
    assert real["source"]["id"] == source["id"] and real["source"]["document"] == OFFICIAL
    assert real["source"]["url"] and real["source"]["text"] == source["text"]
    assert all(d["op"] == "same" for d in real["diff"])

    assert para["match"] in ("near", "altered", "related")
    assert para["source"]["id"] == passage_containing(official, "particularly in the Global South")["id"]
    assert any(d["op"] != "same" for d in para["diff"])
    assert 0 < para["score"] < 1

    assert invented["match"] == "none" and invented["source"] is None

    assert body["verdict"] == ("1 of 3 sentences found verbatim or nearly; 1 only related "
                               "(reworded or partly matching); 1 not found in the archive.")


def shown_words(diff: list[dict], side: str) -> list[str]:
    """The words one side of a diff shows, in order (case and punctuation aside)."""
    return normalize(" ".join(d[side] for d in diff)).split()


def test_a_near_quote_differs_in_form_only(client, official):
    quote = "building independent, controllable, or collaboratively operating AI basic hardware and software systems."
    body = check(client, quote)
    s = body["sentences"][0]
    assert s["match"] == "near" and search.NEAR_MIN <= s["score"] < 1
    assert s["source"]["id"] == passage_containing(official, "collaboratively operating AI basic hardware")["id"]
    assert {"op": "changed", "quote": "or", "source": "and", "change": None} in s["diff"]
    assert s["changes"] is None and s["note"] is None
    assert "found verbatim or nearly" in body["verdict"]


def test_typo_is_near_with_a_change(client):
    body = check(client, "It is necessary to grasp the development trends and inherent lavs of AI.")
    s = body["sentences"][0]
    assert s["match"] == "near"
    assert {"op": "changed", "quote": "lavs", "source": "laws", "change": None} in s["diff"]


def test_a_negated_quote_is_altered_not_near(client, official):
    quote = ("Finally, Xi emphasized that artificial intelligence cannot serve as an international public good "
             "for the benefit of all humanity.")
    body = check(client, quote)
    s = body["sentences"][0]
    assert s["match"] == "altered" and s["score"] >= search.NEAR_MIN
    assert s["source"]["id"] == passage_containing(official, "can serve as an international public good")["id"]
    assert s["changes"] == [{"kind": "negation", "quote": "cannot", "source": "can"}]
    assert {"op": "changed", "quote": "cannot", "source": "can", "change": "negation"} in s["diff"]
    assert "meaning differs" in s["note"] and "'cannot' where the source says 'can'" in s["note"]
    assert body["verdict"] == "1 of 1 sentence altered: close to a real sentence, but the meaning differs."
    page = client.post("/verify", data={"text": quote}).text
    assert "grade-altered" in page and "d-meaning" in page and "the meaning differs" in page


@pytest.mark.parametrize("quote, kind, said, source_says", [
    ("Members of the Political Bureau listened carefully and did not engage in discussions.", "negation", "not", ""),
    ("…help developing countries—particularly in the Global South—weaken their technological capabilities",
     "antonym", "weaken", "strengthen"),
    ("…in the face of the slow evolution of next-generation AI technologies", "antonym", "slow", "rapid"),
    ("…improving the mechanisms for restricting scientific research, career development, and talent evaluation",
     "content", "restricting", "supporting"),
    ("…focused on strengthening the development and regulation of nuclear energy", "content", "nuclear", "artificial"),
])
def test_changed_meanings_are_altered_with_the_change_named(client, quote, kind, said, source_says):
    s = check(client, quote)["sentences"][0]
    assert s["match"] == "altered", s
    change = next(c for c in s["changes"] if c["kind"] == kind)
    assert said in change["quote"] and source_says in change["source"]


def test_the_diff_shows_every_word_of_both_sides(client):
    quote = "…basic research and concentrating resources… bottlenecks in high-end chips."
    s = check(client, quote)["sentences"][0]
    assert s["source"] is not None
    assert {d["op"] for d in s["diff"]} <= {"same", "added", "removed", "changed"}
    assert shown_words(s["diff"], "quote") == normalize(quote).split()  # "and", "high-end chips" included
    source_words = normalize(s["source"]["text"]).split()
    shown = shown_words(s["diff"], "source")
    assert " ".join(shown) in " ".join(source_words) and len(shown) >= 6
    assert any(d["op"] == "added" and d["quote"] == "and" and d["source"] == "" for d in s["diff"])


def test_sentences_across_lines_and_run_together(client):
    text = ("He called for deeply integrating AI technological innovation with industrial\ninnovation, building "
            "an enterprise-led collaborative innovation system that unites industry, academia, research, and "
            "application.\n\nFollowing the lecture and discussions, Xi Jinping delivered an important speech.")
    body = check(client, text)
    assert [s["match"] for s in body["sentences"]] == ["exact", "exact"]
    assert body["verdict"] == "2 of 2 sentences found verbatim or nearly."


def test_empty_and_limits(client, seed_settings):
    body = check(client, "   ")
    assert body == {"verdict": "No sentences to check.", "sentences": []}
    limit = seed_settings.max_verify_chars
    r = client.post("/api/verify", json={"text": "x" * (limit + 1)})
    assert r.status_code == 422
    assert client.post("/api/verify", json={}).status_code == 422
    assert client.post("/api/verify", content=b"not json", headers={"content-type": "application/json"}).status_code == 422
    r = client.post("/verify", data={"text": "x" * (limit + 1)})
    assert r.status_code == 422 and f"the limit is {limit}" in r.text


def test_verify_page(client):
    r = client.get("/verify")
    assert r.status_code == 200 and "<textarea" in r.text and 'method="post"' in r.text
    assert "verdict" not in r.text

    text = f"{REAL} {INVENTED}"
    posted = client.post("/verify", data={"text": text})
    assert posted.status_code == 200
    assert "1 of 2 sentences found verbatim or nearly" in posted.text
    assert "grade-exact" in posted.text and "grade-none" in posted.text
    assert "/verify?text=" in posted.text  # a shareable link to the same results

    shared = client.get("/verify", params={"text": text})
    assert shared.status_code == 200 and "1 of 2 sentences found verbatim or nearly" in shared.text


def test_verify_page_escapes_input(client):
    r = client.post("/verify", data={"text": '<script>alert("x")</script> Global South.'})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text
