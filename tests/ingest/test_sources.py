"""Reading sources: every broken input is reported with its file (and line), or read correctly.

The corpus of broken inputs is tests/data/bad/: `fail/<case>/` must each be refused with the
error listed in FAILURES below; `ok/<case>/` must each be read, giving the same text (and so
the same ids) as tests/data/docs/clean-reference.txt or, for cp1252, the right letters.
Binary and oversized files are generated here rather than committed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.ids import assign_ids
from app.text.segment import segment
from app.ingest.sources import (
    DEFAULT_MAX_BYTES, READ_RULES, SourceError, collect, decode, expand, load_known, remember, save_known,
    split_front_matter,
)
from tests.helpers import OFFICIAL, ROOT, SEEDS

BAD = ROOT / "tests" / "data" / "bad"
CLEAN = ROOT / "tests" / "data" / "docs" / "clean-reference.txt"

# case -> [(file, line or None, what the message must say)]
FAILURES: dict[str, list[tuple[str, int | None, str]]] = {
    "undecodable": [("statement.txt", 6, "not valid UTF-8")],
    "nul": [("statement.txt", 7, "NUL character")],
    "empty": [("empty.txt", None, "file is empty")],
    "no-body": [("statement.txt", None, "has no text")],
    "manifest-syntax": [("manifest.toml", 5, "not valid TOML")],
    "manifest-missing-file": [("manifest.toml", 5, "missing file: no-such-file.txt")],
    "manifest-line-range": [("manifest.toml", 6, "'lines' [2, 9] is outside the file, which has 3 lines")],
    "duplicate-slug": [
        ("first.txt", 4, "slug 'duplicate-slug-statement' is used by more than one document"),
        ("second.txt", 4, "slug 'duplicate-slug-statement' is used by more than one document"),
    ],
    "unknown-official": [("commentary.txt", 5, "comments_on names 'no-such-official-statement'")],
    "bad-date": [("statement.txt", 6, "'date' is not a date")],
}
OK_VARIANTS = ["bom", "crlf", "cr", "controls", "invisible"]


def find_error(errors: list[SourceError], case_dir: Path, file: str, line: int | None, says: str) -> SourceError:
    """The error about `file` of a case, checked to name the file, the line and the problem."""
    path = (case_dir / file).resolve()
    matching = [e for e in errors if Path(e.path) == path and says in e.message]
    assert matching, f"no error about {path} saying {says!r}; got: {[str(e) for e in errors]}"
    error = matching[0]
    assert error.line == line, str(error)
    assert str(error).startswith(f"{path}:{line}: " if line else f"{path}: ")
    return error


def _ids_and_texts(doc) -> list[tuple[str, str]]:
    seg = segment(doc.body, doc.meta["title"], doc.first_line)
    texts = [s.text for s in seg.segments]
    return list(zip(assign_ids(doc.slug, texts), texts))


# --- the committed corpus -------------------------------------------------------------------

def test_the_corpus_is_complete_and_small():
    from tests.ingest.test_validate import REFUSED  # the cases run through the command line
    cases = {p.name for p in (BAD / "fail").iterdir()} | {p.name for p in (BAD / "ok").iterdir()}
    assert cases == set(FAILURES) | set(REFUSED) | set(OK_VARIANTS) | {"cp1252"}
    assert all(f.stat().st_size < 2048 for f in BAD.rglob("*") if f.is_file())


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_each_broken_input_is_refused_naming_file_and_line(case):
    case_dir = BAD / "fail" / case
    collected = collect([case_dir])
    assert collected.documents == []
    for file, line, says in FAILURES[case]:
        find_error(collected.errors, case_dir, file, line, says)


def test_one_run_reports_every_broken_input(tmp_path):
    collected = collect([BAD / "fail", SEEDS])
    for case, expected in FAILURES.items():
        for file, line, says in expected:
            find_error(collected.errors, BAD / "fail" / case, file, line, says)
    # the good documents among them are still read
    assert [d.slug for d in collected.documents] == sorted(
        ["politburo-ai-study-session-2025-commentary", OFFICIAL])


def test_check_command_reports_every_broken_input_in_one_run():
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", str(BAD / "fail"), str(SEEDS)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    for case, expected in FAILURES.items():
        for file, line, says in expected:
            where = f"{(BAD / 'fail' / case / file).resolve()}" + (f":{line}" if line else "")
            assert any(where in ln and says in ln for ln in proc.stderr.splitlines()), (where, proc.stderr)
    assert "2 documents ok" in proc.stdout


@pytest.mark.parametrize("case", OK_VARIANTS)
def test_encoding_and_invisible_character_variants_read_like_the_clean_text(case):
    (clean,) = collect([CLEAN]).documents
    collected = collect([BAD / "ok" / case])
    assert collected.errors == []
    (doc,) = collected.documents
    assert doc.body == clean.body
    assert doc.meta == clean.meta
    assert _ids_and_texts(doc) == _ids_and_texts(clean)
    assert all(ord(c) >= 32 or c == "\n" for c in doc.body)


def test_control_characters_are_removed_with_a_warning():
    (doc,) = collect([BAD / "ok" / "controls"]).documents
    assert any("removed 3 control character" in w for w in doc.warnings)


def test_windows_1252_file_is_decoded_with_a_warning():
    collected = collect([BAD / "ok" / "cp1252"])
    assert collected.errors == []
    (doc,) = collected.documents
    assert doc.meta["title"] == "Remarks by Minister Zoé Müller on Shared Compute"
    assert "José Núñez" in doc.body and "François Lefèvre" in doc.body
    assert "“will not wait for perfect rules.”" in doc.body and "ministry’s" in doc.body
    assert "– a €5 million line." in doc.body
    (warning,) = doc.warnings
    assert "cp1252" in warning and "remarks.txt" in warning and "line 2" in warning


# --- generated inputs ---------------------------------------------------------------------

def _front(slug: str) -> bytes:
    return f"---\ntitle: Generated {slug}\nkind: official\nslug: {slug}\n---\n".encode()


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16)
    collected = collect([tmp_path])
    (error,) = collected.errors
    assert Path(error.path) == path.resolve()
    assert "binary file" in error.message and error.line is None
    assert collected.documents == []


def test_file_over_the_size_cap_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.write(_front("huge"))
        fh.write(b"A sentence that repeats. " * (DEFAULT_MAX_BYTES // 25 + 10))
    assert path.stat().st_size > DEFAULT_MAX_BYTES
    (error,) = collect([tmp_path]).errors
    assert Path(error.path) == path.resolve()
    assert "over the 5,242,880-byte limit" in error.message
    small_cap = collect([CLEAN], max_bytes=100)
    assert "over the 100-byte limit" in small_cap.errors[0].message


def test_utf16_file_with_a_byte_order_mark_is_read(tmp_path):
    clean = CLEAN.read_text(encoding="utf-8")
    (tmp_path / "utf16.txt").write_bytes(clean.encode("utf-16"))
    collected = collect([tmp_path])
    assert collected.errors == []
    (doc,) = collected.documents
    (ref,) = collect([CLEAN]).documents
    assert _ids_and_texts(doc) == _ids_and_texts(ref)
    assert any("UTF-16" in w for w in doc.warnings)


@pytest.mark.parametrize("data, line", [
    ("Zażółć gęślą jaźń, powiedział minister.\nDruga linia.".encode("cp1250"), 1),
    ("ok\n" + "人工智能治理框架与国际合作的政策文件" * 3, 2),
])
def test_text_in_an_encoding_that_cannot_be_trusted_is_refused(data, line):
    raw = data if isinstance(data, bytes) else data.encode("gb18030")
    with pytest.raises(SourceError) as info:
        decode(Path("doc.txt"), raw)
    assert info.value.line == line
    assert "not valid UTF-8" in info.value.message and "save the file as UTF-8" in info.value.message


def test_whitespace_only_file_is_empty():
    with pytest.raises(SourceError, match="file is empty"):
        decode(Path("blank.txt"), b" \n\r\n\t\n")


# --- front matter and manifests -----------------------------------------------------------

@pytest.mark.parametrize("front, line, says", [
    ("---\ntitle: A\nkind: official\ndate: 26 April 2025\n---\n", 4, "'date' is not a date"),
    ("---\ntitle: A\nkind: official\nretrieved: 2025-02-30\n---\n", 4, "'retrieved' is not a date"),
    ("---\ntitle: A\nkind: [official\n---\n", 3, "not valid YAML"),
    ("---\ntitle: A\nkind: official\ncolour: red\n---\n", 4, "unknown key(s): colour"),
    ("---\ntitle: A\nkind: memo\n---\n", 3, "kind must be one of"),
    ("---\ntitle: A\nkind: official\nslug: Not A Slug\n---\n", 4, "lower-case letters"),
    ("---\ntitle: A\nkind: official\n", 1, "never closed"),
    ("+++\ntitle = \"A\"\nkind = \"official\"\ndate = 2025-13-45\n+++\n", 4, "not valid TOML"),
    ("---\nkind: official\n---\n", None, "missing required key(s): title"),
    ("---\ntitle: A\nkind: official\nsource_url: javascript:alert(1)\n---\n", 4, "'source_url' must be an http"),
    ("---\ntitle: A\nkind: official\nsource_url: www.example.org/a\n---\n", 4, "'source_url' must be an http"),
])
def test_front_matter_problems_name_the_line(tmp_path, front, line, says):
    path = tmp_path / "doc.txt"
    path.write_text(front + "Some text.\n", encoding="utf-8")
    errors = collect([tmp_path]).errors
    find_error(errors, tmp_path, "doc.txt", line, says)


def test_yaml_dates_stay_exact():
    meta, body, first = split_front_matter(Path("x.txt"), "---\ntitle: A\ndate: 2025-04-26\nevent_date: 2025\n---\nText.")
    assert meta["date"] == "2025-04-26" and body == "Text." and first == 6
    (doc,) = collect([CLEAN]).documents
    assert doc.meta["date"] == "2025-03-14"


def test_manifest_with_a_byte_order_mark_and_crlf_is_read(tmp_path):
    (tmp_path / "text.txt").write_text("The statement.\n", encoding="utf-8")
    manifest = '[[document]]\r\nslug = "bom-manifest"\r\ntitle = "A"\r\nkind = "official"\r\nfile = "text.txt"\r\n'
    (tmp_path / "manifest.toml").write_bytes(b"\xef\xbb\xbf" + manifest.encode())
    collected = collect([tmp_path])
    assert collected.errors == [] and [d.slug for d in collected.documents] == ["bom-manifest"]


def test_a_slug_taken_from_a_seed_is_refused_for_both(tmp_path):
    (tmp_path / "copy.txt").write_text(f"---\ntitle: A\nkind: official\nslug: {OFFICIAL}\n---\nText.\n", encoding="utf-8")
    collected = collect([SEEDS, tmp_path])
    find_error(collected.errors, tmp_path, "copy.txt", 4, f"slug '{OFFICIAL}' is used by more than one document")
    find_error(collected.errors, SEEDS, "manifest.toml", 16, "also")
    assert OFFICIAL not in {d.slug for d in collected.documents}
    assert OFFICIAL in collected.bad_slugs


def test_text_file_without_front_matter_or_manifest_entry(tmp_path):
    (tmp_path / "loose.txt").write_text("Just text.\n", encoding="utf-8")
    errors = collect([tmp_path]).errors
    find_error(errors, tmp_path, "loose.txt", 1, "missing keys: title, kind")


def test_missing_source_path(tmp_path):
    (error,) = collect([tmp_path / "nowhere"]).errors
    assert "no such file or folder" in str(error) and "nowhere" in str(error)


def test_a_known_file_is_trusted_while_its_bytes_are_unchanged(tmp_path):
    from app.ingest.sources import remember

    path = tmp_path / "doc.txt"
    path.write_text("---\ntitle: A\nkind: official\n---\nSome text.\n", encoding="utf-8")
    (doc,) = collect([tmp_path]).documents
    known = remember([doc])
    known[doc.path]["meta"] = dict(doc.meta, title="As Recorded")
    (reused,) = collect([tmp_path], known=known).documents
    assert reused.meta["title"] == "As Recorded" and reused.fingerprint == doc.fingerprint
    path.write_text("---\ntitle: B\nkind: official\n---\nSome text.\n", encoding="utf-8")
    (reread,) = collect([tmp_path], known=known).documents
    assert reread.meta["title"] == "B" and reread.fingerprint != doc.fingerprint


@pytest.mark.parametrize("front, line", [
    ("---\ntitle: A\nkind: official\n  publisher: X\n---\n", 4),  # indented key: mapping values not allowed
    ("---\ntitle: \"A\nkind: official\n---\n", 3),  # unclosed quote
    ("---\ntitle: A\n\tkind: official\n---\n", 3),  # a tab where indentation is expected
])
def test_yaml_errors_name_the_line_the_pure_parser_names(tmp_path, front, line):
    path = tmp_path / "doc.txt"
    path.write_text(front + "Some text.\n", encoding="utf-8")
    find_error(collect([tmp_path]).errors, tmp_path, "doc.txt", line, "not valid YAML")


# --- trusting unchanged files by size and mtime, as `git status` does ----------------------------

OLD_NS = 1_700_000_000 * 10**9  # an mtime long before any collect in these tests


def _write_old(path: Path, text: str) -> None:
    """Write `text` and set the file's mtime well in the past, so its stat may be trusted."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(OLD_NS, OLD_NS))


def _recorded(tmp_path: Path, text: str) -> tuple[Path, dict]:
    """A front-matter file written long ago, and what `remember` records of it, with a title
    changed in the record only: a document carrying that title came from the record."""
    path = tmp_path / "doc.txt"
    _write_old(path, text)
    (doc,) = collect([tmp_path]).documents
    known = remember([doc])
    known[doc.path]["meta"] = dict(doc.meta, title="As Recorded")
    return path, known


def test_the_record_holds_size_and_mtime_beside_the_hash(tmp_path):
    path, known = _recorded(tmp_path, "---\ntitle: A\nkind: official\n---\nSome text.\n")
    (entry,) = known.values()
    assert (entry["size"], entry["mtime_ns"]) == (path.stat().st_size, OLD_NS) and len(entry["sha256"]) == 64


def test_a_file_with_the_recorded_size_and_mtime_is_trusted_without_being_read(tmp_path, monkeypatch):
    path, known = _recorded(tmp_path, "---\ntitle: A\nkind: official\n---\nSome text.\n")
    # Known limitation, as in git: a rewrite that keeps the size and sets the old mtime back
    # (os.utime here; `touch -d`, `cp -p`, `rsync -t` or unpacking an archive can too) goes
    # unnoticed until the file's size or mtime change again.
    _write_old(path, "---\ntitle: B\nkind: official\n---\nSome text.\n")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    (doc,) = collect([tmp_path], known=known).documents
    assert doc.meta["title"] == "As Recorded" and doc.body is None


def test_a_file_whose_size_changed_is_read_again(tmp_path):
    path, known = _recorded(tmp_path, "---\ntitle: A\nkind: official\n---\nSome text.\n")
    _write_old(path, "---\ntitle: B\nkind: official\n---\nSome longer text.\n")  # same mtime
    (doc,) = collect([tmp_path], known=known).documents
    assert doc.meta["title"] == "B" and doc.body.strip() == "Some longer text."


def test_a_file_whose_mtime_changed_is_hashed_and_its_record_kept_when_the_bytes_are_the_same(tmp_path):
    path, known = _recorded(tmp_path, "---\ntitle: A\nkind: official\n---\nSome text.\n")
    os.utime(path, ns=(OLD_NS + 10**9, OLD_NS + 10**9))  # touched, not edited
    (doc,) = collect([tmp_path], known=known).documents
    assert doc.meta["title"] == "As Recorded"
    assert remember([doc])[doc.path]["mtime_ns"] == OLD_NS + 10**9  # trusted by stat next time
    _write_old(path, "---\ntitle: B\nkind: official\n---\nSome text.\n")
    os.utime(path, ns=(OLD_NS + 2 * 10**9, OLD_NS + 2 * 10**9))  # edited, same size
    (doc,) = collect([tmp_path], known=known).documents
    assert doc.meta["title"] == "B"


def test_an_older_record_without_size_and_mtime_is_hashed(tmp_path):
    path, known = _recorded(tmp_path, "---\ntitle: A\nkind: official\n---\nSome text.\n")
    for entry in known.values():  # as sources.json was written before sizes and mtimes
        del entry["size"], entry["mtime_ns"]
    (doc,) = collect([tmp_path], known=known).documents
    assert doc.meta["title"] == "As Recorded" and remember([doc])[doc.path]["mtime_ns"] == OLD_NS
    _write_old(path, "---\ntitle: B\nkind: official\n---\nSome text.\n")  # same size and mtime
    (doc,) = collect([tmp_path], known=known).documents
    assert doc.meta["title"] == "B"


def test_an_older_sources_json_is_still_loaded_and_hashed(tmp_path):
    path, known = _recorded(tmp_path, "---\ntitle: A\nkind: official\n---\nSome text.\n")
    for entry in known.values():
        del entry["size"], entry["mtime_ns"]
    record = tmp_path / "sources.json"
    record.write_text(json.dumps({"tag": f"{READ_RULES}:7", "files": known}, indent=2), encoding="utf-8")
    assert load_known(record, "8") == {}  # another pipeline: nothing
    loaded = load_known(record, "7")
    (doc,) = collect([tmp_path], known=loaded).documents
    assert doc.meta["title"] == "As Recorded"
    save_known(record, [doc], "7")
    assert load_known(record, "7")[str(path)]["mtime_ns"] == OLD_NS


def test_a_file_modified_just_now_is_not_trusted_by_its_stat(tmp_path):
    # Its mtime could be shared by a rewrite later in the same clock tick (git's "racy" files).
    path = tmp_path / "doc.txt"
    path.write_text("---\ntitle: A\nkind: official\n---\nSome text.\n", encoding="utf-8")
    (doc,) = collect([tmp_path]).documents
    known = remember([doc])
    assert "mtime_ns" not in known[doc.path]
    path.write_text("---\ntitle: B\nkind: official\n---\nSome text.\n", encoding="utf-8")
    (doc,) = collect([tmp_path], known=known).documents
    assert doc.meta["title"] == "B"


def test_a_trusted_file_over_the_size_limit_is_still_refused(tmp_path):
    path, known = _recorded(tmp_path, "---\ntitle: A\nkind: official\n---\nSome text.\n")
    errors = collect([tmp_path], max_bytes=10, known=known).errors
    find_error(errors, tmp_path, "doc.txt", None, "over the 10-byte limit")


def test_manifest_files_are_read_and_checked_with_a_record_of_the_other_files(tmp_path):
    _write_old(tmp_path / "doc.txt", "---\ntitle: A\nkind: official\n---\nSome text.\n")
    _write_old(tmp_path / "text.txt", "First line.\nSecond line.\n")
    manifest = '[[document]]\nslug = "from-manifest"\ntitle = "M"\nkind = "official"\nfile = "text.txt"\n'
    (tmp_path / "manifest.toml").write_text(manifest + "lines = [2, 2]\n", encoding="utf-8")
    first = collect([tmp_path])
    known = remember(first.documents)
    assert list(known) == [str(tmp_path / "doc.txt")]  # the manifest's file is not recorded
    _write_old(tmp_path / "text.txt", "First line.\nChanged line.\n")
    again = {d.slug: d for d in collect([tmp_path], known=known).documents}
    assert again["from-manifest"].body == "Changed line." and again["doc"].body is None
    _write_old(tmp_path / "text.txt", "Only line.\n")
    find_error(collect([tmp_path], known=known).errors, tmp_path, "manifest.toml", 6,
               "'lines' [2, 2] is outside the file, which has 1 lines")


def test_expand_orders_paths_as_path_objects_sort(tmp_path):
    for name in ("a/x.txt", "a-b/x.txt", "a.txt", "a/b/y.md", "a/manifest.toml", "B.TXT", ".hidden.txt", "c.dat"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    manifests, texts, errors = expand([tmp_path])
    assert manifests == [tmp_path.resolve() / "a" / "manifest.toml"] and errors == []
    assert texts == sorted(texts) and [p.relative_to(tmp_path.resolve()).as_posix() for p in texts] == [
        "B.TXT", "a/b/y.md", "a/x.txt", "a-b/x.txt", "a.txt"]
