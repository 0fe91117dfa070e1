"""Words, stems and where they sit in the original text.

The index keeps each sentence's normalised text; snippets and diffs need the characters of the
original text each normalised word came from, which these functions find.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.searching import Searcher

from app.text.normalize import normalize
from app.text.zh import has_han as han

_APOSTROPHES = "'‘’‛′`´ʼ"


def plain_words(searcher: Searcher, text: str) -> list[str]:
    """The quote's words exactly as the `plain` field indexes them (normalised, all kept)."""
    return [t.text for t in searcher.schema["plain"].analyzer(normalize(text))]


def stems(searcher: Searcher, text: str) -> list[str]:
    """The stemmed content words of a text, as the `text` field indexes them (stop words dropped)."""
    return [t.text for t in searcher.schema["text"].analyzer(text)]


@lru_cache(maxsize=4096)
def _char_is_word(c: str) -> bool:
    """Part of a word for normalize(): letters and digits, apostrophes (dropped), combining marks."""
    return c in _APOSTROPHES or unicodedata.category(c).startswith("M") or bool(normalize(c))


_ASCII_WORD = re.compile(r"[A-Za-z0-9'`]+")  # what _char_is_word accepts among ASCII characters
_ASCII_LOOKALIKES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                                   "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def word_spans(text: str, norm: str | None = None) -> list[tuple[int, int]] | None:
    """Character span in `text` of each word of normalize(text), or None if they do not line up.

    `norm` is normalize(text) when the caller has it already (the index keeps it per sentence)."""
    spans: list[tuple[int, int]] = []
    words: list[str] = []
    # Most text is ASCII but for typographic quotes and dashes; swapped one for one (positions
    # kept), it takes one regex pass, where normalize() of a run is its lower case.
    probe = text if text.isascii() else text.translate(_ASCII_LOOKALIKES)
    if probe.isascii():
        for m in _ASCII_WORD.finditer(probe):
            word = m.group().replace("'", "").replace("`", "").lower()
            if word:
                spans.append(m.span())
                words.append(word)
        if words == (normalize(text) if norm is None else norm).split():
            return spans
        if probe is text:
            return None
    return word_spans_by_char(text, norm)


def word_spans_by_char(text: str, norm: str | None = None) -> list[tuple[int, int]] | None:
    """word_spans() for any text, one character at a time."""
    spans: list[tuple[int, int]] = []
    words: list[str] = []
    start = None

    def take(begin: int, end: int) -> None:
        for w in normalize(text[begin:end]).split():
            spans.append((begin, end))
            words.append(w)

    for i, c in enumerate(text + " "):
        if han(c):  # a word of its own, as normalize() spaces it (app.text.zh.spaced)
            if start is not None:
                take(start, i)
                start = None
            take(i, i + 1)
            continue
        if c.isalnum() or (i < len(text) and _char_is_word(c)):
            if start is None:
                start = i
        elif start is not None:
            take(start, i)
            start = None
    return spans if words == (normalize(text) if norm is None else norm).split() else None


def word_offsets(words: list[str]) -> list[int]:
    """Start of each word in " ".join(words)."""
    out, pos = [], 0
    for w in words:
        out.append(pos)
        pos += len(w) + 1
    return out
