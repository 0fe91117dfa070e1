"""app.text.stems stems a word as the index's `text` field does, without running its analyzer."""

from __future__ import annotations

import pytest

from app.index.schema import make_schema
from app.text.normalize import normalize
from app.text.stems import stem_line, word_stem
from app.text.zh import has_han
from tests.helpers import SEEDS, TEST_DATA

ANALYZER = make_schema()["text"].analyzer


def _texts() -> list[str]:
    """Every seed and test data file's text."""
    paths = sorted(SEEDS.glob("*.txt")) + sorted(p for p in TEST_DATA.rglob("*") if p.is_file())
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths if p.suffix in (".txt", ".md", ".toml")]


@pytest.fixture(scope="module")
def words() -> list[str]:
    """Each distinct word of the data files: normalised (as stem_line gets them) and as written."""
    found: set[str] = set()
    for text in _texts():
        found.update(normalize(text).split())
        found.update(text.split())  # punctuation and capitals included: the analyzer's own path
    return sorted(found)


def test_every_word_of_the_data_files_stems_as_the_text_field_indexes_it(words):
    assert len(words) > 2000
    for word in words:
        if has_han(word):
            continue  # Chinese is segmented by jieba, sentence by sentence (app.index.schema.completed)
        tokens = [t.text for t in ANALYZER(word)]
        assert word_stem(word) == (tokens[0] if tokens else None), word
    assert word_stem("regulations") == "regul" and word_stem("the") is None


def test_a_normalised_line_has_the_stems_the_text_field_indexes():
    for text in _texts():
        for line in text.splitlines():
            if has_han(line):
                continue  # as above
            plain = normalize(line)
            assert stem_line(plain) == " ".join(t.text for t in ANALYZER(plain)), line
