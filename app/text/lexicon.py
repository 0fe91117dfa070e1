"""What WordNet knows about two words: synonyms, opposites, derived forms and base forms.

The table (data/lexicon.tsv.gz, built from WordNet's files by scripts/build_lexicon.py, with
WordNet's licence beside it) ships inside the package: nothing is downloaded at run time. It is
read once, on first use, into tries (marisa-trie) and flat arrays of numbers, because every web
worker and ingest keeps it for its whole life: about 3 MB, where dicts and sets of its strings took 30.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Callable, Iterator

import marisa_trie
import numpy as np

# WordNet's "morphy" detachment rules: an inflected ending and what replaces it.
_DETACH = (
    ("ies", "y"), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
    ("es", "e"), ("es", ""), ("s", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
    ("er", ""), ("est", ""), ("er", "e"), ("est", "e"), ("ier", "y"), ("iest", "y"),
)


_LEMMAS_KEPT = 200_000  # words whose lemmas are remembered (a bound on the memory they take)


class Synsets:
    """word -> its synset numbers, read-only: a trie of the words and one array of numbers."""

    __slots__ = ("_trie", "_start", "_ids")

    def __init__(self, entries: Callable[[], Iterator[tuple[str, str]]]):
        """`entries()`: each word and its synset numbers as the table writes them ("12 40"),
        read three times so that no Python object is kept per word or number while building."""
        self._trie = marisa_trie.Trie(word for word, _ in entries())
        counts = np.zeros(len(self._trie) + 1, dtype=np.int64)
        for word, numbers in entries():
            counts[self._trie[word] + 1] = numbers.count(" ") + 1
        self._start = np.cumsum(counts)
        self._ids = np.zeros(int(self._start[-1]), dtype=np.uint32)
        for word, numbers in entries():
            at = self._start[self._trie[word]]
            row = numbers.split()
            self._ids[at:at + len(row)] = row

    def get(self, word: str, default: tuple = ()) -> tuple[int, ...]:
        i = self._trie.get(word)
        return default if i is None else tuple(self._ids[self._start[i]:self._start[i + 1]].tolist())

    def __contains__(self, word: str) -> bool:
        return word in self._trie

    def __len__(self) -> int:
        return len(self._trie)


class Pairs:
    """A read-only set of word pairs, kept in a trie of "a<TAB>b" keys."""

    __slots__ = ("_trie",)

    def __init__(self, pairs):
        self._trie = marisa_trie.Trie(f"{a}\t{b}" for a, b in pairs)

    def __contains__(self, pair: tuple[str, str]) -> bool:
        return f"{pair[0]}\t{pair[1]}" in self._trie

    def __iter__(self):
        return (tuple(key.split("\t")) for key in self._trie.iterkeys())

    def __len__(self) -> int:
        return len(self._trie)


@dataclass(frozen=True)
class Lexicon:
    synsets: Synsets
    antonyms: Pairs
    derived: Pairs
    exceptions: dict[str, str]
    # word -> lemmas: a quote's words are asked about once per candidate, a corpus's once per use
    _lemmas: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def known(self, word: str) -> bool:
        return any(w in self.synsets for w in self.lemmas(word))

    def lemmas(self, word: str) -> frozenset[str]:
        """The word and the base forms WordNet knows for it ("developing": itself and "develop")."""
        try:
            return self._lemmas[word]
        except KeyError:
            if len(self._lemmas) >= _LEMMAS_KEPT:
                self._lemmas.clear()
            found = self._lemmas[word] = frozenset(self._base_forms(word))
            return found

    def _base_forms(self, word: str) -> set[str]:
        out = {word}
        if word in self.exceptions:
            out.add(self.exceptions[word])
        for end, new in _DETACH:
            if word.endswith(end) and len(word) > len(end) + 1:
                base = word[: -len(end)] + new
                if base in self.synsets:
                    out.add(base)
                elif new == "" and len(base) > 2 and base[-1] == base[-2] and base[:-1] in self.synsets:
                    out.add(base[:-1])  # a doubled consonant: "stopped", "planning"
        return out

    def synonyms(self, a: str, b: str) -> bool:
        """Do the two words (or their base forms) share a WordNet synset?"""
        sa = {i for w in self.lemmas(a) for i in self.synsets.get(w, ())}
        return any(i in sa for w in self.lemmas(b) for i in self.synsets.get(w, ()))

    def opposites(self, a: str, b: str) -> bool:
        """Does WordNet call the two words (or their base forms) antonyms?"""
        la, lb = self.lemmas(a), self.lemmas(b)
        return any((x, y) in self.antonyms or (y, x) in self.antonyms for x in la for y in lb)

    def related_forms(self, a: str, b: str) -> bool:
        """The same word in another form: a shared base form, or a derivation ("strong", "strength")."""
        la, lb = self.lemmas(a), self.lemmas(b)
        return bool(la & lb) or any((x, y) in self.derived or (y, x) in self.derived for x in la for y in lb)


@cache
def lexicon() -> Lexicon:
    raw = resources.files("app.text").joinpath("data/lexicon.tsv.gz").read_bytes()
    return read_table(gzip.decompress(raw).decode("utf-8"))


_ROWS = {tag: re.compile(rf"^{tag}\t([^\t\n]*)\t([^\n]*)$", re.M) for tag in "sade"}


def read_table(text: str) -> Lexicon:
    """A Lexicon from the table's text (the format scripts/build_lexicon.py writes)."""
    def rows(tag: str) -> Iterator[tuple[str, str]]:
        return (m.groups() for m in _ROWS[tag].finditer(text))

    return Lexicon(synsets=Synsets(lambda: rows("s")), antonyms=Pairs(rows("a")), derived=Pairs(rows("d")),
                   exceptions=dict(rows("e")))
