"""The source-file store: bytes kept exactly, under their hash, written whole or not at all."""

from __future__ import annotations

import hashlib

import pytest

from app.store import blobs


def test_bytes_are_kept_unaltered_under_their_hash(tmp_path):
    data = b"%PDF-1.7\r\n\x00\xff binary \r\n"
    digest = blobs.keep(tmp_path, data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert blobs.kept(tmp_path, digest).read_bytes() == data


def test_a_wrong_hash_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(ValueError):
        blobs.keep(tmp_path, b"abc", "0" * 64)
    assert not blobs.blob_root(tmp_path).exists() or not any(blobs.blob_root(tmp_path).rglob("*0000*"))


def test_an_unknown_or_malformed_hash_is_not_found(tmp_path):
    assert blobs.kept(tmp_path, "a" * 64) is None
    assert blobs.kept(tmp_path, "../../etc/passwd") is None


def test_keeping_the_same_bytes_twice_leaves_one_file_and_no_temporary(tmp_path):
    blobs.keep(tmp_path, b"same")
    blobs.keep(tmp_path, b"same")
    files = [p for p in blobs.blob_root(tmp_path).rglob("*") if p.is_file()]
    assert len(files) == 1 and not files[0].name.startswith(".tmp-")
