"""Theme taxonomy (seeds/themes.toml) and the vocabulary classifier that themes passages.

Rules, in short:
- Text is cut into lower-case words, possessives and plurals folded ("universities" ->
  "university", "China's" -> "china"), and little words (of, and, the...) dropped.
- A keyword matches a word ("chip"), a prefix ("regulat*") or a sequence of those ("basic
  research"); each distinct keyword counts once per sentence, with its weight. A matched
  phrase claims its words: another theme's single-word keyword inside it does not count.
- classify: a theme is kept when its summed weight reaches the taxonomy threshold (default
  2.0: two plain keywords or one strong one), so procedural sentences get nothing. Score is
  1 - 0.5 ** (weight / threshold): 0.5 at the threshold, towards 1 with more evidence.
- assign_themes: a theme of a linked commentary passage is kept when the sentence has any
  vocabulary for it (a crossref can link a neighbouring sentence; one word of evidence keeps
  precision), plus every classifier theme.
- commentary_themes: every commentary sentence goes through the classifier; the theme its
  section heading names adds half the threshold to that theme's evidence, so a heading
  confirms one word of vocabulary but never themes a sentence that has none.
- app.enrich.taxonomy_context.in_paragraphs: a theme another sentence of the same paragraph
  reaches is kept for a sentence with one word of its vocabulary (source "paragraph").
- heading_theme: the theme whose slug, label and single-word keywords the heading shares
  most, each shared word counting 1 / (number of themes that have it) so "development"
  decides nothing and "AI" (every document's topic) never counts, plus the heading's own
  vocabulary evidence over the threshold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType

DEFAULT_THRESHOLD = 2.0
CROSSREF_MIN_SCORE = 0.5  # commentary says so: at least as sure as a bare classifier hit
_STOP = frozenset(
    """a an and are as at be been by for from has have in into is it its of on or s that the
    their this these those to was were which with all such various including across among
    up his her our we""".split()
)
# What every document in the archive is about: a heading word that names no theme.
_TOPIC = frozenset({"ai", "artificial", "intelligence"})
_WORD_RE = re.compile(r"[^\W_]+(?:&[^\W_]+)?")  # "R&D" stays one word


@lru_cache(maxsize=100_000)  # a corpus repeats its words; the lemma of each is worked out once
def lemma(word: str) -> str:
    """Fold case, British -isation spelling and English plurals; leave other endings alone."""
    w = word.casefold().replace("isation", "ization")
    if len(w) <= 3 or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zes")):
        return w[:-2]
    return w[:-1] if w.endswith("s") else w


def words(text: str) -> list[str]:
    """The lemmas of a text's content words, in order."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"['’]s\b", "", text)  # possessive: "China's" is "China"
    return [lw for w in _WORD_RE.findall(text) if (lw := lemma(w)) not in _STOP]


@dataclass(frozen=True)
class Keyword:
    """One vocabulary entry: its terms (a trailing * marks a prefix) and weight."""

    text: str
    terms: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Theme:
    """A theme of the taxonomy."""

    slug: str
    label: str
    description: str
    parent: str | None
    keywords: tuple[Keyword, ...]
    position: int
    replaces: tuple[str, ...] = ()


@dataclass
class Taxonomy:
    """All themes, in file order, with the classifier settings and the file's fingerprint."""

    themes: dict[str, Theme]
    fingerprint: str
    path: Path | None = None
    threshold: float = DEFAULT_THRESHOLD
    # lemma -> keywords starting with it, and lemma -> themes whose vocabulary has it: caches,
    # filled as words are met (corpora repeat words)
    _first: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _having: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # heading text -> its theme: every sentence of a section asks about the same heading
    _headings: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # sentence text -> its evidence: asked again by the paragraph rule, and boilerplate recurs
    # word for word across documents
    _evidence: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __iter__(self):
        """Themes in display order."""
        return iter(self.themes.values())

    @cached_property
    def redirects(self) -> dict[str, str]:
        """Retired slug -> the theme that replaces it (published URLs answer 301 there)."""
        return {old: t.slug for t in self for old in t.replaces}

    def children(self, slug: str) -> list[str]:
        """Slugs of the themes whose parent is `slug`."""
        return [t.slug for t in self if t.parent == slug]

    def descendants(self, slug: str) -> list[str]:
        """`slug` and every theme below it: what a search on `slug` should include."""
        out, todo = [], [slug]
        while todo:
            s = todo.pop(0)
            out.append(s)
            todo.extend(self.children(s))
        return out

    @cached_property
    def _entries(self) -> list[tuple[str, Keyword]]:
        """Every (theme slug, keyword), the classifier's search space."""
        return [(t.slug, k) for t in self for k in t.keywords]

    @cached_property
    def _vocab(self) -> dict[str, tuple[str, ...]]:
        """Per theme, the words heading_theme compares: slug, label and keyword terms."""
        out = {}
        for t in self:
            terms = set(words(t.slug.replace("-", " ")) + words(t.label))
            # a phrase's words alone are not the theme ("development" of "research and development")
            terms.update(k.terms[0] for k in t.keywords if len(k.terms) == 1)
            out[t.slug] = tuple(terms - _TOPIC)
        return out

    @cached_property
    def _by_first(self) -> tuple[dict[str, list[int]], dict[int, dict[str, list[int]]]]:
        """Positions in _entries by first term: exact terms, and prefixes by their length."""
        exact: dict[str, list[int]] = {}
        prefixes: dict[int, dict[str, list[int]]] = {}
        for n, (_, k) in enumerate(self._entries):
            first = k.terms[0]
            if first.endswith("*"):
                prefixes.setdefault(len(first) - 1, {}).setdefault(first[:-1], []).append(n)
            else:
                exact.setdefault(first, []).append(n)
        return exact, prefixes

    def candidates(self, w: str) -> list[tuple[str, Keyword]]:
        """Keywords whose first term matches lemma `w`, in taxonomy order."""
        hit = self._first.get(w)
        if hit is None:
            exact, prefixes = self._by_first
            found = list(exact.get(w, ()))
            for length, table in prefixes.items():
                found.extend(table.get(w[:length], ()) if len(w) >= length else ())
            hit = self._first[w] = [self._entries[n] for n in sorted(found)]
        return hit

    def themes_having(self, w: str) -> list[str]:
        """Slugs of the themes whose heading vocabulary (see _vocab) matches lemma `w`."""
        hit = self._having.get(w)
        if hit is None:
            hit = self._having[w] = [s for s, terms in self._vocab.items() if any(_term_matches(t, w) for t in terms)]
        return hit


def _term_matches(term: str, w: str) -> bool:
    """A term matches a lemma exactly, or as a prefix when it ends with *."""
    return w.startswith(term[:-1]) if term.endswith("*") else w == term


_EVIDENCE_KEPT = 20_000  # sentences whose evidence is remembered; forgotten all at once past it
_NO_EVIDENCE: Mapping[str, float] = MappingProxyType({})


def evidence(taxonomy: Taxonomy, text: str) -> Mapping[str, float]:
    """Summed weight of the distinct keywords of each theme found in `text` (read-only: shared)."""
    cache = taxonomy._evidence
    hit = cache.get(text)
    if hit is None:
        if len(cache) >= _EVIDENCE_KEPT:
            cache.clear()
        found = _evidence(taxonomy, text)
        hit = cache[text] = MappingProxyType(found) if found else _NO_EVIDENCE
    return hit


def _evidence(taxonomy: Taxonomy, text: str) -> dict[str, float]:
    ws = words(text)
    matches = []  # (slug, keyword, first word, end)
    for i, w in enumerate(ws):
        for slug, kw in taxonomy.candidates(w):
            rest = kw.terms[1:]
            if len(rest) <= len(ws) - i - 1 and all(_term_matches(t, ws[i + 1 + j]) for j, t in enumerate(rest)):
                matches.append((slug, kw, i, i + len(kw.terms)))
    # A phrase claims its words: "governance rules" or "training data" fixes the sense, so
    # another theme's single word inside it ("rule", "training") is not evidence.
    claimed: dict[int, set[str]] = {}
    for slug, kw, i, end in matches:
        if end - i > 1:
            for j in range(i, end):
                claimed.setdefault(j, set()).add(slug)
    found: dict[tuple[str, str], float] = {}
    for slug, kw, i, end in matches:
        if end - i == 1 and claimed.get(i, {slug}) - {slug}:
            continue
        found[(slug, kw.text)] = kw.weight
    out: dict[str, float] = {}
    for (slug, _), weight in found.items():
        out[slug] = out.get(slug, 0.0) + weight
    return out


def _score(taxonomy: Taxonomy, weight: float) -> float:
    """Map summed keyword weight to 0-1: 0.5 at the threshold, saturating above it."""
    return round(1 - 0.5 ** (weight / taxonomy.threshold), 4)


def classify(taxonomy: Taxonomy, text: str) -> list[tuple[str, float]]:
    """Themes of a sentence whose vocabulary evidence reaches the threshold, best first."""
    return _classified(taxonomy, evidence(taxonomy, text))


def _classified(taxonomy: Taxonomy, ev: dict[str, float]) -> list[tuple[str, float]]:
    hits = [(s, _score(taxonomy, w)) for s, w in ev.items() if w >= taxonomy.threshold]
    return sorted(hits, key=lambda h: (-h[1], taxonomy.themes[h[0]].position))


def assign_themes(
    taxonomy: Taxonomy, text: str, linked_commentary_themes: Iterable[str]
) -> list[tuple[str, float, str]]:
    """Themes of an official sentence: (slug, score, "crossref" | "classifier"), best first."""
    ev = evidence(taxonomy, text)
    out = {s: (score, "classifier") for s, score in _classified(taxonomy, ev)}
    for slug in set(linked_commentary_themes):
        # A link alone can point at a neighbouring sentence; ask for one word of evidence.
        if slug in taxonomy.themes and ev.get(slug, 0.0) > 0:
            score = max(CROSSREF_MIN_SCORE, out.get(slug, (0.0, ""))[0])
            out[slug] = (score, "crossref")
    return sorted(((s, sc, src) for s, (sc, src) in out.items()),
                  key=lambda h: (-h[1], taxonomy.themes[h[0]].position))


def commentary_themes(
    taxonomy: Taxonomy, text: str, heading_text: str | None
) -> list[tuple[str, float, str]]:
    """Themes of a commentary sentence: (slug, score, "classifier" | "heading"), best first."""
    ev = evidence(taxonomy, text)
    out = {s: (score, "classifier") for s, score in _classified(taxonomy, ev)}
    slug = heading_theme(taxonomy, heading_text) if heading_text else None
    if slug and slug not in out and ev.get(slug, 0.0) > 0:
        weight = ev[slug] + taxonomy.threshold / 2
        if weight >= taxonomy.threshold:
            out[slug] = (_score(taxonomy, weight), "heading")
    return sorted(((s, sc, src) for s, (sc, src) in out.items()),
                  key=lambda h: (-h[1], taxonomy.themes[h[0]].position))


def heading_theme(taxonomy: Taxonomy, heading_text: str) -> str | None:
    """The theme a section heading names, or None when no theme clearly wins."""
    try:
        return taxonomy._headings[heading_text]
    except KeyError:
        slug = taxonomy._headings[heading_text] = _heading_theme(taxonomy, heading_text)
        return slug


def _heading_theme(taxonomy: Taxonomy, heading_text: str) -> str | None:
    # the heading's own vocabulary evidence, as for a sentence, plus the words it shares with
    # each theme's name and single-word keywords
    scores: dict[str, float] = {s: 2 * w / taxonomy.threshold for s, w in evidence(taxonomy, heading_text).items()}
    for w in set(words(heading_text)):
        having = taxonomy.themes_having(w)
        for s in having:  # a word every theme has tells nothing; a unique one decides
            scores[s] = scores.get(s, 0.0) + 1 / len(having)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 1.0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]
