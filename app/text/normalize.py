"""One normalisation for quotes and stored text, so a pasted quote compares like for like."""

from __future__ import annotations

import re
import unicodedata

from app.text import zh

# Apostrophes of every style join the word ("China’s" and "China's" both become "chinas").
_APOSTROPHES = re.compile(r"['‘’‛′`´ʼ]")
# Anything that is not a letter or digit separates words: dashes, hyphens, quotes, brackets.
_NON_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces; punctuation, quote and dash styles erased."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    if zh.has_han(text):
        text = zh.fold(text)  # Traditional as Simplified, each Han character a word (see app.text.zh)
    return _NON_WORD.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The normalised words of a text."""
    return normalize(text).split()
