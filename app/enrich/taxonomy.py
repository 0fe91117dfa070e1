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

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

DEFAULT_THRESHOLD = 2.0
CROSSREF_MIN_SCORE = 0.5  # commentary says so: at least as sure as a bare classifier hit
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
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


def _parse_keyword(raw: str) -> Keyword:
    """Parse "basic research^2" into terms and weight; ValueError says what is wrong."""
    text, _, weight = raw.partition("^")
    try:
        w = float(weight) if weight else 1.0
    except ValueError:
        raise ValueError(f"keyword {raw!r}: weight after ^ must be a number") from None
    terms = []
    for token in _WORD_RE.finditer(text):
        star = text[token.end():token.end() + 1] == "*"
        base = token.group().casefold() if star else lemma(token.group())
        if base not in _STOP:
            terms.append(base + "*" if star else base)
    if not terms or w <= 0:
        raise ValueError(f"keyword {raw!r}: needs a content word and a positive weight")
    return Keyword(raw, tuple(terms), w)


def _line_of(lines: list[str], start: int, key: str) -> int:
    """1-based line of `key =` in the block starting at line `start`, else the block's line."""
    for i in range(start, len(lines)):
        if i > start and lines[i].lstrip().startswith("["):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return start + 1


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate a themes file; ValueError names the file and line of any problem."""
    from app.ingest.records import shown  # file names in messages escaped, as for every source
    from app.ingest.safeparse import MAX_DEPTH, toml_too_deep  # the bounds every source file is parsed with

    path = Path(path)
    where_file = shown(path)
    try:
        if path.stat().st_size > 5 * 1024 * 1024:  # a taxonomy is a few kilobytes
            raise ValueError(f"{where_file}: over 5 MiB; not a themes file")
        raw = path.read_bytes()
        deep = toml_too_deep(raw.decode("utf-8"))
        if deep is not None:  # before tomllib, which recurses once per level
            raise ValueError(f"{where_file}, line {deep}: nested more than {MAX_DEPTH} levels deep")
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ValueError(f"{where_file}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where_file}: not UTF-8 text ({exc})") from None
    except RecursionError:
        raise ValueError(f"{where_file}: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS_RE.search(msg)
        if m:
            where = f", line {m.group(1)}, column {m.group(2)}"
        elif msg.endswith("(at end of document)"):  # e.g. an unclosed array: say where it ends
            where, msg = f", line {len(raw.splitlines())} (end of file)", msg[: -len("(at end of document)")]
        else:
            where = ""
        raise ValueError(f"{where_file}{where}: {_TOML_POS_RE.sub('', msg).strip()}") from None
    lines = raw.decode("utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"\s*\[\[\s*theme\s*\]\]", line)]
    blocks = data.get("theme")
    if not isinstance(blocks, list) or not blocks:
        raise ValueError(f"{where_file}: no [[theme]] blocks")
    themes: dict[str, Theme] = {}
    for n, block in enumerate(blocks):
        start = starts[n] if n < len(starts) else 0

        def fail(key: str, message: str) -> ValueError:
            return ValueError(f"{where_file}, line {_line_of(lines, start, key)}: {message}")

        if not isinstance(block, dict):
            raise ValueError(f"{where_file}: theme #{n + 1} must be a [[theme]] table")
        for key in ("slug", "label", "keywords"):
            if not block.get(key):
                raise fail("[[theme]]", f"theme #{n + 1} needs a non-empty {key!r}")
        slug = block["slug"]
        if not isinstance(slug, str) or not _SLUG_RE.match(slug):
            raise fail("slug", f"slug {slug!r} must be lower-case words joined by dashes")
        if slug in themes:
            raise fail("slug", f"duplicate slug {slug!r}")
        if not isinstance(block["keywords"], list) or not all(isinstance(k, str) for k in block["keywords"]):
            raise fail("keywords", f"{slug}: keywords must be a list of strings")
        try:
            keywords = tuple(_parse_keyword(k) for k in block["keywords"])
        except ValueError as exc:
            raise fail("keywords", f"{slug}: {exc}") from None
        if not isinstance(block.get("parent") or "", str):
            raise fail("parent", f"{slug}: parent must be a theme's slug")
        replaces = block.get("replaces", [])
        if not isinstance(replaces, list) or not all(isinstance(r, str) and _SLUG_RE.match(r) for r in replaces):
            raise fail("replaces", f"{slug}: replaces must be a list of slugs")
        themes[slug] = Theme(
            slug, str(block["label"]), str(block.get("description", "")),
            block.get("parent") or None, keywords, n, tuple(replaces),
        )
    for n, theme in enumerate(themes.values()):
        seen, p = {theme.slug}, theme.parent
        while p is not None:  # parents may come later in the file, so check after reading all
            if p not in themes:
                raise ValueError(f"{where_file}, line {_line_of(lines, starts[n], 'parent')}: "
                                 f"{theme.slug}: unknown parent {p!r}")
            if p in seen:
                raise ValueError(f"{where_file}, line {_line_of(lines, starts[n], 'parent')}: "
                                 f"{theme.slug}: parent cycle through {p!r}")
            seen.add(p)
            p = themes[p].parent
    replaced: dict[str, str] = {}
    for n, theme in enumerate(themes.values()):
        for old in theme.replaces:  # a retired slug must lead to one live theme, not shadow one
            if old in themes or old in replaced:
                why = "is a theme of this file" if old in themes else f"is already replaced by {replaced[old]!r}"
                raise ValueError(f"{where_file}, line {_line_of(lines, starts[n], 'replaces')}: "
                                 f"{theme.slug}: replaced slug {old!r} {why}")
            replaced[old] = theme.slug
    classifier = data.get("classifier", {})
    threshold = classifier.get("threshold", DEFAULT_THRESHOLD) if isinstance(classifier, dict) else None
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or threshold <= 0:
        raise ValueError(f"{where_file}: [classifier] threshold must be a positive number")
    return Taxonomy(themes, hashlib.sha256(raw).hexdigest(), path, float(threshold))


def evidence(taxonomy: Taxonomy, text: str) -> dict[str, float]:
    """Summed weight of the distinct keywords of each theme found in `text`."""
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
