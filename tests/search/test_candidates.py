"""The two array operations candidates are gathered with, against the plain definitions they
replace: which sentences hold a quote's rarest words, and in what order they are checked."""

from __future__ import annotations

import random
from array import array
from collections import Counter

import numpy as np

from app.search.candidates import most_shared, within


def _postings(rng: random.Random, top: int, most: int) -> array:
    return array("i", sorted(rng.sample(range(top), rng.randint(0, most))))


def test_within_keeps_exactly_the_docnums_both_lists_hold():
    rng = random.Random(1)
    for _ in range(500):
        a, b = _postings(rng, 400, 120), _postings(rng, 400, 300)
        got = within(np.frombuffer(a, dtype=np.int32), np.frombuffer(b, dtype=np.int32)).tolist()
        assert got == sorted(set(a) & set(b))


def test_most_shared_puts_sentences_with_more_rare_words_first_ties_in_first_seen_order():
    rng = random.Random(2)
    for _ in range(500):
        lists = [_postings(rng, 200, 60) for _ in range(rng.randint(0, 6))]
        need = rng.randint(1, 4)
        counts = Counter()
        for p in lists:
            counts.update(p)
        # Counter.most_common keeps first-seen order among equal counts
        assert most_shared(lists, need).tolist() == [d for d, n in counts.most_common() if n >= need]


def test_most_shared_of_nothing_is_nothing():
    assert most_shared([], 1).tolist() == [] and most_shared([array("i")], 1).tolist() == []
