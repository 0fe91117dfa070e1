"""The JSON of search hits and quote checks has one definition (app.web.serialize), documented
by the response models of app/web/routes/quotes.py: the two must name the same fields."""

from __future__ import annotations

from app.web import urls
from app.web.routes import quotes
from tests.helpers import OFFICIAL


def _fields(model) -> set[str]:
    return set(model.model_fields)


def test_search_json_has_the_documented_fields(client):
    body = client.get("/api/search", params={"q": "Global South"}).json()
    assert set(body) == _fields(quotes.SearchResponse)
    assert body["results"] and all(set(hit) == _fields(quotes.SearchHit) for hit in body["results"])
    assert set(body["facets"]) == _fields(quotes.Facets)


def test_hit_links_are_the_web_layers(client):
    hit = client.get("/api/search", params={"q": "Global South", "doc": OFFICIAL}).json()["results"][0]
    assert hit["url"] == f"/documents/{OFFICIAL}#{hit['id']}" and hit["permalink"] == f"/s/{hit['id']}"
    page = client.get("/search", params={"q": "Global South", "doc": OFFICIAL}).text
    # The page links in the form the server resolves if the id changes (/documents/{slug}?at={id}#{id}).
    assert f'href="{urls.sentence(OFFICIAL, hit["id"])}"' in page and f'href="/s/{hit["id"]}"' in page


def test_verification_json_has_the_documented_fields(client):
    body = client.post("/api/verify", json={"text": "Global South. China will ban open-source AI models by 2027."}).json()
    assert set(body) == _fields(quotes.VerifyResponse)
    found = [s for s in body["sentences"] if s["source"]]
    assert found and all(set(s) == _fields(quotes.CheckedSentence) for s in body["sentences"])
    assert all(set(quotes.SentenceObject.model_fields) <= set(s["source"]) for s in found)
