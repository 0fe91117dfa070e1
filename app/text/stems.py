"""Word stems as the index's `text` field makes them, one word at a time."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import StemFilter, StemmingAnalyzer, StopFilter
from whoosh.lang.porter import stem

# The `text` field's analyzer (StemmingAnalyzer with its defaults; see app.index.schema.make_schema).
_STEMMER = StemmingAnalyzer()
_STOPS = next(f for f in _STEMMER.items if isinstance(f, StopFilter))
_STEMS = next(f for f in _STEMMER.items if isinstance(f, StemFilter))
# The analyzer's stemmer is Whoosh's Porter stemmer unless a later Whoosh changes its default;
# then every word goes through the analyzer itself.
_PORTER = _STEMS.stemfn is stem and not _STEMS.lang
_ONE_TOKEN = re.compile(r"\w+")  # the analyzer's tokenizer takes such a string whole


@lru_cache(maxsize=200_000)
def word_stem(word: str) -> str | None:
    """The stem of one word as the `text` field indexes it, or None for a stop word."""
    if _PORTER and _ONE_TOKEN.fullmatch(word):
        # The analyzer's own steps, without building its token stream for one word.
        w = word.lower()
        if len(w) < _STOPS.min or (_STOPS.max is not None and len(w) > _STOPS.max) or w in _STOPS.stops:
            return None
        return w if w in _STEMS.ignore else stem(w)
    toks = [t.text for t in _STEMMER(word)]
    return toks[0] if toks else None


def stem_line(normalised: str) -> str:
    """The stems of a normalised text's words, stop words left out, space-separated."""
    return " ".join(s for w in normalised.split() if (s := word_stem(w)))
