"""A commentary without section headings is on the theme pages (issue #17): every sentence goes
through the classifier, so a news report written as running text is found by theme too."""

from __future__ import annotations

import tomllib

from fastapi.testclient import TestClient

from app.web.app import create_app
from tests.enrich.analysis_eval import EVAL


def _write(folder, name: str, front: dict, body: str) -> None:
    lines = ["---"] + [f'{k}: "{v}"' for k, v in front.items()] + ["---", body.strip(), ""]
    (folder / name).write_text("\n".join(lines), encoding="utf-8")


def test_a_commentary_without_headings_appears_on_the_theme_pages(tmp_path, ingest):
    pair = tomllib.loads((EVAL / "norvale.toml").read_text(encoding="utf-8"))
    assert "\n#" not in pair["commentary_text"], "the set's commentary is meant to have no headings"
    src = tmp_path / "src"
    src.mkdir()
    _write(src, "readout.md", {"title": pair["official_title"], "kind": "official", "slug": "norvale-readout",
                               "date": "2026-03-03", "publisher": pair["official_publisher"]}, pair["official_text"])
    _write(src, "report.md", {"title": "Norvale to build public computing capacity", "kind": "commentary",
                              "slug": "norvale-report", "date": "2026-03-04", "publisher": "Nordpress",
                              "comments_on": "norvale-readout"}, pair["commentary_text"])
    settings = ingest(src)
    with TestClient(create_app(settings)) as c:
        doc = c.get("/api/documents/norvale-report").json()
        assert not any(p["unit"] == "heading" for p in doc["passages"])
        themed = [p for p in doc["passages"] if p["themes"]]
        assert len(themed) >= 0.8 * len(doc["passages"]), "most of its sentences carry no theme"
        on_pages = set()
        for theme in {t for p in themed for t in p["themes"]}:
            slug = theme if isinstance(theme, str) else theme["slug"]
            listed = c.get(f"/api/themes/{slug}", params={"kind": "commentary"}).json()["results"]
            on_pages |= {r["id"] for r in listed}
            assert c.get(f"/themes/{slug}").status_code == 200
        assert {p["id"] for p in themed} <= on_pages
        counts = {t["slug"]: t for t in c.get("/api/themes").json()["themes"]}
        assert sum(t["commentary"] for t in counts.values()) >= len(themed)
