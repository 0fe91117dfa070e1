"""The WordNet table shipped in the package: present, loaded fast, and knowing what the meaning check asks."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from app.text import lexicon as lexicon_module
from app.text.lexicon import lexicon


def test_the_table_and_wordnets_licence_ship_in_the_package():
    data = resources.files("app.text").joinpath("data")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in data.joinpath("WORDNET-LICENSE").read_text()
    text = gzip.decompress(data.joinpath("lexicon.tsv.gz").read_bytes()).decode("utf-8")
    assert "WORDNET-LICENSE" in text.splitlines()[0]
    lex = lexicon_module.read_table(text)
    assert len(lex.synsets) > 50_000 and len(lex.antonyms) > 10_000


def test_the_build_scripts_lines_read_back_as_the_same_table():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "build_lexicon.py"
    spec = importlib.util.spec_from_file_location("build_lexicon", path)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    table = {"source": "WordNet 3.0, see WORDNET-LICENSE", "synsets": {"rapid": [7, 9], "fast": [9]},
             "antonyms": [["rapid", "slow"]], "derived": [["rapid", "rapidly"]], "exceptions": {"went": "go"}}
    lex = lexicon_module.read_table(build.encode(table).decode("utf-8"))
    assert lex.synonyms("rapid", "fast") and not lex.synonyms("rapid", "went")
    assert lex.opposites("slow", "rapid") and lex.related_forms("rapidly", "rapid")
    assert lex.lemmas("went") == {"went", "go"}


def test_it_is_read_once_per_process():
    lexicon_module.lexicon.cache_clear()
    lex = lexicon()  # read on the first close match, then kept
    assert lexicon() is lex


@pytest.mark.parametrize("a, b", [
    ("strengthen", "weaken"), ("developing", "developed"), ("necessary", "unnecessary"), ("north", "south"),
    ("great", "little"), ("rural", "urban"), ("increase", "decrease"), ("import", "export"),
    ("domestic", "foreign"), ("slow", "rapid"), ("better", "worse"), ("strengthening", "weakening"),
])
def test_known_opposites(a, b):
    assert lexicon().opposites(a, b) and lexicon().opposites(b, a)


@pytest.mark.parametrize("a, b", [
    ("promote", "encourage"), ("guarantee", "ensure"), ("employ", "hire"), ("capacity", "capability"),
])
def test_known_synonyms(a, b):
    assert lexicon().synonyms(a, b) and not lexicon().opposites(a, b)


@pytest.mark.parametrize("a, b", [("rapidly", "rapid"), ("went", "go"), ("decide", "decision"), ("regulation", "regulate"),
                                  ("stopped", "stop")])
def test_known_forms_of_one_word(a, b):
    assert lexicon().related_forms(a, b)


@pytest.mark.parametrize("a, b", [("strengthen", "close"), ("network", "customer"), ("employment", "housing"),
                                  ("own", "foreign")])
def test_unrelated_words_are_neither(a, b):
    lex = lexicon()
    assert not lex.synonyms(a, b) and not lex.related_forms(a, b)


def test_the_compact_table_answers_as_the_plain_lines_do():
    data = resources.files("app.text").joinpath("data/lexicon.tsv.gz").read_bytes()
    lines = [line.split("\t") for line in gzip.decompress(data).decode("utf-8").splitlines() if not line.startswith("#")]
    lex = lexicon()
    synsets = {a: tuple(int(n) for n in b.split()) for tag, a, b in lines if tag == "s"}
    assert len(lex.synsets) == len(synsets)
    assert all(lex.synsets.get(word) == numbers for word, numbers in synsets.items())
    assert lex.synsets.get("no-such-word") == () and "no-such-word" not in lex.synsets
    for tag, pairs in (("a", lex.antonyms), ("d", lex.derived)):
        plain = {(a, b) for t, a, b in lines if t == tag}
        assert set(pairs) == plain and len(pairs) == len(plain)
        assert all(pair in pairs for pair in plain) and ("slow", "no-such-word") not in pairs
    assert lex.exceptions == {a: b for tag, a, b in lines if tag == "e"}
