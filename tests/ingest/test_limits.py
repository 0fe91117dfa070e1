"""A 5 MB document that is one run-on sentence: ingested, stored in pieces no longer than
POLICY_ARCHIVE_MAX_SENTENCE_CHARS, and searched at the speed and size of any other."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.ingest.pipeline import run
from app.store.db import make_engine
from app.store.models import Passage
from app.web.app import create_app

pytestmark = pytest.mark.slow

CLAUSE = "the council shall review the agreement, its annexes and protocols; and report to the assembly "


def _run_on(folder, size: int = 5_000_000):
    folder.mkdir()
    body = (CLAUSE * (size // len(CLAUSE) + 1))[:size].rstrip() + " with no full stop anywhere"
    path = folder / "run-on.txt"
    path.write_text("---\ntitle: A Run-On Statement\nkind: official\nslug: run-on\n---\n" + body + "\n", encoding="utf-8")
    assert path.stat().st_size < 5 * 1024 * 1024  # within the file size limit
    return folder


def test_a_5mb_one_sentence_document_is_stored_in_bounded_sentences(make_settings, tmp_path):
    settings = make_settings()
    assert settings.max_sentence_chars == 2000
    started = time.monotonic()
    summary = run(settings, [_run_on(tmp_path / "src")])
    assert summary.added == ["run-on"] and summary.sentences >= 5_000_000 // 2000
    assert time.monotonic() - started < 240  # syntok reads 5 MB in seconds; nothing grows faster
    engine = make_engine(settings)
    with engine.connect() as conn:
        longest = conn.scalar(select(func.max(func.length(Passage.text))))
        last = conn.scalar(select(Passage.text).order_by(Passage.position.desc()).limit(1))
    engine.dispose()
    assert 1000 < longest <= 2000
    assert last.endswith("with no full stop anywhere")  # nothing lost at the end

    with TestClient(create_app(settings)) as c:
        started = time.monotonic()
        answer = c.get("/api/search", params={"q": "report to the assembly", "mode": "advanced"})
        assert answer.status_code == 200 and answer.json()["results"]
        assert len(answer.content) < 200_000
        assert time.monotonic() - started < 10


def test_the_limit_is_a_setting_and_changing_it_resegments(make_settings, tmp_path):
    folder = _run_on(tmp_path / "src", size=50_000)
    settings = make_settings()
    run(settings, [folder])
    settings = settings.model_copy(update={"max_sentence_chars": 500})
    assert run(settings, [folder]).changed == ["run-on"]
    engine = make_engine(settings)
    with engine.connect() as conn:
        longest = conn.scalar(select(func.max(func.length(Passage.text))).where(Passage.active.is_(True)))
    engine.dispose()
    assert 250 <= longest <= 500
