"""Themes, directives and aliases as a user sees them after ingesting documents of their own."""

from __future__ import annotations

import shutil

from fastapi.testclient import TestClient

import pytest

from app.config import PROJECT_ROOT
from app.web.app import create_app
from tests.helpers import OFFICIAL, SEEDS

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

UK_STATEMENT = PROJECT_ROOT / "tests" / "data" / "themes" / "uk_ai_skills_safety_statement.txt"
EU_REGULATION = PROJECT_ROOT / "tests" / "data" / "themes" / "eu_ai_skills_compute_regulation.txt"


def _with_front_matter(tmp_path, name: str, meta: str, body: str):
    path = tmp_path / name
    path.write_text(f"---\n{meta.strip()}\n---\n{body}", encoding="utf-8")
    return path


def _client(settings) -> TestClient:
    return TestClient(create_app(settings), follow_redirects=False)


def test_official_text_without_commentary_gets_themes_and_directives(tmp_path, ingest):
    body = UK_STATEMENT.read_text(encoding="utf-8")
    title = body.split("\n", 1)[0]
    src = tmp_path / "src"
    src.mkdir()
    _with_front_matter(src, "uk.txt", f'title: "{title}"\nkind: official\nslug: uk-ai-statement\n'
                       "publisher: Department for Science, Innovation and Technology\ndate: 2031-03-03", body)
    settings = ingest(src, themes_path=SEEDS / "themes.toml")
    c = _client(settings)
    doc = c.get("/api/documents/uk-ai-statement").json()
    assert doc["title"] == title and doc["dateline"].startswith("LONDON")
    by_text = {p["text"]: p for p in doc["passages"]}
    scholarships = next(p for t, p in by_text.items() if "scholarships" in t)
    assert "talent-education" in scholarships["themes"]
    assert not scholarships["is_directive"]  # "will fund" states an intent, it directs nobody
    share = next(p for t, p in by_text.items() if "must share safety test results" in t)
    assert share["is_directive"] and share["speaker"] == "Jane Doe"
    assert "safety-risk" in share["themes"]
    called = next(p for t, p in by_text.items() if "called on universities" in t)
    assert called["is_directive"]
    procedural = next(p for t, p in by_text.items() if t.startswith("The Department received"))
    assert not procedural["is_directive"] and procedural["themes"] == []
    directives = c.get("/api/directives", params={"doc": "uk-ai-statement"}).json()
    assert directives["total"] == sum(p["is_directive"] for p in doc["passages"]) >= 3



def test_a_regulations_directives_are_given_in_its_publishers_name(tmp_path, ingest):
    # A law names no speaker: its "shall", "must" and "is prohibited" sentences direct in the
    # name of the body that issued it, and items after "Member States shall:" direct too.
    body = EU_REGULATION.read_text(encoding="utf-8")
    title = body.split("\n", 1)[0]
    issuer = "European Parliament and Council of the European Union"
    src = tmp_path / "src"
    src.mkdir()
    _with_front_matter(src, "eu.txt", f'title: "{title}"\nkind: official\nslug: eu-ai-regulation\n'
                       f"publisher: {issuer}\ndate: 2031-01-01", body)
    c = _client(ingest(src))
    results = c.get("/api/directives", params={"doc": "eu-ai-regulation"}).json()["results"]
    got = {r["text"][:30]: (r["directive_verb"], r["speaker"]) for r in results}
    assert got["The placing on the market of A"] == ("is prohibited", issuer)
    assert got["Providers must establish a ris"] == ("must", issuer)
    assert got["(a) provide start-ups and SMEs"] == ("shall", issuer)
    assert len(got) == 9 and {speaker for _, speaker in got.values()} == {issuer}

def test_editing_the_taxonomy_and_reingesting_rethemes(tmp_path, ingest):
    src = tmp_path / "seeds"
    shutil.copytree(SEEDS, src)
    settings = ingest(src)
    c = _client(settings)
    assert c.get("/api/themes/talent-education").status_code == 200
    themes = (src / "themes.toml").read_text(encoding="utf-8")
    (src / "themes.toml").write_text(
        themes + '\n[[theme]]\nslug = "computing"\nlabel = "Computing power"\n'
        'description = "Compute infrastructure"\nparent = "research-compute"\nkeywords = ["computing power^2", "compute"]\n',
        encoding="utf-8",
    )
    ingest(src, settings=settings)
    results = c.get("/api/themes/computing").json()["results"]
    assert any("computing power infrastructure" in r["text"] for r in results)
    assert {t["slug"] for t in c.get("/api/themes").json()["themes"]} >= {"computing", "talent-education"}


def test_alias_slug_redirects_to_the_renamed_document(tmp_path, ingest):
    src = tmp_path / "src"
    src.mkdir()
    _with_front_matter(src, "a.md", "title: Old name\nkind: official\nslug: old-name", "One sentence here. Another one.")
    settings = ingest(src)
    c = _client(settings)
    old_ids = [p["id"] for p in c.get("/api/documents/old-name").json()["passages"]]
    (src / "a.md").unlink()
    _with_front_matter(src, "b.md", "title: New name\nkind: official\nslug: new-name\naliases: [old-name]",
                       "One sentence here. Another one.")
    ingest(src, settings=settings)
    r = c.get("/documents/old-name")
    assert r.status_code == 301 and r.headers["location"] == "/documents/new-name"
    assert c.get("/api/documents/old-name").headers["location"] == "/api/documents/new-name"
    # Ids include the slug; the old ones answer 301 to the same sentence under the new slug.
    new_ids = [p["id"] for p in c.get("/api/documents/new-name").json()["passages"]]
    for old_id, new_id in zip(old_ids, new_ids):
        r = c.get(f"/api/passages/{old_id}")
        assert r.status_code == 301 and r.headers["location"] == f"/api/passages/{new_id}"
    assert c.get("/api/documents/new-name").json()["aliases"] == ["old-name"]


def test_seed_official_directive_speaker_is_named(client):
    directives = client.get("/api/directives", params={"doc": OFFICIAL}).json()["results"]
    assert {d["speaker"] for d in directives} == {"Xi Jinping"}


def _news_pair(src):
    """An official statement and a news report on it without a single heading."""
    _with_front_matter(src, "statement.md", "title: Statement on schools\nkind: official\nslug: schools-statement\n"
                       "publisher: Ministry of Education",
                       "Teachers shall receive twenty hours of training in AI literacy each year. "
                       "Schools must not use AI systems to grade final examinations.\n\n"
                       "The minister attended the launch.")
    _with_front_matter(src, "report.md", "title: Report on the schools statement\nkind: commentary\n"
                       "slug: schools-report\ncomments_on: schools-statement",
                       "KESTREL, May 2 (Newswire) -- Teachers will get twenty hours of AI literacy training a year, "
                       "the ministry said on Tuesday. Schools may not use AI to grade final exams, it said.")


def test_a_commentary_without_headings_is_on_the_theme_pages(tmp_path, ingest):
    src = tmp_path / "src"
    src.mkdir()
    _news_pair(src)
    c = _client(ingest(src, themes_path=SEEDS / "themes.toml"))
    results = c.get("/api/themes/talent-education", params={"kind": "commentary"}).json()["results"]
    assert any(r["text"].startswith("KESTREL") or "twenty hours" in r["text"] for r in results)
    assert "Report on the schools statement" in c.get("/themes/talent-education?kind=commentary").text


def test_document_reports_its_theme_share(tmp_path, ingest):
    src = tmp_path / "src"
    src.mkdir()
    _news_pair(src)
    c = _client(ingest(src, themes_path=SEEDS / "themes.toml"))
    share = c.get("/api/documents/schools-statement").json()["theme_share"]
    assert share == {"themed": 2, "sentences": 3, "share": 0.667}  # "attended the launch": procedure, no theme
    assert "2 of 3 sentences (67%) carry a theme" in c.get("/documents/schools-statement").text


def test_a_retired_theme_slug_answers_301_to_its_replacement(tmp_path, ingest):
    src = tmp_path / "src"
    src.mkdir()
    _news_pair(src)
    c = _client(ingest(src, themes_path=SEEDS / "themes.toml"))
    for old, new in [("/themes/talent?kind=official", "/themes/talent-education?kind=official"),
                     ("/api/themes/talent", "/api/themes/talent-education"),
                     ("/feeds/themes/talent.atom", "/feeds/themes/talent-education.atom"),
                     ("/themes/domestic-regulation", "/themes/regulation-standards")]:
        r = c.get(old)
        assert r.status_code == 301 and r.headers["location"] == new, old
        assert c.get(new).status_code == 200
    assert c.get("/themes/never-a-theme").status_code == 404
    assert c.get("/feeds/themes/never-a-theme.atom").status_code == 404
