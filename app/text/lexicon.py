"""What WordNet knows about two words: synonyms, opposites, derived forms and base forms.

The table (data/lexicon.tsv.gz, built from WordNet's files by scripts/build_lexicon.py, with
WordNet's licence beside it) ships inside the package: nothing is downloaded at run time. It is
read once, on first use, line by line into tuples of shared strings and numbers, because every web
worker and ingest keeps it for its whole life.
"""

from __future__ import annotations

import gzip
import io
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

# WordNet's "morphy" detachment rules: an inflected ending and what replaces it.
_DETACH = (
    ("ies", "y"), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
    ("es", "e"), ("es", ""), ("s", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
    ("er", ""), ("est", ""), ("er", "e"), ("est", "e"), ("ier", "y"), ("iest", "y"),
)


_LEMMAS_KEPT = 200_000  # words whose lemmas are remembered (a bound on the memory they take)


@dataclass(frozen=True)
class Lexicon:
    synsets: dict[str, tuple[int, ...]]
    antonyms: frozenset[tuple[str, str]]
    derived: frozenset[tuple[str, str]]
    exceptions: dict[str, str]
    # word -> lemmas: a quote's words are asked about once per candidate, a corpus's once per use
    _lemmas: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def known(self, word: str) -> bool:
        return bool(self.lemmas(word) & self.synsets.keys())

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
    return read_table(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="utf-8"))


def read_table(lines) -> Lexicon:
    """A Lexicon from the table's lines (the format scripts/build_lexicon.py writes)."""
    intern = sys.intern
    numbers: dict[int, int] = {}  # a synset shared by several words is one int object
    synsets: dict[str, tuple[int, ...]] = {}
    antonyms, derived, exceptions = set(), set(), {}
    for line in lines:
        if line.startswith("#"):
            continue
        tag, a, b = line.rstrip("\n").split("\t")
        if tag == "s":
            synsets[intern(a)] = tuple(numbers.setdefault(n, n) for n in map(int, b.split()))
        elif tag == "a":
            antonyms.add((intern(a), intern(b)))
        elif tag == "d":
            derived.add((intern(a), intern(b)))
        elif tag == "e":
            exceptions[intern(a)] = intern(b)
    return Lexicon(synsets=synsets, antonyms=frozenset(antonyms), derived=frozenset(derived), exceptions=exceptions)
