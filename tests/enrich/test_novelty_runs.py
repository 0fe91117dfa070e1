"""Candidate formulations of a document: content-bounded 2–5 word runs, the longest listed first, no overlaps."""

import numpy as np

from app.enrich.novelty_runs import listed, phrase_text, runs_of
from app.text.normalize import normalize


def _phrases(r):
    return {phrase_text(r, int(s), int(e)) for s, e in zip(r.start, r.end)}


def test_runs_start_and_end_with_content_words_within_one_sentence():
    r = runs_of([("a", "We must build a safe and controllable system."), ("b", "Systems work.")])
    found = _phrases(r)
    assert "safe and controllable" in found
    assert "a safe" not in found and "and controllable" not in found  # bounded by content words
    assert not any("system systems" in p for p in found)  # never across sentences
    assert all(2 <= len(p.split()) <= 5 for p in found)


def test_listed_phrases_are_distinct_never_nested_and_found_again_by_normalising():
    r = runs_of([("a", "We must build a safe and controllable governance system."),
                 ("b", "A safe and controllable approach.")])
    new = listed(r, np.ones(len(r.hashes), dtype=bool))
    phrases = [n["phrase"] for n in new]
    assert len(phrases) == len(set(phrases)) and len(phrases) <= 30
    assert all(normalize(p) == p for p in phrases)
    assert not any(p != q and f" {p} " in f" {q} " for p in phrases for q in phrases)  # no sub-run of a listed one
    assert all(n["ids"] for n in new)


def test_nothing_first_here_lists_nothing():
    r = runs_of([("a", "Safe and controllable governance.")])
    assert listed(r, np.zeros(len(r.hashes), dtype=bool)) == []


def test_chinese_runs_follow_jieba_words_and_keep_characters_together():
    r = runs_of([("z", "要加快建设数据资源丰富的人工智能体系。")])
    found = _phrases(r)
    assert "数据资源" in found and all(" " not in p for p in found)


def test_a_sentence_has_one_hash_shared_by_its_normalised_copies_only():
    a = runs_of([("a", "The State shall regulate artificial intelligence services.")]).sentences[0]
    b = runs_of([("b", "The state shall regulate Artificial Intelligence services!")]).sentences[0]
    c = runs_of([("c", "The State shall regulate artificial intelligence service.")]).sentences[0]
    assert a[1] == b[1]  # case and punctuation aside, the same words
    assert a[1] != c[1]  # another word form is another sentence
    assert runs_of([("d", "The State acts.")]).sentences == []  # too few content words to be worth listing


def test_new_words_beside_a_listed_run_get_a_run_of_their_own():
    r = runs_of([("a", "The council approved a dedicated fund for computing infrastructure in the western provinces.")])
    phrases = [n["phrase"] for n in listed(r, np.ones(len(r.hashes), dtype=bool))]
    assert phrases[0] == "dedicated fund for computing infrastructure"  # the longest, with the longer words
    assert "council approved" in phrases and "western provinces" in phrases
