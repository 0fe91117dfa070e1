"""One official document's candidate formulations and sentences as 64-bit hashes, and its list of new ones.

A candidate formulation is a run of 2–5 consecutive words of one sentence, normalised as quote
search normalises (app.text.normalize), that starts and ends with a content word: a word outside
the general function-word lists the project already uses (app.text.cues.STOPWORDS and the index's
own stop list), not a bare number, and, in Chinese, a word as the index's jieba segmentation cuts
it outside its Chinese stop words (app.index.analysis.ZH_STOPS). So every run holds at least two
content words, and a run that only adds "of the" to an older one is not a new formulation. Runs
are word runs rather than noun phrases: a run is exactly what the phrase history (/phrases)
finds, needs no tagger, and works alike in every language the archive holds.

A run's hash is a polynomial hash of its normalised words (of its characters, in Chinese), so the
same words hash alike whichever way a segmenter cut them. A sentence also gets one, kept apart
from the runs' by a salt: the hash of all its normalised words, so two sentences share it when
they are the same once normalised as quote search normalises (case, punctuation, quote and dash
styles aside). "Said before" (app.store.novelty) tells an identical wording from such a near one
by the texts themselves.

Of the runs a document is the first to use (see app.enrich.novelty), the listed ones are ranked
longest first, then by the length of their content words (long words are the rarer ones), then by
where they come first, and picked so that no two overlap: a new run inside a longer one already
listed is left out (any longer run around a new run is new too), and the new words beside a
listed run that overlaps a longer new one still get their own shorter run.
How often a run recurs later plays no part: a formulation every later statement repeats is
listed as new where it first appears.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from whoosh.analysis import STOP_WORDS

from app.index.analysis import ZH_STOPS
from app.search.spans import word_spans
from app.text import zh
from app.text.cues import STOPWORDS
from app.text.normalize import normalize

MIN_WORDS, MAX_WORDS = 2, 5
MAX_LISTED = 30
SAID_MIN_CONTENT = 3  # a sentence of fewer content words repeated is not worth listing as said before
FUNCTION_WORDS = STOPWORDS | STOP_WORDS
_P = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_Q = pow(_P, -1, 1 << 64)
SENTENCE_SALT = np.uint64(0x5BD1E9955BD1E995)
_MARK = " 0novelty0sentence0break0 "  # joins a document's sentences for one normalize() call


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class Vocabulary:
    """Each word seen once: its hash, whether it is a content word, its length, whether it is one Han character."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.hash = np.zeros(1024, dtype=np.uint64)
        self.content = np.zeros(1024, dtype=bool)
        self.length = np.zeros(1024, dtype=np.int32)
        self.han = np.zeros(1024, dtype=bool)

    def _add(self, word: str, han: bool) -> int:
        i = len(self.ids)
        if i == len(self.hash):
            for name in ("hash", "content", "length", "han"):
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.zeros_like(arr)]))
        self.ids[word] = i
        self.hash[i] = _hash64(word)
        if han:  # a jieba word
            content = word not in ZH_STOPS
        else:
            content = len(word) > 1 and not word.isdigit() and word not in FUNCTION_WORDS
        self.content[i] = content
        self.length[i] = len(word)
        self.han[i] = han and len(word) == 1
        return i

    def id(self, word: str, han: bool = False) -> int:
        i = self.ids.get(word)
        return i if i is not None else self._add(word, han)


VOCABULARY = Vocabulary()


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and Q**(i+1) for i < n, wrapping modulo 2**64."""
    p = np.full(n + 1, _P, dtype=np.uint64)
    p[0] = 1
    q = np.full(n + 1, _Q, dtype=np.uint64)
    return np.cumprod(p), np.cumprod(q)


_PP, _QQ = _powers(4096)


def _tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    global _PP, _QQ
    if n >= len(_PP):
        _PP, _QQ = _powers(max(n + 1, 2 * len(_PP)))
    return _PP, _QQ


def _prefix(values: np.ndarray) -> np.ndarray:
    """G with (G[e] - G[s]) * P**e the polynomial hash of values[s:e] (uint64 arithmetic wraps)."""
    pp, qq = _tables(len(values))
    g = np.zeros(len(values) + 1, dtype=np.uint64)
    np.cumsum(values * qq[:len(values)], out=g[1:])
    return g


def _span_hash(g: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    return (g[e] - g[s]) * _PP[e]


@dataclass
class Runs:
    """One document's candidates: every run occurrence, and the sorted distinct hashes (runs and sentences)."""

    ids: list[str]  # sentence passage ids, reading order
    tokens: list[str]  # the normalised words of all sentences, one after the other
    han: np.ndarray  # per token: a Han character
    hashes: np.ndarray  # per run occurrence
    start: np.ndarray  # its first token
    end: np.ndarray  # one past its last token
    units: np.ndarray  # its words (jieba words in Chinese)
    weight: np.ndarray  # letters of its content words
    sentence: np.ndarray  # index into ids
    sentences: list[list] = field(default_factory=list)  # [passage id, sentence hash] (signed)
    distinct: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))


def _normalised(texts: list[str]) -> list[str]:
    """normalize() of each text, in one call where the joining mark survives (it always should)."""
    joined = normalize(_MARK.join(texts)).split(_MARK.strip())
    if len(joined) == len(texts):
        return joined
    return [normalize(t) for t in texts]


def _units(norm: str, vocab: Vocabulary, toks: list[int], units: list[int], bounds: list[int]) -> None:
    """Append a sentence's tokens (vocabulary ids), its units (ids) and each unit's first token."""
    words = norm.split()
    if not zh.has_han(norm):
        base = len(toks)
        ids = [vocab.id(w) for w in words]
        toks.extend(ids)
        units.extend(ids)
        bounds.extend(range(base, base + len(words)))
        return
    i = 0
    while i < len(words):
        if not zh.HAN_RE.fullmatch(words[i]):
            bounds.append(len(toks))
            units.append(vocab.id(words[i]))
            toks.append(units[-1])
            i += 1
            continue
        j = i
        while j < len(words) and zh.HAN_RE.fullmatch(words[j]):
            j += 1
        for w, s, _e in zh.words("".join(words[i:j])):  # offsets are characters, so tokens, of the run
            bounds.append(len(toks) + s)
            units.append(vocab.id(w, han=True))
        toks.extend(vocab.id(c, han=True) for c in words[i:j])
        i = j


def runs_of(passages: list[tuple[str, str]], vocab: Vocabulary = VOCABULARY) -> Runs:
    """The candidate runs and sentence hashes of a document's sentences [(passage id, text)]."""
    pids = [p for p, _ in passages]
    toks: list[int] = []
    unit_ids: list[int] = []
    bounds: list[int] = []
    unit_sentence: list[int] = []
    words: list[str] = []
    for n, norm in enumerate(_normalised([t for _, t in passages])):
        before = len(unit_ids)
        _units(norm, vocab, toks, unit_ids, bounds)
        words.extend(norm.split())
        unit_sentence.extend([n] * (len(unit_ids) - before))
    tid = np.asarray(toks, dtype=np.int64)
    han = vocab.han[tid]
    uid = np.asarray(unit_ids, dtype=np.int64)
    ub = np.asarray(bounds, dtype=np.int64)
    ue = np.append(ub[1:], len(toks)).astype(np.int64)  # every token is in a unit: one ends where the next begins
    usent = np.asarray(unit_sentence, dtype=np.int64)
    content = vocab.content[uid]
    g = _prefix(vocab.hash[tid])
    parts: dict[str, list] = {k: [] for k in ("s", "e", "k", "w", "n")}
    nu = len(uid)
    lcum = np.concatenate([[0], np.cumsum(np.where(content, vocab.length[uid], 0))])
    for k in range(MIN_WORDS, MAX_WORDS + 1):
        m = max(nu - k + 1, 0)
        ok = (usent[:m] == usent[k - 1:k - 1 + m]) & content[:m] & content[k - 1:k - 1 + m]
        i = np.nonzero(ok)[0]
        parts["k"].append(np.full(len(i), k))
        parts["s"].append(ub[i])
        parts["e"].append(ue[i + k - 1])
        parts["w"].append(lcum[i + k] - lcum[i])
        parts["n"].append(usent[i])
    cat = {key: np.concatenate(v).astype(np.int64) for key, v in parts.items()}
    hashes = _span_hash(g, cat["s"], cat["e"])
    out = Runs(pids, words, han, hashes, cat["s"], cat["e"], cat["k"], cat["w"], cat["n"])
    sent_hashes = _sentence_hashes(out, g, usent, ub, ue, content)
    out.distinct = np.unique(np.concatenate([hashes, sent_hashes]))
    return out


def _sentence_hashes(r: Runs, g, usent, ub, ue, content) -> np.ndarray:
    """Fill r.sentences ([id, hash] of sentences with enough content words); their hashes."""
    n = len(r.ids)
    if not len(usent):
        return np.zeros(0, dtype=np.uint64)
    first_unit = np.searchsorted(usent, np.arange(n), side="left")
    last_unit = np.searchsorted(usent, np.arange(n), side="right")
    has = last_unit > first_unit
    s_tok = np.where(has, ub[np.minimum(first_unit, len(ub) - 1)], 0)
    e_tok = np.where(has, ue[np.maximum(last_unit - 1, 0)], 0)
    whole = _span_hash(g, s_tok, e_tok) ^ SENTENCE_SALT
    ccum = np.concatenate([[0], np.cumsum(content)])
    keep = has & (ccum[last_unit] - ccum[first_unit] >= SAID_MIN_CONTENT)
    idx = np.nonzero(keep)[0]
    r.sentences = [[r.ids[i], h] for i, h in zip(idx.tolist(), whole[idx].view(np.int64).tolist())]
    return whole[idx]


def phrase_text(r: Runs, s: int, e: int) -> str:
    """The run's words as a phrase: Han characters side by side, other words spaced."""
    out = []
    for i in range(s, e):
        if out and not (r.han[i] and r.han[i - 1]):
            out.append(" ")
        out.append(r.tokens[i])
    return "".join(out)


def listed(r: Runs, first_here: np.ndarray, limit: int = MAX_LISTED) -> list[dict]:
    """The document's new formulations, most distinctive first: [{phrase, ids}] (module docstring).

    `first_here`: per run occurrence, whether this document is the first official one to use it."""
    pick = np.nonzero(first_here)[0]
    if not len(pick):
        return []
    order = pick[np.lexsort((r.start[pick], -r.weight[pick], -r.units[pick]))]
    taken = np.zeros(len(r.tokens) + 1, dtype=bool)
    chosen: list[int] = []
    seen: set[int] = set()
    for j in order.tolist():
        s, e = int(r.start[j]), int(r.end[j])
        h = int(r.hashes[j])
        if h in seen or taken[s:e].any():
            continue
        taken[s:e] = True
        seen.add(h)
        chosen.append(j)
        if len(chosen) >= limit:
            break
    hashes = r.hashes[chosen]
    where = np.isin(r.hashes, hashes)
    ids_of: dict[int, list[str]] = {}
    for h, sent in zip(r.hashes[where].tolist(), r.sentence[where].tolist()):
        lst = ids_of.setdefault(h, [])
        if r.ids[sent] not in lst:
            lst.append(r.ids[sent])
    return [{"phrase": phrase_text(r, int(r.start[j]), int(r.end[j])),
             "ids": sorted(ids_of[int(r.hashes[j])], key=r.ids.index)} for j in chosen]


def _placed(text: str) -> tuple[str, list[tuple[int, int]]] | None:
    """The text's normalised words padded with spaces, and each word's characters in the text."""
    norm = normalize(text)
    spans = word_spans(text, norm)
    return None if spans is None else (f" {norm} ", spans)


def _find(placed: tuple[str, list[tuple[int, int]]], phrase: str) -> list[tuple[int, int]]:
    """Character ranges where `phrase` (normalised, spaced as normalize() spaces it) runs."""
    padded, spans = placed
    needle = f" {phrase} "
    out = []
    at = padded.find(needle)
    while at >= 0:  # at: the space before the phrase's first word, one space before each word before it
        first = padded.count(" ", 0, at)
        out.append((spans[first][0], spans[first + phrase.count(" ")][1]))
        at = padded.find(needle, at + len(needle) - 1)
    return out


def merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def phrase_spans(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """Character ranges of `text` where one of `phrases` runs, merged where they touch."""
    placed = _placed(text)
    return [] if placed is None else merged([r for p in phrases for r in _find(placed, p)])


def with_marks(new: list[dict], texts: dict[str, str]) -> list[dict]:
    """`new` with each formulation's places in its sentences, "marks": [[passage id, start, end], …],
    found once at ingest so that a reader's render only cuts the text where they are."""
    placed: dict[str, tuple | None] = {}
    out = []
    for n in new:
        phrase = normalize(n["phrase"])
        marks = []
        for pid in n["ids"]:
            if pid not in placed:
                placed[pid] = _placed(texts[pid]) if pid in texts else None
            if placed[pid] is not None:
                marks += [[pid, a, b] for a, b in _find(placed[pid], phrase)]
        out.append({**n, "marks": marks})
    return out
