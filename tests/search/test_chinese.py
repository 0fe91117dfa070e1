"""Chinese in the archive: quotes in either script found and graded, each hit with its aligned
sentences in the other language, translations listed beside their original."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.ingest.pipeline import run
from app.web.app import create_app
from tests.helpers import SEEDS, fresh_database_url

# The aligned sentences are read in plain SQL: run on PostgreSQL too.
pytestmark = pytest.mark.pg

ZH = Path(__file__).resolve().parent.parent / "data" / "zh"
ORIGINAL = "state-council-ai-2025-zh"
CLOSE = "state-council-ai-2025-en-close"
FREE = "state-council-ai-2025-en-free"


@pytest.fixture(scope="module")
def zh_client(tmp_path_factory):
    sources = tmp_path_factory.mktemp("zh-sources")
    for f in ZH.glob("*.md"):
        shutil.copy(f, sources / f.name)
    shutil.copytree(SEEDS, sources / "seeds")
    settings = Settings(data_dir=tmp_path_factory.mktemp("zh-data"), database_url=fresh_database_url())
    run(settings, [sources])
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


def search(client, q: str) -> dict:
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200
    return r.json()


def test_a_chinese_quote_is_exact_with_its_english_counterparts_aligned(zh_client):
    out = search(zh_client, "数据资源丰富")
    hit = out["results"][0]
    assert hit["document"] == ORIGINAL and hit["match"] == "exact"
    assert "我国数据资源丰富" in hit["text"]
    aligned = {a["document"]: a for a in hit["aligned"]}
    assert set(aligned) == {CLOSE, FREE}
    assert "abundant data resources" in aligned[CLOSE]["text"]
    assert aligned[CLOSE]["language"] == "en" and 0 < aligned[CLOSE]["confidence"] <= 1


def test_the_traditional_form_finds_the_same_sentence_exactly(zh_client):
    simplified = search(zh_client, "数据资源丰富")["results"][0]
    traditional = search(zh_client, "數據資源豐富")["results"][0]
    assert traditional["id"] == simplified["id"] and traditional["match"] == "exact"


def test_full_width_digits_and_punctuation_are_normalised(zh_client):
    hit = search(zh_client, "企业数量超过4500家")["results"][0]  # the source writes ４５００
    assert hit["document"] == ORIGINAL and hit["match"] == "exact"
    hit = search(zh_client, "会议指出,我国数据资源丰富,产业体系完备")["results"][0]
    assert hit["match"] == "exact"


def test_an_english_quote_of_the_translation_shows_the_chinese_original(zh_client):
    out = search(zh_client, "China has abundant data resources, a complete industrial system")
    hit = next(r for r in out["results"] if r["document"] == CLOSE)
    assert hit["match"] == "exact"
    original = next(a for a in hit["aligned"] if a["document"] == ORIGINAL)
    assert original["language"] == "zh" and "数据资源丰富" in original["text"]
    # ... and the other translation's rendering of the same original sentence
    assert any(a["document"] == FREE for a in hit["aligned"])


@pytest.mark.parametrize("quote, kind", [
    ("企业可以严格遵守个人信息保护法的有关规定", "modality"),  # 应当 (shall) rendered as 可以 (may)
    ("企业不应当严格遵守个人信息保护法的有关规定", "negation"),
    ("要在中小学逐步开设人工智能通识课程和教材", None),
])
def test_meaning_bearing_changes_in_chinese_make_a_quote_altered(zh_client, quote, kind):
    hit = search(zh_client, quote)["results"][0]
    assert hit["document"] == ORIGINAL
    assert hit["match"] == "altered"
    if kind:
        assert kind in {c["kind"] for c in hit["changes"]}


def test_a_dropped_particle_is_near_not_altered(zh_client):
    hit = search(zh_client, "企业应当严格遵守个人信息保护法有关规定")["results"][0]  # 的 left out
    assert hit["document"] == ORIGINAL and hit["match"] == "near"


def test_passage_json_and_page_show_the_aligned_sentences(zh_client):
    doc = zh_client.get(f"/api/documents/{ORIGINAL}").json()
    assert {t["slug"] for t in doc["translations"]} == {CLOSE, FREE}
    omitted = next(p for p in doc["passages"] if p["text"] == "会议还研究了其他事项。")
    gap = [a for a in omitted["aligned"] if a["document"] == FREE]
    assert gap and gap[0]["id"] is None  # the free translation leaves this sentence out
    pid = doc["passages"][2]["id"]
    passage = zh_client.get(f"/api/passages/{pid}").json()
    assert {a["document"] for a in passage["aligned"]} == {CLOSE, FREE}
    page = zh_client.get(f"/s/{pid}")
    assert page.status_code == 200
    assert "abundant data resources" in page.text and 'lang="zh"' in page.text
    translation = zh_client.get(f"/api/documents/{CLOSE}").json()
    assert translation["translation_of"] == ORIGINAL and translation["language"] == "en"


def test_chinese_sentences_have_permalinks_and_citations(zh_client):
    hit = search(zh_client, "数据资源丰富")["results"][0]
    r = zh_client.get(hit["permalink"], follow_redirects=True)
    assert r.status_code == 200 and "数据资源丰富" in r.text


def test_no_missing_script_message_once_chinese_text_exists(zh_client):
    out = search(zh_client, "量子计算机")  # Chinese, but in no sentence
    assert "no Chinese text" not in (out.get("message") or "")


def test_the_quote_check_splits_a_chinese_passage_into_its_sentences(zh_client):
    text = "会议强调，要坚持自立自强，突出应用导向，推动人工智能健康有序发展。要加强基础研究，集中力量攻克关键核心技术。企业可以严格遵守个人信息保护法的有关规定。"
    r = zh_client.post("/api/verify", json={"text": text})
    assert r.status_code == 200
    sentences = r.json()["sentences"]
    assert [s["match"] for s in sentences] == ["exact", "exact", "altered"]


def test_the_document_pages_link_the_original_and_its_translations(zh_client):
    original = zh_client.get(f"/documents/{ORIGINAL}").text
    assert f'href="/documents/{CLOSE}" lang="en"' in original and f'href="/documents/{FREE}" lang="en"' in original
    translation = zh_client.get(f"/documents/{CLOSE}").text
    assert f'Translation of <a href="/documents/{ORIGINAL}" lang="zh"' in translation
    assert f'href="/documents/{FREE}"' in translation  # the other translation
    doc = zh_client.get(f"/api/documents/{CLOSE}").json()
    assert doc["original"]["slug"] == ORIGINAL and [t["slug"] for t in doc["translations"]] == [FREE]


def test_translations_compared_sentence_by_sentence(zh_client):
    data = zh_client.get(f"/api/translations/{ORIGINAL}").json()
    assert [t["slug"] for t in data["translations"]] == [CLOSE, FREE]
    assert len(data["sentences"]) == 44
    omitted = next(r for r in data["sentences"] if r["text"] == "会议还研究了其他事项。")
    close, free = omitted["translations"]
    assert close["text"] == "The meeting also studied other matters." and not close["missing"]
    assert free["missing"] and free["text"] is None
    merged = data["sentences"][3]["translations"][1]  # two Chinese sentences in one English one
    assert merged["text"] == data["sentences"][4]["translations"][1]["text"]
    row = data["sentences"][2]["translations"]
    differs = {w["text"] for w in row[0]["words"] if w["differs"]}
    assert "abundant" in differs and "China" not in differs  # both translations say "China"
    page = zh_client.get(f"/translations/{ORIGINAL}")
    assert page.status_code == 200 and "Not translated" in page.text and "<mark>abundant</mark>" in page.text
    assert zh_client.get("/translations/no-such-document").status_code == 404
