"""`language` as a BCP 47 tag and `translation_of`, checked with file and line like every key."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ingest.sources import collect


def write(folder: Path, name: str, **meta) -> None:
    lines = ["---", "title: A document", "kind: official"] + [f"{k}: {v}" for k, v in meta.items()] + ["---", "Text."]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def problems(folder: Path) -> list[str]:
    return [f"{Path(e.path).name}:{e.line}: {e.message}" for e in collect([folder]).errors]


@pytest.mark.parametrize("tag, stored", [("zh", "zh"), ("zh-hant", "zh-Hant"), ("ZH-hans-cn", "zh-Hans-CN"),
                                         ("en", "en"), ("de-CH-1996", "de-CH-1996"), ("pt-BR", "pt-BR")])
def test_language_tags_are_stored_in_their_registered_case(tmp_path, tag, stored):
    write(tmp_path, "a.md", language=tag)
    (doc,) = collect([tmp_path]).documents
    assert doc.meta["language"] == stored


@pytest.mark.parametrize("tag", ["chinese", "zh_CN", "e", "zh-Hant-", "'zh Hant'"])
def test_a_language_that_is_no_tag_is_refused_naming_file_and_line(tmp_path, tag):
    write(tmp_path, "a.md", language=tag)
    (message,) = problems(tmp_path)
    assert message.startswith("a.md:4: 'language' must be a BCP 47 language tag")


def test_a_translation_names_an_original_in_the_sources(tmp_path):
    write(tmp_path, "orig.md", language="zh")
    write(tmp_path, "en.md", language="en", translation_of="orig")
    write(tmp_path, "fr.md", language="fr", translation_of="orig")
    docs = collect([tmp_path])
    assert not docs.errors
    assert {d.slug: d.meta["translation_of"] for d in docs.documents} == {"orig": None, "en": "orig", "fr": "orig"}


def test_a_missing_original_a_chain_and_a_self_translation_are_refused(tmp_path):
    write(tmp_path, "orig.md", language="zh")
    write(tmp_path, "en.md", translation_of="orig")
    write(tmp_path, "de.md", translation_of="en")  # a translation of a translation
    write(tmp_path, "fr.md", translation_of="nowhere")
    write(tmp_path, "self.md", translation_of="self")
    got = problems(tmp_path)
    assert "de.md:4: translation_of names 'en', which is itself a translation (of 'orig'); name the original" in got
    assert "fr.md:4: translation_of names 'nowhere', which is not a valid document in the sources" in got
    assert any(m.startswith("self.md:4: a document cannot be a translation of itself") for m in got)
    assert len(got) == 3
