"""Bad inputs through the command line: `check` and `ingest` name each one alike (file, and line
where there is one), never print a traceback, exit non-zero, and leave the archive serving
what it served before; `ingest --skip-bad` lists the bad file and keeps the good documents.

The committed cases are tests/data/bad/fail/<case>/: REFUSED here and FAILURES in
test_sources. What cannot be committed (deep nesting, symbolic links, odd file names) is made
by the builders in GENERATED.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.config import Settings
from app.ingest import reading
from app.ingest.pipeline import check, run
from app.ingest.records import shown
from app.ingest.sources import collect
from app.web.app import create_app
from tests.helpers import ROOT, TEST_DATA

BAD = ROOT / "tests" / "data" / "bad" / "fail"
GOOD_FILE = TEST_DATA / "docs" / "clean-reference.txt"
GOOD_SLUG = "encoding-reference"

# case -> [(file, line or None, what the message must say)]
REFUSED: dict[str, list[tuple[str, int | None, str]]] = {
    "kind-not-text": [("statement.txt", 3, "'kind' must be text, not a list")],
    "slug-not-text": [("statement.txt", 4, "'slug' must be text, not a table")],
    "language-not-text": [("statement.txt", 5, "'language' must be text, not a list")],
    "language-boolean": [("statement.txt", 5, "'language' must be text, not False (put it in quotes)")],
    "source-url-not-text": [("statement.txt", 5, "'source_url' must be text, not a list")],
    "blank-title": [("statement.txt", 2, "'title' is blank")],
    "yaml-duplicate-key": [("statement.txt", 5, "duplicate key 'kind'")],
    "yaml-alias-bomb": [("statement.txt", 6, "YAML aliases (*name) are not allowed")],
    "manifest-document-numbers": [("manifest.toml", 2, "document #1 must be a [[document]] table, not 1")],
    "manifest-lines-boolean": [("manifest.toml", 6, "'lines' must be [first, last] line numbers, not [True, 3]")],
    "manifest-kind-list": [("manifest.toml", 4, "'kind' must be text, not a list")],
    "manifest-file-absolute": [("manifest.toml", 5, "'file' '/etc/passwd' resolves to /etc/passwd, outside")],
    "manifest-file-parent": [("manifest.toml", 5, "'file' '../../../../etc/hostname' resolves to")],
    "alias-conflict": [
        ("first.txt", 5, "alias 'alias-conflict-old-address' is claimed by more than one document"),
        ("second.txt", 5, "alias 'alias-conflict-old-address' is claimed by more than one document"),
    ],
    "overlapping-ranges": [
        ("manifest.toml", 6, "lines [1, 3] of"),
        ("manifest.toml", 13, "lines [3, 4] of"),
    ],
}
FRONT = "---\ntitle: Generated Statement\nkind: official\nslug: {slug}\n---\nThe generated statement has one sentence.\n"


def _deep_front_matter(tmp: Path):
    (tmp / "doc.txt").write_text("---\ntitle: A\nkind: official\ndate: " + "[" * 30_000 + "\n---\nText.\n")
    return tmp, [(tmp / "doc.txt", 4, "front matter: nested more than 32 levels deep")]


def _huge_front_matter(tmp: Path):
    (tmp / "doc.txt").write_text("---\ntitle: A\nkind: official\ndate: " + "[" * 100_000 + "\n---\nText.\n")
    return tmp, [(tmp / "doc.txt", 2, "over the 65,536-character limit")]


def _deep_manifest(tmp: Path):
    (tmp / "text.txt").write_text("Text.\n")
    (tmp / "manifest.toml").write_text('[[document]]\ntitle = "A"\nkind = "official"\nfile = "text.txt"\n'
                                       "lines = " + "[" * 100_000 + "\n")
    return tmp, [(tmp / "manifest.toml", 5, "nested more than 32 levels deep")]


def _deep_front_matter_toml(tmp: Path):
    (tmp / "doc.txt").write_text('+++\ntitle = "A"\nkind = "official"\naliases = ' + "[" * 20_000 + "\n+++\nText.\n")
    return tmp, [(tmp / "doc.txt", 4, "front matter: nested more than 32 levels deep")]


def _symlink_loop(tmp: Path):
    (tmp / "doc.txt").write_text(FRONT.format(slug="beside-a-loop"))
    os.symlink(".", tmp / "loop")
    return tmp, [(tmp / "loop", None, "symbolic link loop")]


def _symlink_outside(tmp: Path):
    secret = tmp.parent / f"{tmp.name}-secret.txt"
    secret.write_text(FRONT.format(slug="from-outside"))
    os.symlink(secret, tmp / "innocent.md")
    return tmp, [(tmp / "innocent.md", None, f"symbolic link to {secret}, outside {tmp}")]


def _folder_symlink_outside(tmp: Path):
    outside = tmp.parent / f"{tmp.name}-elsewhere"
    outside.mkdir()
    (outside / "doc.txt").write_text(FRONT.format(slug="from-elsewhere"))
    os.symlink(outside, tmp / "linked")
    return tmp, [(tmp / "linked", None, "outside")]


def _not_utf8_name(tmp: Path):
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp / name).write_text(FRONT.format(slug="cafe"))
    return tmp, [(tmp / name, None, "file name is not valid UTF-8")]


def _terminal_escape_name(tmp: Path):
    name = "evil\n\x1b[31mred.txt"
    (tmp / name).write_text("---\ntitle: No Kind\n---\nText.\n")
    return tmp, [(tmp / name, None, "missing required key(s): kind")]


GENERATED = {f.__name__.lstrip("_").replace("_", "-"): f for f in (
    _deep_front_matter, _huge_front_matter, _deep_manifest, _deep_front_matter_toml, _symlink_loop,
    _symlink_outside, _folder_symlink_outside, _not_utf8_name, _terminal_escape_name,
)}


# --- helpers ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_archive(tmp_path_factory):
    """An archive of one good document, made once and copied for each test."""
    good = tmp_path_factory.mktemp("good")
    shutil.copy(GOOD_FILE, good / "reference.txt")
    data = tmp_path_factory.mktemp("base") / "data"
    run(Settings(data_dir=data, database_url=None), [good])
    return good, data


@pytest.fixture
def archive(base_archive, tmp_path, monkeypatch):
    """(good sources, a data folder of their archive) for this test, on SQLite."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("POLICY_ARCHIVE_DATA", str(tmp_path / "data"))  # restored after the CLI sets it
    good, data = base_archive
    shutil.copytree(data, tmp_path / "data")
    return good, tmp_path / "data"


def _cli(capsys, *args) -> tuple[int, str]:
    """Run the command line in this process; its exit code and what it wrote to stderr."""
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def _served(data: Path) -> tuple:
    """What the archive serves: its version, its document list and the good document."""
    with TestClient(create_app(Settings(data_dir=data, database_url=None))) as client:
        health = client.get("/healthz").json()
        listing = client.get("/api/documents").json()
        doc = client.get(f"/api/documents/{GOOD_SLUG}")
        assert doc.status_code == 200
        return health, listing, doc.json()


def _where(path: Path, line: int | None) -> str:
    return f"{shown(path)}:{line}: " if line else f"{shown(path)}: "


def _assert_named(stderr: str, expected: list[tuple[Path, int | None, str]]) -> None:
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    for path, line, says in expected:
        assert any(ln.startswith("error: " + _where(path, line)) and says in ln for ln in lines), \
            f"no error at {_where(path, line)!r} saying {says!r} in:\n{stderr}"


def _errors(stderr: str) -> set[str]:
    return {ln for ln in stderr.splitlines() if ln.startswith("error: ")}


def _refused_by_both(capsys, good: Path, data: Path, source: Path, expected) -> None:
    """`check` and `ingest` report the same errors, `expected` among them; the archive is kept;
    `--skip-bad` lists the bad files and keeps serving the good document."""
    before = _served(data)
    code, checked = _cli(capsys, "check", "--data-dir", data, good, source)
    assert code == 1
    _assert_named(checked, expected)
    code, ingested = _cli(capsys, "ingest", "--quiet", "--data-dir", data, good, source)
    assert code == 1 and "ingest failed" in ingested
    _assert_named(ingested, expected)
    assert _errors(ingested) == _errors(checked)
    assert _served(data) == before
    code, skipped = _cli(capsys, "ingest", "--quiet", "--skip-bad", "--data-dir", data, good, source)
    assert code == 2 and "Traceback" not in skipped
    for path, _, _ in expected:
        assert f"skipped bad file: {shown(path)}" in skipped.splitlines(), skipped
    assert _served(data)[2] == before[2]


# --- the cases ----------------------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_committed_bad_input_is_named_by_check_and_ingest_and_the_archive_kept(case, archive, capsys):
    good, data = archive
    expected = [((BAD / case / f).resolve(), line, says) for f, line, says in REFUSED[case]]
    _refused_by_both(capsys, good, data, BAD / case, expected)


@pytest.mark.parametrize("case", sorted(GENERATED))
def test_a_generated_bad_input_is_named_by_check_and_ingest_and_the_archive_kept(case, archive, capsys, tmp_path):
    good, data = archive
    source = tmp_path / "sources"
    source.mkdir()
    source, expected = GENERATED[case](source)
    _refused_by_both(capsys, good, data, source, expected)


def test_an_alias_bomb_fails_at_once():
    started = time.perf_counter()
    (error,) = collect([BAD / "yaml-alias-bomb"]).errors
    assert time.perf_counter() - started < 2
    assert len(str(error)) < 300  # the message is never built from the expanded value


def test_a_broken_themes_file_is_named_by_check_as_by_ingest(archive, capsys, tmp_path):
    good, data = archive
    source = tmp_path / "sources"
    source.mkdir()
    (source / "doc.txt").write_text(FRONT.format(slug="beside-broken-themes"))
    (source / "themes.toml").write_text("x = " + "[" * 100_000 + "\n")
    before = _served(data)
    for command in ("check", "ingest"):
        code, err = _cli(capsys, command, "--data-dir", data, source)
        assert code == 1 and "Traceback" not in err
        assert f"{source / 'themes.toml'}, line 1: nested more than 32 levels deep" in err, err
    assert _served(data) == before


def test_file_names_are_printed_escaped_by_the_real_command(tmp_path):
    # A real process, with a terminal's strict UTF-8 output: an unescaped name would be written
    # raw (a newline, an escape sequence) or fail to encode.
    source, expected = _terminal_escape_name(tmp_path)
    _not_utf8_name(tmp_path)
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    env.pop("DATABASE_URL", None)
    for command in (["check"], ["ingest", "--quiet", "--data-dir", str(tmp_path.parent / f"{tmp_path.name}-data")]):
        proc = subprocess.run([sys.executable, "-m", "app.cli", *command, str(source)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert "\x1b" not in proc.stderr and "evil\\n\\x1b[31mred.txt" in proc.stderr
        assert "caf\\xe9.txt: file name is not valid UTF-8" in proc.stderr
        assert all(ln.startswith(("error: ", "ingest failed")) for ln in proc.stderr.splitlines()), proc.stderr


# --- sources stay inside their roots unless told otherwise --------------------------------

def test_follow_outside_lets_check_and_ingest_read_links_and_manifest_files_outside(tmp_path, make_settings):
    source = tmp_path / "sources"
    source.mkdir()
    _symlink_outside(source)
    (tmp_path / "outside.txt").write_text("A sentence kept outside the sources.\n")
    (source / "manifest.toml").write_text('[[document]]\nslug = "manifest-outside"\ntitle = "M"\n'
                                          'kind = "official"\nfile = "../outside.txt"\n')
    settings = make_settings()
    assert len(check([source], settings).errors) == 2
    assert check([source], settings, follow_outside=True).errors == []
    summary = run(settings, [source], follow_outside=True)
    assert sorted(summary.added) == ["from-outside", "manifest-outside"]


def test_the_command_refuses_a_manifest_file_outside_and_names_the_flag_that_allows_it(tmp_path, capsys):
    source = tmp_path / "sources"
    source.mkdir()
    (tmp_path / "outside.txt").write_text("A sentence kept outside the sources.\n")
    (source / "manifest.toml").write_text('[[document]]\nslug = "manifest-outside"\ntitle = "M"\n'
                                          'kind = "official"\nfile = "../outside.txt"\n')
    data = tmp_path / "data"
    for command in ("check", "ingest"):
        code, err = _cli(capsys, command, "--data-dir", data, source)
        assert code == 1 and "Traceback" not in err and "--follow-outside" in err, err
    code, err = _cli(capsys, "ingest", "--quiet", "--follow-outside", "--data-dir", data, source)
    assert code == 0, err
    with TestClient(create_app(Settings(data_dir=data, database_url=None))) as client:
        assert client.get("/api/documents/manifest-outside").status_code == 200


def test_a_file_given_directly_must_resolve_inside_its_own_folder(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "real.txt").write_text(FRONT.format(slug="given-directly"))
    os.symlink(tmp_path / "real.txt", inner / "link.txt")
    (error,) = collect([inner / "link.txt"]).errors
    assert error.path == str(inner / "link.txt") and "outside" in error.message
    assert [d.slug for d in collect([inner / "link.txt"], follow_outside=True).documents] == ["given-directly"]
    assert [d.slug for d in collect([tmp_path / "real.txt"]).documents] == ["given-directly"]


def test_links_inside_the_folder_are_still_followed(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "doc.txt").write_text(FRONT.format(slug="linked-inside"))
    os.symlink(tmp_path / "real", tmp_path / "alias-folder")
    os.symlink(tmp_path / "real" / "doc.txt", tmp_path / "alias.txt")
    collected = collect([tmp_path])
    assert collected.errors == [] and [d.slug for d in collected.documents] == ["linked-inside"]


# --- consistent reads ---------------------------------------------------------------------

def _rewritten_while_read(monkeypatch, path: Path, times: int) -> list[int]:
    """Make the next `times` reads of `path` see its bytes, then find the file rewritten."""
    real, calls = reading._read, []

    def read(p):
        data = real(p)
        if Path(p) == path and len(calls) < times:
            calls.append(1)
            path.write_text(path.read_text() + f"A sentence written while it was read, number {len(calls)}.\n")
        return data

    monkeypatch.setattr(reading, "_read", read)
    return calls


def test_a_file_that_keeps_changing_while_read_is_reported_and_its_archived_version_kept(
        archive, capsys, monkeypatch, tmp_path):
    good, data = archive
    path = good / "reference.txt"
    original = path.read_text()
    before = _served(data)
    try:
        path.write_text(original + "A new sentence written before the ingest.\n")
        _rewritten_while_read(monkeypatch, path.resolve(), times=10)
        code, err = _cli(capsys, "ingest", "--quiet", "--data-dir", data, good)
        assert code == 1 and "Traceback" not in err
        _assert_named(err, [(path.resolve(), None, "changed while it was being read, twice")])
        code, err = _cli(capsys, "ingest", "--quiet", "--skip-bad", "--data-dir", data, good)
        assert code == 2 and f"skipped bad file: {path.resolve()}" in err
        assert _served(data)[2] == before[2]  # not half of the new text: the old document, whole
    finally:
        path.write_text(original)


def test_a_file_that_changed_once_while_read_is_read_again_whole(tmp_path, monkeypatch):
    path = tmp_path / "doc.txt"
    path.write_text(FRONT.format(slug="read-again"))
    calls = _rewritten_while_read(monkeypatch, path, times=1)
    (doc,) = collect([tmp_path]).documents
    assert calls == [1] and doc.body.rstrip().endswith("written while it was read, number 1.")


# --- what the schema still accepts, and the themes file's types --------------------------------

def test_values_written_loosely_but_meaning_text_are_still_accepted(tmp_path):
    (tmp_path / "doc.txt").write_text("---\ntitle: 1984\nkind: ' official '\naliases: old-name\n"
                                      "date: 2025-04\n---\nText.\n")
    (tmp_path / "toml.txt").write_text('+++\ntitle = "T"\nkind = "commentary"\ndate = 2025-04-26\n'
                                       'comments_on = "doc"\n+++\nText.\n')
    collected = collect([tmp_path])
    assert collected.errors == []
    doc, toml = collected.documents
    assert (doc.meta["title"], doc.meta["kind"], doc.meta["aliases"], doc.meta["date"], doc.meta["language"]) == (
        "1984", "official", ["old-name"], "2025-04", "en")
    assert toml.meta["date"] == "2025-04-26" and toml.meta["comments_on"] == "doc"


@pytest.mark.parametrize("themes, says", [
    ("theme = [1]\n", "theme #1 must be a [[theme]] table"),
    ('[[theme]]\nslug = "a"\nlabel = "A"\nkeywords = ["x"]\nparent = ["b"]\n', "line 5: a: parent must be"),
    ('[classifier]\nthreshold = true\n[[theme]]\nslug = "a"\nlabel = "A"\nkeywords = ["x"]\n', "threshold must be"),
    ('classifier = 3\n[[theme]]\nslug = "a"\nlabel = "A"\nkeywords = ["x"]\n', "threshold must be"),
])
def test_a_themes_file_with_a_value_of_the_wrong_type_is_named(tmp_path, themes, says):
    from app.enrich.taxonomy_file import load_taxonomy

    (tmp_path / "themes.toml").write_text(themes)
    with pytest.raises(ValueError) as info:
        load_taxonomy(tmp_path / "themes.toml")
    assert str(info.value).startswith(str(tmp_path / "themes.toml")) and says in str(info.value)
