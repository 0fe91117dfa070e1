"""What the benchmarks ask for, drawn deterministically from a built archive.

Quote queries come from real sentences of the archive (its SQLite store):

- exact:   a sentence verbatim;
- near:    the sentence with one letter changed in one word (even-numbered queries) or one
           word dropped (odd-numbered queries), the way a retyped or trimmed quote arrives;
- related: the sentence's words shuffled and its short function words dropped, so the
           wording differs but the vocabulary is the same (no synonym list involved);
- plain:   one or two content words of the sentence.

Page URLs: readers (/documents/{slug}), themes (/themes/{slug}), directives (/d/{id}) and the
search page (/search?q=...) over the same quote queries.
"""

from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

KINDS = ("exact", "near", "related", "plain")
_WORD = re.compile(r"[A-Za-z]+")
_SHORT = {"the", "of", "and", "to", "in", "a", "an", "for", "on", "with", "by", "as", "at", "that", "is", "it"}


@dataclass
class Workload:
    queries: dict[str, list[str]]
    sources: list[str]  # the passage id each query was drawn from (same order in every kind)
    documents: list[str]
    themes: list[str]
    directives: list[str]
    extra: dict = field(default_factory=dict)
    # Directives outside `directives`, each requested at most once: pages no cache has seen yet.
    unvisited: list[str] = field(default_factory=list)
    # Queries of each kind drawn from other sentences, each asked at most once: searches the page
    # cache has not answered before. `fresh_page` (from other sentences again) is for /search.
    fresh: dict[str, list[str]] = field(default_factory=dict)
    fresh_page: list[str] = field(default_factory=list)

    def api_search_paths(self, kind: str, mode: str = "quote") -> list[str]:
        return [f"/api/search?{urlencode({'q': q, 'mode': mode})}" for q in self.queries[kind]]

    def search_page_paths(self) -> list[str]:
        return [f"/search?{urlencode({'q': q})}" for q in interleave(*(self.queries[k] for k in KINDS))]

    def api_search_fresh_paths(self, kind: str) -> list[str]:
        return [f"/api/search?{urlencode({'q': q, 'mode': 'quote'})}" for q in self.fresh.get(kind, [])]

    def search_page_fresh_paths(self) -> list[str]:
        return [f"/search?{urlencode({'q': q})}" for q in self.fresh_page]

    def datasette_paths(self, db: str = "sentences", table: str = "sentences", size: int = 20) -> list[str]:
        return [f"/{db}/{table}?{urlencode({'_search': q, '_size': size})}"
                for q in interleave(*(self.queries[k] for k in KINDS))]

    def document_paths(self) -> list[str]:
        return [f"/documents/{quote(s, safe='')}" for s in self.documents]

    def theme_paths(self) -> list[str]:
        return [f"/themes/{quote(s, safe='')}" for s in self.themes]

    def directive_paths(self) -> list[str]:
        return [f"/d/{quote(s, safe='')}" for s in self.directives]

    def unvisited_directive_paths(self) -> list[str]:
        return [f"/d/{quote(s, safe='')}" for s in self.unvisited]

    def mixed_paths(self) -> list[str]:
        """Search, theme, document and directive pages in turn (the issue 7 mix)."""
        n = max(len(self.search_page_paths()), len(self.document_paths()), len(self.directive_paths()))
        parts = [self.search_page_paths(), self.theme_paths(), self.document_paths(), self.directive_paths()]
        return [p[i % len(p)] for i in range(n) for p in parts if p]


def interleave(*lists: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(max(map(len, lists), default=0)):
        out += [lst[i] for lst in lists if i < len(lst)]
    return out


def _near(text: str, rng: random.Random, i: int) -> str:
    words = text.split(" ")
    if i % 2 == 1 and len(words) > 6:
        del words[rng.randrange(1, len(words) - 1)]  # drop a word, never the first or last
        return " ".join(words)
    candidates = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text
    k = rng.choice(candidates)
    w = words[k]
    pos = rng.randrange(1, len(w) - 1)
    letter = rng.choice([c for c in "etaoinsrhl" if c != w[pos].lower()])
    words[k] = w[:pos] + letter + w[pos + 1:]
    return " ".join(words)


def _related(text: str, rng: random.Random) -> str:
    words = [w for w in _WORD.findall(text) if w.lower() not in _SHORT]
    rng.shuffle(words)
    return " ".join(words)


def _plain(text: str, rng: random.Random, i: int) -> str:
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(text) if len(w) >= 4 and w.lower() not in _SHORT))
    if not words:
        return text.split()[0]
    return " ".join(rng.sample(words, min(len(words), 1 + i % 2)))


def _queries(picked: list[tuple[str, str]], rng: random.Random) -> dict[str, list[str]]:
    """The four kinds of query made from the same sentences."""
    return {
        "exact": [t for _, t in picked],
        "near": [_near(t, rng, i) for i, (_, t) in enumerate(picked)],
        "related": [_related(t, rng) for _, t in picked],
        "plain": [_plain(t, rng, i) for i, (_, t) in enumerate(picked)],
    }


def build(db_path: Path, *, n_queries: int = 200, n_pages: int = 200, n_unvisited: int = 20000,
          n_fresh: int = 2000, seed: int = 1) -> Workload:
    """Draw the workload from the archive's SQLite store (read-only)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT p.id, p.text FROM passages p JOIN documents d ON d.id = p.document_id "
            "WHERE p.active = 1 AND p.kind = 'sentence' AND d.status = 'active' ORDER BY p.id").fetchall()
        docs = [r[0] for r in conn.execute("SELECT slug FROM documents WHERE status = 'active' ORDER BY slug")]
        themes = [r[0] for r in conn.execute("SELECT slug FROM themes ORDER BY position")]
        directives = [r[0] for r in conn.execute(
            "SELECT id FROM passages WHERE active = 1 AND is_directive = 1 ORDER BY id")]
    finally:
        conn.close()
    rng = random.Random(f"workload:{seed}")
    # Quotable sentences: 6 to 60 words (people quote sentences, not fragments or paragraphs).
    quotable = [(pid, t) for pid, t in rows if 6 <= len(t.split()) <= 60]
    picked = rng.sample(quotable, min(n_queries, len(quotable)))
    queries = _queries(picked, rng)
    chosen = set(picked)
    others = [q for q in quotable if q not in chosen]
    others = rng.sample(others, min(2 * n_fresh, len(others)))
    fresh = _queries(others[:len(others) // 2], rng)
    fresh_page = interleave(*_queries(others[len(others) // 2:], rng).values())
    return Workload(
        queries=queries,
        sources=[pid for pid, _ in picked],
        documents=rng.sample(docs, min(n_pages, len(docs))),
        themes=themes,
        directives=(sampled := rng.sample(directives, min(n_pages, len(directives)))),
        extra={"sentences": len(rows), "quotable": len(quotable)},
        unvisited=rng.sample(rest := sorted(set(directives) - set(sampled)), min(n_unvisited, len(rest))),
        fresh=fresh,
        fresh_page=fresh_page,
    )
