"""Writing systems: which ones the archive holds text in, and which one a query is written in.

A query in a script the archive has no text in cannot match anything; the user should hear why
rather than be told to check their spelling. Scripts are named from the Unicode character
names (the first word of "CJK UNIFIED IDEOGRAPH-4EBA", "CYRILLIC SMALL LETTER A", ...), so every
script Unicode knows is recognised without a table of ranges.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Character-name prefixes that do not name the script as a reader would.
_NAMES = {
    "CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
    "BOPOMOFO": "Chinese", "IDEOGRAPHIC": "Chinese",
}


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str | None:
    """The script a letter is written in ("Latin", "Chinese", "Cyrillic", ...); None for a non-letter."""
    if ch.isascii():
        return "Latin" if ch.isalpha() else None
    if not unicodedata.category(ch).startswith("L"):
        return None  # digits, marks and symbols belong to no one script here
    name = unicodedata.name(ch, "")
    if not name:
        return None
    first = name.split()[0]
    return _NAMES.get(first, first.title())


def scripts_in(words: Iterable[str]) -> set[str]:
    """Every script the letters of `words` are written in (pure ASCII words cost one check)."""
    out: set[str] = set()
    for w in words:
        if w.isascii():
            if "Latin" not in out and any(c.isalpha() for c in w):
                out.add("Latin")
            continue
        for c in w:
            s = script_of(c)
            if s:
                out.add(s)
    return out


def missing_script_message(query_words: Iterable[str], archive_scripts: set[str]) -> str | None:
    """The message for a query written (partly) in a script the archive holds no text in."""
    missing = sorted(scripts_in(query_words) - archive_scripts)
    if not missing:
        return None
    named = " or ".join(missing)
    # Japanese kana next to ideographs is Japanese, not Chinese plus Japanese.
    if "Japanese" in missing and "Chinese" in missing:
        named = " or ".join(s for s in missing if s != "Chinese")
    if "Latin" in archive_scripts:
        return f"The archive has no {named} text yet; search in English, or add the original."
    return f"The archive has no {named} text yet; add the original to search it."
