"""The WordNet table shipped in the package: present, loaded fast, and knowing what the meaning check asks."""

from __future__ import annotations

import gzip
import json
from importlib import resources

import pytest

from app.text import lexicon as lexicon_module
from app.text.lexicon import lexicon


def test_the_table_and_wordnets_licence_ship_in_the_package():
    data = resources.files("app.text").joinpath("data")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in data.joinpath("WORDNET-LICENSE").read_text()
    table = json.loads(gzip.decompress(data.joinpath("lexicon.json.gz").read_bytes()))
    assert "WORDNET-LICENSE" in table["source"]
    assert len(table["synsets"]) > 50_000 and len(table["antonyms"]) > 10_000


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
