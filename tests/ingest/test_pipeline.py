"""Ingest meets bad files: refused with file and line and the serving archive untouched,
or ingested correctly; --skip-bad ingests the rest; own documents through the whole pipeline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.ingest.pipeline import IngestError, run
from app.web.app import create_app
from tests.helpers import COMMENTARY, OFFICIAL, SEEDS, fresh_database_url
from tests.ingest.test_sources import BAD, CLEAN, FAILURES, OK_VARIANTS, find_error
from tests.helpers import ROOT

# These run a second time on PostgreSQL (scripts/test.sh selects -m pg).
pytestmark = pytest.mark.pg

DOCS = ROOT / "tests" / "data" / "docs"


def snapshot(settings: Settings) -> dict:
    """Everything a reader can see: version, document list, every document and passage."""
    with TestClient(create_app(settings), follow_redirects=False) as c:
        docs = c.get("/api/documents").json()
        out = {"health": c.get("/healthz").json(), "documents": docs}
        for d in docs["documents"]:
            full = c.get(f"/api/documents/{d['slug']}").json()
            out[d["slug"]] = full
            for p in full["passages"][:3]:
                out[p["id"]] = c.get(f"/api/passages/{p['id']}").json()
    out["index"] = sorted(p.name for p in settings.index_root.iterdir())
    return out


def _cli(*args: str, data_dir: Path, settings: Settings | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("POLICY_ARCHIVE_TEST_PAUSE_AT", None)
    env.pop("DATABASE_URL", None)
    if settings is not None and settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args, "--data-dir", str(data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    """An archive holding the seeds, and what it serves; failed ingests must leave it so."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("serving"), database_url=fresh_database_url())
    run(settings, [SEEDS])
    return settings, snapshot(settings)


@pytest.fixture(scope="module")
def clean_reference(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("clean"), database_url=fresh_database_url())
    run(settings, [CLEAN])
    with TestClient(create_app(settings)) as c:
        return c.get("/api/documents/encoding-reference").json()


# --- refused, archive unchanged ----------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(FAILURES))
def test_broken_input_is_refused_and_the_archive_is_unchanged(serving, case):
    settings, before = serving
    case_dir = BAD / "fail" / case
    with pytest.raises(IngestError) as info:
        run(settings, [SEEDS, case_dir])
    assert "the archive was not changed" in str(info.value)
    for file, line, says in FAILURES[case]:
        find_error(info.value.errors, case_dir, file, line, says)
    assert snapshot(settings) == before


def test_generated_binary_and_oversized_files_are_refused(serving, tmp_path):
    settings, before = serving
    (tmp_path / "binary").mkdir()
    (tmp_path / "binary" / "scan.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 64)
    (tmp_path / "huge").mkdir()
    with open(tmp_path / "huge" / "dump.md", "wb") as fh:
        fh.write(b"---\ntitle: Huge\nkind: official\n---\n")
        fh.write(b"x" * (settings.max_file_bytes + 1))
    for case, says in (("binary", "binary file"), ("huge", "byte limit")):
        with pytest.raises(IngestError) as info:
            run(settings, [SEEDS, tmp_path / case])
        (error,) = info.value.errors
        assert error.path.startswith(str((tmp_path / case).resolve())) and says in error.message
    assert snapshot(settings) == before


def test_cli_ingest_of_bad_files_exits_non_zero_naming_files_and_lines(serving):
    settings, before = serving
    proc = _cli("ingest", "--quiet", str(SEEDS), str(BAD / "fail" / "bad-date"), str(BAD / "fail" / "manifest-syntax"),
                data_dir=settings.data_dir, settings=settings)
    assert proc.returncode == 1
    bad_date = f"{(BAD / 'fail' / 'bad-date' / 'statement.txt').resolve()}:6:"
    manifest = f"{(BAD / 'fail' / 'manifest-syntax' / 'manifest.toml').resolve()}:5:"
    assert f"error: {bad_date} 'date' is not a date" in proc.stderr
    assert f"error: {manifest} not valid TOML" in proc.stderr
    assert "ingest failed" in proc.stderr and "the archive was not changed" in proc.stderr
    assert proc.stdout == ""
    assert snapshot(settings) == before


# --- ingested correctly ------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["crlf", "cr", "bom", "invisible", "controls"])
def test_variant_is_ingested_with_the_same_ids_as_the_clean_text(ingest, clean_reference, case):
    assert case in OK_VARIANTS
    settings = ingest(BAD / "ok" / case)
    with TestClient(create_app(settings)) as c:
        doc = c.get("/api/documents/encoding-reference").json()
    assert [(p["id"], p["text"]) for p in doc["passages"]] == \
        [(p["id"], p["text"]) for p in clean_reference["passages"]]
    assert len(doc["passages"]) == 4


def test_windows_1252_file_is_ingested_with_a_warning(make_settings):
    settings = make_settings()
    summary = run(settings, [BAD / "ok" / "cp1252"])
    assert summary.added == ["cp1252-remarks"]
    assert len(summary.warnings) == 1 and "decoded as cp1252" in summary.warnings[0]
    with TestClient(create_app(settings)) as c:
        doc = c.get("/api/documents/cp1252-remarks").json()
    texts = [p["text"] for p in doc["passages"]]
    assert texts[0] == "Minister Zoé Müller said the plan “will not wait for perfect rules.”"
    assert texts[1].startswith("Her deputy, José Núñez, called it the ministry’s “first real budget")
    assert texts[2].startswith("François Lefèvre, who chairs the advisory board")


# --- --skip-bad --------------------------------------------------------------------------------

def test_skip_bad_ingests_the_good_files_and_lists_the_bad_ones(make_settings):
    settings = make_settings()
    summary = run(settings, [SEEDS, BAD / "fail", DOCS / "extra-official.txt"], skip_bad=True)
    assert summary.switched
    assert sorted(summary.added) == sorted([OFFICIAL, COMMENTARY, "quillfeather-testbeds-statement-2025"])
    listed = set(summary.skipped_files)
    for case, expected in FAILURES.items():
        for file, _, _ in expected:
            path = str((BAD / "fail" / case / file).resolve())
            assert path in listed, path
    with TestClient(create_app(settings)) as c:
        slugs = {d["slug"] for d in c.get("/api/documents").json()["documents"]}
    assert slugs == {OFFICIAL, COMMENTARY, "quillfeather-testbeds-statement-2025"}


def test_cli_skip_bad_exits_2_lists_the_bad_files_and_warns(tmp_path):
    proc = _cli("ingest", "--quiet", "--skip-bad", str(SEEDS), str(BAD / "fail" / "nul"),
                str(BAD / "fail" / "unknown-official"), str(BAD / "ok" / "cp1252"), data_dir=tmp_path / "data")
    assert proc.returncode == 2, proc.stderr
    assert f"skipped bad file: {(BAD / 'fail' / 'nul' / 'statement.txt').resolve()}" in proc.stderr
    assert f"skipped bad file: {(BAD / 'fail' / 'unknown-official' / 'commentary.txt').resolve()}" in proc.stderr
    assert "warning:" in proc.stderr and "decoded as cp1252" in proc.stderr
    assert "ingested 3 documents" in proc.stdout and "3 added" in proc.stdout
    assert "novelty recomputed for" in proc.stdout


def test_skip_bad_does_not_retire_a_document_whose_entry_broke(make_settings, tmp_path):
    settings = make_settings()
    run(settings, [SEEDS])
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    manifest = folder / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("lines = [31, 40]", "lines = [31, 90]"),
                        encoding="utf-8")
    with pytest.raises(IngestError):
        run(settings, [folder])
    summary = run(settings, [folder], skip_bad=True)
    assert summary.retired == [] and summary.skipped_files == [str(manifest.resolve())]
    with TestClient(create_app(settings)) as c:
        assert c.get(f"/api/documents/{OFFICIAL}").status_code == 200
        assert c.get(f"/api/documents/{COMMENTARY}").status_code == 200


def test_skip_bad_with_a_mistyped_folder_refuses_instead_of_retiring_everything(serving, tmp_path):
    settings, before = serving
    with pytest.raises(IngestError) as info:
        run(settings, [tmp_path / "seedz"], skip_bad=True)
    (error,) = info.value.errors
    assert "seedz" in str(error) and "no such file or folder" in str(error)
    assert snapshot(settings) == before


# --- own documents through the pipeline --------------------------------------------------------

def test_markdown_and_abbreviation_documents_through_the_api(make_settings):
    settings = make_settings()
    run(settings, [DOCS / "national-ai-strategy.md", DOCS / "abbreviations.txt"])
    with TestClient(create_app(settings)) as c:
        md = c.get("/api/documents/national-ai-strategy-update-2025").json()
        ab = c.get("/api/documents/abbreviations-and-quotations").json()
    assert md["headline"] == "National AI Strategy Update"
    assert [(p["unit"], p["section"]) for p in md["passages"][:4]] == [
        ("sentence", None), ("sentence", None), ("heading", "Research Priorities"), ("sentence", "Research Priorities")]
    assert md["passages"][4]["text"] == "1. Invest in basic research on trustworthy systems."
    assert md["passages"][4]["unit"] == "item"
    assert md["sentences"] == 10  # headings are not sentences
    assert ab["headline"] == "Remarks on the U.S.-EU Dialogue on AI Standards"
    assert ab["dateline"] == "WASHINGTON, May 2 (Example Wire)"
    assert ab["sentences"] == 16
    assert ab["passages"][7]["text"] == "Gov. Newsom's office sent a letter, No. 5 in the series, on pp. 14-15 of the annex."


def test_a_retired_document_that_returns_gets_its_ids_back(make_settings, tmp_path):
    settings = make_settings()
    run(settings, [SEEDS, DOCS / "extra-official.txt"])
    with TestClient(create_app(settings)) as c:
        first = c.get("/api/documents/quillfeather-testbeds-statement-2025").json()
        run(settings, [SEEDS])
        assert c.get("/api/documents/quillfeather-testbeds-statement-2025").status_code == 410
        summary = run(settings, [SEEDS, DOCS / "extra-official.txt"])
        assert summary.added == ["quillfeather-testbeds-statement-2025"]
        again = c.get("/api/documents/quillfeather-testbeds-statement-2025").json()
        assert [p["id"] for p in again["passages"]] == [p["id"] for p in first["passages"]]
        assert c.get(f"/api/passages/{first['passages'][0]['id']}").status_code == 200


# --- re-reading only what changed ----------------------------------------------------------------

def _front_matter_doc(folder: Path, title: str = "A Statement") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "statement.txt"
    path.write_text(f"---\ntitle: {title}\nkind: official\nslug: reread-statement\n---\n"
                    "The ministry said the plan starts in May. It must publish a report.\n", encoding="utf-8")
    return path


def test_an_unchanged_file_keeps_its_warning_and_an_edited_one_is_read_again(make_settings, tmp_path):
    settings = make_settings()
    folder = tmp_path / "src"
    shutil.copytree(BAD / "ok" / "cp1252", folder)
    path = _front_matter_doc(folder)
    run(settings, [folder])
    again = run(settings, [folder])
    assert again.unchanged == 2 and not again.switched
    assert len(again.warnings) == 1 and "decoded as cp1252" in again.warnings[0]
    path.write_text(path.read_text(encoding="utf-8").replace("A Statement", "A Corrected Statement"), encoding="utf-8")
    edited = run(settings, [folder])
    assert edited.changed == ["reread-statement"] and edited.unchanged == 1
    with TestClient(create_app(settings)) as c:
        assert c.get("/api/documents/reread-statement").json()["title"] == "A Corrected Statement"


def test_a_file_newly_declared_in_a_manifest_takes_the_manifest_metadata(make_settings, tmp_path):
    settings = make_settings()
    path = _front_matter_doc(tmp_path / "src")
    run(settings, [path.parent])
    (path.parent / "manifest.toml").write_text(
        '[[document]]\nslug = "reread-statement"\ntitle = "Declared Title"\nkind = "official"\n'
        'file = "statement.txt"\nlines = [6, 6]\n', encoding="utf-8")
    summary = run(settings, [path.parent])
    assert summary.changed == ["reread-statement"]
    with TestClient(create_app(settings)) as c:
        assert c.get("/api/documents/reread-statement").json()["title"] == "Declared Title"


def test_a_record_of_read_files_that_the_store_does_not_match_is_ignored(make_settings, tmp_path):
    first, second = make_settings(), make_settings()
    path = _front_matter_doc(tmp_path / "src")
    run(first, [path.parent])
    run(second, [DOCS / "extra-official.txt"])
    # The record names a document the other store does not hold: the file is read again.
    shutil.copy(first.data_dir / "sources.json", second.data_dir / "sources.json")
    summary = run(second, [path.parent])
    assert summary.added == ["reread-statement"] and summary.sentences == 2
    (second.data_dir / "sources.json").write_text("{not json", encoding="utf-8")
    assert run(second, [path.parent]).unchanged == 1


@pytest.mark.parametrize("share", [0.3, 0.5, 0.7])  # the child has its share after commentary, or among officials
def test_parallel_segmentation_and_index_build_give_the_same_archive(make_settings, monkeypatch, share):
    from whoosh import index as whoosh_index

    import app.ingest.pipeline as ingest_module
    from app import procs
    from app.ingest import parallel
    from app.index import child, whoosh_fast
    from app.index.build import version_dir

    sources = [SEEDS, DOCS]
    serial = make_settings()
    run(serial, sources)
    monkeypatch.setattr(parallel, "SEGMENT_MIN_DOCS", 1)
    monkeypatch.setattr(child, "INDEX_MIN_PASSAGES", 1)
    monkeypatch.setattr(procs, "cores", lambda: 2)
    monkeypatch.setattr(ingest_module, "CHILD_SHARE", share)  # so both processes get documents here
    shared = make_settings()
    run(shared, sources)
    assert snapshot(shared) == snapshot(serial)

    def stored(settings):
        ix = whoosh_index.open_dir(str(version_dir(settings.index_root, 1)))
        with ix.searcher() as s:
            return len(s.reader().leaf_readers()), [fields for _, fields in s.reader().iter_docs()]

    (serial_segments, serial_docs), (shared_segments, shared_docs) = stored(serial), stored(shared)
    # With the Whoosh shortcuts off there is no index child: this process writes the one segment.
    assert (serial_segments, shared_segments) == (1, 2 if whoosh_fast.enabled() else 1)
    assert shared_docs == serial_docs  # same documents under the same numbers
