"""jieba's dictionary as a trie (app.text.zh_words): the same words as jieba's own tokenizer."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import jieba
import pytest

from app.text import zh_words

DATA = Path(__file__).parents[1] / "data" / "zh"


@pytest.fixture(scope="module")
def jieba_own():
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@pytest.fixture(scope="module")
def dictionary() -> Path:
    f = jieba.dt.get_dict_file()
    f.close()
    return Path(f.name)


@pytest.fixture(scope="module")
def trie_tok(dictionary, tmp_path_factory):
    return zh_words.trie_tokenizer(zh_words.load(dictionary, tmp_path_factory.mktemp("cache")))


def texts(jieba_own) -> list[str]:
    """Real Chinese policy text, and long runs of dictionary words, fragments of words and
    characters outside the dictionary, mixed with Latin letters, digits and punctuation."""
    real = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*-zh.md"))]
    rng = random.Random(7)
    vocabulary = [w for w, f in jieba_own.FREQ.items() if f]
    pieces = vocabulary + ["", "AI", "2025年", "，", "。", "“", "”", "GPT-4", "𠀋", "丨丨", " "]
    made = ["".join(rng.choice(pieces) for _ in range(300)) for _ in range(60)]
    longest = max(map(len, vocabulary))
    made.append("，".join(w for w in vocabulary if len(w) >= longest - 1))
    # Prefixes of words only (in jieba's dict with frequency 0), which fall to its HMM.
    made.append("".join(w[:-1] for w in rng.sample(vocabulary, 400) if len(w) > 2))
    return real + made


@pytest.mark.parametrize("mode", ["default", "search"])
def test_the_trie_cuts_every_text_exactly_as_jieba_does(jieba_own, trie_tok, mode):
    for text in texts(jieba_own):
        assert list(trie_tok.tokenize(text, mode=mode)) == list(jieba_own.tokenize(text, mode=mode))


def test_its_word_graph_and_best_routes_are_jiebas(jieba_own, trie_tok):
    for text in texts(jieba_own):
        for block in jieba.re_han_default.findall(text):
            dag = trie_tok.get_DAG(block)
            assert dag == jieba_own.get_DAG(block)
            mine, own = {}, {}
            trie_tok.calc(block, dag, mine)
            jieba_own.calc(block, jieba_own.get_DAG(block), own)
            assert [x for _score, x in mine.values()] == [x for _score, x in own.values()]
            assert [score for score, _x in mine.values()] == pytest.approx([score for score, _x in own.values()])


def test_it_answers_jiebas_dictionary_questions_as_its_dict_does(jieba_own, trie_tok):
    freq, own = trie_tok.FREQ, jieba_own.FREQ
    assert trie_tok.total == jieba_own.total
    for key in ["人工智能", "人工智", "人工", "数据", "丨丨丨", "", "x", "人工智能是"]:
        assert (key in freq) == (key in own), key
        assert bool(freq.get(key)) == bool(own.get(key)), key
        assert freq.get(key, -1) == own.get(key, -1) or (own.get(key) == 0 and freq.get(key) == 0), key


def test_the_built_trie_is_kept_and_read_back_by_the_next_process(dictionary, tmp_path, monkeypatch):
    first = zh_words.load(dictionary, tmp_path)
    [kept] = tmp_path.glob("jieba-*.trie")
    assert kept.stat().st_size < 8_000_000  # jieba's dict of prefixes is 65 MB in memory

    def no_build(path):
        raise AssertionError("rebuilt although the cache holds the trie")

    monkeypatch.setattr(zh_words, "build", no_build)
    again = zh_words.load(dictionary, tmp_path)
    assert (again.total, again.longest, len(again.trie)) == (first.total, first.longest, len(first.trie))


def test_a_damaged_cache_file_is_rebuilt_not_fatal(dictionary, tmp_path, caplog):
    zh_words.load(dictionary, tmp_path)
    [kept] = tmp_path.glob("jieba-*.trie")
    kept.write_bytes(kept.read_bytes()[:1000])
    words = zh_words.load(dictionary, tmp_path)
    assert words.get("人工智能")
    assert "rebuilding" in caplog.text
    assert zh_words.Words.from_bytes(kept.read_bytes()).get("人工智能")  # and written back whole


def test_an_unwritable_cache_directory_still_gives_the_words(dictionary, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    words = zh_words.load(dictionary, blocked / "cache")
    assert words.get("数据") and "数据" in words


def test_another_jieba_version_gets_jiebas_own_tokenizer(monkeypatch):
    monkeypatch.setattr(zh_words, "JIEBA_VERSION", "0.0.0")
    zh_words.tokenizer.cache_clear()
    try:
        assert zh_words.tokenizer() is jieba.dt
        assert [w for w, _s, _e in zh_words.tokenizer().tokenize("数据资源丰富")] == ["数据", "资源", "丰富"]
    finally:
        zh_words.tokenizer.cache_clear()


def test_a_bad_dictionary_line_is_named(tmp_path):
    bad = tmp_path / "dict.txt"
    bad.write_text("数据 100 n\n资源 lots n\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dict\.txt at line 2"):
        zh_words.build(bad)


def test_without_a_home_directory_the_cache_goes_to_the_temp_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("POLICY_ARCHIVE_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(zh_words.Path, "home", staticmethod(no_home))
    monkeypatch.setattr(zh_words.tempfile, "gettempdir", lambda: str(tmp_path))
    assert zh_words.cache_dir() == tmp_path / "policy-archive"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert zh_words.cache_dir() == tmp_path / "xdg" / "policy-archive"


def test_a_trie_that_cannot_be_built_leaves_jiebas_own_tokenizer(monkeypatch, caplog):
    def broken(path, directory):
        raise MemoryError("no room")

    monkeypatch.setattr(zh_words, "load", broken)
    zh_words.tokenizer.cache_clear()
    try:
        assert zh_words.tokenizer() is jieba.dt
        assert "jieba trie unavailable" in caplog.text
    finally:
        zh_words.tokenizer.cache_clear()
