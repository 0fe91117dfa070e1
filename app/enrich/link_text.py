"""Tokens of a unit as the aligner compares them: case-folded words, content stems, quoted spans."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from app.enrich.link_params import QUOTED_MIN_WORDS, STEM_LENGTH
from app.enrich.link_types import Unit
from app.text.cues import ABBREVIATION_RE, ABBREVIATIONS, REPORTING_VERBS, STOPWORDS, STRONG_INTERPRETIVE_RE

_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
ITEM_MARK_RE = re.compile(
    r"^\s*(?:\(\d{1,3}\)|\([a-zA-Z]\)|\d{1,3}[.)](?=\s)|[a-zA-Z]\)|[-*•·])\s*"
)  # the list markers app.text.segment recognises
_QUOTED_RE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")
_NOT_CONTENT = STOPWORDS | {v for v in REPORTING_VERBS if " " not in v}


def split_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("‘", "'")
    return _WORD_RE.findall(text)


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    # Keep at least 3 letters ("asked" -> "ask"); "-eed" words ("need", "speed") are not
    # "-ed" forms; "-ly" is cut from adverbs only ("actively", not "supply", "apply").
    for suffix, keep in (("ing", 3), ("ed", 3), ("ly", 5)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("eed"):
            word = word[: -len(suffix)]
            break
    return word[:STEM_LENGTH]


def is_content(word: str) -> bool:
    return word not in _NOT_CONTENT and not (word.isdigit() and len(word) < 3)


@dataclass
class Prep:
    unit: Unit
    words: list[str]  # all words, case-folded (for common runs)
    stems: frozenset[str]  # content stems
    stem_str: str  # the stems sorted and joined (for rapidfuzz)
    padded: str  # " w1 w2 ... " (for finding quoted spans)
    quotes: list[str]  # quotation-marked spans, as " w1 w2 ... " strings


def prepare(unit: Unit) -> Prep:
    return Prep(unit, *analyse(unit.text))


@functools.lru_cache(maxsize=1 << 14)
def analyse(text: str) -> tuple[list[str], frozenset[str], str, str, list[str]]:
    """Words, content stems and quotation-marked spans of one unit's text."""
    text = ITEM_MARK_RE.sub("", text, count=1)
    text = ABBREVIATION_RE.sub(lambda m: ABBREVIATIONS[" ".join(m.group().lower().split())], text)
    words = split_words(text)
    stems = frozenset(_stem(w) for w in words if is_content(w))
    quotes = []
    for m in _QUOTED_RE.finditer(text):
        q = split_words(m.group(1))
        if len(q) >= QUOTED_MIN_WORDS:
            quotes.append(" " + " ".join(q) + " ")
    return words, stems, " ".join(sorted(stems)), " " + " ".join(words) + " ", quotes


def prepare_commentary(unit: Unit) -> Prep:
    """A commentary unit's tokens without its stance phrases ("the right call", "a serious
    attempt", "likely"): they say how the writer judges, not what the judgement is about."""
    stripped = STRONG_INTERPRETIVE_RE.sub(" ", unit.text)
    if stripped == unit.text:
        return prepare(unit)
    _, stems, stem_str, _, _ = analyse(stripped)
    words, _, _, padded, quotes = analyse(unit.text)  # common runs and quotes: the whole text
    return Prep(unit, words, stems, stem_str, padded, quotes)
