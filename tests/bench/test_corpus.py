"""Tests for the synthetic benchmark corpus generator (bench/corpus.py)."""

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from bench.corpus import fresh_index, generate, write_one

# A theme heading: its own line, Title Case (small words aside), ending with a colon.
_SMALL = {"of", "and", "in", "for", "on", "a", "an", "the", "to"}
_RUN_TOGETHER = re.compile(r"[a-z]\.[A-Z]")


def _read(path: Path) -> tuple[dict, list[str]]:
    """Split a document into (front matter parsed with yaml.safe_load, body lines)."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body.rstrip("\n").split("\n")


def _is_heading(line: str) -> bool:
    """True for lines like 'Strategic Positioning of Widgetry:'."""
    words = line[:-1].split()
    return (line.endswith(":") and 2 <= len(words) <= 8
            and all(w[0].isupper() or w in _SMALL for w in words) and words[0][0].isupper())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A 200-document corpus shared by the tests below: (dir, CorpusInfo, {slug: (meta, lines)})."""
    out = tmp_path_factory.mktemp("corpus")
    info = generate(out, 200, seed=3)
    docs = {p.stem: _read(p) for p in sorted(out.glob("*.txt"))}
    return out, info, docs


def test_same_seed_same_bytes(tmp_path):
    """A seed fixes every byte; another seed gives other documents."""
    a, b, c = (tmp_path / n for n in "abc")
    info_a, info_b = generate(a, 30, seed=5), generate(b, 30, seed=5)
    generate(c, 30, seed=6)
    names = sorted(p.name for p in a.iterdir())
    assert len(names) == 30 and names == sorted(p.name for p in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    assert (info_a.sentences, info_a.words, info_a.vocabulary) == (
        info_b.sentences, info_b.words, info_b.vocabulary)
    assert names != sorted(p.name for p in c.iterdir())


def test_counts_pairs_and_front_matter(corpus):
    """N files, half of each kind, valid front matter, every comments_on resolves."""
    out, info, docs = corpus
    assert info.documents == len(docs) == 200
    assert info.bytes == sum(p.stat().st_size for p in out.glob("*.txt"))
    kinds = Counter(meta["kind"] for meta, _ in docs.values())
    assert kinds == {"official": 100, "commentary": 100}
    officials = {slug for slug, (meta, _) in docs.items() if meta["kind"] == "official"}
    for slug, (meta, lines) in docs.items():
        assert meta["slug"] == slug and meta["language"] == "en"
        assert isinstance(meta["date"], date) and 2015 <= meta["date"].year <= 2025
        assert meta["title"] and meta["publisher"] and meta["source_url"].startswith("https://")
        assert all(lines), "one paragraph per line, no blank lines"
        if meta["kind"] == "commentary":
            assert meta["comments_on"] in officials
        else:
            assert lines[0].startswith("(") and "—" in lines[0]  # dateline
    assert len({meta["title"] for meta, _ in docs.values()}) > 190
    assert len({meta["publisher"] for meta, _ in docs.values()}) >= 20


def test_body_shapes(corpus):
    """Run-together sentences in officials; headings and enumerations in commentaries."""
    _, _, docs = corpus
    officials = [lines for meta, lines in docs.values() if meta["kind"] == "official"]
    commentaries = [lines for meta, lines in docs.values() if meta["kind"] == "commentary"]
    assert sum(bool(_RUN_TOGETHER.search("\n".join(ls))) for ls in officials) > 50
    assert all(sum(map(_is_heading, ls)) >= 3 for ls in commentaries)
    assert sum(any(line.startswith("(1) ") for line in ls) for ls in commentaries) > 20
    text = "\n".join("\n".join(ls) for ls in officials)
    for phrase in ("must", "called for", "stressed the need to", "It is necessary to",
                   "presided over the session", "’"):
        assert phrase in text


def test_vocabulary_and_sentences_scale(corpus, tmp_path):
    """Zipf draw: thousands of types at 200 docs, more than at 50; ~30 sentences a document."""
    _, info, _ = corpus
    small = generate(tmp_path, 50, seed=3)
    assert info.vocabulary > 3000 and small.vocabulary < info.vocabulary
    assert 25 <= info.sentences / info.documents <= 35
    assert info.words > 10 * info.sentences


def test_write_one_adds_a_fresh_document(corpus, tmp_path):
    """write_one past the corpus end gives a new slug; inside it, the corpus's own bytes."""
    out, info, docs = corpus
    path = write_one(tmp_path, fresh_index(info.documents), seed=3)
    meta, _ = _read(path)
    assert meta["kind"] == "official" and path.stem == meta["slug"] not in docs
    comment = write_one(tmp_path, fresh_index(info.documents), seed=3, kind="commentary")
    assert _read(comment)[0]["comments_on"] == meta["slug"]
    again = write_one(tmp_path / "again", 0, seed=3)
    assert again.read_bytes() == (out / again.name).read_bytes()


def test_odd_count_and_stale_directory(tmp_path):
    """An odd N adds a lone official; a directory with documents is not silently mixed."""
    info = generate(tmp_path, 5)
    kinds = Counter(_read(p)[0]["kind"] for p in tmp_path.glob("*.txt"))
    assert info.documents == 5 and kinds == {"official": 3, "commentary": 2}
    with pytest.raises(FileExistsError):
        generate(tmp_path, 2)
    generate(tmp_path, 2, overwrite=True)
    assert len(list(tmp_path.glob("*.txt"))) == 2
