"""jieba's dictionary as a compact read-only trie: the same words, a small part of the memory.

jieba holds its dictionary as a Python dict of every word and every prefix of a word, about half
a million entries and 65 MB in every process that cuts Chinese: each web worker once a Chinese
query arrives, each ingest worker. The same words and frequencies in a MARISA trie (marisa-trie)
take about 3 MB. The trie is built once from jieba's own dict.txt and kept in the user's cache
directory, so later processes read it in milliseconds instead of building it.

The trie answers what jieba asks of its dict (is this a prefix of a word, what is this word's
frequency), and finds every word that starts at a position in one call, which replaces jieba's
loop over growing prefixes (`get_DAG`) and the frequency look-ups of its best route (`calc`).
Those two methods are jieba internals, so the trie is used only with the jieba version they were
read from (`JIEBA_VERSION`); with any other version, or without marisa-trie, jieba's own
tokenizer cuts the text: the same words, with jieba's memory.
"""

from __future__ import annotations

import array
import hashlib
import logging
import os
import struct
import tempfile
from functools import lru_cache
from importlib.metadata import version
from math import log
from pathlib import Path

log_ = logging.getLogger(__name__)

JIEBA_VERSION = "0.42.1"  # the release whose get_DAG and calc are replaced here
_MAGIC = b"PAJIEBA1"
_HEADER = struct.Struct("<8sQII")  # magic, total frequency, longest word, number of words


class Words:
    """jieba's dictionary in a trie: what jieba's FREQ dict answers, without the prefixes stored."""

    __slots__ = ("trie", "freqs", "total", "longest")

    def __init__(self, trie, freqs: array.array, total: int, longest: int):
        self.trie, self.freqs, self.total, self.longest = trie, freqs, total, longest

    # jieba's dict holds each word's frequency and a 0 for each prefix of a word; words of
    # frequency 0 are left out of the trie, which gives the same answers to jieba's uses
    # (`FREQ.get(w)` is only ever tested for truth).
    def get(self, key: str, default=None):
        i = self.trie.get(key)
        if i is not None:
            return self.freqs[i]
        return 0 if key in self else default

    def __getitem__(self, key: str) -> int:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: str) -> bool:
        # Is `key` a word or the prefix of one (the empty string is neither, as in jieba's dict)?
        return bool(key) and next(self.trie.iterkeys(key), None) is not None

    def to_bytes(self) -> bytes:
        header = _HEADER.pack(_MAGIC, self.total, self.longest, len(self.freqs))
        return header + self.freqs.tobytes() + self.trie.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Words:
        import marisa_trie

        magic, total, longest, n = _HEADER.unpack_from(data)
        if magic != _MAGIC:
            raise ValueError("not a policy-archive jieba trie")
        freqs = array.array("I")
        freqs.frombytes(data[_HEADER.size:_HEADER.size + 4 * n])
        trie = marisa_trie.Trie().frombytes(data[_HEADER.size + 4 * n:])
        if len(freqs) != n or len(trie) != n:
            raise ValueError("truncated jieba trie")
        return cls(trie, freqs, total, longest)


def _entries(path: Path):
    """(word, frequency) of each line of a jieba dictionary, as jieba's gen_pfdict reads them."""
    with open(path, "rb") as f:
        for lineno, line in enumerate(f, 1):
            try:
                word, freq = line.strip().decode("utf-8").split(" ")[:2]
                yield word, int(freq)
            except ValueError:
                raise ValueError(f"invalid dictionary entry in {path} at line {lineno}") from None


def build(path: Path) -> Words:
    """The trie of a jieba dictionary file. Two passes over the file, so no dict of it is held."""
    import marisa_trie

    trie = marisa_trie.Trie(word for word, freq in _entries(path) if freq)
    freqs = array.array("I", bytes(4 * len(trie)))
    total = longest = 0
    for word, freq in _entries(path):
        total += freq  # jieba counts a repeated word's every line in the total, and so do we
        if freq:
            freqs[trie[word]] = freq  # and its last line's frequency wins
            longest = max(longest, len(word))
    return Words(trie, freqs, total, longest)


def cache_dir() -> Path:
    """Where the built trie is kept: $POLICY_ARCHIVE_CACHE_DIR, else the user's cache directory."""
    if os.environ.get("POLICY_ARCHIVE_CACHE_DIR"):
        return Path(os.environ["POLICY_ARCHIVE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except (RuntimeError, KeyError):  # no home directory (a service user): the system's temp folder
            base = tempfile.gettempdir()
    return Path(base) / "policy-archive"


def load(path: Path, directory: Path) -> Words:
    """The trie of dictionary `path`, from the cache in `directory` when it holds a sound one for
    this very file and marisa-trie release, else built (and written there when it can be)."""
    with open(path, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()[:16]
    cached = directory / f"jieba-{digest}-marisa{version('marisa-trie')}.trie"
    try:
        return Words.from_bytes(cached.read_bytes())
    except FileNotFoundError:
        pass
    except (ValueError, struct.error, RuntimeError, OSError) as exc:
        log_.warning("rebuilding the unreadable jieba trie %s (%s)", cached, exc)
    words = build(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a process reading it never sees half a file.
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".part") as tmp:
            tmp.write(words.to_bytes())
        os.replace(tmp.name, cached)
    except OSError as exc:
        log_.info("jieba trie kept in memory only: %s is not writable (%s)", directory, exc)
    return words


def trie_tokenizer(words: Words):
    """A jieba Tokenizer that reads `words` instead of jieba's dict of every prefix."""
    import jieba

    class TrieTokenizer(jieba.Tokenizer):
        def __init__(self):
            super().__init__()
            self.FREQ, self.total, self.initialized = words, words.total, True

        def get_DAG(self, sentence):  # noqa: N802 (jieba's name)
            # jieba's DAG: for each position, the end of every word starting there (or the
            # position itself). With it, each word's log frequency, which calc then reads.
            prefixes, freqs, longest = words.trie.iter_prefixes_with_ids, words.freqs, words.longest
            dag = _Dag()
            logp = dag.logp = {}
            for k in range(len(sentence)):
                ends = []
                for word, i in prefixes(sentence[k:k + longest]):
                    end = k + len(word) - 1
                    ends.append(end)
                    logp[k, end] = log(freqs[i])
                dag[k] = ends or [k]
            return dag

        def calc(self, sentence, DAG, route):  # noqa: N803 (jieba's signature)
            n = len(sentence)
            route[n] = (0, 0)
            logtotal = log(self.total)
            logp = DAG.logp
            for idx in range(n - 1, -1, -1):
                # A position with no word is a single character, whose frequency jieba takes as 1.
                route[idx] = max(
                    (logp.get((idx, x), 0.0) - logtotal + route[x + 1][0], x) for x in DAG[idx]
                )

    return TrieTokenizer()


class _Dag(dict):
    """jieba's DAG (a dict of position → word ends), carrying the words' log frequencies."""

    __slots__ = ("logp",)


@lru_cache(maxsize=1)
def tokenizer():
    """The tokenizer the archive cuts Chinese with: the trie one where this jieba allows it."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    if jieba.__version__ != JIEBA_VERSION:
        log_.info("jieba %s, not %s: using jieba's own dictionary", jieba.__version__, JIEBA_VERSION)
        return jieba.dt
    try:
        import marisa_trie  # noqa: F401
    except ImportError:
        return jieba.dt
    f = jieba.dt.get_dict_file()
    f.close()
    try:
        return trie_tokenizer(load(Path(f.name), cache_dir()))
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, jieba's own dictionary cuts the same words
        log_.warning("jieba trie unavailable (%s): using jieba's own dictionary", exc)
        return jieba.dt
