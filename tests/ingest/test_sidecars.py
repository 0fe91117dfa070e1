"""Metadata for files that cannot carry front matter: a sidecar NAME.EXT.toml or NAME.EXT.yaml
next to the file, checked like front matter, laid over what the file's markup says; `check`
and `ingest` refuse the same sidecars, each error naming the file and line to fix."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.ingest.pipeline import IngestError, check, run
from app.ingest.sources import collect
from app.web.app import create_app
from tests.text.formats.samples_pdf import encrypted_pdf
from tests.web.test_source_file import strategy_pdf

PAGE = ("<html><head><title>Title from the page</title></head><body><article><h1>Title from the page</h1>"
        "<p>The ministry publishes its rules on artificial intelligence today.</p></article></body></html>")
SIDECAR = 'title = "National AI strategy"\nkind = "official"\ndate = "2025-03-12"\npublisher = "The Council"\n'


def _folder(tmp_path: Path, sidecar: str | None = SIDECAR, name: str = "strategy.pdf.toml") -> Path:
    folder = tmp_path / "src"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "strategy.pdf").write_bytes(strategy_pdf())
    if sidecar is not None:
        (folder / name).write_text(sidecar, encoding="utf-8")
    return folder


def _messages(collected) -> list[str]:
    return [str(e) for e in collected.errors]


def test_a_pdf_takes_its_metadata_from_its_sidecar(tmp_path):
    folder = _folder(tmp_path)
    got = collect([folder])
    assert not got.errors
    (doc,) = got.documents  # the sidecar is not a document of its own
    assert (doc.slug, doc.meta["title"], doc.meta["kind"], doc.meta["date"]) == (
        "strategy", "National AI strategy", "official", "2025-03-12")
    assert doc.media_type == "application/pdf" and len(doc.page_lines) == 3
    assert doc.raw == (folder / "strategy.pdf").read_bytes()  # the bytes as received, to be kept


def test_a_yaml_sidecar_works_the_same(tmp_path):
    folder = _folder(tmp_path, "title: National AI strategy\nkind: official\n", name="strategy.pdf.yaml")
    (doc,) = collect([folder]).documents
    assert doc.meta["title"] == "National AI strategy"


def test_a_pdf_without_metadata_names_the_sidecar_to_write(tmp_path):
    folder = _folder(tmp_path, sidecar=None)
    (message,) = _messages(collect([folder]))
    assert message.startswith(f"{folder / 'strategy.pdf'}: ")
    assert "strategy.pdf.toml" in message and "kind" in message


def test_a_sidecar_syntax_error_names_the_sidecar_and_line(tmp_path):
    folder = _folder(tmp_path, 'title = "National AI strategy"\nkind = "official\n')
    (message,) = _messages(collect([folder]))
    assert message.startswith(f"{folder / 'strategy.pdf.toml'}:2: ") and "not valid TOML" in message


def test_a_bad_value_in_a_sidecar_names_its_line(tmp_path):
    folder = _folder(tmp_path, SIDECAR.replace("2025-03-12", "12 March"))
    (message,) = _messages(collect([folder]))
    assert message.startswith(f"{folder / 'strategy.pdf.toml'}:3: ") and "'date' is not a date" in message


def test_a_problem_found_across_documents_names_the_sidecars_line(tmp_path):
    # translation_of is checked against the other documents, after every file is read: the line
    # of the key in the sidecar must still be known then, as it is for front matter.
    folder = _folder(tmp_path, SIDECAR + 'translation_of = "no-such-original"\n')
    (message,) = _messages(collect([folder]))
    assert message.startswith(f"{folder / 'strategy.pdf.toml'}:5: ") and "no-such-original" in message


def test_kind_never_comes_from_the_file_and_its_absence_names_the_sidecar(tmp_path):
    folder = _folder(tmp_path, 'title = "National AI strategy"\n')
    (message,) = _messages(collect([folder]))
    assert message.startswith(f"{folder / 'strategy.pdf.toml'}: ") and "missing required key(s): kind" in message


def test_the_files_own_title_fills_only_what_the_sidecar_leaves_empty(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "rules.html").write_text(PAGE, encoding="utf-8")
    (folder / "rules.html.toml").write_text('kind = "official"\n', encoding="utf-8")
    (doc,) = collect([folder]).documents
    assert doc.meta["title"] == "Title from the page"
    (folder / "rules.html.toml").write_text('kind = "official"\ntitle = "The sidecar\'s title"\n', encoding="utf-8")
    (doc,) = collect([folder]).documents
    assert doc.meta["title"] == "The sidecar's title"


def test_a_sidecar_without_its_file_is_an_error(tmp_path):
    folder = _folder(tmp_path)
    (folder / "strategy.pdf").unlink()
    (message,) = _messages(collect([folder]))
    assert message.startswith(f"{folder / 'strategy.pdf.toml'}: ") and "not in the sources" in message


def test_two_sidecars_for_one_file_are_an_error(tmp_path):
    folder = _folder(tmp_path)
    (folder / "strategy.pdf.yaml").write_text("title: Other\nkind: official\n", encoding="utf-8")
    got = collect([folder])
    assert not got.documents and any("more than one sidecar" in m for m in _messages(got))


def test_a_manifest_entry_gives_metadata_too(tmp_path):
    folder = _folder(tmp_path, sidecar=None)
    (folder / "rules.html").write_text(PAGE, encoding="utf-8")
    (folder / "manifest.toml").write_text('[[document]]\nfile = "strategy.pdf"\nkind = "official"\ntitle = "Strategy"\n'
                                          '[[document]]\nfile = "rules.html"\nkind = "official"\n', encoding="utf-8")
    got = collect([folder])
    assert not got.errors
    rules, strategy = got.documents
    assert (strategy.meta["title"], len(strategy.page_lines)) == ("Strategy", 3)
    assert (rules.meta["kind"], rules.meta["title"], rules.page_lines) == ("official", "Title from the page", None)


def test_check_refuses_the_sidecars_ingest_refuses(tmp_path, make_settings):
    folder = _folder(tmp_path, SIDECAR.replace("2025-03-12", "12 March"))
    settings = make_settings()
    checked = [str(e) for e in check([folder], settings).errors]
    with pytest.raises(IngestError) as refused:
        run(settings, [folder])
    assert checked == [str(e) for e in refused.value.errors] and "strategy.pdf.toml:3" in checked[0]


def test_a_format_error_names_the_file_and_the_previous_archive_keeps_serving(tmp_path, make_settings):
    folder = _folder(tmp_path)
    settings = make_settings()
    run(settings, [folder])
    (folder / "strategy.pdf").write_bytes(encrypted_pdf())
    with pytest.raises(IngestError) as refused:
        run(settings, [folder])
    (error,) = refused.value.errors
    assert str(error).startswith(f"{folder / 'strategy.pdf'}: encrypted PDF")
    with TestClient(create_app(settings)) as c:
        assert c.get("/api/documents/strategy").json()["title"] == "National AI strategy"


def _age(path: Path) -> None:
    """Set a file's mtime in the past, so the next ingest may trust its stat."""
    old = time.time() - 3600
    os.utime(path, (old, old))


def test_an_unchanged_file_whose_sidecar_changed_is_read_again(tmp_path, make_settings):
    folder = _folder(tmp_path)
    _age(folder / "strategy.pdf")
    _age(folder / "strategy.pdf.toml")
    settings = make_settings()
    run(settings, [folder])
    again = run(settings, [folder])
    assert again.unchanged == 1 and not again.switched
    (folder / "strategy.pdf.toml").write_text(SIDECAR.replace("National AI strategy", "AI strategy, amended"),
                                               encoding="utf-8")
    _age(folder / "strategy.pdf.toml")
    changed = run(settings, [folder])
    assert changed.changed == ["strategy"]
    with TestClient(create_app(settings)) as c:
        assert c.get("/api/documents/strategy").json()["title"] == "AI strategy, amended"


def test_a_sidecar_for_a_text_file_says_where_its_keys_go(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "note.md").write_text("---\ntitle: A note\nkind: official\n---\nThe note.\n", encoding="utf-8")
    (folder / "note.md.toml").write_text('date = "2025-01-01"\n', encoding="utf-8")
    (message,) = _messages(collect([folder]))
    assert message.startswith(f"{folder / 'note.md.toml'}: ") and "front matter" in message
